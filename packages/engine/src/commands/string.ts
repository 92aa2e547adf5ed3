/** String commands. */
import { constants } from 'node:buffer';
import { addInt64, parseInt64 } from '../bytes.ts';
import { int, int64, is } from '../command/args.ts';
import type { Ctx } from '../command/context.ts';
import * as E from '../command/errors.ts';
import { type Argv, type CommandDef, command, key } from '../command/table.ts';
import {
  addLongDouble,
  formatLongDouble,
  isFiniteLongDouble,
  type LongDouble,
  parseLongDouble,
} from '../long-double.ts';
import { NOTIFY, notifyMiss } from '../pubsub/notify.ts';
import { MapReply, OK, type Reply } from '../reply.ts';

const LLONG_MAX = 9223372036854775807n;
const LLONG_MIN = -9223372036854775808n;
/**
 * Redis's `proto-max-bulk-len` default: no string may grow past 512 MB. V8's longest string is 24 bytes
 * shorter, so those last bytes get Redis's error too rather than a crash.
 */
const MAX_STRING = Math.min(512 * 1024 * 1024, constants.MAX_STRING_LENGTH);
/** Below this an expire argument, in seconds or ms, plus the current time stays a safe integer. */
const SAFE_EXPIRE = 2 ** 43;

// SET / GETEX option flags, checked for conflicts the way Redis's `parseExtendedStringArgumentsOrReply` does.
const NX = 1;
const XX = 2;
const GET = 4;
const KEEPTTL = 8;
const PERSIST = 16;
const EX = 32;
const PX = 64;
const EXAT = 128;
const PXAT = 256;
const ANY_EXPIRE = EX | PX | EXAT | PXAT;

interface SetOptions {
  flags: number;
  /** The expire argument's text, when EX/PX/EXAT/PXAT was given. */
  expire: string | undefined;
}

function expireFlag(arg: string): number {
  if (is(arg, 'ex')) return EX;
  if (is(arg, 'px')) return PX;
  if (is(arg, 'exat')) return EXAT;
  if (is(arg, 'pxat')) return PXAT;
  return 0;
}

/**
 * SET's options (`forSet`) or GETEX's, from argv[start]. A repeated option is accepted (the last expire
 * wins), conflicting ones are a syntax error, as in Redis.
 */
function parseSetOptions(argv: Argv, start: number, forSet: boolean): SetOptions {
  let flags = 0;
  let expire: string | undefined;
  for (let i = start; i < argv.length; i++) {
    const a = argv[i] as string;
    const unit = i + 1 < argv.length ? expireFlag(a) : 0;
    if (forSet && is(a, 'nx') && !(flags & XX)) flags |= NX;
    else if (forSet && is(a, 'xx') && !(flags & NX)) flags |= XX;
    else if (forSet && is(a, 'get')) flags |= GET;
    else if (forSet && is(a, 'keepttl') && !(flags & (PERSIST | ANY_EXPIRE))) flags |= KEEPTTL;
    else if (!forSet && is(a, 'persist') && !(flags & (KEEPTTL | ANY_EXPIRE))) flags |= PERSIST;
    else if (unit !== 0 && !(flags & (KEEPTTL | PERSIST | (ANY_EXPIRE & ~unit)))) {
      flags |= unit;
      expire = argv[++i];
    } else throw E.SYNTAX;
  }
  return { flags, expire };
}

/**
 * The absolute expiry (ms) an EX/PX/EXAT/PXAT argument names, with Redis's checks: an integer, positive,
 * and no int64 overflow once converted and added to the current time.
 */
function expireAt(ctx: Ctx, text: string, flags: number, cmd: string): number {
  const n = parseInt64(text);
  if (n === null) throw E.NOT_INTEGER;
  const seconds = (flags & (EX | EXAT)) !== 0;
  const relative = (flags & (EX | PX)) !== 0;
  if (typeof n === 'number' && n > 0 && n < SAFE_EXPIRE) return (seconds ? n * 1000 : n) + (relative ? ctx.now : 0);
  const v = BigInt(n);
  if (v <= 0n || (seconds && v > LLONG_MAX / 1000n)) throw E.INVALID_EXPIRE(cmd);
  const ms = (seconds ? v * 1000n : v) + (relative ? BigInt(ctx.now) : 0n);
  if (ms > LLONG_MAX) throw E.INVALID_EXPIRE(cmd);
  return Number(ms);
}

/** An absolute time as int64 text for propagation (times past 2^53 ms are held as the nearest double). */
export function msText(ms: number): string {
  if (Number.isSafeInteger(ms)) return String(ms);
  const v = BigInt(ms);
  return String(v > LLONG_MAX ? LLONG_MAX : v < LLONG_MIN ? LLONG_MIN : v);
}

/** The string at `key`: undefined when missing, WRONGTYPE for another type. */
function str(ctx: Ctx, k: string): string | undefined {
  return ctx.db.get(k, 'string');
}

function get(ctx: Ctx, argv: Argv): Reply {
  return str(ctx, argv[1] as string) ?? null;
}

/** SET's core (`setGenericCommand`), shared by SETNX, SETEX and PSETEX. `at` is used when `hasExpire`. */
function setGeneric(
  ctx: Ctx,
  k: string,
  value: string,
  flags: number,
  hasExpire: boolean,
  at: number,
  ok: Reply = OK,
  aborted: Reply = null,
): Reply {
  const entry = ctx.db.lookup(k);
  let old: Reply = null;
  if (flags & GET) {
    // Redis reads the old value with lookupKeyRead first, which reports a miss.
    if (entry === undefined) notifyMiss(ctx, k);
    if (entry !== undefined && entry.type !== 'string') throw E.WRONGTYPE;
    old = entry === undefined ? null : (entry.value as string);
  }
  if ((flags & NX && entry !== undefined) || (flags & XX && entry === undefined)) return flags & GET ? old : aborted;
  ctx.db.set(k, 'string', value, (flags & KEEPTTL) !== 0);
  ctx.notify(NOTIFY.STRING, 'set', k);
  if (hasExpire) {
    ctx.db.setExpire(k, at);
    if (!(flags & PXAT)) ctx.propagate(['SET', k, value, 'PXAT', msText(at)]);
    ctx.notify(NOTIFY.GENERIC, 'expire', k);
    // Redis keeps a key whose time is already past until a lookup or its expiry cycle meets it, and says
    // `expired` then; here it is gone at once, so that is said now.
    if (at <= ctx.db.now) ctx.notify(NOTIFY.EXPIRED, 'expired', k);
  }
  return flags & GET ? old : ok;
}

/** SET key value [NX | XX] [GET] [EX s | PX ms | EXAT s | PXAT ms | KEEPTTL] */
function set(ctx: Ctx, argv: Argv): Reply {
  const { flags, expire } = parseSetOptions(argv, 3, true);
  const at = expire === undefined ? 0 : expireAt(ctx, expire, flags, 'set');
  return setGeneric(ctx, argv[1] as string, argv[2] as string, flags, expire !== undefined, at);
}

function setnx(ctx: Ctx, argv: Argv): Reply {
  return setGeneric(ctx, argv[1] as string, argv[2] as string, NX, false, 0, 1, 0);
}

function setex(ctx: Ctx, argv: Argv): Reply {
  const at = expireAt(ctx, argv[2] as string, EX, 'setex');
  return setGeneric(ctx, argv[1] as string, argv[3] as string, EX, true, at);
}

function psetex(ctx: Ctx, argv: Argv): Reply {
  const at = expireAt(ctx, argv[2] as string, PX, 'psetex');
  return setGeneric(ctx, argv[1] as string, argv[3] as string, PX, true, at);
}

function getset(ctx: Ctx, argv: Argv): Reply {
  const k = argv[1] as string;
  const old = str(ctx, k) ?? null;
  if (old === null) notifyMiss(ctx, k);
  ctx.db.set(k, 'string', argv[2] as string);
  ctx.notify(NOTIFY.STRING, 'set', k);
  return old;
}

function getdel(ctx: Ctx, argv: Argv): Reply {
  const k = argv[1] as string;
  const value = str(ctx, k);
  if (value === undefined) {
    notifyMiss(ctx, k);
    return null;
  }
  ctx.db.delete(k);
  ctx.notify(NOTIFY.GENERIC, 'del', k);
  return value;
}

/** GETEX key [EX s | PX ms | EXAT s | PXAT ms | PERSIST]: a missing key answers nil before any check. */
function getex(ctx: Ctx, argv: Argv): Reply {
  const { flags, expire } = parseSetOptions(argv, 2, false);
  const k = argv[1] as string;
  const value = str(ctx, k);
  if (value === undefined) {
    notifyMiss(ctx, k);
    return null;
  }
  if (expire !== undefined) {
    const at = expireAt(ctx, expire, flags, 'getex');
    if (at <= ctx.db.now) {
      ctx.db.delete(k);
      ctx.propagate(['DEL', k]);
      ctx.notify(NOTIFY.GENERIC, 'del', k);
    } else {
      ctx.db.setExpire(k, at);
      ctx.propagate(['PEXPIREAT', k, msText(at)]);
      ctx.notify(NOTIFY.GENERIC, 'expire', k);
    }
  } else if (flags & PERSIST && ctx.db.persist(k)) ctx.notify(NOTIFY.GENERIC, 'persist', k);
  return value;
}

function mget(ctx: Ctx, argv: Argv): Reply {
  const out: Reply[] = new Array(argv.length - 1);
  for (let i = 1; i < argv.length; i++) {
    const entry = ctx.db.lookup(argv[i] as string);
    out[i - 1] = entry !== undefined && entry.type === 'string' ? (entry.value as string) : null;
  }
  return out;
}

function mset(ctx: Ctx, argv: Argv): Reply {
  if (argv.length % 2 === 0) throw E.arity('mset');
  setAll(ctx, argv);
  return OK;
}

function msetnx(ctx: Ctx, argv: Argv): Reply {
  if (argv.length % 2 === 0) throw E.arity('msetnx');
  for (let i = 1; i < argv.length; i += 2) if (ctx.db.has(argv[i] as string)) return 0;
  setAll(ctx, argv);
  return 1;
}

function setAll(ctx: Ctx, argv: Argv): void {
  for (let i = 1; i < argv.length; i += 2) {
    const k = argv[i] as string;
    ctx.db.set(k, 'string', argv[i + 1] as string);
    ctx.notify(NOTIFY.STRING, 'set', k);
  }
}

function append(ctx: Ctx, argv: Argv): Reply {
  const k = argv[1] as string;
  const tail = argv[2] as string;
  const old = str(ctx, k);
  if (old === undefined) {
    ctx.db.set(k, 'string', tail);
    ctx.notify(NOTIFY.STRING, 'append', k);
    return tail.length;
  }
  const total = old.length + tail.length;
  if (total > MAX_STRING) throw E.STRING_TOO_LONG;
  ctx.db.set(k, 'string', old + tail, true);
  ctx.notify(NOTIFY.STRING, 'append', k);
  return total;
}

function strlen(ctx: Ctx, argv: Argv): Reply {
  return str(ctx, argv[1] as string)?.length ?? 0;
}

/** INCR/DECR/INCRBY/DECRBY: exact int64, refusing overflow; the TTL stays. */
function incrBy(ctx: Ctx, k: string, delta: number | bigint): Reply {
  const old = str(ctx, k);
  let value: number | bigint = 0;
  if (old !== undefined) {
    const n = parseInt64(old);
    if (n === null) throw E.NOT_INTEGER;
    value = n;
  }
  const result = addInt64(value, delta);
  if (result === null) throw E.OVERFLOW;
  ctx.db.set(k, 'string', String(result), true);
  ctx.notify(NOTIFY.STRING, 'incrby', k);
  return result;
}

const incr = (ctx: Ctx, argv: Argv) => incrBy(ctx, argv[1] as string, 1);
const decr = (ctx: Ctx, argv: Argv) => incrBy(ctx, argv[1] as string, -1);
const incrby = (ctx: Ctx, argv: Argv) => incrBy(ctx, argv[1] as string, int64(argv[2]));

function decrby(ctx: Ctx, argv: Argv): Reply {
  const n = int64(argv[2]);
  if (n === LLONG_MIN) throw E.DECREMENT_OVERFLOW;
  return incrBy(ctx, argv[1] as string, -n);
}

const LD_ZERO = parseLongDouble('0') as LongDouble;

/**
 * INCRBYFLOAT in 80-bit long double, printed as Redis does. The reply is a bulk string in every protocol
 * (Redis answers with the stored text, not a double). Propagated as SET … KEEPTTL with the result.
 */
function incrbyfloat(ctx: Ctx, argv: Argv): Reply {
  const k = argv[1] as string;
  const old = str(ctx, k);
  const value = old === undefined ? LD_ZERO : parseLongDouble(old);
  if (value === null) throw E.NOT_FLOAT;
  const incr = parseLongDouble(argv[2] as string);
  if (incr === null) throw E.NOT_FLOAT;
  const sum = addLongDouble(value, incr);
  if (!isFiniteLongDouble(sum)) throw E.INCR_NAN_OR_INF;
  const text = formatLongDouble(sum);
  ctx.db.set(k, 'string', text, true);
  ctx.propagate(['SET', k, text, 'KEEPTTL']);
  ctx.notify(NOTIFY.STRING, 'incrbyfloat', k);
  return text;
}

/** GETRANGE with Redis's clamping: an end before the start (after negative indexes resolve) gives "". */
function getrange(ctx: Ctx, argv: Argv): Reply {
  let start = int(argv[2]);
  let end = int(argv[3]);
  const s = str(ctx, argv[1] as string);
  if (s === undefined) return '';
  const len = s.length;
  if (start < 0 && end < 0 && start > end) return '';
  if (start < 0) start = Math.max(0, len + start);
  if (end < 0) end = Math.max(0, len + end);
  if (end >= len) end = len - 1;
  if (start > end || len === 0) return '';
  return s.slice(start, end + 1);
}

function setrange(ctx: Ctx, argv: Argv): Reply {
  const k = argv[1] as string;
  const offset = int(argv[2]);
  const patch = argv[3] as string;
  if (offset < 0) throw E.OFFSET_OUT_OF_RANGE;
  const old = str(ctx, k);
  if (patch.length === 0) return old?.length ?? 0;
  if (offset + patch.length > MAX_STRING) throw E.STRING_TOO_LONG;
  const base = old ?? '';
  const value =
    base.length <= offset
      ? base + '\0'.repeat(offset - base.length) + patch
      : base.slice(0, offset) + patch + base.slice(offset + patch.length);
  ctx.db.set(k, 'string', value, true);
  ctx.notify(NOTIFY.STRING, 'setrange', k);
  return value.length;
}

/** Largest LCS table we allocate (cells of 4 bytes); Redis's equivalent limit is its allocator failing. */
const LCS_MAX_CELLS = 2 ** 25;

/**
 * LCS key1 key2 [LEN] [IDX] [MINMATCHLEN n] [WITHMATCHLEN]: Redis's dynamic-programming table and its
 * backward walk, so ties resolve to the same subsequence and the same ranges (reported last match first).
 */
function lcs(ctx: Ctx, argv: Argv): Reply {
  const ea = ctx.db.lookup(argv[1] as string);
  const eb = ctx.db.lookup(argv[2] as string);
  if ((ea !== undefined && ea.type !== 'string') || (eb !== undefined && eb.type !== 'string')) {
    throw E.LCS_NOT_STRINGS;
  }
  const a = (ea?.value as string | undefined) ?? '';
  const b = (eb?.value as string | undefined) ?? '';
  let getLen = false;
  let getIdx = false;
  let withMatchLen = false;
  let minMatchLen = 0;
  for (let i = 3; i < argv.length; i++) {
    const opt = argv[i];
    if (is(opt, 'idx')) getIdx = true;
    else if (is(opt, 'len')) getLen = true;
    else if (is(opt, 'withmatchlen')) withMatchLen = true;
    else if (is(opt, 'minmatchlen') && i + 1 < argv.length) minMatchLen = Math.max(0, int(argv[++i]));
    else throw E.SYNTAX;
  }
  if (getIdx && getLen) throw E.LCS_LEN_AND_IDX;

  const alen = a.length;
  const blen = b.length;
  const width = blen + 1;
  if ((alen + 1) * width > LCS_MAX_CELLS) throw E.LCS_NO_MEMORY;
  // dp[i * width + j] = LCS length of a[0, i) and b[0, j); row and column 0 stay 0.
  const dp = new Uint32Array((alen + 1) * width);
  for (let i = 1; i <= alen; i++) {
    const ac = a.charCodeAt(i - 1);
    const row = i * width;
    const prev = row - width;
    for (let j = 1; j <= blen; j++) {
      if (ac === b.charCodeAt(j - 1)) dp[row + j] = (dp[prev + j - 1] as number) + 1;
      else dp[row + j] = Math.max(dp[prev + j] as number, dp[row + j - 1] as number);
    }
  }
  const total = dp[alen * width + blen] as number;
  if (getLen) return total;

  const chars: string[] = new Array(total);
  const matches: Reply[] = [];
  let idx = total;
  let i = alen;
  let j = blen;
  // The range being grown backwards; aStart === -1 when none is open.
  let aStart = -1;
  let aEnd = 0;
  let bStart = 0;
  let bEnd = 0;
  while (i > 0 && j > 0) {
    let emit = false;
    if (a.charCodeAt(i - 1) === b.charCodeAt(j - 1)) {
      chars[--idx] = a[i - 1] as string;
      if (aStart === -1) {
        aStart = aEnd = i - 1;
        bStart = bEnd = j - 1;
      } else if (aStart === i && bStart === j) {
        aStart--;
        bStart--;
      } else emit = true;
      if (aStart === 0 || bStart === 0) emit = true;
      i--;
      j--;
    } else {
      if ((dp[(i - 1) * width + j] as number) > (dp[i * width + j - 1] as number)) i--;
      else j--;
      if (aStart !== -1) emit = true;
    }
    if (emit) {
      const matchLen = aEnd - aStart + 1;
      if (getIdx && (minMatchLen === 0 || matchLen >= minMatchLen)) {
        const range: Reply[] = [
          [aStart, aEnd],
          [bStart, bEnd],
        ];
        if (withMatchLen) range.push(matchLen);
        matches.push(range);
      }
      aStart = -1;
    }
  }
  if (getIdx) return new MapReply(['matches', matches, 'len', total]);
  return chars.join('');
}

export const stringCommands: CommandDef[] = [
  command('get', 2, 'readonly fast', [key(1)], get),
  command('set', -3, 'write denyoom', [key(1)], set),
  command('setnx', 3, 'write denyoom fast', [key(1)], setnx),
  command('setex', 4, 'write denyoom', [key(1)], setex),
  command('psetex', 4, 'write denyoom', [key(1)], psetex),
  command('getset', 3, 'write denyoom fast', [key(1)], getset),
  command('getdel', 2, 'write fast', [key(1)], getdel),
  command('getex', -2, 'write fast', [key(1)], getex),
  command('mget', -2, 'readonly fast', [key(1, -1)], mget),
  command('mset', -3, 'write denyoom', [key(1, -1, 2)], mset),
  command('msetnx', -3, 'write denyoom', [key(1, -1, 2)], msetnx),
  command('append', 3, 'write denyoom fast', [key(1)], append),
  command('strlen', 2, 'readonly fast', [key(1)], strlen),
  command('incr', 2, 'write denyoom fast', [key(1)], incr),
  command('decr', 2, 'write denyoom fast', [key(1)], decr),
  command('incrby', 3, 'write denyoom fast', [key(1)], incrby),
  command('decrby', 3, 'write denyoom fast', [key(1)], decrby),
  command('incrbyfloat', 3, 'write denyoom fast', [key(1)], incrbyfloat),
  command('getrange', 4, 'readonly', [key(1)], getrange),
  command('substr', 4, 'readonly', [key(1)], getrange),
  command('setrange', 4, 'write denyoom', [key(1)], setrange),
  command('lcs', -3, 'readonly', [key(1, 1)], lcs),
];
