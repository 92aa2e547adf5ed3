/**
 * A score or lex range as Redis walks it (zsl/zzl First/LastInRange and the loops around them): find the
 * first (or last) member in range, then step while the other bound holds.
 */
import type { ZNode, ZSet } from '../../types/zset.ts';

export interface Bounds {
  /** The bounds exclude everything (min above max, or equal with an open end). */
  empty: boolean;
  gteMin: (node: ZNode) => boolean;
  lteMax: (node: ZNode) => boolean;
  /**
   * Search linearly, as Redis does in the listpacks it keeps small sets in. It only matters for lex ranges
   * over mixed scores, which Redis leaves unspecified but answers deterministically for small sets.
   */
  linear: boolean;
}

/** Redis's quick rejections (zslIsInRange): nothing can match when the ends are out of range. */
function excluded(z: ZSet, b: Bounds): boolean {
  return b.empty || z.size === 0 || !b.gteMin(z.last) || !b.lteMax(z.first);
}

/** Rank of the first member in range, or -1. */
export function firstInRange(z: ZSet, b: Bounds): number {
  if (excluded(z, b)) return -1;
  let rank = 0;
  let node = z.first;
  if (b.linear) {
    while (!b.gteMin(node)) {
      node = z.next(node);
      rank++;
    }
  } else {
    rank = z.countWhile((n) => !b.gteMin(n));
    node = z.at(rank);
  }
  return b.lteMax(node) ? rank : -1;
}

/** Rank of the last member in range, or -1. */
export function lastInRange(z: ZSet, b: Bounds): number {
  if (excluded(z, b)) return -1;
  let rank = z.size - 1;
  let node = z.last;
  if (b.linear) {
    while (!b.lteMax(node)) {
      node = z.prev(node);
      rank--;
    }
  } else {
    rank = z.countWhile(b.lteMax) - 1;
    node = z.at(rank);
  }
  return b.gteMin(node) ? rank : -1;
}

/** How many members from rank `from` on keep `test` true. */
function runLength(z: ZSet, from: number, test: (node: ZNode) => boolean): number {
  let count = 0;
  for (let n = z.at(from); n !== 0 && test(n); n = z.next(n)) count++;
  return count;
}

/** ZCOUNT / ZLEXCOUNT. */
export function countInRange(z: ZSet, b: Bounds): number {
  const first = firstInRange(z, b);
  if (first < 0) return 0;
  if (b.linear) return runLength(z, first, b.lteMax);
  // The skiplist answer is a difference of ranks (which a lex range over mixed scores can make odd).
  const last = lastInRange(z, b);
  return last >= 0 ? last - first + 1 : z.size - first;
}

/**
 * ZREMRANGEBYSCORE / ZREMRANGEBYLEX: the ranks [from, to) to delete. The skiplist path starts after the
 * members below min without the quick rejections; the listpack path starts at the first in range.
 */
export function removalSpan(z: ZSet, b: Bounds): [from: number, to: number] {
  const from = b.linear ? firstInRange(z, b) : z.countWhile((n) => !b.gteMin(n));
  if (from < 0 || from >= z.size) return [0, 0];
  return [from, from + runLength(z, from, b.lteMax)];
}
