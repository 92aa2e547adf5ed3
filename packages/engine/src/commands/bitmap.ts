/**
 * Bitmap commands over the string type: bit 0 is the most significant bit of byte 0, and a string grows
 * with zero bytes when a write reaches past its end.
 *
 * Strings stay immutable JS strings (one char per byte), so a write costs a copy of the value: SETBIT on
 * a 100 MB string is one slice-and-concatenate, which V8 does as memcpy (tens of ms). A mutable byte
 * buffer would make that O(1) but every other string command, persistence and replies read the value as a
 * string; reads (GETBIT, BITCOUNT, BITPOS) walk the string in place without copying.
 */
import { constants } from 'node:buffer';
import { parseInt64 } from '../bytes.ts';
import { int, is } from '../command/args.ts';
import type { Ctx } from '../command/context.ts';
import * as E from '../command/errors.ts';
import { type Argv, type CommandDef, command, key } from '../command/table.ts';
import { NOTIFY, notifyMiss } from '../pubsub/notify.ts';
import type { Reply } from '../reply.ts';

/** Redis's `proto-max-bulk-len` default: a bit offset must address a byte below it. */
const PROTO_MAX_BULK_LEN = 512 * 1024 * 1024;
/** The longest string we can hold: Redis's limit, or V8's when that is shorter (by 24 bytes). */
const MAX_STRING = Math.min(PROTO_MAX_BULK_LEN, constants.MAX_STRING_LENGTH);

const POPCOUNT = new Uint8Array(256);
for (let i = 1; i < 256; i++) POPCOUNT[i] = (i & 1) + (POPCOUNT[i >> 1] as number);

/**
 * A bit offset argument (`getBitOffsetFromArgument`): a non-negative int64 addressing a byte below 512 MB.
 * With `width` (BITFIELD), `#n` means n * width, multiplied in int64 as Redis does.
 */
function bitOffset(arg: string, width = 0): number {
  const hash = width > 0 && arg.charCodeAt(0) === 35;
  const n = parseInt64(hash ? arg.slice(1) : arg);
  if (n === null) throw E.BIT_OFFSET;
  const v = hash ? BigInt.asIntN(64, BigInt(n) * BigInt(width)) : BigInt(n);
  if (v < 0n || v >> 3n >= BigInt(PROTO_MAX_BULK_LEN)) throw E.BIT_OFFSET;
  return Number(v);
}

/** The string at `key`: undefined when missing, WRONGTYPE for another type. */
function str(ctx: Ctx, k: string): string | undefined {
  return ctx.db.get(k, 'string');
}

/** `s` padded with zero bytes to at least `len` bytes. */
function grow(s: string, len: number): string {
  if (len > MAX_STRING) throw E.STRING_TOO_LONG;
  return s.length >= len ? s : s + '\0'.repeat(len - s.length);
}

/** SETBIT key offset 0|1: the previous bit. */
function setbit(ctx: Ctx, argv: Argv): Reply {
  const offset = bitOffset(argv[2] as string);
  const on = parseInt64(argv[3] as string);
  if (on !== 0 && on !== 1) throw E.BIT_VALUE;
  const k = argv[1] as string;
  const old = str(ctx, k);
  const byte = Math.floor(offset / 8);
  const mask = 1 << (7 - (offset & 7));
  const cur = old !== undefined && byte < old.length ? old.charCodeAt(byte) : 0;
  const next = on ? cur | mask : cur & ~mask;
  if (old === undefined || byte >= old.length || next !== cur) {
    const base = grow(old ?? '', byte + 1);
    ctx.db.set(k, 'string', base.slice(0, byte) + String.fromCharCode(next) + base.slice(byte + 1), true);
    ctx.notify(NOTIFY.STRING, 'setbit', k);
  }
  return cur & mask ? 1 : 0;
}

function getbit(ctx: Ctx, argv: Argv): Reply {
  const offset = bitOffset(argv[2] as string);
  const s = str(ctx, argv[1] as string);
  const byte = Math.floor(offset / 8);
  if (s === undefined || byte >= s.length) return 0;
  return s.charCodeAt(byte) & (1 << (7 - (offset & 7))) ? 1 : 0;
}

/**
 * A [start, end] range of BITCOUNT/BITPOS resolved to inclusive bit positions, Redis's way: negative
 * indexes count from the end, both clamp to the string; empty when lo > hi.
 */
function bitRange(len: number, start: number, end: number, bitUnit: boolean): [lo: number, hi: number] {
  const total = bitUnit ? len * 8 : len;
  if (start < 0) start = Math.max(0, total + start);
  if (end < 0) end = Math.max(0, total + end);
  if (end >= total) end = total - 1;
  return bitUnit ? [start, end] : [start * 8, end * 8 + 7];
}

/** The unit argument of BITCOUNT/BITPOS: true for BIT. */
function unitIsBit(arg: string | undefined): boolean {
  if (is(arg, 'bit')) return true;
  if (is(arg, 'byte')) return false;
  throw E.SYNTAX;
}

/** Set bits of `s` in bit positions [lo, hi]. */
function countBits(s: string, lo: number, hi: number): number {
  if (lo > hi) return 0;
  const first = Math.floor(lo / 8);
  const last = Math.floor(hi / 8);
  // Keep only the in-range bits of the edge bytes.
  const headMask = 0xff >> (lo & 7);
  const tailMask = (0xff << (7 - (hi & 7))) & 0xff;
  if (first === last) return POPCOUNT[s.charCodeAt(first) & headMask & tailMask] as number;
  let n = (POPCOUNT[s.charCodeAt(first) & headMask] as number) + (POPCOUNT[s.charCodeAt(last) & tailMask] as number);
  for (let i = first + 1; i < last; i++) n += POPCOUNT[s.charCodeAt(i)] as number;
  return n;
}

/**
 * BITCOUNT key [start end [BYTE | BIT]]. Arguments are checked before the key is looked up, as Redis ≥ 7.2
 * does (7.0 answered 0 for a missing key whatever the arguments).
 */
function bitcount(ctx: Ctx, argv: Argv): Reply {
  if (argv.length === 2) {
    const s = str(ctx, argv[1] as string);
    return s === undefined ? 0 : countBits(s, 0, s.length * 8 - 1);
  }
  if (argv.length !== 4 && argv.length !== 5) throw E.SYNTAX;
  const start = int(argv[2]);
  const end = int(argv[3]);
  const bitUnit = argv.length === 5 && unitIsBit(argv[4]);
  const s = str(ctx, argv[1] as string);
  if (s === undefined || (start < 0 && end < 0 && start > end)) return 0;
  const [lo, hi] = bitRange(s.length, start, end, bitUnit);
  return countBits(s, lo, hi);
}

/** The first bit equal to `bit` in positions [lo, hi] of `s`, or -1. */
function findBit(s: string, bit: number, lo: number, hi: number): number {
  const skip = bit ? 0 : 0xff;
  let pos = lo;
  while (pos <= hi) {
    if ((pos & 7) === 0 && pos + 7 <= hi && s.charCodeAt(pos >> 3) === skip) {
      pos += 8;
      continue;
    }
    const b = (s.charCodeAt(Math.floor(pos / 8)) >> (7 - (pos & 7))) & 1;
    if (b === bit) return pos;
    pos++;
  }
  return -1;
}

/**
 * BITPOS key 0|1 [start [end [BYTE | BIT]]]. A missing key is all zeros. Looking for a clear bit without
 * an explicit end, the string counts as followed by zeros, so the answer is the first bit past the range.
 */
function bitpos(ctx: Ctx, argv: Argv): Reply {
  const bit = int(argv[2]);
  if (bit !== 0 && bit !== 1) throw E.BITPOS_BIT;
  if (argv.length > 6) throw E.SYNTAX;
  let start = 0;
  let end = -1;
  let bitUnit = false;
  const endGiven = argv.length >= 5;
  if (argv.length >= 4) {
    start = int(argv[3]);
    if (argv.length === 6) bitUnit = unitIsBit(argv[5]);
    if (endGiven) end = int(argv[4]);
  }
  const s = str(ctx, argv[1] as string);
  if (s === undefined) return bit ? -1 : 0;
  const [lo, hi] = bitRange(s.length, start, end, bitUnit);
  if (lo > hi) return -1;
  const pos = findBit(s, bit, lo, hi);
  if (pos !== -1 || bit === 1 || endGiven) return pos;
  return hi + 1;
}

const AND = 0;
const OR = 1;
const XOR = 2;
const NOT = 3;
const DIFF = 4;
const DIFF1 = 5;
const ANDOR = 6;
const ONE = 7;
const BITOPS: [name: string, op: number][] = [
  ['and', AND],
  ['or', OR],
  ['xor', XOR],
  ['not', NOT],
  ['diff', DIFF],
  ['diff1', DIFF1],
  ['andor', ANDOR],
  ['one', ONE],
];

/**
 * BITOP op dest key [key ...]: missing sources are empty strings, shorter ones are zero-padded to the
 * longest, and an all-empty result deletes dest. DIFF, DIFF1 and ANDOR (Redis 8.2) combine the first key
 * X with the OR of the others Y: X & ~Y, ~X & Y, X & Y. ONE keeps the bits set in exactly one source.
 */
function bitop(ctx: Ctx, argv: Argv): Reply {
  const name = argv[1] as string;
  const op = BITOPS.find(([n]) => is(name, n))?.[1];
  if (op === undefined) throw E.SYNTAX;
  if (op === NOT && argv.length !== 4) throw E.BITOP_NOT_ONE_KEY;
  if ((op === DIFF || op === DIFF1 || op === ANDOR) && argv.length < 5) throw E.bitopTwoKeys(name.toUpperCase());
  // Sources are read in place (charCodeAt) rather than copied into buffers: on large values the copies
  // cost more than the operation.
  const sources: string[] = [];
  let maxlen = 0;
  for (let i = 3; i < argv.length; i++) {
    const found = str(ctx, argv[i] as string);
    // Redis reads the sources with lookupKeyRead, which reports a miss.
    if (found === undefined) notifyMiss(ctx, argv[i] as string);
    const s = found ?? '';
    sources.push(s);
    maxlen = Math.max(maxlen, s.length);
  }
  const dest = argv[2] as string;
  if (maxlen === 0) {
    if (ctx.db.delete(dest)) ctx.notify(NOTIFY.GENERIC, 'del', dest);
    return 0;
  }
  const out = Buffer.alloc(maxlen);
  const first = sources[0] as string;
  if (op === NOT) {
    for (let j = 0; j < maxlen; j++) out[j] = ~first.charCodeAt(j) & 0xff;
  } else if (op === DIFF || op === DIFF1 || op === ANDOR) {
    // The OR of every source but the first, then combined with the first.
    for (let i = 1; i < sources.length; i++) {
      const src = sources[i] as string;
      for (let j = 0; j < src.length; j++) out[j] = (out[j] as number) | src.charCodeAt(j);
    }
    for (let j = 0; j < maxlen; j++) {
      const x = j < first.length ? first.charCodeAt(j) : 0;
      const y = out[j] as number;
      out[j] = op === DIFF ? x & ~y : op === DIFF1 ? ~x & y : x & y;
    }
  } else {
    out.write(first, 'latin1');
    // Seen in two or more sources so far (ONE).
    const common = op === ONE ? Buffer.alloc(maxlen) : undefined;
    for (let i = 1; i < sources.length; i++) {
      const src = sources[i] as string;
      const n = src.length;
      if (op === AND) {
        for (let j = 0; j < n; j++) out[j] = (out[j] as number) & src.charCodeAt(j);
        out.fill(0, n);
      } else if (op === OR) for (let j = 0; j < n; j++) out[j] = (out[j] as number) | src.charCodeAt(j);
      else if (op === XOR) for (let j = 0; j < n; j++) out[j] = (out[j] as number) ^ src.charCodeAt(j);
      else if (common !== undefined) {
        for (let j = 0; j < n; j++) {
          const o = out[j] as number;
          const b = src.charCodeAt(j);
          common[j] = (common[j] as number) | (o & b);
          out[j] = (o ^ b) & ~(common[j] as number);
        }
      }
    }
  }
  ctx.db.set(dest, 'string', out.toString('latin1'));
  ctx.notify(NOTIFY.STRING, 'set', dest);
  return maxlen;
}

// BITFIELD overflow behaviours.
const WRAP = 0;
const SAT = 1;
const FAIL = 2;

interface FieldOp {
  /** 'get', 'set' or 'incrby'. */
  kind: string;
  signed: boolean;
  bits: number;
  offset: number;
  value: bigint;
  overflow: number;
}

const I64_MAX = (1n << 63n) - 1n;

/** A BITFIELD type, i1..i64 or u1..u63; the width is read up to a NUL as Redis reads a C string. */
function fieldType(arg: string): [signed: boolean, bits: number] {
  // Lower case only: Redis compares the first byte, not the keyword.
  const signed = arg[0] === 'i';
  if (!signed && arg[0] !== 'u') throw E.BITFIELD_TYPE;
  const nul = arg.indexOf('\0');
  const n = parseInt64(arg.slice(1, nul === -1 ? undefined : nul));
  if (n === null || n < 1 || n > (signed ? 64 : 63)) throw E.BITFIELD_TYPE;
  return [signed, Number(n)];
}

/**
 * Redis's `checkSignedBitfieldOverflow` / `checkUnsignedBitfieldOverflow`, in their int64/uint64
 * arithmetic (so a SET of a value far below an i8's range saturates to the max, as Redis does). Returns
 * the value to store, or null when it overflows under FAIL.
 */
function applyOverflow(signed: boolean, bits: number, value: bigint, incr: bigint, mode: number): bigint | null {
  const b = BigInt(bits);
  let dir = 0;
  let max: bigint;
  let min: bigint;
  if (signed) {
    max = bits === 64 ? I64_MAX : (1n << (b - 1n)) - 1n;
    min = -max - 1n;
    const maxincr = BigInt.asIntN(64, max - value);
    const minincr = BigInt.asIntN(64, min - value);
    if (value > max || (bits !== 64 && incr > maxincr) || (value >= 0n && incr > 0n && incr > maxincr)) dir = 1;
    else if (value < min || (bits !== 64 && incr < minincr) || (value < 0n && incr < 0n && incr < minincr)) dir = -1;
  } else {
    max = (1n << b) - 1n;
    min = 0n;
    const maxincr = BigInt.asIntN(64, max - value);
    const minincr = BigInt.asIntN(64, -value);
    if (value > max || (incr > 0n && incr > maxincr)) dir = 1;
    else if (incr < 0n && incr < minincr) dir = -1;
  }
  if (dir === 0) return value + incr;
  if (mode === FAIL) return null;
  if (mode === SAT) return dir > 0 ? max : min;
  const sum = BigInt.asUintN(64, value + incr);
  return signed ? BigInt.asIntN(bits, sum) : BigInt.asUintN(bits, sum);
}

/** Reads `bits` bits at bit `offset` of `buf` (bytes past its end read as zero), unsigned. */
function readField(buf: Uint8Array, offset: number, bits: number): bigint {
  let v = 0n;
  const first = Math.floor(offset / 8);
  const last = Math.floor((offset + bits - 1) / 8);
  for (let i = first; i <= last; i++) v = (v << 8n) | BigInt(buf[i] ?? 0);
  const spare = BigInt((last + 1) * 8 - (offset + bits));
  return (v >> spare) & ((1n << BigInt(bits)) - 1n);
}

/** Writes the low `bits` bits of `value` at bit `offset` of `buf`, which covers them. */
function writeField(buf: Uint8Array, offset: number, bits: number, value: bigint): void {
  const first = Math.floor(offset / 8);
  const last = Math.floor((offset + bits - 1) / 8);
  let v = 0n;
  for (let i = first; i <= last; i++) v = (v << 8n) | BigInt(buf[i] as number);
  const spare = BigInt((last + 1) * 8 - (offset + bits));
  const mask = ((1n << BigInt(bits)) - 1n) << spare;
  v = (v & ~mask) | ((BigInt.asUintN(bits, value) << spare) & mask);
  for (let i = last; i >= first; i--) {
    buf[i] = Number(v & 0xffn);
    v >>= 8n;
  }
}

const toReply = (v: bigint): Reply => (v >= -(2n ** 53n) && v <= 2n ** 53n ? Number(v) : v);

/**
 * BITFIELD / BITFIELD_RO: all subcommands are parsed before anything runs; a write grows the string to
 * its furthest bit first. Only the bytes the operations touch are copied out, changed and spliced back.
 */
function bitfieldGeneric(ctx: Ctx, argv: Argv, readOnly: boolean): Reply {
  const ops: FieldOp[] = [];
  let overflow = WRAP;
  let writes = false;
  let highest = 0;
  for (let j = 2; j < argv.length; j++) {
    const remaining = argv.length - j - 1;
    const sub = argv[j] as string;
    let kind: string;
    if (is(sub, 'get') && remaining >= 2) kind = 'get';
    else if (is(sub, 'set') && remaining >= 3) kind = 'set';
    else if (is(sub, 'incrby') && remaining >= 3) kind = 'incrby';
    else if (is(sub, 'overflow') && remaining >= 1) {
      const mode = argv[++j];
      if (is(mode, 'wrap')) overflow = WRAP;
      else if (is(mode, 'sat')) overflow = SAT;
      else if (is(mode, 'fail')) overflow = FAIL;
      else throw E.BITFIELD_OVERFLOW;
      continue;
    } else throw E.SYNTAX;
    const [signed, bits] = fieldType(argv[j + 1] as string);
    const offset = bitOffset(argv[j + 2] as string, bits);
    let value = 0n;
    if (kind !== 'get') {
      writes = true;
      highest = Math.max(highest, offset + bits - 1);
      const n = parseInt64(argv[j + 3] as string);
      if (n === null) throw E.NOT_INTEGER;
      value = BigInt(n);
    }
    ops.push({ kind, signed, bits, offset, value, overflow });
    j += kind === 'get' ? 2 : 3;
  }
  if (writes && readOnly) throw E.BITFIELD_RO_GET_ONLY;
  const k = argv[1] as string;
  const old = str(ctx, k);
  // Without writes BITFIELD reads the key with lookupKeyRead, which reports a miss.
  if (old === undefined && !writes) notifyMiss(ctx, k);
  if (ops.length === 0) return [];
  const s = writes ? grow(old ?? '', Math.floor(highest / 8) + 1) : (old ?? '');
  // The byte window every operation falls in, clipped to the string (reads past it see zeros).
  let lo = Infinity;
  let hi = 0;
  for (const op of ops) {
    lo = Math.min(lo, Math.floor(op.offset / 8));
    hi = Math.max(hi, Math.floor((op.offset + op.bits - 1) / 8) + 1);
  }
  lo = Math.min(lo, s.length);
  hi = Math.min(hi, s.length);
  const win = Buffer.from(s.slice(lo, hi), 'latin1');
  const base = lo * 8;
  const out: Reply[] = [];
  let changes = 0;
  for (const op of ops) {
    const at = op.offset - base;
    const raw = readField(win, at, op.bits);
    const prev = op.signed ? BigInt.asIntN(op.bits, raw) : raw;
    if (op.kind === 'get') {
      out.push(toReply(prev));
      continue;
    }
    const incr = op.kind === 'incrby';
    const start = incr ? prev : op.signed ? op.value : BigInt.asUintN(64, op.value);
    const next = applyOverflow(op.signed, op.bits, start, incr ? op.value : 0n, op.overflow);
    if (next === null) {
      out.push(null);
      continue;
    }
    writeField(win, at, op.bits, next);
    changes++;
    out.push(toReply(incr ? next : prev));
  }
  if (writes) ctx.db.set(k, 'string', s.slice(0, lo) + win.toString('latin1') + s.slice(hi), true);
  if (changes > 0) ctx.notify(NOTIFY.STRING, 'setbit', k);
  return out;
}

const bitfield = (ctx: Ctx, argv: Argv) => bitfieldGeneric(ctx, argv, false);
const bitfieldRo = (ctx: Ctx, argv: Argv) => bitfieldGeneric(ctx, argv, true);

export const bitmapCommands: CommandDef[] = [
  command('setbit', 4, 'write denyoom', [key(1)], setbit),
  command('getbit', 3, 'readonly fast', [key(1)], getbit),
  command('bitcount', -2, 'readonly', [key(1)], bitcount),
  command('bitpos', -3, 'readonly', [key(1)], bitpos),
  command('bitop', -4, 'write denyoom', [key(2), key(3, -1)], bitop),
  command('bitfield', -2, 'write denyoom', [key(1)], bitfield),
  command('bitfield_ro', -2, 'readonly fast', [key(1)], bitfieldRo),
];
