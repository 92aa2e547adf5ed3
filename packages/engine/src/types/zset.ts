/** A sorted set. (Placeholder shape; the sorted-set module replaces it with a skiplist.) */
export class ZSet {
  readonly scores = new Map<string, number>();

  get size(): number {
    return this.scores.size;
  }

  clone(): ZSet {
    const copy = new ZSet();
    for (const [m, s] of this.scores) copy.scores.set(m, s);
    return copy;
  }
}
