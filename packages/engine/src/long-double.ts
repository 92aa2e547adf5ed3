/**
 * INCRBYFLOAT and HINCRBYFLOAT compute in C `long double` (x87 80-bit: 64-bit mantissa) and print with
 * `%.17Lf`, trailing zeros trimmed (`ld2string(…, LD_STR_HUMAN)`). JS doubles give different digits
 * (0.1 + 0.2), so this module emulates that arithmetic exactly with BigInt: a finite value is
 * `mantissa × 2^exponent` with the mantissa below 2^64, rounded to nearest-even like the FPU, with the
 * format's subnormal floor and overflow to infinity. Parsing follows glibc's `strtold` (correctly rounded,
 * decimal and hexadecimal forms, `inf`/`infinity`) under the checks Redis's `string2ld` adds.
 */

/** An 80-bit extended value. Opaque outside this module. */
export interface LongDouble {
  readonly _brand: 'LongDouble';
}

const FINITE = 0;
const INF = 1;
const NAN = 2;

class Ext implements LongDouble {
  declare readonly _brand: 'LongDouble';
  readonly kind: number;
  readonly neg: boolean;
  /** Below 2^64; at least 2^63 unless the value is zero or subnormal. */
  readonly mant: bigint;
  readonly exp: number;
  constructor(kind: number, neg: boolean, mant: bigint, exp: number) {
    this.kind = kind;
    this.neg = neg;
    this.mant = mant;
    this.exp = exp;
  }
}

const PRECISION = 64;
/** Exponent of the smallest subnormal (2^-16445): mantissas never scale below it. */
const MIN_EXP = -16445;
/** Largest exponent a 64-bit mantissa may carry: the format's top is just under 2^16384. */
const MAX_EXP = 16384 - PRECISION;
const TWO_63 = 1n << 63n;
const TWO_64 = 1n << 64n;
/** Redis's `string2ld` buffer (`MAX_LONG_DOUBLE_CHARS`): longer text is refused. */
const MAX_CHARS = 5 * 1024;
/** Decimal exponents beyond these certainly overflow / round to zero: no need to build 10^n to know. */
const MAX_DEC_EXP = 4933;
const MIN_DEC_EXP = -4952;

const DECIMAL = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?$/;
const HEX = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?[0-9]+))?$/;
const INFINITY = /^([+-]?)inf(?:inity)?$/i;

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

const zero = (neg: boolean) => new Ext(FINITE, neg, 0n, 0);
const infinity = (neg: boolean) => new Ext(INF, neg, 0n, 0);

/**
 * Rounds `num / den × 2^exp2` (num, den > 0) to the format, ties to even. Returns null on underflow to zero
 * (strtold's ERANGE, which Redis refuses); overflow gives an infinity.
 */
function round(neg: boolean, num: bigint, den: bigint, exp2: number): Ext | null {
  // Pick e so that num / den / 2^e lies in [2^63, 2^64), then clamp e to the subnormal floor.
  let e = bitLength(num) - bitLength(den) - (PRECISION - 1) + exp2;
  if (scaledBelow(num, den, e - exp2, TWO_63)) e--;
  if (e < MIN_EXP) e = MIN_EXP;
  const shift = e - exp2;
  const n = shift >= 0 ? num : num << BigInt(-shift);
  const d = shift >= 0 ? den << BigInt(shift) : den;
  let q = n / d;
  const twice = (n - q * d) * 2n;
  if (twice > d || (twice === d && (q & 1n) === 1n)) q++;
  if (q === TWO_64) {
    q = TWO_63;
    e++;
  }
  if (q === 0n) return null;
  if (e > MAX_EXP) return infinity(neg);
  return new Ext(FINITE, neg, q, e);
}

/** Is num / den / 2^shift below `bound`? */
function scaledBelow(num: bigint, den: bigint, shift: number, bound: bigint): boolean {
  return shift >= 0 ? num < (bound * den) << BigInt(shift) : num << BigInt(-shift) < bound * den;
}

/** Parses text as `strtold` would for Redis (whole string, no spaces, no NaN); null when invalid. */
export function parseLongDouble(text: string): LongDouble | null {
  if (text.length === 0 || text.length >= MAX_CHARS) return null;
  let m = DECIMAL.exec(text);
  if (m !== null) return parseDecimal(m[1] === '-', m[2] ?? '', m[3] ?? '', m[4]);
  m = HEX.exec(text);
  if (m !== null) return parseHex(m[1] === '-', m[2] ?? '', m[3] ?? '', m[4]);
  m = INFINITY.exec(text);
  return m === null ? null : infinity(m[1] === '-');
}

function parseDecimal(neg: boolean, int: string, frac: string, expText: string | undefined): Ext | null {
  if (int.length === 0 && frac.length === 0) return null;
  let digits = (int + frac).replace(/^0+/, '');
  if (digits.length === 0) return zero(neg);
  // Exponent text can be arbitrarily long; past ±10^6 the outcome (overflow or zero) is already decided.
  let exp = expText === undefined ? 0 : clampInt(expText, 1_000_000);
  exp -= frac.length;
  const trimmed = digits.replace(/0+$/, '');
  exp += digits.length - trimmed.length;
  digits = trimmed;
  if (exp + digits.length - 1 > MAX_DEC_EXP) return null;
  if (exp + digits.length < MIN_DEC_EXP) return null;
  const d = BigInt(digits);
  const r = exp >= 0 ? round(neg, d * 10n ** BigInt(exp), 1n, 0) : round(neg, d, 10n ** BigInt(-exp), 0);
  return r === null || r.kind === INF ? null : r;
}

function parseHex(neg: boolean, int: string, frac: string, expText: string | undefined): Ext | null {
  if (int.length === 0 && frac.length === 0) return null;
  const h = BigInt(`0x${int}${frac}`);
  if (h === 0n) return zero(neg);
  const exp = (expText === undefined ? 0 : clampInt(expText, 1_000_000)) - 4 * frac.length;
  if (exp + bitLength(h) > 16384 + 1) return null;
  if (exp + bitLength(h) < MIN_EXP - 1) return null;
  const r = round(neg, h, 1n, exp);
  return r === null || r.kind === INF ? null : r;
}

/** A decimal integer's value, saturated to ±limit. */
function clampInt(text: string, limit: number): number {
  const n = Number.parseInt(text, 10);
  return Math.min(limit, Math.max(-limit, n));
}

/** a + b rounded to the 64-bit mantissa. */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble {
  const x = a as Ext;
  const y = b as Ext;
  if (x.kind === NAN || y.kind === NAN) return new Ext(NAN, false, 0n, 0);
  if (x.kind === INF || y.kind === INF) {
    if (x.kind === INF && y.kind === INF && x.neg !== y.neg) return new Ext(NAN, false, 0n, 0);
    return x.kind === INF ? x : y;
  }
  if (x.mant === 0n) return y.mant === 0n ? zero(x.neg && y.neg) : y;
  if (y.mant === 0n) return x;
  const e = Math.min(x.exp, y.exp);
  const xs = x.mant << BigInt(x.exp - e);
  const ys = y.mant << BigInt(y.exp - e);
  const sum = (x.neg ? -xs : xs) + (y.neg ? -ys : ys);
  if (sum === 0n) return zero(false);
  // Sums of values on the format's grid never fall below the smallest subnormal, so this cannot be null.
  return round(sum < 0n, sum < 0n ? -sum : sum, 1n, e) as Ext;
}

/** False for ±inf (the sum Redis refuses with "increment would produce NaN or Infinity") and NaN. */
export function isFiniteLongDouble(x: LongDouble): boolean {
  return (x as Ext).kind === FINITE;
}

const FRACTION_DIGITS = 17;
const SCALE = 10n ** BigInt(FRACTION_DIGITS);

/** `%.17Lf` with trailing zeros (and a trailing '.') removed, and "-0" printed as "0". */
export function formatLongDouble(x: LongDouble): string {
  const v = x as Ext;
  if (v.kind === INF) return v.neg ? '-inf' : 'inf';
  if (v.kind === NAN) return 'nan';
  if (v.mant === 0n) return '0';
  const sign = v.neg ? '-' : '';
  if (v.exp >= 0) return `${sign}${v.mant << BigInt(v.exp)}`;
  // Fixed point with 17 decimals, rounded half-to-even on the exact binary value as glibc's printf does.
  const shift = BigInt(-v.exp);
  const scaled = v.mant * SCALE;
  let q = scaled >> shift;
  const rest = scaled - (q << shift);
  const half = 1n << (shift - 1n);
  if (rest > half || (rest === half && (q & 1n) === 1n)) q++;
  const int = q / SCALE;
  const frac = (q % SCALE).toString().padStart(FRACTION_DIGITS, '0').replace(/0+$/, '');
  const text = frac.length === 0 ? `${sign}${int}` : `${sign}${int}.${frac}`;
  return text === '-0' ? '0' : text;
}
