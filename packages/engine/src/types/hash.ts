/** A hash: field → value, both byte strings, in insertion order. */
export class Hash {
  readonly fields = new Map<string, string>();

  get size(): number {
    return this.fields.size;
  }
}
