/** A list of byte strings. (Placeholder shape; the list module replaces it with a deque.) */
export class List {
  readonly items: string[] = [];

  get size(): number {
    return this.items.length;
  }

  clone(): List {
    const copy = new List();
    copy.items.push(...this.items);
    return copy;
  }
}
