/**
 * A set of byte strings with O(1) add, delete, membership and uniform random member (SPOP, SRANDMEMBER):
 * members sit in a dense array, and a map holds each member's index; deleting swaps the last member in.
 */
export class RSet {
  private readonly index = new Map<string, number>();
  private readonly items: string[] = [];

  get size(): number {
    return this.items.length;
  }

  has(member: string): boolean {
    return this.index.has(member);
  }

  /** Adds `member`; true when it was not there. */
  add(member: string): boolean {
    if (this.index.has(member)) return false;
    this.index.set(member, this.items.length);
    this.items.push(member);
    return true;
  }

  /** Removes `member`; true when it was there. */
  delete(member: string): boolean {
    const i = this.index.get(member);
    if (i === undefined) return false;
    const last = this.items.pop() as string;
    this.index.delete(member);
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
