/**
 * A key as the commands that rebuild it: what a snapshot (the append-only log's base) holds. Every value
 * type must be here — `rewrite.test.ts` fails for a type without an emitter — so a snapshot is always a
 * plain command stream that our loader, or `redis-cli --pipe`, can replay. Large collections are cut into
 * commands of at most REWRITE_BATCH elements, as Redis's AOF rewrite does.
 */
import { formatDouble } from '../bytes.ts';
import type { Argv } from '../command/table.ts';
import { serialize } from '../commands/json/format.ts';
import { rewriteStream } from '../commands/stream/rewrite.ts';
import type { Scripting } from '../scripting/scripting.ts';
import type { Hash } from '../types/hash.ts';
import type { RedisType } from '../types/index.ts';
import type { JsonDoc } from '../types/json.ts';
import type { List } from '../types/list.ts';
import type { RSet } from '../types/set.ts';
import type { ZSet } from '../types/zset.ts';
import type { Entry } from './keyspace.ts';

export const REWRITE_BATCH = 64;

type Emit = (argv: Argv) => void;

/** Emitters by type: the commands that recreate a value under `key`. */
export const EMITTERS: { [T in RedisType]: (key: string, value: never, emit: Emit) => void } = {
  string: (key, value: string, emit) => emit(['SET', key, value]),
  hash: (key, value: Hash, emit) => {
    let argv: string[] = ['HSET', key];
    value.forEach((v, f) => {
      argv.push(f, v);
      if (argv.length >= 2 + 2 * REWRITE_BATCH) {
        emit(argv);
        argv = ['HSET', key];
      }
    });
    if (argv.length > 2) emit(argv);
    if (value.hasFieldTtl) emitFieldTtls(key, value, emit);
  },
  list: (key, value: List, emit) => chunked('RPUSH', key, value.values(), emit),
  set: (key, value: RSet, emit) => chunked('SADD', key, value.values(), emit),
  zset: (key, value: ZSet, emit) => {
    let argv: string[] = ['ZADD', key];
    if (value.size === 0) return;
    for (let node = value.first, i = 0; i < value.size; i++, node = value.next(node)) {
      argv.push(formatDouble(value.scoreOf(node)), value.member(node));
      if (argv.length >= 2 + 2 * REWRITE_BATCH) {
        emit(argv);
        argv = ['ZADD', key];
      }
    }
    if (argv.length > 2) emit(argv);
  },
  // One command however large the document: JSON.SET cannot build a document piecewise at the root.
  'ReJSON-RL': (key, value: JsonDoc, emit) => emit(['JSON.SET', key, '$', serialize(value.root)]),
  stream: rewriteStream,
};

/**
 * Field TTLs as HPEXPIREAT key ms FIELDS n field…, one command per instant (cut by REWRITE_BATCH), earliest
 * first and each instant's fields in reverse: replaying them rebuilds a small hash's listpackex order, where
 * a field given a TTL goes before those with the same one.
 */
function emitFieldTtls(key: string, hash: Hash, emit: Emit): void {
  const byTime = new Map<number, string[]>();
  hash.forEach((_v, field) => {
    const at = hash.expireAt(field);
    if (at === 0) return;
    const fields = byTime.get(at);
    if (fields === undefined) byTime.set(at, [field]);
    else fields.push(field);
  });
  const times = [...byTime.keys()].sort((a, b) => a - b);
  for (const at of times) {
    const fields = (byTime.get(at) as string[]).reverse();
    for (let i = 0; i < fields.length; i += REWRITE_BATCH) {
      const batch = fields.slice(i, i + REWRITE_BATCH);
      emit(['HPEXPIREAT', key, String(at), 'FIELDS', String(batch.length), ...batch]);
    }
  }
}

function chunked(cmd: string, key: string, items: Iterable<string>, emit: Emit): void {
  let argv: string[] = [cmd, key];
  for (const item of items) {
    argv.push(item);
    if (argv.length >= 2 + REWRITE_BATCH) {
      emit(argv);
      argv = [cmd, key];
    }
  }
  if (argv.length > 2) emit(argv);
}

/** The commands that recreate one key, its TTL included (as an absolute PEXPIREAT). */
export function rewriteEntry(key: string, entry: Entry, emit: Emit): void {
  (EMITTERS[entry.type] as (key: string, value: unknown, emit: Emit) => void)(key, entry.value, emit);
  if (entry.expireAt !== 0) emit(['PEXPIREAT', key, String(entry.expireAt)]);
}

/** The function libraries, as the FUNCTION LOAD commands that recreate them. */
export function rewriteFunctions(scripting: Scripting | null, emit: Emit): void {
  if (scripting === null) return;
  for (const lib of scripting.libraries.values()) emit(['FUNCTION', 'LOAD', lib.code]);
}
