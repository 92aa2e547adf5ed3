/**
 * Score arguments and score ranges, with Redis's exact rules. Scores go through C's `strtod`, whose grammar is
 * wider than JS's `Number` (hex floats, `infinity`, leading spaces in ranges) and whose range errors Redis
 * checks in some places only, so this module reproduces it rather than reuse the generic float parser.
 */
import * as E from '../../command/errors.ts';
import { string2d, strtod } from '../../strtod.ts';
import type { ZSet } from '../../types/zset.ts';
import type { Bounds } from './bounds.ts';

/** A score, increment or weight (`string2d`). */
export function parseScore(s: string | undefined, err = E.NOT_FLOAT): number {
  const n = s === undefined ? null : string2d(s);
  if (n === null) throw err;
  return n;
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
