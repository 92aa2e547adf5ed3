/** Baseline for the memory ratios: one hash of a million fields, 8-byte values. */
import { seededRandom } from '@redstash/engine/testing';
import type { Argv, EngineBenchCase } from '../case.ts';

const KEY = 'hash';
const BATCH = 100;

const value = (j: number) => `v${String(j).padStart(7, '0')}`;

function* load(entries: number): Iterable<Argv> {
  for (let i = 0; i < entries; i += BATCH) {
    const argv = ['HSET', KEY];
    for (let j = i; j < Math.min(entries, i + BATCH); j++) argv.push(`f:${j}`, value(j));
    yield argv;
  }
}

export const hashCase: EngineBenchCase = {
  family: 'hash',
  entries: 1_000_000,
  load,
  loadOp: `HSET (${BATCH} fields)`,
  ops: [
    { name: 'HGET', argv: (i) => ['HGET', KEY, `f:${Math.floor(seededRandom(400 + i)() * hashCase.entries)}`] },
    { name: 'HSET 1 new field', argv: (i) => ['HSET', KEY, `n:${i}`, value(i)] },
  ],
  redisComparable: true,
};
