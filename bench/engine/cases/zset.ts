/** Baseline for the memory ratios: one sorted set of a million members with random (seeded) scores. */
import { seededRandom } from '@redstash/engine/testing';
import type { Argv, EngineBenchCase } from '../case.ts';

const KEY = 'zset';
const BATCH = 100;
const SCORE_RANGE = 1_000_000;

function* load(entries: number): Iterable<Argv> {
  const rnd = seededRandom(11);
  for (let i = 0; i < entries; i += BATCH) {
    const argv = ['ZADD', KEY];
    for (let j = i; j < Math.min(entries, i + BATCH); j++) argv.push(String(Math.floor(rnd() * SCORE_RANGE)), `m:${j}`);
    yield argv;
  }
}

const pick = (seed: number, range: number) => Math.floor(seededRandom(seed)() * range);

export const zsetCase: EngineBenchCase = {
  family: 'zset',
  entries: 1_000_000,
  load,
  loadOp: `ZADD (${BATCH} members)`,
  ops: [
    {
      name: 'ZRANGEBYSCORE min +inf LIMIT 0 10',
      argv: (i) => ['ZRANGEBYSCORE', KEY, String(pick(100 + i, SCORE_RANGE)), '+inf', 'LIMIT', '0', '10'],
    },
    { name: 'ZSCORE', argv: (i) => ['ZSCORE', KEY, `m:${pick(200 + i, zsetCase.entries)}`] },
    { name: 'ZADD 1 new member', argv: (i) => ['ZADD', KEY, String(pick(300 + i, SCORE_RANGE)), `n:${i}`] },
  ],
  redisComparable: true,
};
