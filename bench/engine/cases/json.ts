/**
 * One JSON document holding a million-item array, built by JSON.ARRAPPEND in batches. "JSON.GET/SET on 1M
 * entries" is read as one large document rather than a million small keys: that is what stresses JSON
 * itself (path evaluation over a big structure, in-place edits, memory accounting), where a million keys
 * of small documents would mostly measure the keyspace. The ops address one item by index and touch a
 * nested field, the common shape of real JSON workloads. Debian's redis-server has no RedisJSON module,
 * so there is no memory comparison.
 */
import type { Argv, EngineBenchCase } from '../case.ts';

const KEY = 'doc';
const BATCH = 100;

function* load(entries: number): Iterable<Argv> {
  yield ['JSON.SET', KEY, '$', '{"items":[],"meta":{"count":0}}'];
  for (let i = 0; i < entries; i += BATCH) {
    const argv = ['JSON.ARRAPPEND', KEY, '$.items'];
    for (let j = i; j < Math.min(entries, i + BATCH); j++) argv.push(`{"id":${j},"n":${j % 1000},"name":"item${j}"}`);
    yield argv;
  }
}

/** A spread of item indexes from the call number (a multiplicative hash, so calls do not walk in order). */
const item = (i: number, entries: number) => (i * 2654435761) % entries;

export const jsonCase: EngineBenchCase = {
  family: 'json',
  entries: 1_000_000,
  load,
  loadOp: `JSON.ARRAPPEND (${BATCH} items)`,
  ops: [
    { name: 'JSON.GET $.items[i]', argv: (i) => ['JSON.GET', KEY, `$.items[${item(i, 1_000_000)}]`] },
    { name: 'JSON.GET .meta (legacy)', argv: () => ['JSON.GET', KEY, '.meta'] },
    { name: 'JSON.SET $.items[i].n', argv: (i) => ['JSON.SET', KEY, `$.items[${item(i, 1_000_000)}].n`, String(i)] },
    { name: 'JSON.NUMINCRBY $.meta.count', argv: () => ['JSON.NUMINCRBY', KEY, '$.meta.count', '1'] },
  ],
  redisComparable: false,
};
