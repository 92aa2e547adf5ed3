/**
 * One HyperLogLog fed a million distinct elements. PFCOUNT on one key answers from the cardinality cached
 * in the header once computed, so repeated calls are cheap; over two keys nothing is cached and every call
 * merges both register sets, the real counting cost.
 */
import type { Argv, EngineBenchCase } from '../case.ts';

const KEY = 'hll';
/** A second, small HLL, so the two-key PFCOUNT has something to merge with. */
const OTHER = 'hll:other';
const BATCH = 100;

function* load(entries: number): Iterable<Argv> {
  for (let i = 0; i < entries; i += BATCH) {
    const argv = ['PFADD', KEY];
    for (let j = i; j < Math.min(entries, i + BATCH); j++) argv.push(`e:${j}`);
    yield argv;
  }
  const other = ['PFADD', OTHER];
  for (let j = 0; j < BATCH; j++) other.push(`o:${j}`);
  yield other;
}

export const hllCase: EngineBenchCase = {
  family: 'hll',
  entries: 1_000_000,
  load,
  loadOp: `PFADD (${BATCH} elements)`,
  ops: [
    { name: 'PFCOUNT 1 key (cached)', argv: () => ['PFCOUNT', KEY] },
    { name: 'PFCOUNT 2 keys (merge)', argv: () => ['PFCOUNT', KEY, OTHER] },
    { name: 'PFADD 1 new element', argv: (i) => ['PFADD', KEY, `n:${i}`] },
  ],
  redisComparable: true,
};
