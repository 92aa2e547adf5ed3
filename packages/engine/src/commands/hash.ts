/** Hash commands. */
import { addInt64, parseInt64 } from '../bytes.ts';
import { int64, is, MAX_RANDOM_PICKS } from '../command/args.ts';
import type { Ctx } from '../command/context.ts';
import * as E from '../command/errors.ts';
import { type Argv, type CommandDef, command, key } from '../command/table.ts';
import { globMatch } from '../keyspace/glob.ts';
import { parseScanArgs, type ScanArgs, scanStep } from '../keyspace/scan.ts';
import { addLongDouble, formatLongDouble, isFiniteLongDouble, parseLongDouble } from '../long-double.ts';
import { deleteIfEmpty, NOTIFY } from '../pubsub/notify.ts';
import { ErrorReply, MapReply, OK, type Reply } from '../reply.ts';
import { Hash } from '../types/hash.ts';

const newHash = () => new Hash();

/** Redis keeps a hash of up to this many fields as a listpack, which HSCAN returns whole in one call. */
const LISTPACK_MAX_ENTRIES = 128;

const LONG_MAX = '9223372036854775807';
const LONG_MIN = -(2n ** 63n);
const HALF_LONG_MAX = 4611686018427387903n;

/** Sets argv's field/value pairs from argv[2] on; returns how many fields were new. */
function setPairs(ctx: Ctx, argv: Argv, name: string): number {
  if (argv.length % 2 === 1) throw E.arity(name);
  const hash = ctx.db.getOrCreate(argv[1] as string, 'hash', newHash);
  let created = 0;
  for (let i = 2; i < argv.length; i += 2) if (hash.set(argv[i] as string, argv[i + 1] as string)) created++;
  ctx.notify(NOTIFY.HASH, 'hset', argv[1] as string);
  return created;
}

function hset(ctx: Ctx, argv: Argv): Reply {
  return setPairs(ctx, argv, 'hset');
}

function hmset(ctx: Ctx, argv: Argv): Reply {
  setPairs(ctx, argv, 'hmset');
  return OK;
}

function hsetnx(ctx: Ctx, argv: Argv): Reply {
  const hash = ctx.db.getOrCreate(argv[1] as string, 'hash', newHash);
  const field = argv[2] as string;
  if (hash.has(field)) return 0;
  hash.set(field, argv[3] as string);
  ctx.notify(NOTIFY.HASH, 'hset', argv[1] as string);
  return 1;
}

function hget(ctx: Ctx, argv: Argv): Reply {
  return ctx.db.get(argv[1] as string, 'hash')?.get(argv[2] as string) ?? null;
}

function hmget(ctx: Ctx, argv: Argv): Reply {
  const hash = ctx.db.get(argv[1] as string, 'hash');
  const out = new Array<Reply>(argv.length - 2);
  for (let i = 2; i < argv.length; i++) out[i - 2] = hash?.get(argv[i] as string) ?? null;
  return out;
}

function hgetall(ctx: Ctx, argv: Argv): Reply {
  const hash = ctx.db.get(argv[1] as string, 'hash');
  if (hash === undefined) return new MapReply([]);
  const items = new Array<Reply>(hash.size * 2);
  let i = 0;
  hash.forEach((value, field) => {
    items[i++] = field;
    items[i++] = value;
  });
  return new MapReply(items);
}

function hkeys(ctx: Ctx, argv: Argv): Reply {
  const hash = ctx.db.get(argv[1] as string, 'hash');
  return hash === undefined ? [] : Array.from(hash.keys());
}

function hvals(ctx: Ctx, argv: Argv): Reply {
  const hash = ctx.db.get(argv[1] as string, 'hash');
  if (hash === undefined) return [];
  const out = new Array<Reply>(hash.size);
  let i = 0;
  hash.forEach((value) => {
    out[i++] = value;
  });
  return out;
}

function hdel(ctx: Ctx, argv: Argv): Reply {
  const k = argv[1] as string;
  const hash = ctx.db.get(k, 'hash');
  if (hash === undefined) return 0;
  let deleted = 0;
  for (let i = 2; i < argv.length; i++) if (hash.delete(argv[i] as string)) deleted++;
  if (deleted === 0) return 0;
  ctx.notify(NOTIFY.HASH, 'hdel', k);
  deleteIfEmpty(ctx, k, hash);
  return deleted;
}

function hlen(ctx: Ctx, argv: Argv): Reply {
  return ctx.db.get(argv[1] as string, 'hash')?.size ?? 0;
}

function hexists(ctx: Ctx, argv: Argv): Reply {
  return ctx.db.get(argv[1] as string, 'hash')?.has(argv[2] as string) ? 1 : 0;
}

function hstrlen(ctx: Ctx, argv: Argv): Reply {
  return ctx.db.get(argv[1] as string, 'hash')?.get(argv[2] as string)?.length ?? 0;
}

/** HINCRBY: creating the key first is safe, as no error can follow for a field that is not there yet. */
function hincrby(ctx: Ctx, argv: Argv): Reply {
  const incr = int64(argv[3]);
  const hash = ctx.db.getOrCreate(argv[1] as string, 'hash', newHash);
  const field = argv[2] as string;
  const old = hash.get(field);
  let value: number | bigint = 0;
  if (old !== undefined) {
    const n = parseInt64(old);
    if (n === null) throw E.HASH_NOT_INTEGER;
    value = n;
  }
  const sum = addInt64(value, incr);
  if (sum === null) throw E.OVERFLOW;
  // An increment keeps the field's TTL (Redis 7.4), as any in-place update of a value does.
  hash.set(field, String(sum), true);
  ctx.notify(NOTIFY.HASH, 'hincrby', argv[1] as string);
  return sum;
}

/**
 * HINCRBYFLOAT computes in long double as Redis does, and is propagated as HSET of the result so a replay
 * does not depend on float arithmetic. The reply is the stored text (a bulk string, not a double).
 */
function hincrbyfloat(ctx: Ctx, argv: Argv): Reply {
  const incr = parseLongDouble(argv[3] as string);
  if (incr === null) throw E.NOT_FLOAT;
  if (!isFiniteLongDouble(incr)) throw E.VALUE_NAN_OR_INF;
  const k = argv[1] as string;
  const hash = ctx.db.getOrCreate(k, 'hash', newHash);
  const field = argv[2] as string;
  const old = hash.get(field);
  let sum = incr;
  if (old !== undefined) {
    const value = parseLongDouble(old);
    if (value === null) throw E.HASH_NOT_FLOAT;
    sum = addLongDouble(value, incr);
    if (!isFiniteLongDouble(sum)) throw E.INCR_NAN_OR_INF;
  }
  const text = formatLongDouble(sum);
  hash.set(field, text, true);
  // HSET would drop a field TTL on replay: a field with one is logged as Redis 8 does, HSETEX KEEPTTL.
  if (hash.expireAt(field) > 0) ctx.propagate(['HSETEX', k, 'KEEPTTL', 'FIELDS', '1', field, text]);
  else ctx.propagate(['HSET', k, field, text]);
  ctx.notify(NOTIFY.HASH, 'hincrbyfloat', k);
  return text;
}

/** HRANDFIELD key [count [WITHVALUES]]: a positive count picks distinct fields, a negative one may repeat. */
function hrandfield(ctx: Ctx, argv: Argv): Reply {
  const k = argv[1] as string;
  if (argv.length === 2) {
    const hash = ctx.db.get(k, 'hash');
    return hash === undefined ? null : hash.fieldAt(randomIndex(ctx, hash.size));
  }
  const n = int64(argv[2]);
  if (n === LONG_MIN) throw E.valueNotBetween(`-${LONG_MAX}`, LONG_MAX);
  if (argv.length > 4 || (argv.length === 4 && !is(argv[3], 'withvalues'))) throw E.SYNTAX;
  const withValues = argv.length === 4;
  if (withValues && (n > HALF_LONG_MAX || n < -HALF_LONG_MAX)) throw E.VALUE_OUT_OF_RANGE;
  const count = Number(n);
  if (count < -MAX_RANDOM_PICKS) throw E.valueNotBetween(String(-MAX_RANDOM_PICKS), LONG_MAX);
  const hash = ctx.db.get(k, 'hash');
  if (hash === undefined || count === 0) return [];
  const out: Reply[] = [];
  if (count >= hash.size) {
    hash.forEach((value, field) => {
      out.push(field);
      if (withValues) out.push(value);
    });
    return out;
  }
  const picks = count < 0 ? repeatedIndexes(ctx, hash.size, -count) : distinctIndexes(ctx, hash.size, count);
  for (const i of picks) {
    out.push(hash.fieldAt(i));
    if (withValues) out.push(hash.valueAt(i));
  }
  return out;
}

function randomIndex(ctx: Ctx, size: number): number {
  return Math.floor(ctx.random() * size);
}

/** `count` indexes below `size`, each drawn independently. */
function repeatedIndexes(ctx: Ctx, size: number, count: number): number[] {
  const out = new Array<number>(count);
  for (let j = 0; j < count; j++) out[j] = randomIndex(ctx, size);
  return out;
}

/** `count` distinct indexes below `size`, uniformly (Floyd's algorithm: O(count), whatever the size). */
function distinctIndexes(ctx: Ctx, size: number, count: number): Set<number> {
  const chosen = new Set<number>();
  for (let j = size - count; j < size; j++) {
    const t = randomIndex(ctx, j + 1);
    chosen.add(chosen.has(t) ? j : t);
  }
  return chosen;
}

/**
 * HSCAN key cursor [MATCH pattern] [COUNT count] [NOVALUES]. Redis checks the cursor, then the key, and
 * only then the options, so a missing key answers an empty scan whatever options follow.
 */
function hscan(ctx: Ctx, argv: Argv): Reply {
  let args: ScanArgs | ErrorReply;
  try {
    args = parseScanArgs(argv, 2, ['novalues']);
  } catch (err) {
    if (!(err instanceof ErrorReply) || err === E.INVALID_CURSOR) throw err;
    args = err;
  }
  const hash = ctx.db.get(argv[1] as string, 'hash');
  if (hash === undefined) return ['0', []];
  if (args instanceof ErrorReply) throw args;
  const { match, noValues } = args;
  const out: Reply[] = [];
  if (hash.size <= LISTPACK_MAX_ENTRIES) {
    hash.forEach((value, field) => {
      if (match !== undefined && !globMatch(match, field)) return;
      out.push(field);
      if (!noValues) out.push(value);
    });
    return ['0', out];
  }
  const step = scanStep(hash, args, () => hash.keys(), identity);
  for (const field of step.items) {
    out.push(field);
    if (!noValues) out.push(hash.get(field) as string);
  }
  return [String(step.cursor), out];
}

const identity = (field: string) => field;

export const hashCommands: CommandDef[] = [
  command('hset', -4, 'write denyoom fast', [key(1)], hset),
  command('hsetnx', 4, 'write denyoom fast', [key(1)], hsetnx),
  command('hmset', -4, 'write denyoom fast', [key(1)], hmset),
  command('hget', 3, 'readonly fast', [key(1)], hget),
  command('hmget', -3, 'readonly fast', [key(1)], hmget),
  command('hgetall', 2, 'readonly', [key(1)], hgetall),
  command('hkeys', 2, 'readonly', [key(1)], hkeys),
  command('hvals', 2, 'readonly', [key(1)], hvals),
  command('hdel', -3, 'write fast', [key(1)], hdel),
  command('hlen', 2, 'readonly fast', [key(1)], hlen),
  command('hexists', 3, 'readonly fast', [key(1)], hexists),
  command('hstrlen', 3, 'readonly fast', [key(1)], hstrlen),
  command('hincrby', 4, 'write denyoom fast', [key(1)], hincrby),
  command('hincrbyfloat', 4, 'write denyoom fast', [key(1)], hincrbyfloat),
  command('hrandfield', -2, 'readonly', [key(1)], hrandfield),
  command('hscan', -3, 'readonly', [key(1)], hscan),
];
