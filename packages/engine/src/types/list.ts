import { ELEMENT_OVERHEAD } from './index.ts';

/**
 * A list of byte strings as a ring buffer: O(1) push and pop at both ends and O(1) access by index, so
 * LINDEX, LSET and LRANGE stay fast on long lists. The capacity is a power of two (an index wraps with a
 * mask); it doubles when full and halves when the list falls to a quarter of it, so memory follows length.
 * Vacated slots are reset to '' so popped strings can be collected.
 */
const MIN_CAPACITY = 4;

export class List {
  private buf: string[];
  private mask: number;
  private head = 0;
  private len = 0;
  private used = 0;

  constructor() {
    this.buf = new Array<string>(MIN_CAPACITY).fill('');
    this.mask = MIN_CAPACITY - 1;
  }

  get size(): number {
    return this.len;
  }

  /** Estimated bytes held: every element plus ELEMENT_OVERHEAD each. */
  get bytes(): number {
    return this.used;
  }

  /** The element at `index` (0 = head), or undefined outside 0..size-1. */
  at(index: number): string | undefined {
    if (index < 0 || index >= this.len) return undefined;
    return this.buf[(this.head + index) & this.mask];
  }

  /** Replaces the element at `index`, which must be within 0..size-1. */
  set(index: number, value: string): void {
    const slot = (this.head + index) & this.mask;
    this.used += value.length - (this.buf[slot] as string).length;
    this.buf[slot] = value;
  }

  pushFront(value: string): void {
    if (this.len === this.buf.length) this.resize(this.buf.length * 2);
    this.head = (this.head - 1) & this.mask;
    this.buf[this.head] = value;
    this.len++;
    this.used += value.length + ELEMENT_OVERHEAD;
  }

  pushBack(value: string): void {
    if (this.len === this.buf.length) this.resize(this.buf.length * 2);
    this.buf[(this.head + this.len) & this.mask] = value;
    this.len++;
    this.used += value.length + ELEMENT_OVERHEAD;
  }

  popFront(): string | undefined {
    if (this.len === 0) return undefined;
    const value = this.buf[this.head] as string;
    this.buf[this.head] = '';
    this.head = (this.head + 1) & this.mask;
    this.len--;
    this.used -= value.length + ELEMENT_OVERHEAD;
    this.shrinkIfSparse();
    return value;
  }

  popBack(): string | undefined {
    if (this.len === 0) return undefined;
    const slot = (this.head + this.len - 1) & this.mask;
    const value = this.buf[slot] as string;
    this.buf[slot] = '';
    this.len--;
    this.used -= value.length + ELEMENT_OVERHEAD;
    this.shrinkIfSparse();
    return value;
  }

  /** Inserts `value` so that it ends up at `index` (0..size), moving the shorter side of the list. */
  insert(index: number, value: string): void {
    if (this.len === this.buf.length) this.resize(this.buf.length * 2);
    const { buf, mask } = this;
    if (index < this.len / 2) {
      this.head = (this.head - 1) & mask;
      for (let i = 0; i < index; i++) buf[(this.head + i) & mask] = buf[(this.head + i + 1) & mask] as string;
    } else {
      for (let i = this.len; i > index; i--) buf[(this.head + i) & mask] = buf[(this.head + i - 1) & mask] as string;
    }
    buf[(this.head + index) & mask] = value;
    this.len++;
    this.used += value.length + ELEMENT_OVERHEAD;
  }

  /** Index of the first element equal to `value` from the head, or -1. */
  indexOf(value: string): number {
    const { buf, mask, head } = this;
    for (let i = 0; i < this.len; i++) if (buf[(head + i) & mask] === value) return i;
    return -1;
  }

  /**
   * Removes elements equal to `value`, at most `limit` of them (0 = all), scanning from the tail when
   * `fromTail`. Survivors keep their order. Returns how many were removed.
   */
  removeMatching(value: string, limit: number, fromTail: boolean): number {
    const { buf, mask, head, len } = this;
    let removed = 0;
    if (!fromTail) {
      let w = 0;
      for (let r = 0; r < len; r++) {
        const v = buf[(head + r) & mask] as string;
        if (v === value && (limit === 0 || removed < limit)) removed++;
        else {
          if (w !== r) buf[(head + w) & mask] = v;
          w++;
        }
      }
      for (let i = w; i < len; i++) buf[(head + i) & mask] = '';
    } else {
      let w = len - 1;
      for (let r = len - 1; r >= 0; r--) {
        const v = buf[(head + r) & mask] as string;
        if (v === value && (limit === 0 || removed < limit)) removed++;
        else {
          if (w !== r) buf[(head + w) & mask] = v;
          w--;
        }
      }
      for (let i = 0; i <= w; i++) buf[(head + i) & mask] = '';
      this.head = (head + removed) & mask;
    }
    this.len = len - removed;
    this.used -= removed * (value.length + ELEMENT_OVERHEAD);
    this.shrinkIfSparse();
    return removed;
  }

  /**
   * Elements `start..stop` (inclusive, 0 ≤ start ≤ stop < size) in a new array, tail to head when
   * `reverse`. The array is sized up front: no copy beyond the result.
   */
  range(start: number, stop: number, reverse = false): string[] {
    const n = stop - start + 1;
    const out = new Array<string>(n);
    const { buf, mask, head } = this;
    if (reverse) for (let i = 0; i < n; i++) out[i] = buf[(head + stop - i) & mask] as string;
    else for (let i = 0; i < n; i++) out[i] = buf[(head + start + i) & mask] as string;
    return out;
  }

  /** Removes the first `n` elements (n ≤ size). */
  dropFront(n: number): void {
    let freed = n * ELEMENT_OVERHEAD;
    for (let i = 0; i < n; i++) {
      const slot = (this.head + i) & this.mask;
      freed += (this.buf[slot] as string).length;
      this.buf[slot] = '';
    }
    this.used -= freed;
    this.head = (this.head + n) & this.mask;
    this.len -= n;
    this.shrinkIfSparse();
  }

  /** Removes the last `n` elements (n ≤ size). */
  dropBack(n: number): void {
    let freed = n * ELEMENT_OVERHEAD;
    for (let i = this.len - n; i < this.len; i++) {
      const slot = (this.head + i) & this.mask;
      freed += (this.buf[slot] as string).length;
      this.buf[slot] = '';
    }
    this.used -= freed;
    this.len -= n;
    this.shrinkIfSparse();
  }

  /** Elements head to tail. */
  *values(): IterableIterator<string> {
    for (let i = 0; i < this.len; i++) yield this.buf[(this.head + i) & this.mask] as string;
  }

  clone(): List {
    const copy = new List();
    copy.resize(capacityFor(this.len));
    for (let i = 0; i < this.len; i++) copy.buf[i] = this.buf[(this.head + i) & this.mask] as string;
    copy.len = this.len;
    copy.used = this.used;
    return copy;
  }

  private shrinkIfSparse(): void {
    const cap = this.buf.length;
    if (cap > MIN_CAPACITY && this.len < cap / 4) this.resize(capacityFor(this.len * 2));
  }

  /** Moves the elements, in order, to a new buffer of `capacity` slots (a power of two ≥ size). */
  private resize(capacity: number): void {
    const next = new Array<string>(capacity).fill('');
    for (let i = 0; i < this.len; i++) next[i] = this.buf[(this.head + i) & this.mask] as string;
    this.buf = next;
    this.mask = capacity - 1;
    this.head = 0;
  }
}

/** The smallest power-of-two capacity (at least MIN_CAPACITY) that holds `n` elements. */
function capacityFor(n: number): number {
  let cap = MIN_CAPACITY;
  while (cap < n) cap *= 2;
  return cap;
}
