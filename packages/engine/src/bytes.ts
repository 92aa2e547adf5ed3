/**
 * Byte strings. Keys, values and arguments travel through the engine as JS strings whose every code unit is
 * one byte (0..255), i.e. latin1-decoded bytes. This keeps them binary-safe with byte-exact lengths, lets
 * them serve as Map keys directly, and makes `<` on two of them the same order as `memcmp` in Redis.
 * Edges convert: `fromUtf8` for text that arrives as JS strings, `fromBuffer` for raw bytes.
 */
import { grisu2 } from './fpconv.ts';

export type Bytes = string;

/** UTF-8 text (a normal JS string) to a byte string. ASCII, the common case, is returned as it is. */
export function fromUtf8(text: string): Bytes {
  return Buffer.byteLength(text, 'utf8') === text.length ? text : Buffer.from(text, 'utf8').toString('latin1');
}

/** A byte string back to text, decoding its bytes as UTF-8 (invalid sequences become U+FFFD). */
export function toUtf8(bytes: Bytes): string {
  return NON_ASCII.test(bytes) ? Buffer.from(bytes, 'latin1').toString('utf8') : bytes;
}

const NON_ASCII = /[\u0080-\u00ff]/;

export function fromBuffer(buf: Uint8Array): Bytes {
  return Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('latin1');
}

export function toBuffer(bytes: Bytes): Buffer {
  return Buffer.from(bytes, 'latin1');
}

/** ASCII case-insensitive equality against a lower-case literal, without allocating. */
export function eqi(bytes: Bytes, lower: string): boolean {
  if (bytes.length !== lower.length) return false;
  for (let i = 0; i < lower.length; i++) {
    let c = bytes.charCodeAt(i);
    if (c >= 65 && c <= 90) c += 32;
    if (c !== lower.charCodeAt(i)) return false;
  }
  return true;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const STRICT_INT = /^(?:0|-?[1-9][0-9]{0,19})$/;

/**
 * Parses a signed 64-bit integer with Redis's `string2ll` rules: no sign `+`, no leading zeros, no spaces,
 * no `-0`. Returns a number when it is a safe integer, a bigint outside that range, or `null` when the text
 * is not an integer or overflows int64.
 */
export function parseInt64(s: Bytes): number | bigint | null {
  if (!STRICT_INT.test(s)) return null;
  if (s.length <= 15) return Number(s);
  const n = BigInt(s);
  if (n < INT64_MIN || n > INT64_MAX) return null;
  return Number.isSafeInteger(Number(n)) ? Number(n) : n;
}

/** Adds two int64 values; `null` on overflow (Redis refuses it rather than wrapping). */
export function addInt64(a: number | bigint, b: number | bigint): number | bigint | null {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a + b;
    if (Number.isSafeInteger(r)) return r;
  }
  const r = BigInt(a) + BigInt(b);
  if (r < INT64_MIN || r > INT64_MAX) return null;
  return Number.isSafeInteger(Number(r)) ? Number(r) : r;
}

/**
 * Formats a double the way Redis ≥ 7.2 replies with one (`d2string`), which is also how it stores ZSET
 * scores as text: integers within ±2^62 exactly, `inf`/`-inf`/`-0`, and otherwise `fpconv_dtoa`'s digits
 * (see fpconv.ts) laid out plain up to 7 trailing zeros or 6 decimals, else as `1.5e-7` or `1e+20` (no
 * exponent padding). Redis 7.0 printed `%.17g` (0.1 → 0.10000000000000001); we follow 7.2+.
 */
export function formatDouble(n: number): string {
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  if (Number.isSafeInteger(n)) return String(n);
  if (n === Infinity) return 'inf';
  if (n === -Infinity) return '-inf';
  if (Number.isNaN(n)) return 'nan';
  if (Number.isInteger(n) && Math.abs(n) <= 2 ** 62) return BigInt(n).toString();
  let text = recentTexts.get(n);
  if (text === undefined) {
    const neg = n < 0;
    const { digits, k } = grisu2(neg ? -n : n);
    text = (neg ? '-' : '') + layOut(digits, k, neg);
    if (recentTexts.size >= 4096) recentTexts.clear();
    recentTexts.set(n, text);
  }
  return text;
}

/** Grisu2 in BigInt costs about a microsecond, and replies tend to repeat the same scores. */
const recentTexts = new Map<number, string>();

/** fpconv's `emit_digits`: the value is digits × 10^k. */
function layOut(digits: string, k: number, neg: boolean): string {
  let nd = digits.length;
  const exp = Math.abs(k + nd - 1);
  if (k >= 0 && exp < nd + 7) return digits + '0'.repeat(k);
  if (k < 0 && (k > -7 || exp < 4)) {
    const offset = nd + k;
    if (offset <= 0) return `0.${'0'.repeat(-offset)}${digits}`;
    return `${digits.slice(0, offset)}.${digits.slice(offset)}`;
  }
  // fpconv keeps at most 17 digits (18 unsigned) in exponent form, and takes the sign from the kept ones.
  nd = Math.min(nd, neg ? 17 : 18);
  const sign = k + nd - 1 < 0 ? '-' : '+';
  return `${digits[0]}${nd > 1 ? `.${digits.slice(1, nd)}` : ''}e${sign}${exp}`;
}
