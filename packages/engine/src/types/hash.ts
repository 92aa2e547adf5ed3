/** A hash: field → value, both byte strings, in insertion order. */
export class Hash {
  readonly fields = new Map<string, string>();

  get size(): number {
    return this.fields.size;
  }

  clone(): Hash {
    const copy = new Hash();
    for (const [f, v] of this.fields) copy.fields.set(f, v);
    return copy;
  }
}
