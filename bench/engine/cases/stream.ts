/**
 * One stream of a million entries with two fields each, added with explicit IDs (1-0, 2-0, …) so both
 * servers hold the same entries; ranges start at seeded random IDs.
 */
import { seededRandom } from '@redstash/engine/testing';
import type { Argv, EngineBenchCase } from '../case.ts';

const KEY = 'stream';

function* load(entries: number): Iterable<Argv> {
  for (let i = 1; i <= entries; i++) yield ['XADD', KEY, `${i}-0`, 'sensor', `s${i % 100}`, 'value', String(i)];
}

const randomId = (i: number) => String(1 + Math.floor(seededRandom(700 + i)() * streamCase.entries));

export const streamCase: EngineBenchCase = {
  family: 'stream',
  entries: 1_000_000,
  load,
  loadOp: 'XADD (2 fields)',
  ops: [
    { name: 'XRANGE COUNT 10', argv: (i) => ['XRANGE', KEY, randomId(i), '+', 'COUNT', '10'] },
    { name: 'XREVRANGE COUNT 10', argv: (i) => ['XREVRANGE', KEY, randomId(i), '-', 'COUNT', '10'] },
    { name: 'XLEN', argv: () => ['XLEN', KEY] },
  ],
  redisComparable: true,
};
