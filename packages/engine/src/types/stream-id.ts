/**
 * Stream entry IDs. An ID is two unsigned 64-bit numbers (milliseconds, sequence); both may go up to
 * 2^64-1, past what a double holds exactly. We keep an ID as a 16-byte big-endian byte string (one char per
 * byte), so plain string comparison is ID order, equality is `===`, and it costs one small string per entry:
 * no BigInt on the hot paths. Conversions to and from text use numbers while the value fits in 2^53.
 */

export type StreamId = string;

const TWO32 = 4294967296;
const U64_MAX = 18446744073709551615n;

/** 0-0, the smallest ID (and the "nothing yet" last ID of a new stream). */
export const MIN_ID: StreamId = '\0'.repeat(16);
/** 18446744073709551615-18446744073709551615, the largest ID (also XREADGROUP's `>` marker). */
export const MAX_ID: StreamId = '\xff'.repeat(16);

function word(n: number): string {
  return String.fromCharCode((n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255);
}

function u64Chars(n: number | bigint): string {
  if (typeof n === 'number') return word(Math.floor(n / TWO32)) + word(n >>> 0);
  return word(Number(n >> 32n)) + word(Number(n & 0xffffffffn));
}

/** The ID of (ms, seq); numbers must be safe non-negative integers, bigints within 0..2^64-1. */
export function makeId(ms: number | bigint, seq: number | bigint): StreamId {
  return u64Chars(ms) + u64Chars(seq);
}

function wordAt(id: StreamId, at: number): number {
  return (
    ((id.charCodeAt(at) << 24) |
      (id.charCodeAt(at + 1) << 16) |
      (id.charCodeAt(at + 2) << 8) |
      id.charCodeAt(at + 3)) >>>
    0
  );
}

/** The 64-bit half at byte offset `at` (0: ms, 8: seq) as a number when exact, else a bigint. */
function half(id: StreamId, at: number): number | bigint {
  const hi = wordAt(id, at);
  const lo = wordAt(id, at + 4);
  if (hi < 0x200000) return hi * TWO32 + lo;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

export function idMs(id: StreamId): number | bigint {
  return half(id, 0);
}

export function idSeq(id: StreamId): number | bigint {
  return half(id, 8);
}

/** `<ms>-<seq>`, as Redis prints IDs. */
export function formatId(id: StreamId): string {
  return `${half(id, 0)}-${half(id, 8)}`;
}

/** The next ID (seq + 1, carrying into ms), or null past the largest. */
export function incrId(id: StreamId): StreamId | null {
  if (id === MAX_ID) return null;
  for (let i = 15; i >= 0; i--) {
    const c = id.charCodeAt(i);
    if (c !== 255) return id.slice(0, i) + String.fromCharCode(c + 1) + '\0'.repeat(15 - i);
  }
  return null;
}

/** The previous ID, or null before 0-0. */
export function decrId(id: StreamId): StreamId | null {
  if (id === MIN_ID) return null;
  for (let i = 15; i >= 0; i--) {
    const c = id.charCodeAt(i);
    if (c !== 0) return id.slice(0, i) + String.fromCharCode(c - 1) + '\xff'.repeat(15 - i);
  }
  return null;
}

export function sameMs(a: StreamId, b: StreamId): boolean {
  return a.slice(0, 8) === b.slice(0, 8);
}

/** True when the sequence half is 2^64-1. */
export function seqIsMax(id: StreamId): boolean {
  return id.endsWith('\xff\xff\xff\xff\xff\xff\xff\xff');
}

const DIGITS = /^[0-9]+$/;
const SPACE = /^[ \t\n\v\f\r]*/;

/**
 * Redis's string2ull: a strict int64 that is not negative, or else what C's strtoull accepts whole
 * (leading blanks, a sign — `-` wraps modulo 2^64 —, no overflow). Null when refused.
 */
export function parseU64(s: string): number | bigint | null {
  if (s.length === 0) return null;
  if (DIGITS.test(s) && (s.length === 1 || s[0] !== '0')) {
    if (s.length <= 15) return Number(s);
    const n = BigInt(s);
    if (n <= 9223372036854775807n) return Number.isSafeInteger(Number(n)) ? Number(n) : n;
  }
  if (/^-[1-9][0-9]*$/.test(s) && BigInt(s) >= -9223372036854775808n) return null;
  let rest = s.slice((SPACE.exec(s) as RegExpExecArray)[0].length);
  let negative = false;
  if (rest[0] === '+' || rest[0] === '-') {
    negative = rest[0] === '-';
    rest = rest.slice(1);
  }
  if (!DIGITS.test(rest)) return null;
  let n = BigInt(rest);
  if (n > U64_MAX) return null;
  if (negative && n !== 0n) n = (U64_MAX + 1n - n) & U64_MAX;
  return n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
}

export interface ParsedId {
  id: StreamId;
  /** False for XADD's `<ms>-*` form. */
  seqGiven: boolean;
}

/**
 * Redis's streamGenericParseIDOrReply: `-`/`+` unless `strict`, `<ms>` (the sequence is `missingSeq`: 0 or
 * the largest), `<ms>-<seq>`, and `<ms>-*` when `allowAutoSeq`. Null when invalid.
 */
export function parseId(arg: string, missingSeq: 0 | 'max', strict: boolean, allowAutoSeq = false): ParsedId | null {
  if (arg.length > 127) return null;
  const nul = arg.indexOf('\0');
  const buf = nul < 0 ? arg : arg.slice(0, nul);
  if (buf.length === 1 && (buf === '-' || buf === '+')) {
    if (strict) return null;
    return { id: buf === '-' ? MIN_ID : MAX_ID, seqGiven: true };
  }
  const dash = buf.indexOf('-');
  const msText = dash < 0 ? buf : buf.slice(0, dash);
  const ms = parseU64(msText);
  if (ms === null) return null;
  if (dash < 0) return { id: makeId(ms, missingSeq === 0 ? 0 : U64_MAX), seqGiven: true };
  const seqText = buf.slice(dash + 1);
  if (allowAutoSeq && seqText === '*') return { id: makeId(ms, 0), seqGiven: false };
  const seq = parseU64(seqText);
  if (seq === null) return null;
  return { id: makeId(ms, seq), seqGiven: true };
}
