/** Generic keyspace commands: existence, types, expiry, renaming, copying and iteration. */
import { parseInt64 } from '../bytes.ts';
import { int, is } from '../command/args.ts';
import type { Ctx } from '../command/context.ts';
import * as E from '../command/errors.ts';
import { type Argv, type CommandDef, command, key } from '../command/table.ts';
import { globMatch } from '../keyspace/glob.ts';
import { parseScanArgs, scanStep } from '../keyspace/scan.ts';
import { NOTIFY, notifyMiss } from '../pubsub/notify.ts';
import { OK, type Reply, SimpleString } from '../reply.ts';
import { cloneValue, type RedisType } from '../types/index.ts';
import { msText } from './string.ts';

const LLONG_MAX = 9223372036854775807n;
const LLONG_MIN = -9223372036854775808n;
/** Below this an expire argument, in seconds or ms, plus the current time stays a safe integer. */
const SAFE_EXPIRE = 2 ** 43;
const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

const TYPE_NAMES: Record<RedisType | 'none', SimpleString> = {
  string: new SimpleString('string'),
  hash: new SimpleString('hash'),
  list: new SimpleString('list'),
  set: new SimpleString('set'),
  zset: new SimpleString('zset'),
  'ReJSON-RL': new SimpleString('ReJSON-RL'),
  stream: new SimpleString('stream'),
  none: new SimpleString('none'),
};

function del(ctx: Ctx, argv: Argv): Reply {
  let n = 0;
  for (let i = 1; i < argv.length; i++) {
    const k = argv[i] as string;
    if (!ctx.db.delete(k)) continue;
    ctx.notify(NOTIFY.GENERIC, 'del', k);
    n++;
  }
  return n;
}

/** EXISTS and TOUCH: how many of the keys exist, a repeated key counting each time. */
function exists(ctx: Ctx, argv: Argv): Reply {
  let n = 0;
  for (let i = 1; i < argv.length; i++) if (ctx.db.has(argv[i] as string)) n++;
  return n;
}

function type(ctx: Ctx, argv: Argv): Reply {
  return TYPE_NAMES[ctx.db.lookup(argv[1] as string)?.type ?? 'none'];
}

const NX = 1;
const XX = 2;
const GT = 4;
const LT = 8;

/**
 * The absolute time (ms) an EXPIRE-family argument names. Negative values are allowed (they delete the
 * key); only int64 overflow from the unit conversion or from adding `base` is refused, as in Redis.
 */
function expireTime(text: string, seconds: boolean, base: number, name: string): number {
  const n = parseInt64(text);
  if (n === null) throw E.NOT_INTEGER;
  if (typeof n === 'number' && Math.abs(n) < SAFE_EXPIRE) return (seconds ? n * 1000 : n) + base;
  let v = BigInt(n);
  if (seconds) {
    if (v > LLONG_MAX / 1000n || v < LLONG_MIN / 1000n) throw E.INVALID_EXPIRE(name);
    v *= 1000n;
  }
  if (v > LLONG_MAX - BigInt(base)) throw E.INVALID_EXPIRE(name);
  return Number(v + BigInt(base));
}

/**
 * EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT with NX | XX | GT | LT. For GT and LT a key without a TTL counts as
 * having an infinite one. A time not in the future deletes the key (propagated as DEL); otherwise the
 * effect is propagated as PEXPIREAT with the absolute time, so replay does not depend on the clock.
 */
function expireGeneric(ctx: Ctx, argv: Argv, name: string, seconds: boolean, relative: boolean): Reply {
  const k = argv[1] as string;
  let flags = 0;
  for (let i = 3; i < argv.length; i++) {
    const a = argv[i] as string;
    if (is(a, 'nx')) flags |= NX;
    else if (is(a, 'xx')) flags |= XX;
    else if (is(a, 'gt')) flags |= GT;
    else if (is(a, 'lt')) flags |= LT;
    else throw E.unsupportedOption(a);
  }
  if (flags & NX && flags & (XX | GT | LT)) throw E.NX_AND_XX_GT_LT;
  if (flags & GT && flags & LT) throw E.GT_AND_LT;
  const when = expireTime(argv[2] as string, seconds, relative ? ctx.now : 0, name);
  const entry = ctx.db.lookup(k);
  let applies = entry !== undefined;
  if (entry !== undefined && flags !== 0) {
    const current = entry.expireAt;
    if (flags & NX && current !== 0) applies = false;
    if (flags & XX && current === 0) applies = false;
    if (flags & GT && (current === 0 || when <= current)) applies = false;
    if (flags & LT && current !== 0 && when >= current) applies = false;
  }
  // db.now, not ctx.now: it is 0 while the log is replayed, when nothing counts as expired yet (Redis's
  // checkAlreadyExpired is false while loading).
  if (applies && when <= ctx.db.now) {
    ctx.db.delete(k);
    ctx.propagate(['DEL', k]);
    ctx.notify(NOTIFY.GENERIC, 'del', k);
    return 1;
  }
  if (applies) {
    ctx.db.setExpire(k, when);
    ctx.notify(NOTIFY.GENERIC, 'expire', k);
  }
  // With its options kept, the absolute form has the same outcome when replayed against the same state.
  ctx.propagate(['PEXPIREAT', k, msText(when), ...argv.slice(3)]);
  return applies ? 1 : 0;
}

const expire = (ctx: Ctx, argv: Argv) => expireGeneric(ctx, argv, 'expire', true, true);
const pexpire = (ctx: Ctx, argv: Argv) => expireGeneric(ctx, argv, 'pexpire', false, true);
const expireat = (ctx: Ctx, argv: Argv) => expireGeneric(ctx, argv, 'expireat', true, false);
const pexpireat = (ctx: Ctx, argv: Argv) => expireGeneric(ctx, argv, 'pexpireat', false, false);

/** TTL, PTTL, EXPIRETIME, PEXPIRETIME: -2 for a missing key, -1 without TTL; seconds round to nearest. */
function ttlGeneric(ctx: Ctx, argv: Argv, ms: boolean, absolute: boolean): Reply {
  const entry = ctx.db.lookup(argv[1] as string);
  if (entry === undefined) return -2;
  if (entry.expireAt === 0) return -1;
  const t = Math.max(0, absolute ? entry.expireAt : entry.expireAt - ctx.now);
  if (Number.isSafeInteger(t)) return ms ? t : Math.floor((t + 500) / 1000);
  // Expiry times past 2^53 ms are held as the nearest double; finish in integers from there.
  return ms ? BigInt(t) : (BigInt(t) + 500n) / 1000n;
}

const ttl = (ctx: Ctx, argv: Argv) => ttlGeneric(ctx, argv, false, false);
const pttl = (ctx: Ctx, argv: Argv) => ttlGeneric(ctx, argv, true, false);
const expiretime = (ctx: Ctx, argv: Argv) => ttlGeneric(ctx, argv, false, true);
const pexpiretime = (ctx: Ctx, argv: Argv) => ttlGeneric(ctx, argv, true, true);

function persist(ctx: Ctx, argv: Argv): Reply {
  const k = argv[1] as string;
  if (!ctx.db.persist(k)) return 0;
  ctx.notify(NOTIFY.GENERIC, 'persist', k);
  return 1;
}

/** RENAME keeps the TTL; renaming a key to itself is a no-op, but the key must exist. */
function rename(ctx: Ctx, argv: Argv): Reply {
  const from = argv[1] as string;
  const to = argv[2] as string;
  if (!ctx.db.rename(from, to)) throw E.NO_SUCH_KEY;
  if (from !== to) renamed(ctx, from, to);
  return OK;
}

function renamenx(ctx: Ctx, argv: Argv): Reply {
  const from = argv[1] as string;
  const to = argv[2] as string;
  if (!ctx.db.has(from)) throw E.NO_SUCH_KEY;
  if (from === to || ctx.db.has(to)) return 0;
  ctx.db.rename(from, to);
  renamed(ctx, from, to);
  return 1;
}

function renamed(ctx: Ctx, from: string, to: string): void {
  ctx.notify(NOTIFY.GENERIC, 'rename_from', from);
  ctx.notify(NOTIFY.GENERIC, 'rename_to', to);
}

/**
 * COPY source destination [DB n] [REPLACE]. There is one database, so DB accepts only 0. Copying a key onto
 * itself answers 0 as Upstash does (Redis answers "source and destination objects are the same").
 */
function copy(ctx: Ctx, argv: Argv): Reply {
  const src = argv[1] as string;
  const dst = argv[2] as string;
  let replace = false;
  for (let i = 3; i < argv.length; i++) {
    const a = argv[i];
    if (is(a, 'replace')) replace = true;
    else if (is(a, 'db') && i + 1 < argv.length) {
      const db = int(argv[++i]);
      if (db < INT_MIN || db > INT_MAX) throw E.valueNotBetween(String(INT_MIN), String(INT_MAX));
      if (db !== 0) throw E.DB_INDEX_OUT_OF_RANGE;
    } else throw E.SYNTAX;
  }
  if (src === dst) return 0;
  const entry = ctx.db.lookup(src);
  if (entry === undefined) {
    // Redis reads the source with lookupKeyRead, which reports a miss.
    notifyMiss(ctx, src);
    return 0;
  }
  if (!replace && ctx.db.has(dst)) return 0;
  ctx.db.put(dst, entry.type, cloneValue(entry.value), entry.expireAt);
  ctx.notify(NOTIFY.GENERIC, 'copy_to', dst);
  return 1;
}

function keys(ctx: Ctx, argv: Argv): Reply {
  const pattern = argv[1] as string;
  const all = pattern === '*';
  const out: string[] = [];
  for (const k of ctx.db.keys()) if (all || globMatch(pattern, k)) out.push(k);
  return out;
}

/**
 * SCAN cursor [MATCH p] [COUNT n] [TYPE t] [WITHTYPE]. WITHTYPE is Upstash's extension: each key is
 * followed by its type. An unknown TYPE name matches nothing (Redis keeps that for compatibility).
 */
function scan(ctx: Ctx, argv: Argv): Reply {
  const args = parseScanArgs(argv, 1, ['type', 'withtype']);
  const map = ctx.db.entries();
  const step = scanStep(
    map,
    args,
    () => map.entries(),
    (item) => item[0],
  );
  const out: string[] = [];
  for (const [k, entry] of step.items) {
    if (entry.expireAt !== 0 && entry.expireAt <= ctx.now) {
      ctx.db.peek(k); // Expires it, as Redis's SCAN does with keys past their time.
      continue;
    }
    if (args.type !== undefined && entry.type !== args.type) continue;
    out.push(k);
    if (args.withType) out.push(entry.type);
  }
  return [String(step.cursor), out];
}

function randomkey(ctx: Ctx): Reply {
  return ctx.db.randomKey(ctx.random) ?? null;
}

export const genericCommands: CommandDef[] = [
  command('del', -2, 'write', [key(1, -1)], del),
  command('unlink', -2, 'write fast', [key(1, -1)], del),
  command('exists', -2, 'readonly fast', [key(1, -1)], exists),
  command('touch', -2, 'readonly fast', [key(1, -1)], exists),
  command('type', 2, 'readonly fast', [key(1)], type),
  command('expire', -3, 'write fast', [key(1)], expire),
  command('pexpire', -3, 'write fast', [key(1)], pexpire),
  command('expireat', -3, 'write fast', [key(1)], expireat),
  command('pexpireat', -3, 'write fast', [key(1)], pexpireat),
  command('ttl', 2, 'readonly fast', [key(1)], ttl),
  command('pttl', 2, 'readonly fast', [key(1)], pttl),
  command('expiretime', 2, 'readonly fast', [key(1)], expiretime),
  command('pexpiretime', 2, 'readonly fast', [key(1)], pexpiretime),
  command('persist', 2, 'write fast', [key(1)], persist),
  command('rename', 3, 'write', [key(1), key(2)], rename),
  command('renamenx', 3, 'write fast', [key(1), key(2)], renamenx),
  command('copy', -3, 'write denyoom', [key(1), key(2)], copy),
  command('keys', 2, 'readonly', [], keys),
  command('scan', -2, 'readonly touches_arbitrary_keys', [], scan),
  command('randomkey', 1, 'readonly touches_arbitrary_keys', [], randomkey),
];
