import { ELEMENT_OVERHEAD } from './index.ts';

/**
 * A hash: field → value, both byte strings. Fields iterate in insertion order (an updated field keeps its
 * place), which is Redis's listpack order for small hashes and what HGETALL shows. Fields and values also
 * sit in dense arrays, a map holding each field's slot; deleting moves the last slot into the hole. So a
 * uniformly random field (HRANDFIELD) is O(1), like types/set.ts.
 */
export class Hash {
  private readonly slots = new Map<string, number>();
  private readonly names: string[] = [];
  private readonly vals: string[] = [];
  private used = 0;

  get size(): number {
    return this.names.length;
  }

  /** Estimated bytes held: every field and value, plus ELEMENT_OVERHEAD per field. */
  get bytes(): number {
    return this.used;
  }

  get(field: string): string | undefined {
    const i = this.slots.get(field);
    return i === undefined ? undefined : this.vals[i];
  }

  has(field: string): boolean {
    return this.slots.has(field);
  }

  /** Sets `field` to `value`; true when the field is new. */
  set(field: string, value: string): boolean {
    const i = this.slots.get(field);
    if (i !== undefined) {
      this.used += value.length - (this.vals[i] as string).length;
      this.vals[i] = value;
      return false;
    }
    this.used += field.length + value.length + ELEMENT_OVERHEAD;
    this.slots.set(field, this.names.length);
    this.names.push(field);
    this.vals.push(value);
    return true;
  }

  /** Removes `field`; true when it was there. */
  delete(field: string): boolean {
    const i = this.slots.get(field);
    if (i === undefined) return false;
    this.used -= field.length + (this.vals[i] as string).length + ELEMENT_OVERHEAD;
    this.slots.delete(field);
    const lastName = this.names.pop() as string;
    const lastVal = this.vals.pop() as string;
    if (lastName !== field) {
      this.names[i] = lastName;
      this.vals[i] = lastVal;
      this.slots.set(lastName, i);
    }
    return true;
  }

  /** The field in slot `i` (0 ≤ i < size): slots are dense but in no meaningful order (random picks). */
  fieldAt(i: number): string {
    return this.names[i] as string;
  }

  /** The value in slot `i` (0 ≤ i < size). */
  valueAt(i: number): string {
    return this.vals[i] as string;
  }

  /** Fields in insertion order. The iterator survives mutation between calls (cursor scans). */
  keys(): IterableIterator<string> {
    return this.slots.keys();
  }

  /** Calls `fn` for every field in insertion order. */
  forEach(fn: (value: string, field: string) => void): void {
    const vals = this.vals;
    this.slots.forEach((i, field) => {
      fn(vals[i] as string, field);
    });
  }

  clone(): Hash {
    const copy = new Hash();
    this.slots.forEach((i, field) => {
      copy.slots.set(field, i);
    });
    for (let i = 0; i < this.names.length; i++) {
      copy.names.push(this.names[i] as string);
      copy.vals.push(this.vals[i] as string);
    }
    copy.used = this.used;
    return copy;
  }
}
