/**
 * Score arguments and score ranges, with Redis's exact rules. Scores go through C's `strtod`, whose grammar is
 * wider than JS's `Number` (hex floats, `infinity`, leading spaces in ranges) and whose range errors Redis
 * checks in some places only, so this module reproduces it rather than reuse the generic float parser.
 */
import * as E from '../../command/errors.ts';
import type { ZSet } from '../../types/zset.ts';
import type { Bounds } from './bounds.ts';

const SPACES = /[ \t\n\v\f\r]*/y;
const HEX = /[+-]?0[xX](?:([0-9a-fA-F]+)\.?([0-9a-fA-F]*)|\.([0-9a-fA-F]+))(?:[pP]([+-]?[0-9]+))?/y;
const DEC = /[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/y;
const INF = /[+-]?inf(?:inity)?/iy;
const NAN = /[+-]?nan(?:\([0-9A-Za-z_]*\))?/iy;
const NONZERO_DEC = /[1-9]/;
const NONZERO_HEX = /[1-9a-fA-F]/;

/** What `strtod` made of a prefix of the text. */
interface Strtod {
  value: number;
  /** Characters consumed (0 when nothing converted: `eptr == s`). */
  end: number;
  /** ERANGE: the text overflowed to ±inf or underflowed to zero. */
  range: boolean;
}

const parsed: Strtod = { value: 0, end: 0, range: false };

/** glibc `strtod` from `start`: skips leading white space, takes the longest number prefix. */
function strtod(s: string, start: number): Strtod {
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
 * A score, increment or weight (`string2d`): the whole text must be a number, with no leading space,
 * no overflow to ±inf, no underflow to zero, and not NaN (`inf` itself is fine).
 */
export function parseScore(s: string | undefined, err = E.NOT_FLOAT): number {
  if (s === undefined || s.length === 0 || isSpace(s.charCodeAt(0))) throw err;
  const r = strtod(s, 0);
  if (r.end !== s.length || r.range || Number.isNaN(r.value)) throw err;
  return r.value;
}

/** A score interval from ZRANGEBYSCORE and friends: `(` makes a bound exclusive. */
export interface ScoreRange {
  min: number;
  max: number;
  minex: boolean;
  maxex: boolean;
}

/** One bound (`zslParseRange`): C-string `strtod`, so "" is 0 and text after a NUL byte is ignored. */
function scoreBound(s: string): { value: number; ex: boolean } {
  const ex = s.charCodeAt(0) === 40;
  const r = strtod(s, ex ? 1 : 0);
  if ((r.end !== s.length && s.charCodeAt(r.end) !== 0) || Number.isNaN(r.value)) throw E.MIN_MAX_NOT_FLOAT;
  return { value: r.value, ex };
}

export function parseScoreRange(min: string, max: string): ScoreRange {
  const lo = scoreBound(min);
  const hi = scoreBound(max);
  return { min: lo.value, max: hi.value, minex: lo.ex, maxex: hi.ex };
}

const gteMin = (r: ScoreRange, score: number) => (r.minex ? score > r.min : score >= r.min);
const lteMax = (r: ScoreRange, score: number) => (r.maxex ? score < r.max : score <= r.max);

/** A score range over `z`: ordered, so the skiplist's descents answer it exactly. */
export function scoreBounds(z: ZSet, r: ScoreRange): Bounds {
  return {
    empty: r.min > r.max || (r.min === r.max && (r.minex || r.maxex)),
    gteMin: (n) => gteMin(r, z.scoreOf(n)),
    lteMax: (n) => lteMax(r, z.scoreOf(n)),
    linear: false,
  };
}
