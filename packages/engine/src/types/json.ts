import { ELEMENT_OVERHEAD } from './index.ts';

/**
 * A float whose value is integral (1.0, -0.0, 1e300). JS numbers cannot tell 1.0 from 1, but RedisJSON
 * can (serde_json keeps i64/u64 apart from f64): `JSON.TYPE` says "number", `JSON.GET` prints "1.0",
 * NUMINCRBY keeps it a float. Non-integral floats stay plain numbers, so this box is rare.
 */
export class JFloat {
  readonly value: number;
  constructor(value: number) {
    this.value = value;
  }
}

/**
 * A JSON value as stored. Integers are safe-range numbers, or bigints beyond ±2^53 (RedisJSON keeps i64
 * and u64 exactly); floats are non-integral numbers or JFloat. Objects are null-prototype plain objects
 * (so a "__proto__" member is just a member, and jsonpath-rfc9535 still sees a plain object).
 */
export type JsonValue = null | boolean | number | bigint | JFloat | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export const isObject = (v: JsonValue): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof JFloat);

/** A new member map for objects (null prototype: no inherited names, no `__proto__` setter). */
export const newObject = (): JsonObject => Object.create(null) as JsonObject;

/** Bytes a primitive accounts for, besides its slot (a string's length, a number's 8 bytes). */
const SCALAR = 8;

/**
 * Estimated bytes of a value: ELEMENT_OVERHEAD per array slot or object member, member names and string
 * lengths, 8 per number. O(size of the value); writes call it on the part they add or remove only.
 */
export function sizeOf(v: JsonValue): number {
  if (typeof v === 'string') return SCALAR + v.length;
  if (v === null || typeof v !== 'object' || v instanceof JFloat) return SCALAR;
  let n = SCALAR;
  if (Array.isArray(v)) {
    for (const item of v) n += ELEMENT_OVERHEAD + sizeOf(item);
    return n;
  }
  for (const k in v) n += ELEMENT_OVERHEAD + k.length + sizeOf(v[k] as JsonValue);
  return n;
}

/** True when the value holds a bigint or JFloat anywhere (a filter query then needs a plain view). */
export function hasBoxed(v: JsonValue): boolean {
  if (typeof v === 'bigint' || v instanceof JFloat) return true;
  if (v === null || typeof v !== 'object') return false;
  if (Array.isArray(v)) return v.some(hasBoxed);
  for (const k in v) if (hasBoxed(v[k] as JsonValue)) return true;
  return false;
}

export function cloneJson(v: JsonValue): JsonValue {
  if (v === null || typeof v !== 'object' || v instanceof JFloat) return v;
  if (Array.isArray(v)) return v.map(cloneJson);
  const out = newObject();
  for (const k in v) out[k] = cloneJson(v[k] as JsonValue);
  return out;
}

/**
 * A RedisJSON document (`TYPE` says ReJSON-RL). `bytes` is kept by the writes: each adds the size of what
 * it inserted and subtracts what it removed (O(changed part)), rather than re-measuring the document after
 * every write, which would make a one-field update O(document). The figure drifts only as far as the
 * per-value estimate does. `boxed` records that a bigint or JFloat was ever stored: filter queries then
 * run on a plain copy (jsonpath-rfc9535 compares only plain numbers); it is never cleared, which only costs
 * an unneeded copy.
 */
export class JsonDoc {
  root: JsonValue;
  bytes: number;
  boxed: boolean;

  constructor(root: JsonValue) {
    this.root = root;
    this.bytes = sizeOf(root);
    this.boxed = hasBoxed(root);
  }

  /** A document is never empty as a key: an emptied object or array stays (RedisJSON keeps `{}`). */
  get size(): number {
    return 1;
  }

  /** Records that `added` replaced `removed` somewhere in the document. */
  account(added: JsonValue | undefined, removed: JsonValue | undefined, nameBytes = 0): void {
    if (added !== undefined) {
      this.bytes += sizeOf(added) + nameBytes;
      if (!this.boxed && hasBoxed(added)) this.boxed = true;
    }
    if (removed !== undefined) this.bytes -= sizeOf(removed) + nameBytes;
  }

  clone(): JsonDoc {
    return new JsonDoc(cloneJson(this.root));
  }
}
