/**
 * A sorted set: Redis's zskiplist (a skiplist with spans, ordered by score then member bytes) plus a map
 * from member to node. Insert, delete, rank, rank → node and "how many leading members pass a monotone
 * test" (what score and lex ranges reduce to) are O(log n) expected.
 *
 * The nodes live in one Float64Array rather than as objects: a step along an object skiplist costs about
 * five dependent memory loads in V8 (node → level array → its elements → next node → boxed score), which
 * made a million-member set ten times slower than this layout, where a step reads the forward link and the
 * next score from the same flat buffer. A node is the offset of its record:
 *
 *   [score, backward, level, slot, forward0, span0, forward1, span1, …]
 *
 * `slot` indexes the member string in `names`. Offset 0 is the header record, which no member uses, so 0
 * also stands for "no node" in links, `backward` and the public API. A span is how many members a forward
 * link jumps; a link to nothing counts the members after its node.
 */

import { ELEMENT_OVERHEAD } from './index.ts';

/** A member's node: an opaque handle, valid until the member is removed. 0 is "none". */
export type ZNode = number;

/** Field offsets in a record; the score is at 0. */
const BACK = 1;
const LEVEL = 2;
const SLOT = 3;
const LINKS = 4;
/** Redis allows 32 levels, but with p = 1/4 level 16 already serves 4^16 members; fewer keep sets small. */
const MAX_LEVEL = 16;
const HEADER_SIZE = LINKS + 2 * MAX_LEVEL;
/** A new set's buffer: the header and room for a few members before the first growth. */
const INITIAL_SIZE = HEADER_SIZE + 24;
/** Compaction reclaims freed records once the buffer is this big and mostly free. */
const COMPACT_MIN = 16384;
/** What a member accounts for besides its name: its score, a double. */
const SCORE_BYTES = 8;

/**
 * Scratch for updates, shared by all sets (commands run one at a time): the last node before the change
 * on each level, and its rank.
 */
const update: number[] = new Array<number>(MAX_LEVEL).fill(0);
const ranks: number[] = new Array<number>(MAX_LEVEL).fill(0);

// Levels only shape the skiplist, never a reply, so a fixed-seed xorshift keeps runs reproducible without
// drawing from the command's random source.
let seed = 0x2545f491;
function randomLevel(): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  let bits = seed >>> 0;
  let level = 1;
  // p = 1/4 per extra level, as Redis: each pair of zero bits adds one.
  while ((bits & 3) === 0 && level < MAX_LEVEL) {
    level++;
    bits >>>= 2;
  }
  return level;
}

export class ZSet {
  /**
   * Whether Redis would keep this set in a listpack (zset-max-listpack-entries and -value). The commands
   * maintain it because a few answers depend on it: ZSCAN returns such a set whole, a -0 stored in it
   * reads back as 0, and lex ranges over mixed scores scan it linearly. Once false it stays false.
   */
  listpack = true;
  private heap = new Float64Array(INITIAL_SIZE);
  private top = HEADER_SIZE;
  private readonly index = new Map<string, ZNode>();
  private names: string[] = [];
  private freeSlots: number[] = [];
  /** Freed records by level, reused before the buffer grows. */
  private freeRecords: number[][] = [];
  private tail: ZNode = 0;
  private level = 1;
  private used = 0;

  constructor() {
    this.heap[LEVEL] = MAX_LEVEL;
  }

  get size(): number {
    return this.index.size;
  }

  /** Estimated bytes held: every member and its score, plus ELEMENT_OVERHEAD each. */
  get bytes(): number {
    return this.used;
  }

  /** The lowest member's node, or 0 when empty. */
  get first(): ZNode {
    return this.heap[LINKS] as number;
  }

  /** The highest member's node, or 0 when empty. */
  get last(): ZNode {
    return this.tail;
  }

  /** The node after `node` in ascending order, or 0. */
  next(node: ZNode): ZNode {
    return this.heap[node + LINKS] as number;
  }

  /** The node before `node`, or 0. */
  prev(node: ZNode): ZNode {
    return this.heap[node + BACK] as number;
  }

  member(node: ZNode): string {
    return this.names[this.heap[node + SLOT] as number] as string;
  }

  scoreOf(node: ZNode): number {
    return this.heap[node] as number;
  }

  /** The member's node, or undefined when absent. */
  get(member: string): ZNode | undefined {
    return this.index.get(member);
  }

  score(member: string): number | undefined {
    const node = this.index.get(member);
    return node === undefined ? undefined : (this.heap[node] as number);
  }

  /** Adds a member known to be absent. */
  insert(member: string, score: number): ZNode {
    const level = randomLevel();
    const node = this.alloc(level);
    let slot = this.freeSlots.pop();
    if (slot === undefined) slot = this.names.push(member) - 1;
    else this.names[slot] = member;
    const h = this.heap;
    h[node] = score;
    h[node + LEVEL] = level;
    h[node + SLOT] = slot;
    this.link(node);
    this.index.set(member, node);
    this.used += member.length + SCORE_BYTES + ELEMENT_OVERHEAD;
    return node;
  }

  /** Removes `member`; true when it was there. */
  delete(member: string): boolean {
    const node = this.index.get(member);
    if (node === undefined) return false;
    this.index.delete(member);
    this.used -= member.length + SCORE_BYTES + ELEMENT_OVERHEAD;
    this.findUpdate(node);
    this.unlink(node);
    this.release(node);
    this.maybeCompact();
    return true;
  }

  /** Changes a member's score, moving its node only when its place changes (zslUpdateScore). */
  rescore(node: ZNode, score: number): void {
    const h = this.heap;
    const prev = h[node + BACK] as number;
    const next = h[node + LINKS] as number;
    if ((prev === 0 || (h[prev] as number) < score) && (next === 0 || (h[next] as number) > score)) {
      h[node] = score;
      return;
    }
    this.findUpdate(node);
    this.unlink(node);
    h[node] = score;
    this.link(node);
  }

  /** 0-based rank of a node of this set in ascending order. */
  rank(node: ZNode): number {
    const h = this.heap;
    const names = this.names;
    const score = h[node] as number;
    const member = names[h[node + SLOT] as number] as string;
    let x = 0;
    let rank = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      const at = LINKS + 2 * i;
      for (let f = h[x + at] as number; f !== 0; f = h[x + at] as number) {
        const fs = h[f] as number;
        if (f !== node && !(fs < score || (fs === score && (names[h[f + SLOT] as number] as string) < member))) break;
        rank += h[x + at + 1] as number;
        x = f;
      }
      if (x === node) return rank - 1;
    }
    throw new Error('ZSet.rank: node not in this set');
  }

  /** The node at a 0-based rank, or 0 outside [0, size). */
  at(rank: number): ZNode {
    if (rank < 0 || rank >= this.index.size) return 0;
    if (rank === this.index.size - 1) return this.tail;
    const h = this.heap;
    const target = rank + 1;
    let x = 0;
    let traversed = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      const at = LINKS + 2 * i;
      for (let f = h[x + at] as number; f !== 0; f = h[x + at] as number) {
        const step = h[x + at + 1] as number;
        if (traversed + step > target) break;
        traversed += step;
        x = f;
      }
      if (traversed === target) return x;
    }
    return 0;
  }

  /**
   * How many of the lowest members pass `test`, which must hold for a prefix of the order and fail after
   * it (`score <= max`, `member < min`, …). A score or lex range is two of these.
   */
  countWhile(test: (node: ZNode) => boolean): number {
    const h = this.heap;
    let x = 0;
    let count = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      const at = LINKS + 2 * i;
      for (let f = h[x + at] as number; f !== 0 && test(f); f = h[x + at] as number) {
        count += h[x + at + 1] as number;
        x = f;
      }
    }
    return count;
  }

  /** Removes the members at 0-based ranks start..end (inclusive, within the set); returns how many. */
  deleteRange(start: number, end: number): number {
    const h = this.heap;
    let x = 0;
    let traversed = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      const at = LINKS + 2 * i;
      for (let f = h[x + at] as number; f !== 0; f = h[x + at] as number) {
        const step = h[x + at + 1] as number;
        if (traversed + step > start) break;
        traversed += step;
        x = f;
      }
      update[i] = x;
    }
    let node = h[x + LINKS] as number;
    let removed = 0;
    for (let r = start; node !== 0 && r <= end; r++) {
      const next = h[node + LINKS] as number;
      const member = this.member(node);
      this.index.delete(member);
      this.used -= member.length + SCORE_BYTES + ELEMENT_OVERHEAD;
      this.unlink(node);
      this.release(node);
      removed++;
      node = next;
    }
    this.maybeCompact();
    return removed;
  }

  /** Members in an order that survives mutation between calls (for cursor scans). */
  scanOrder(): IterableIterator<string> {
    return this.index.keys();
  }

  clone(): ZSet {
    const copy = new ZSet();
    copy.heap = this.heap.slice(0, Math.max(this.top, INITIAL_SIZE));
    copy.top = this.top;
    for (const [member, node] of this.index) copy.index.set(member, node);
    copy.names = this.names.slice();
    copy.freeSlots = this.freeSlots.slice();
    copy.freeRecords = this.freeRecords.map((list) => list.slice());
    copy.tail = this.tail;
    copy.level = this.level;
    copy.listpack = this.listpack;
    copy.used = this.used;
    return copy;
  }

  /** A record for a node of `level` levels, links cleared; may grow (and so replace) the buffer. */
  private alloc(level: number): ZNode {
    const size = LINKS + 2 * level;
    let node = this.freeRecords[level]?.pop();
    if (node === undefined) {
      node = this.top;
      if (this.top + size > this.heap.length) {
        const grown = new Float64Array(Math.max(this.heap.length * 2, this.top + size));
        grown.set(this.heap.subarray(0, this.top));
        this.heap = grown;
      }
      this.top += size;
    }
    this.heap.fill(0, node, node + size);
    return node;
  }

  private release(node: ZNode): void {
    const h = this.heap;
    const level = h[node + LEVEL] as number;
    const slot = h[node + SLOT] as number;
    this.names[slot] = '';
    this.freeSlots.push(slot);
    let list = this.freeRecords[level];
    if (list === undefined) {
      list = [];
      this.freeRecords[level] = list;
    }
    list.push(node);
  }

  /** Splices a prepared record (score, level, slot set; links cleared) into place (zslInsertNode). */
  private link(node: ZNode): void {
    const { heap: h, names } = this;
    const score = h[node] as number;
    const member = names[h[node + SLOT] as number] as string;
    const level = h[node + LEVEL] as number;
    let x = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      const at = LINKS + 2 * i;
      let rank = i === this.level - 1 ? 0 : (ranks[i + 1] as number);
      for (let f = h[x + at] as number; f !== 0; f = h[x + at] as number) {
        const fs = h[f] as number;
        if (!(fs < score || (fs === score && (names[h[f + SLOT] as number] as string) < member))) break;
        rank += h[x + at + 1] as number;
        x = f;
      }
      ranks[i] = rank;
      update[i] = x;
    }
    if (level > this.level) {
      for (let i = this.level; i < level; i++) {
        ranks[i] = 0;
        update[i] = 0;
        h[LINKS + 2 * i + 1] = this.index.size;
      }
      this.level = level;
    }
    const rank0 = ranks[0] as number;
    for (let i = 0; i < level; i++) {
      const u = update[i] as number;
      const at = LINKS + 2 * i;
      const crossed = rank0 - (ranks[i] as number);
      h[node + at] = h[u + at] as number;
      h[node + at + 1] = (h[u + at + 1] as number) - crossed;
      h[u + at] = node;
      h[u + at + 1] = crossed + 1;
    }
    for (let i = level; i < this.level; i++) {
      const u = update[i] as number;
      h[u + LINKS + 2 * i + 1] = (h[u + LINKS + 2 * i + 1] as number) + 1;
    }
    h[node + BACK] = update[0] as number;
    const next = h[node + LINKS] as number;
    if (next !== 0) h[next + BACK] = node;
    else this.tail = node;
  }

  /** Fills `update` with the last node before `node` on each level. */
  private findUpdate(node: ZNode): void {
    const { heap: h, names } = this;
    const score = h[node] as number;
    const member = names[h[node + SLOT] as number] as string;
    let x = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      const at = LINKS + 2 * i;
      for (let f = h[x + at] as number; f !== 0; f = h[x + at] as number) {
        const fs = h[f] as number;
        if (!(fs < score || (fs === score && (names[h[f + SLOT] as number] as string) < member))) break;
        x = f;
      }
      update[i] = x;
    }
  }

  /** zslDeleteNode: takes `node` out of the links, with `update` filled for it. */
  private unlink(node: ZNode): void {
    const h = this.heap;
    for (let i = 0; i < this.level; i++) {
      const u = update[i] as number;
      const at = LINKS + 2 * i;
      if (h[u + at] === node) {
        h[u + at + 1] = (h[u + at + 1] as number) + (h[node + at + 1] as number) - 1;
        h[u + at] = h[node + at] as number;
      } else h[u + at + 1] = (h[u + at + 1] as number) - 1;
    }
    const next = h[node + LINKS] as number;
    if (next !== 0) h[next + BACK] = h[node + BACK] as number;
    else this.tail = h[node + BACK] as number;
    while (this.level > 1 && h[LINKS + 2 * (this.level - 1)] === 0) this.level--;
  }

  /**
   * Once most of a large buffer is free records, rewrites the live ones contiguously in order. Nodes get
   * new offsets (the index is updated in place, so scan iterators over it stay valid); called only at the
   * end of public removals, when no caller holds a node.
   */
  private maybeCompact(): void {
    if (this.top < COMPACT_MIN || (this.index.size + 1) * 24 > this.top) return;
    const old = this.heap;
    const moved = new Float64Array(this.top);
    let top = HEADER_SIZE;
    for (let x = old[LINKS] as number; x !== 0; x = old[x + LINKS] as number) {
      moved[x] = top;
      top += LINKS + 2 * (old[x + LEVEL] as number);
    }
    const heap = new Float64Array(Math.max(INITIAL_SIZE, 2 * top));
    const names: string[] = [];
    const remap = (x: number) => (x === 0 ? 0 : (moved[x] as number));
    heap[LEVEL] = MAX_LEVEL;
    for (let i = 0; i < MAX_LEVEL; i++) {
      heap[LINKS + 2 * i] = remap(old[LINKS + 2 * i] as number);
      heap[LINKS + 2 * i + 1] = old[LINKS + 2 * i + 1] as number;
    }
    for (let x = old[LINKS] as number; x !== 0; x = old[x + LINKS] as number) {
      const y = moved[x] as number;
      const level = old[x + LEVEL] as number;
      heap[y] = old[x] as number;
      heap[y + BACK] = remap(old[x + BACK] as number);
      heap[y + LEVEL] = level;
      heap[y + SLOT] = names.push(this.names[old[x + SLOT] as number] as string) - 1;
      for (let i = 0; i < level; i++) {
        heap[y + LINKS + 2 * i] = remap(old[x + LINKS + 2 * i] as number);
        heap[y + LINKS + 2 * i + 1] = old[x + LINKS + 2 * i + 1] as number;
      }
      this.index.set(names[names.length - 1] as string, y);
    }
    this.heap = heap;
    this.top = top;
    this.names = names;
    this.freeSlots = [];
    this.freeRecords = [];
    this.tail = remap(this.tail);
  }
}
