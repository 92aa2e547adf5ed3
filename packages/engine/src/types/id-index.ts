/**
 * An ordered map from stream ID (types/stream-id.ts) to a value, in chunks of bounded size: the
 * pending-entries lists of consumer groups and consumers, where inserts may land anywhere (XCLAIM FORCE,
 * XGROUP SETID). Chunks sit in an array searched by their first ID, so lookup and range seek are O(log n),
 * appending at the end is O(1), and an insert or delete moves at most one chunk's elements. (A stream's own
 * entries use the sealed nodes of stream-entries.ts.)
 */
import type { StreamId } from './stream-id.ts';

export interface Chunk<V> {
  ids: StreamId[];
  vals: V[];
}

/** A place in the index: chunk number and offset within it. */
export interface Pos {
  c: number;
  i: number;
}

export class IdIndex<V> {
  readonly chunks: Chunk<V>[] = [];
  size = 0;
  private readonly cap: number;

  constructor(cap: number) {
    this.cap = cap;
  }

  firstKey(): StreamId | undefined {
    return this.chunks[0]?.ids[0];
  }

  lastKey(): StreamId | undefined {
    const last = this.chunks[this.chunks.length - 1];
    return last?.ids[last.ids.length - 1];
  }

  /** The last chunk whose first ID is ≤ id, or -1. */
  private chunkFor(id: StreamId): number {
    const chunks = this.chunks;
    let lo = 0;
    let hi = chunks.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (((chunks[mid] as Chunk<V>).ids[0] as StreamId) <= id) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  /** Offset of the first ID ≥ id in `ids`. */
  private static lowerBound(ids: StreamId[], id: StreamId): number {
    let lo = 0;
    let hi = ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((ids[mid] as StreamId) < id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private locate(id: StreamId): Pos | null {
    const c = this.chunkFor(id);
    if (c < 0) return null;
    const ids = (this.chunks[c] as Chunk<V>).ids;
    const i = IdIndex.lowerBound(ids, id);
    return ids[i] === id ? { c, i } : null;
  }

  get(id: StreamId): V | undefined {
    const p = this.locate(id);
    return p === null ? undefined : (this.chunks[p.c] as Chunk<V>).vals[p.i];
  }

  has(id: StreamId): boolean {
    return this.locate(id) !== null;
  }

  /** Appends an ID above every key; in a new chunk when the last one is full. */
  append(id: StreamId, value: V): void {
    let last = this.chunks[this.chunks.length - 1];
    if (last === undefined || last.ids.length >= this.cap) {
      last = { ids: [], vals: [] };
      this.chunks.push(last);
    }
    last.ids.push(id);
    last.vals.push(value);
    this.size++;
  }

  /** Inserts or replaces anywhere (PELs: XCLAIM FORCE and XGROUP SETID make out-of-order inserts). */
  set(id: StreamId, value: V): void {
    const lastKey = this.lastKey();
    if (lastKey === undefined || id > lastKey) {
      this.append(id, value);
      return;
    }
    const c = Math.max(0, this.chunkFor(id));
    const chunk = this.chunks[c] as Chunk<V>;
    const i = IdIndex.lowerBound(chunk.ids, id);
    if (chunk.ids[i] === id) {
      chunk.vals[i] = value;
      return;
    }
    chunk.ids.splice(i, 0, id);
    chunk.vals.splice(i, 0, value);
    this.size++;
    if (chunk.ids.length > 2 * this.cap) {
      const half = chunk.ids.length >>> 1;
      this.chunks.splice(c + 1, 0, { ids: chunk.ids.splice(half), vals: chunk.vals.splice(half) });
    }
  }

  /** Removes `id`; its value, or undefined when absent. An emptied chunk goes. */
  delete(id: StreamId): V | undefined {
    const p = this.locate(id);
    if (p === null) return undefined;
    const chunk = this.chunks[p.c] as Chunk<V>;
    const value = chunk.vals[p.i] as V;
    if (chunk.ids.length === 1) this.chunks.splice(p.c, 1);
    else {
      chunk.ids.splice(p.i, 1);
      chunk.vals.splice(p.i, 1);
    }
    this.size--;
    return value;
  }

  /** Position of the first key ≥ id, or null. */
  ceiling(id: StreamId): Pos | null {
    let c = Math.max(0, this.chunkFor(id));
    while (c < this.chunks.length) {
      const ids = (this.chunks[c] as Chunk<V>).ids;
      const i = IdIndex.lowerBound(ids, id);
      if (i < ids.length) return { c, i };
      c++;
    }
    return null;
  }

  /** Position of the last key ≤ id, or null. */
  floor(id: StreamId): Pos | null {
    const c = this.chunkFor(id);
    if (c < 0) return null;
    const ids = (this.chunks[c] as Chunk<V>).ids;
    let i = IdIndex.lowerBound(ids, id);
    if (ids[i] !== id) i--;
    if (i >= 0) return { c, i };
    return c > 0 ? { c: c - 1, i: (this.chunks[c - 1] as Chunk<V>).ids.length - 1 } : null;
  }

  /** The key ≥ id, or undefined. */
  ceilingKey(id: StreamId): StreamId | undefined {
    const p = this.ceiling(id);
    return p === null ? undefined : (this.chunks[p.c] as Chunk<V>).ids[p.i];
  }

  /**
   * Calls `fn` for keys in [from, to] ascending (descending when `rev`, from `to` down to `from`) until it
   * returns false. The index must not change meanwhile.
   */
  range(from: StreamId, to: StreamId, rev: boolean, fn: (id: StreamId, value: V) => boolean | undefined): void {
    if (from > to) return;
    const chunks = this.chunks;
    if (!rev) {
      const p = this.ceiling(from);
      if (p === null) return;
      for (let c = p.c, i = p.i; c < chunks.length; c++, i = 0) {
        const chunk = chunks[c] as Chunk<V>;
        for (; i < chunk.ids.length; i++) {
          const id = chunk.ids[i] as StreamId;
          if (id > to || fn(id, chunk.vals[i] as V) === false) return;
        }
      }
    } else {
      const p = this.floor(to);
      if (p === null) return;
      for (let c = p.c, i = p.i; c >= 0; c--) {
        const chunk = chunks[c] as Chunk<V>;
        if (i < 0) i = chunk.ids.length - 1;
        for (; i >= 0; i--) {
          const id = chunk.ids[i] as StreamId;
          if (id < from || fn(id, chunk.vals[i] as V) === false) return;
        }
      }
    }
  }

  /** Every key and value in order. */
  *[Symbol.iterator](): IterableIterator<[StreamId, V]> {
    for (const chunk of this.chunks)
      for (let i = 0; i < chunk.ids.length; i++) yield [chunk.ids[i] as StreamId, chunk.vals[i] as V];
  }
}
