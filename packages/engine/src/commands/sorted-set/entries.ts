/** Small helpers the sorted-set commands share for replies and stored scores. */
import { DoubleReply, type Reply } from '../../reply.ts';
import { type ZNode, ZSet } from '../../types/zset.ts';

/** zset-max-listpack-entries and zset-max-listpack-value: the sets Redis keeps in a listpack. */
export const LISTPACK_ENTRIES = 128;
export const LISTPACK_VALUE = 64;

/**
 * The score a set keeps: a listpack stores -0 as the integer 0, so it reads back as 0 there (replies
 * computed on the fly, such as ZINCRBY's, still say -0).
 */
const stored = (z: ZSet, score: number) => (z.listpack && score === 0 ? 0 : score);

/** Adds a member known to be absent, as zsetAdd does: the set leaves its listpack when outgrowing it. */
export function addMember(z: ZSet, member: string, score: number): void {
  if (z.listpack && (z.size + 1 > LISTPACK_ENTRIES || member.length > LISTPACK_VALUE)) z.listpack = false;
  z.insert(member, stored(z, score));
}

/** Changes a member's score. */
export function setScore(z: ZSet, node: ZNode, score: number): void {
  z.rescore(node, stored(z, score));
}

/** Appends a member, and its score when asked: the flat WITHSCORES shape. */
export function pushMember(out: Reply[], member: string, score: number, withScores: boolean): void {
  out.push(member);
  if (withScores) out.push(new DoubleReply(score));
}

/** A computed member and score (set operations, range results) before it is replied or stored. */
export interface Entry {
  member: string;
  score: number;
}

/** zset order: by score, then by member bytes. */
export function byScoreThenMember(a: Entry, b: Entry): number {
  if (a.score !== b.score) return a.score < b.score ? -1 : 1;
  return a.member < b.member ? -1 : a.member > b.member ? 1 : 0;
}

/**
 * A set from entries already in zset order (a set operation's result, which Redis builds as a skiplist
 * and then turns into a listpack if small enough), built from the top so every insertion lands in front.
 */
export function zsetFromSorted(entries: readonly Entry[]): ZSet {
  const z = new ZSet();
  z.listpack = entries.length <= LISTPACK_ENTRIES && entries.every((e) => e.member.length <= LISTPACK_VALUE);
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i] as Entry;
    z.insert(e.member, stored(z, e.score));
  }
  return z;
}
