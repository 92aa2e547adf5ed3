/** Lex ranges (ZRANGEBYLEX and friends): `[a` inclusive, `(a` exclusive, `-` and `+` unbounded. */
import * as E from '../../command/errors.ts';
import type { ZSet } from '../../types/zset.ts';
import type { Bounds } from './bounds.ts';

/** A bound's place: below every string (`-`), at a string, or above every string (`+`). */
type Edge = -1 | 0 | 1;

export interface LexRange {
  min: string;
  max: string;
  minEdge: Edge;
  maxEdge: Edge;
  minex: boolean;
  maxex: boolean;
}

function bound(s: string): { value: string; edge: Edge; ex: boolean } {
  const c = s.charCodeAt(0);
  // `+`/`-` alone (Redis reads a C string, so a NUL byte ends it); `(`/`[` then the bytes.
  if ((c === 43 || c === 45) && (s.length === 1 || s.charCodeAt(1) === 0))
    return { value: '', edge: c === 43 ? 1 : -1, ex: true };
  if (c === 40 || c === 91) return { value: s.slice(1), edge: 0, ex: c === 40 };
  throw E.MIN_MAX_NOT_LEX;
}

export function parseLexRange(min: string, max: string): LexRange {
  const lo = bound(min);
  const hi = bound(max);
  return { min: lo.value, max: hi.value, minEdge: lo.edge, maxEdge: hi.edge, minex: lo.ex, maxex: hi.ex };
}

/** `sdscmplex`: byte order, with `-` below and `+` above everything. */
function cmp(a: string, aEdge: Edge, b: string, bEdge: Edge): number {
  if (aEdge !== 0 || bEdge !== 0) {
    if (aEdge === bEdge) return 0;
    return aEdge === -1 || bEdge === 1 ? -1 : 1;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

const gteMin = (r: LexRange, v: string) => {
  const c = cmp(v, 0, r.min, r.minEdge);
  return r.minex ? c > 0 : c >= 0;
};
const lteMax = (r: LexRange, v: string) => {
  const c = cmp(v, 0, r.max, r.maxEdge);
  return r.maxex ? c < 0 : c <= 0;
};

/** A lex range over `z`. */
export function lexBounds(z: ZSet, r: LexRange): Bounds {
  const c = cmp(r.min, r.minEdge, r.max, r.maxEdge);
  return {
    empty: c > 0 || (c === 0 && (r.minex || r.maxex)),
    gteMin: (n) => gteMin(r, z.member(n)),
    lteMax: (n) => lteMax(r, z.member(n)),
    linear: z.listpack,
  };
}
