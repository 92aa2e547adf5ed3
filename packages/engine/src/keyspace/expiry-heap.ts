/**
 * A binary min-heap of (expireAt, key) used by active expiry. Entries are never updated in place: changing
 * a TTL pushes a new pair and the stale one is recognised (its time no longer matches the key's) when it
 * surfaces. `compact` rebuilds the heap when stale pairs outnumber live ones, so it stays O(live keys).
 */
export class ExpiryHeap {
  private times: number[] = [];
  private keys: string[] = [];

  get size(): number {
    return this.times.length;
  }

  push(at: number, key: string): void {
    const times = this.times;
    const keys = this.keys;
    let i = times.length;
    times.push(at);
    keys.push(key);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = times[parent] as number;
      if (pt <= at) break;
      times[i] = pt;
      keys[i] = keys[parent] as string;
      i = parent;
    }
    times[i] = at;
    keys[i] = key;
  }

  peekTime(): number {
    return this.times.length > 0 ? (this.times[0] as number) : Number.POSITIVE_INFINITY;
  }

  /** The key of the earliest pair. Call only when `size > 0`. */
  peekKey(): string {
    return this.keys[0] as string;
  }

  /** Removes the earliest pair and returns its key. Call only when `size > 0`. */
  pop(): string {
    const times = this.times;
    const keys = this.keys;
    const top = keys[0] as string;
    const lastT = times.pop() as number;
    const lastK = keys.pop() as string;
    const n = times.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && (times[r] as number) < (times[l] as number) ? r : l;
        if ((times[c] as number) >= lastT) break;
        times[i] = times[c] as number;
        keys[i] = keys[c] as string;
        i = c;
      }
      times[i] = lastT;
      keys[i] = lastK;
    }
    return top;
  }

  /** Keeps only the pairs for which `live(key, at)` holds, then re-heapifies. */
  compact(live: (key: string, at: number) => boolean): void {
    const pairs: [number, string][] = [];
    for (let i = 0; i < this.times.length; i++) {
      const at = this.times[i] as number;
      const key = this.keys[i] as string;
      if (live(key, at)) pairs.push([at, key]);
    }
    pairs.sort((a, b) => a[0] - b[0]);
    this.times = pairs.map((p) => p[0]);
    this.keys = pairs.map((p) => p[1]);
  }

  clear(): void {
    this.times = [];
    this.keys = [];
  }
}
