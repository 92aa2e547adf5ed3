/**
 * C's `strtod` (glibc grammar: leading white space, hex floats, `inf`/`infinity`, `nan`) and Redis's
 * `string2d` over it. Redis parses every double argument through these, and its grammar is wider than JS's
 * `Number` while its range checks are stricter, so both are reproduced here once for every command.
 */
const SPACES = /[ \t\n\v\f\r]*/y;
const HEX = /[+-]?0[xX](?:([0-9a-fA-F]+)\.?([0-9a-fA-F]*)|\.([0-9a-fA-F]+))(?:[pP]([+-]?[0-9]+))?/y;
const DEC = /[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/y;
const INF = /[+-]?inf(?:inity)?/iy;
const NAN = /[+-]?nan(?:\([0-9A-Za-z_]*\))?/iy;
const NONZERO_DEC = /[1-9]/;
const NONZERO_HEX = /[1-9a-fA-F]/;

/** What `strtod` made of a prefix of the text. */
export interface Strtod {
  value: number;
  /** Characters consumed (0 when nothing converted: `eptr == s`). */
  end: number;
  /** ERANGE: the text overflowed to ±inf or underflowed to zero. */
  range: boolean;
}

const parsed: Strtod = { value: 0, end: 0, range: false };

/** glibc `strtod` from `start`: skips leading white space, takes the longest number prefix. */
export function strtod(s: string, start: number): Strtod {
  SPACES.lastIndex = start;
  SPACES.test(s);
  const at = SPACES.lastIndex;
  parsed.value = 0;
  parsed.end = start;
  parsed.range = false;
  HEX.lastIndex = at;
  let m = HEX.exec(s);
  if (m !== null) {
    const digits = (m[1] ?? '') + (m[2] ?? '') + (m[3] ?? '');
    const shift = Number(m[4] ?? 0) - 4 * ((m[2] ?? '').length + (m[3] ?? '').length);
    let v = Number(BigInt(`0x${digits}`)) * (s.charCodeAt(at) === 45 ? -1 : 1);
    for (let e = shift; e !== 0; ) {
      const step = Math.max(-1000, Math.min(1000, e));
      v *= 2 ** step;
      e -= step;
    }
    parsed.value = v;
    parsed.end = HEX.lastIndex;
    parsed.range = !Number.isFinite(v) || (v === 0 && NONZERO_HEX.test(digits));
    return parsed;
  }
  DEC.lastIndex = at;
  m = DEC.exec(s);
  if (m !== null) {
    const text = m[0];
    const v = Number(text);
    parsed.value = v;
    parsed.end = DEC.lastIndex;
    parsed.range = !Number.isFinite(v) || (v === 0 && NONZERO_DEC.test(text.replace(/[eE].*/, '')));
    return parsed;
  }
  INF.lastIndex = at;
  m = INF.exec(s);
  if (m !== null) {
    parsed.value = s.charCodeAt(at) === 45 ? -Infinity : Infinity;
    parsed.end = INF.lastIndex;
    return parsed;
  }
  NAN.lastIndex = at;
  m = NAN.exec(s);
  if (m !== null) {
    parsed.value = Number.NaN;
    parsed.end = NAN.lastIndex;
  }
  return parsed;
}

const isSpace = (c: number) => c === 32 || (c >= 9 && c <= 13);

/**
 * Redis's `string2d`: the whole text must be a number, with no leading space, no overflow to ±inf, no
 * underflow to zero, and not NaN (`inf` itself is fine). Null when it is not.
 */
export function string2d(s: string): number | null {
  if (s.length === 0 || isSpace(s.charCodeAt(0))) return null;
  const r = strtod(s, 0);
  if (r.end !== s.length || r.range || Number.isNaN(r.value)) return null;
  return r.value;
}
