/**
 * The digits Redis ≥ 7.2 prints for a double: `fpconv_dtoa`, Florian Loitsch's Grisu2 over 64-bit integers.
 * Grisu2 always round-trips but is not always the shortest or closest (0.58115 → 0.5811500000000001,
 * 1e23 → 99999999999999990000000, about 1 value in 1500), so matching Redis byte for byte means running the
 * same algorithm. BigInt stands in for `uint64_t`, wrapping where the C wraps.
 */

const U64 = (x: bigint) => BigInt.asUintN(64, x);
const HIDDEN = 1n << 52n;
const FRAC_MASK = HIDDEN - 1n;

interface Fp {
  f: bigint;
  e: number;
}

/** Normalised 64-bit approximations of 10^k for k = -348, -340, …, 340, rounded to nearest. */
const POWERS: Fp[] = [];
for (let k = -348; k <= 340; k += 8) {
  const num = k >= 0 ? 10n ** BigInt(k) : 1n;
  const den = k >= 0 ? 1n : 10n ** BigInt(-k);
  // Scale by 2^-e so that the quotient lands in [2^63, 2^64), then round half up.
  let e = num.toString(2).length - den.toString(2).length - 64;
  for (;;) {
    const n = e >= 0 ? num : num << BigInt(-e);
    const d = e >= 0 ? den << BigInt(e) : den;
    const q = (2n * n + d) / (2n * d);
    if (q >= 1n << 64n) e++;
    else if (q < 1n << 63n) e--;
    else {
      POWERS.push({ f: q, e });
      break;
    }
  }
}

function cachedPow10(exp: number): { p: Fp; k: number } {
  let idx = Math.trunc((Math.trunc(-(exp + 87) * 0.30102999566398114) + 348) / 8);
  for (;;) {
    const p = POWERS[idx] as Fp;
    const current = exp + p.e + 64;
    if (current < -60) idx++;
    else if (current > -32) idx--;
    else return { p, k: -348 + idx * 8 };
  }
}

/** The high 64 bits of a 128-bit product, rounded (fpconv's `multiply`). */
const multiply = (a: Fp, b: Fp): Fp => ({ f: (a.f * b.f + (1n << 63n)) >> 64n, e: a.e + b.e + 64 });

const TENS = Array.from({ length: 20 }, (_, i) => 10n ** BigInt(19 - i));

const view = new DataView(new ArrayBuffer(8));

/**
 * Grisu2 digits of a finite, positive double: the digit string and K such that the value is
 * digits × 10^K.
 */
export function grisu2(d: number): { digits: string; k: number } {
  view.setFloat64(0, d);
  const bits = view.getBigUint64(0);
  let f = bits & FRAC_MASK;
  let e = Number((bits >> 52n) & 0x7ffn);
  if (e !== 0) {
    f += HIDDEN;
    e -= 1075;
  } else e = -1074;

  const upper: Fp = { f: (f << 1n) + 1n, e: e - 1 };
  while ((upper.f & (HIDDEN << 1n)) === 0n) {
    upper.f <<= 1n;
    upper.e--;
  }
  upper.f = U64(upper.f << 10n);
  upper.e -= 10;
  const lShift = f === HIDDEN ? 2 : 1;
  const lower: Fp = { f: (f << BigInt(lShift)) - 1n, e: e - lShift };
  lower.f = U64(lower.f << BigInt(lower.e - upper.e));
  lower.e = upper.e;

  const w: Fp = { f, e };
  while ((w.f & HIDDEN) === 0n) {
    w.f <<= 1n;
    w.e--;
  }
  w.f <<= 11n;
  w.e -= 11;

  const { p, k } = cachedPow10(upper.e);
  const sw = multiply(w, p);
  const su = multiply(upper, p);
  const sl = multiply(lower, p);
  sl.f = U64(sl.f + 1n);
  su.f = U64(su.f - 1n);
  return generate(sw, su, sl, -k);
}

function generate(w: Fp, upper: Fp, lower: Fp, k: number): { digits: string; k: number } {
  const wfrac = U64(upper.f - w.f);
  let delta = U64(upper.f - lower.f);
  const shift = BigInt(-upper.e);
  const one = 1n << shift;
  let part1 = upper.f >> shift;
  let part2 = upper.f & (one - 1n);
  const digits: number[] = [];
  let kappa = 10;
  for (let i = 10; kappa > 0; i++) {
    const div = TENS[i] as bigint;
    const digit = part1 / div;
    if (digit !== 0n || digits.length > 0) digits.push(Number(digit));
    part1 -= digit * div;
    kappa--;
    const rest = U64((part1 << shift) + part2);
    if (rest <= delta) {
      roundDigit(digits, delta, rest, U64(div << shift), wfrac);
      return { digits: digits.join(''), k: k + kappa };
    }
  }
  for (let unit = 18; ; unit--) {
    part2 = U64(part2 * 10n);
    delta = U64(delta * 10n);
    kappa--;
    const digit = part2 >> shift;
    if (digit !== 0n || digits.length > 0) digits.push(Number(digit));
    part2 &= one - 1n;
    if (part2 < delta) {
      roundDigit(digits, delta, part2, one, U64(wfrac * (TENS[unit] as bigint)));
      return { digits: digits.join(''), k: k + kappa };
    }
  }
}

/** Nudges the last digit down toward the exact value while it stays inside the interval. */
function roundDigit(digits: number[], delta: bigint, rem: bigint, kappa: bigint, frac: bigint): void {
  while (
    rem < frac &&
    U64(delta - rem) >= kappa &&
    (U64(rem + kappa) < frac || U64(frac - rem) > U64(rem + kappa - frac))
  ) {
    digits[digits.length - 1] = (digits[digits.length - 1] as number) - 1;
    rem = U64(rem + kappa);
  }
}
