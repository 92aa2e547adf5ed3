/** What every JSON.* command shares: the key's document, value types, in-place edits with accounting. */
import type { Ctx } from '../../command/context.ts';
import * as E from '../../command/errors.ts';
import { NOTIFY } from '../../pubsub/notify.ts';
import { ELEMENT_OVERHEAD } from '../../types/index.ts';
import { isObject, JFloat, type JsonDoc, type JsonObject, type JsonValue, sizeOf } from '../../types/json.ts';
import { parseJson } from './parse.ts';
import { walk } from './paths.ts';

/** TYPE's name for a document, and its TypeMap key: RedisJSON's module type name. */
export const JSON_TYPE = 'ReJSON-RL';

export function getDoc(ctx: Ctx, key: string): JsonDoc | undefined {
  return ctx.db.get(key, JSON_TYPE);
}

/** The document, or RedisJSON's error for a missing key. */
export function needDoc(ctx: Ctx, key: string): JsonDoc {
  const doc = ctx.db.get(key, JSON_TYPE);
  if (doc === undefined) throw E.JSON_NO_KEY;
  return doc;
}

/** A JSON argument; throws serde_json's parse error. */
export function jsonArg(arg: string): JsonValue {
  return parseJson(arg);
}

/** RedisJSON's type names (JSON.TYPE, and the `found` of its wrong-type errors). */
export function typeName(v: JsonValue): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return 'boolean';
    case 'bigint':
      return 'integer';
    case 'number':
      return Number.isInteger(v) ? 'integer' : 'number';
    case 'string':
      return 'string';
  }
  if (v instanceof JFloat) return 'number';
  return Array.isArray(v) ? 'array' : 'object';
}

export const isNumber = (v: JsonValue): v is number | bigint | JFloat =>
  typeof v === 'number' || typeof v === 'bigint' || v instanceof JFloat;

/** Reports a module-class keyspace event, as RedisJSON does after every change. */
export function notify(ctx: Ctx, event: string, key: string): void {
  ctx.notify(NOTIFY.MODULE, event, key);
}

/** Replaces the value at `path` (the root when empty). */
export function replaceAt(doc: JsonDoc, path: readonly (string | number)[], value: JsonValue): void {
  if (path.length === 0) {
    doc.account(value, doc.root);
    doc.root = value;
    return;
  }
  const parent = walk(doc.root, path.slice(0, -1));
  const k = path[path.length - 1] as string | number;
  if (Array.isArray(parent) && typeof k === 'number') {
    doc.account(value, parent[k]);
    parent[k] = value;
  } else if (parent !== undefined && isObject(parent)) {
    const old = parent[k as string];
    if (old === undefined) doc.bytes += ELEMENT_OVERHEAD + String(k).length;
    doc.account(value, old);
    parent[k as string] = value;
  }
}

/** Adds member `name` to an object. */
export function addMember(doc: JsonDoc, obj: JsonObject, name: string, value: JsonValue): void {
  doc.bytes += ELEMENT_OVERHEAD + name.length;
  doc.account(value, undefined);
  obj[name] = value;
}

/** Removes the value at a non-root path; false if nothing is there. */
export function deleteAt(doc: JsonDoc, path: readonly (string | number)[]): boolean {
  const parent = walk(doc.root, path.slice(0, -1));
  const k = path[path.length - 1] as string | number;
  if (Array.isArray(parent) && typeof k === 'number') {
    if (k >= parent.length) return false;
    const [old] = parent.splice(k, 1);
    doc.bytes -= ELEMENT_OVERHEAD + sizeOf(old as JsonValue);
    return true;
  }
  if (parent !== undefined && isObject(parent) && (k as string) in parent) {
    doc.bytes -= ELEMENT_OVERHEAD + String(k).length + sizeOf(parent[k as string] as JsonValue);
    delete parent[k as string];
    return true;
  }
  return false;
}

/** Bytes of array slots holding `items` (ARRAPPEND, ARRINSERT, ARRPOP, ARRTRIM). */
export function slotsBytes(items: readonly JsonValue[]): number {
  let n = 0;
  for (const v of items) n += ELEMENT_OVERHEAD + sizeOf(v);
  return n;
}

/** Deep equality with RedisJSON's rules: an integer never equals a float (1 ≠ 1.0). */
export function jsonEqual(a: JsonValue, b: JsonValue): boolean {
  const ta = typeName(a);
  if (ta !== typeName(b)) return false;
  if (ta === 'integer') return BigInt(a as number | bigint) === BigInt(b as number | bigint);
  if (ta === 'number') return numberValue(a as number | JFloat) === numberValue(b as number | JFloat);
  if (a === null || typeof a !== 'object') return a === b;
  if (Array.isArray(a)) {
    const bb = b as JsonValue[];
    return a.length === bb.length && a.every((v, i) => jsonEqual(v, bb[i] as JsonValue));
  }
  const ao = a as JsonObject;
  const bo = b as JsonObject;
  const keys = Object.keys(ao);
  if (keys.length !== Object.keys(bo).length) return false;
  return keys.every((k) => k in bo && jsonEqual(ao[k] as JsonValue, bo[k] as JsonValue));
}

/** A number's value as a double. */
export function numberValue(v: number | bigint | JFloat): number {
  return v instanceof JFloat ? v.value : Number(v);
}

/** A float result as stored: integral values boxed so they stay floats. */
export function storeFloat(n: number): JsonValue {
  return Number.isInteger(n) ? new JFloat(n) : n;
}
