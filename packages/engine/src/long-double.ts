/**
 * INCRBYFLOAT and HINCRBYFLOAT compute in C `long double` (x87 80-bit: 64-bit mantissa) and print with
 * `%.17Lf`, trailing zeros trimmed (`ld2string(…, LD_STR_HUMAN)`). JS doubles give different digits
 * (0.1 + 0.2), so this module emulates that arithmetic exactly with BigInt.
 */

/** An 80-bit extended value. Opaque outside this module. */
export interface LongDouble {
  readonly _brand: 'LongDouble';
}

/** Parses text as `strtold` would for Redis (whole string, no spaces, no NaN); null when invalid. */
export function parseLongDouble(text: string): LongDouble | null {
  void text;
  throw new Error('parseLongDouble: not implemented yet');
}

/** a + b rounded to the 64-bit mantissa. */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble {
  void a;
  void b;
  throw new Error('addLongDouble: not implemented yet');
}

/** False for ±inf (the sum Redis refuses with "increment would produce NaN or Infinity"). */
export function isFiniteLongDouble(x: LongDouble): boolean {
  void x;
  throw new Error('isFiniteLongDouble: not implemented yet');
}

/** `%.17Lf` with trailing zeros (and a trailing '.') removed, and "-0" printed as "0". */
export function formatLongDouble(x: LongDouble): string {
  void x;
  throw new Error('formatLongDouble: not implemented yet');
}
