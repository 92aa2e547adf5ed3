/** A sorted set. (Placeholder shape; the sorted-set module replaces it with a skiplist.) */
export class ZSet {
  readonly scores = new Map<string, number>();

  get size(): number {
    return this.scores.size;
  }
}
