/**
 * OBJECT (introspection answered from the value's content), and the commands a single-node, single-database
 * server answers trivially: WAIT, WAITAOF, SELECT and SWAPDB.
 */
import { parseInt64 } from '../bytes.ts';
import { int } from '../command/args.ts';
import type { Ctx } from '../command/context.ts';
import * as E from '../command/errors.ts';
import { type Argv, type CommandDef, command, container, key } from '../command/table.ts';
import { type ErrorReply, OK, type Reply, SimpleString } from '../reply.ts';
import type { Hash } from '../types/hash.ts';
import type { List } from '../types/list.ts';
import type { RSet } from '../types/set.ts';
import type { ZSet } from '../types/zset.ts';

/** Redis 7's default thresholds for compact encodings (hash-max-listpack-*, list-max-listpack-size -2). */
const HASH_MAX_ENTRIES = 512;
const HASH_MAX_VALUE = 64;
const LIST_MAX_BYTES = 8192;
/** Strings up to this long are allocated with their object header (embstr). */
const EMBSTR_MAX = 44;
/** Redis shares the integers 0..9999 between keys; their refcount reads as INT_MAX. */
const SHARED_INTEGERS = 10000;
const SHARED_REFCOUNT = 2147483647;

function isLongString(s: string): boolean {
  if (s.length === 0 || s.length > 20) return false;
  const n = parseInt64(s);
  return n !== null && String(n) === s;
}

/** Bytes of one listpack entry: encoding header, payload and back-length, as listpack.c sizes them. */
function listpackEntryBytes(s: string): number {
  let body: number;
  const n = isLongString(s) ? BigInt(s) : null;
  if (n !== null) {
    if (n >= 0n && n <= 127n) body = 1;
    else if (n >= -4096n && n <= 4095n) body = 2;
    else if (n >= -32768n && n <= 32767n) body = 3;
    else if (n >= -8388608n && n <= 8388607n) body = 4;
    else if (n >= -2147483648n && n <= 2147483647n) body = 5;
    else body = 9;
  } else body = (s.length < 64 ? 1 : s.length < 4096 ? 2 : 5) + s.length;
  const back = body < 128 ? 1 : body < 16384 ? 2 : body < 2097152 ? 3 : body < 268435456 ? 4 : 5;
  return body + back;
}

function listEncoding(list: List): string {
  let bytes = 7; // header and end marker
  for (const v of list.values()) {
    bytes += listpackEntryBytes(v);
    if (bytes > LIST_MAX_BYTES) return 'quicklist';
  }
  return 'listpack';
}

function hashEncoding(hash: Hash): string {
  if (hash.size > HASH_MAX_ENTRIES) return 'hashtable';
  let compact = true;
  hash.forEach((value, field) => {
    if (value.length > HASH_MAX_VALUE || field.length > HASH_MAX_VALUE) compact = false;
  });
  // Redis 7.4 keeps a small hash with field TTLs as a listpack of field-value-TTL triples.
  if (compact) return hash.expirable ? 'listpackex' : 'listpack';
  return 'hashtable';
}

/**
 * Redis's name for how it would hold the value. Derived from the content with the default thresholds, so
 * a collection that shrank back reads as compact where Redis never converts back (sorted sets excepted:
 * they remember), and a string Redis built in place (APPEND, SETRANGE, SETBIT) reads as int/embstr where
 * Redis says raw.
 */
function encodingOf(ctx: Ctx, k: string): string | null {
  const entry = ctx.db.peek(k);
  if (entry === undefined) return null;
  switch (entry.type) {
    case 'string': {
      const s = entry.value as string;
      if (isLongString(s)) return 'int';
      return s.length <= EMBSTR_MAX ? 'embstr' : 'raw';
    }
    case 'list':
      return listEncoding(entry.value as List);
    case 'set':
      return (entry.value as RSet).encoding();
    case 'hash':
      return hashEncoding(entry.value as Hash);
    case 'zset':
      return (entry.value as ZSet).listpack ? 'listpack' : 'skiplist';
    case 'ReJSON-RL':
      return 'raw'; // a module value is a plain object to Redis
    case 'stream':
      return 'stream';
  }
  return null;
}

function policy(ctx: Ctx): string {
  return ctx.config.get('maxmemory-policy')?.get() ?? 'noeviction';
}

function objectEncoding(ctx: Ctx, argv: Argv): Reply {
  return encodingOf(ctx, argv[2] as string);
}

function objectRefcount(ctx: Ctx, argv: Argv): Reply {
  const entry = ctx.db.peek(argv[2] as string);
  if (entry === undefined) return null;
  if (entry.type === 'string' && isLongString(entry.value as string)) {
    const n = Number(entry.value);
    const maxmemory = ctx.config.get('maxmemory')?.get() ?? '0';
    const sharing = maxmemory === '0' || !/lru|lfu/.test(policy(ctx));
    if (sharing && n >= 0 && n < SHARED_INTEGERS) return SHARED_REFCOUNT;
  }
  return 1;
}

/** No access time is kept per key (it would cost every lookup), so a live key reads as just used. */
function objectIdletime(ctx: Ctx, argv: Argv): Reply {
  if (ctx.db.peek(argv[2] as string) === undefined) return null;
  if (policy(ctx).includes('lfu')) throw E.NO_LRU;
  return 0;
}

function objectFreq(ctx: Ctx, argv: Argv): Reply {
  if (ctx.db.peek(argv[2] as string) === undefined) return null;
  if (!policy(ctx).includes('lfu')) throw E.NO_LFU;
  // Redis's counter for a key seen once and not decayed (LFU_INIT_VAL): we count no accesses.
  return 5;
}

const HELP = [
  'OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'ENCODING <key>',
  '    Return the kind of internal representation used in order to store the value',
  '    associated with a <key>.',
  'FREQ <key>',
  '    Return the access frequency index of the <key>. The returned integer is',
  '    proportional to the logarithm of the recent access frequency of the key.',
  'IDLETIME <key>',
  '    Return the idle time of the <key>, that is the approximated number of',
  '    seconds elapsed since the last access to the key.',
  'REFCOUNT <key>',
  '    Return the number of references of the value associated with the specified',
  '    <key>.',
  'HELP',
  '    Prints this help.',
].map((line) => new SimpleString(line));

/** A millisecond timeout argument as Redis's getTimeoutFromObjectOrReply reads it. */
function timeout(arg: string | undefined): number {
  const ms = int(arg, E.TIMEOUT_NOT_INTEGER);
  if (ms < 0) throw E.TIMEOUT_NEGATIVE;
  return ms;
}

/** No replicas ever acknowledge; Redis would block until the timeout to say so, we answer at once. */
function wait(_ctx: Ctx, argv: Argv): Reply {
  int(argv[1]);
  timeout(argv[2]);
  return 0;
}

/**
 * The local count needs an append-only log; with one attached the engine cannot see when it is synced,
 * so it answers as Redis does once the write is on disk.
 */
function waitaof(ctx: Ctx, argv: Argv): Reply {
  const numlocal = int(argv[1]);
  if (numlocal < 0 || numlocal > 1) throw E.valueNotBetween('0', '1');
  if (int(argv[2]) < 0) throw E.NOT_POSITIVE;
  timeout(argv[3]);
  if (numlocal > 0 && ctx.persistence === null) throw E.WAITAOF_NO_AOF;
  return [ctx.persistence === null ? 0 : 1, 0];
}

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

/** Redis's getIntFromObjectOrReply: a long long, then the int range check. */
function int32(arg: string | undefined, err: ErrorReply = E.NOT_INTEGER): number {
  const n = int(arg, err);
  if (n < INT_MIN || n > INT_MAX)
    throw err === E.NOT_INTEGER ? E.valueNotBetween(String(INT_MIN), String(INT_MAX)) : err;
  return n;
}

/** Each token has one database, index 0. */
function select(_ctx: Ctx, argv: Argv): Reply {
  if (int32(argv[1]) !== 0) throw E.DB_OUT_OF_RANGE;
  return OK;
}

function swapdb(_ctx: Ctx, argv: Argv): Reply {
  const a = int32(argv[1], E.DB_INVALID_FIRST);
  const b = int32(argv[2], E.DB_INVALID_SECOND);
  if (a !== 0 || b !== 0) throw E.DB_OUT_OF_RANGE;
  return OK;
}

export const objectCommands: CommandDef[] = [
  container('object', '', [
    command('object|encoding', 3, 'readonly', [key(2)], objectEncoding),
    command('object|freq', 3, 'readonly', [key(2)], objectFreq),
    command('object|help', 2, 'loading stale', [], () => HELP),
    command('object|idletime', 3, 'readonly', [key(2)], objectIdletime),
    command('object|refcount', 3, 'readonly', [key(2)], objectRefcount),
  ]),
  command('wait', 3, 'blocking', [], wait),
  command('waitaof', 4, 'blocking', [], waitaof),
];

export const selectCommands: CommandDef[] = [command('select', 2, 'loading stale fast', [], select)];
export const swapdbCommands: CommandDef[] = [command('swapdb', 3, 'write fast', [], swapdb)];
