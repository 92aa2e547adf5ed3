import { ExpiryHeap } from '../keyspace/expiry-heap.ts';
import { ELEMENT_OVERHEAD } from './index.ts';

/**
 * Estimated bytes a field's TTL costs: its entry in the expiry map and its pair in the heap (Redis charges
 * 24 bytes of ExpireMeta per field with a TTL).
 */
export const FIELD_TTL_OVERHEAD = 40;

/** Up to this many fields Redis keeps a hash with field TTLs as a listpack (hash-max-listpack-entries). */
const LISTPACK_EX_MAX_ENTRIES = 512;

/**
 * A hash: field → value, both byte strings. Fields iterate in insertion order (an updated field keeps its
 * place), which is Redis's listpack order for small hashes and what HGETALL shows. Fields and values also
 * sit in dense arrays, a map holding each field's slot; deleting moves the last slot into the hole. So a
 * uniformly random field (HRANDFIELD) is O(1), like types/set.ts.
 *
 * Fields may carry an absolute expiry in ms (HEXPIRE and friends, Redis 7.4). The expiry map and its
 * min-heap stay null until a field gets a TTL, so a plain hash pays nothing; the heap never updates in
 * place (a changed TTL pushes a new pair, the stale one is skipped when it surfaces), as the keyspace's.
 * Removing a due field is the keyspace's job (`expireDue`), which it does before a command sees the hash.
 * Once a TTL command has touched it, a small hash is Redis's "listpackex", which keeps fields ordered by
 * TTL (earliest first, ties newest first, fields without one last); `reorder` keeps that iteration order.
 */
export class Hash {
  private readonly slots = new Map<string, number>();
  private readonly names: string[] = [];
  private readonly vals: string[] = [];
  private used = 0;
  private ttl: Map<string, number> | null = null;
  private ttlHeap: ExpiryHeap | null = null;
  private ex = false;
  /**
   * The time under which the keyspace's field-expiry heap holds this hash (Infinity: it does not). The
   * keyspace owns it: an entry it pops is live only when this still matches.
   */
  armedAt = Number.POSITIVE_INFINITY;

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

  /**
   * Sets `field` to `value`; true when the field is new. Overwriting drops the field's TTL, as HSET does in
   * Redis, unless `keepTtl` (HINCRBY, HINCRBYFLOAT, HSETEX KEEPTTL).
   */
  set(field: string, value: string, keepTtl = false): boolean {
    const i = this.slots.get(field);
    if (i !== undefined) {
      this.used += value.length - (this.vals[i] as string).length;
      this.vals[i] = value;
      if (this.ttl !== null && !keepTtl) this.persist(field);
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
    if (this.ttl !== null) this.dropTtl(field);
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

  /**
   * True once a TTL command reached this hash (Redis converts it to listpackex then, for good): OBJECT
   * ENCODING tells it apart, and small hashes keep TTL order from then on.
   */
  get expirable(): boolean {
    return this.ex;
  }

  /** Marks the hash as reached by a TTL command (Redis's hashTypeSetExInit). */
  markExpirable(): void {
    this.ex = true;
  }

  /** True when some field has a TTL. */
  get hasFieldTtl(): boolean {
    return this.ttl !== null;
  }

  /** The absolute expiry (ms) of `field`, 0 when it has none (or is not there). */
  expireAt(field: string): number {
    return this.ttl?.get(field) ?? 0;
  }

  /** Gives the existing `field` an absolute expiry in ms; false when there is no such field. */
  setExpireAt(field: string, at: number): boolean {
    if (!this.slots.has(field)) return false;
    this.ex = true;
    if (this.ttl === null || this.ttlHeap === null) {
      this.ttl = new Map();
      this.ttlHeap = new ExpiryHeap();
    }
    const old = this.ttl.get(field);
    if (old === at) {
      this.reorder(field);
      return true;
    }
    if (old === undefined) this.used += FIELD_TTL_OVERHEAD;
    this.ttl.set(field, at);
    const heap = this.ttlHeap;
    heap.push(at, field);
    if (heap.size > 64 && heap.size > 2 * this.ttl.size) this.compactTtlHeap();
    this.reorder(field);
    return true;
  }

  /** Removes `field`'s TTL; true if it had one. */
  persist(field: string): boolean {
    if (!this.dropTtl(field)) return false;
    this.reorder(field);
    return true;
  }

  private dropTtl(field: string): boolean {
    const ttl = this.ttl;
    if (ttl === null || !ttl.delete(field)) return false;
    this.used -= FIELD_TTL_OVERHEAD;
    if (ttl.size === 0) {
      this.ttl = null;
      this.ttlHeap = null;
    }
    return true;
  }

  /** The earliest field expiry (ms), Infinity when no field has a TTL. Amortised O(1). */
  nextExpiry(): number {
    const ttl = this.ttl;
    const heap = this.ttlHeap;
    if (ttl === null || heap === null) return Number.POSITIVE_INFINITY;
    while (heap.size > 0 && ttl.get(heap.peekKey()) !== heap.peekTime()) heap.pop();
    return heap.peekTime();
  }

  /**
   * Deletes fields whose expiry is at or before `now`, earliest first, at most `limit` of them; returns
   * their names (for HDEL propagation and the `hexpired` event).
   */
  expireDue(now: number, limit: number): string[] {
    const out: string[] = [];
    while (out.length < limit && this.nextExpiry() <= now) {
      const field = (this.ttlHeap as ExpiryHeap).pop();
      this.delete(field);
      out.push(field);
    }
    return out;
  }

  /**
   * Moves `field` to its listpackex place: before the first other field whose TTL is none or not earlier
   * than its own, or last when it has none. Only small expirable hashes keep that order (O(size) here).
   */
  private reorder(field: string): void {
    const slots = this.slots;
    if (!this.ex || slots.size > LISTPACK_EX_MAX_ENTRIES) return;
    const i = slots.get(field) as number;
    const at = this.ttl?.get(field);
    slots.delete(field);
    const after: string[] = [];
    if (at !== undefined) {
      const ttl = this.ttl as Map<string, number>;
      let found = false;
      for (const f of slots.keys()) {
        if (!found) {
          const t = ttl.get(f);
          if (t !== undefined && t < at) continue;
          found = true;
        }
        after.push(f);
      }
    }
    slots.set(field, i);
    for (const f of after) {
      const j = slots.get(f) as number;
      slots.delete(f);
      slots.set(f, j);
    }
  }

  /** Keeps one heap pair per field with a TTL (changed TTLs leave stale pairs behind). */
  private compactTtlHeap(): void {
    const ttl = this.ttl as Map<string, number>;
    const kept = new Set<string>();
    (this.ttlHeap as ExpiryHeap).compact((field, at) => {
      if (ttl.get(field) !== at || kept.has(field)) return false;
      kept.add(field);
      return true;
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
    copy.ex = this.ex;
    this.ttl?.forEach((at, field) => {
      if (copy.ttl === null || copy.ttlHeap === null) {
        copy.ttl = new Map();
        copy.ttlHeap = new ExpiryHeap();
      }
      copy.ttl.set(field, at);
      copy.ttlHeap.push(at, field);
    });
    return copy;
  }
}
