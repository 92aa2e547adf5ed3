import { parseInt64 } from '../bytes.ts';
import { ELEMENT_OVERHEAD } from './index.ts';

/** Redis's default thresholds for its compact set encodings (`set-max-intset-entries`, `set-max-listpack-*`). */
const MAX_INTSET_ENTRIES = 512;
const MAX_LISTPACK_ENTRIES = 128;
const MAX_LISTPACK_VALUE = 64;

export type SetEncoding = 'intset' | 'listpack' | 'hashtable';

/**
 * A set of byte strings with O(1) add, delete, membership and uniform random member (SPOP, SRANDMEMBER):
 * members sit in a dense array, and a map holds each member's index; deleting swaps the last member in.
 */
export class RSet {
  private readonly index = new Map<string, number>();
  private readonly items: string[] = [];
  private used = 0;

  get size(): number {
    return this.items.length;
  }

  /** Estimated bytes held: every member plus ELEMENT_OVERHEAD each. */
  get bytes(): number {
    return this.used;
  }

  has(member: string): boolean {
    return this.index.has(member);
  }

  /** Adds `member`; true when it was not there. */
  add(member: string): boolean {
    if (this.index.has(member)) return false;
    this.index.set(member, this.items.length);
    this.items.push(member);
    this.used += member.length + ELEMENT_OVERHEAD;
    return true;
  }

  /** Removes `member`; true when it was there. */
  delete(member: string): boolean {
    const i = this.index.get(member);
    if (i === undefined) return false;
    const last = this.items.pop() as string;
    this.index.delete(member);
    this.used -= member.length + ELEMENT_OVERHEAD;
    if (last !== member) {
      this.items[i] = last;
      this.index.set(last, i);
    }
    return true;
  }

  /** A uniformly random member; `random` returns [0, 1). Undefined when empty. */
  random(random: () => number): string | undefined {
    return this.items[Math.floor(random() * this.items.length)];
  }

  /** Removes and returns a uniformly random member. Undefined when empty. */
  pop(random: () => number): string | undefined {
    const member = this.random(random);
    if (member !== undefined) this.delete(member);
    return member;
  }

  /**
   * `count` distinct members chosen uniformly (0 < count < size), by a partial Fisher-Yates shuffle: over a
   * copy of the members when the sample is a large part of the set, else over a sparse map of the swapped
   * positions so the cost stays O(count) however large the set.
   */
  sample(count: number, random: () => number): string[] {
    const n = this.items.length;
    if (count * 4 >= n) {
      const pool = this.items.slice();
      for (let i = 0; i < count; i++) {
        const j = i + Math.floor(random() * (n - i));
        const picked = pool[j] as string;
        pool[j] = pool[i] as string;
        pool[i] = picked;
      }
      pool.length = count;
      return pool;
    }
    const moved = new Map<number, number>();
    const out: string[] = [];
    for (let i = 0; i < count; i++) {
      const j = i + Math.floor(random() * (n - i));
      const at = moved.get(j) ?? j;
      moved.set(j, moved.get(i) ?? i);
      out.push(this.items[at] as string);
    }
    return out;
  }

  /**
   * The encoding Redis ≥ 7.2 would give these members with its default thresholds: `intset` for at most 512
   * integers, `listpack` for at most 128 members of at most 64 bytes, else `hashtable`. It is derived from
   * the current members, so unlike Redis a set that shrinks returns to a compact encoding. Costs O(size)
   * only for sets small enough to be compact.
   */
  encoding(): SetEncoding {
    const n = this.items.length;
    if (n > MAX_INTSET_ENTRIES) return 'hashtable';
    if (this.items.every(isInteger)) return 'intset';
    if (n > MAX_LISTPACK_ENTRIES) return 'hashtable';
    return this.items.every((m) => m.length <= MAX_LISTPACK_VALUE) ? 'listpack' : 'hashtable';
  }

  /** Members in storage order (stable between mutations; used by scans). */
  members(): readonly string[] {
    return this.items;
  }

  values(): IterableIterator<string> {
    return this.items.values();
  }

  /** Members in an order that survives mutation between calls (for cursor scans). */
  scanOrder(): IterableIterator<string> {
    return this.index.keys();
  }

  clone(): RSet {
    const copy = new RSet();
    for (const m of this.items) copy.add(m);
    return copy;
  }
}

/** A member an intset can hold: Redis's `string2ll` accepts it. */
function isInteger(member: string): boolean {
  return member.length <= 20 && parseInt64(member) !== null;
}
