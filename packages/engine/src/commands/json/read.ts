/** Read-only JSON commands: GET, MGET, TYPE, STRLEN, OBJKEYS, OBJLEN, ARRLEN, ARRINDEX, RESP, DEBUG. */
import { eqi, fromUtf8, toUtf8 } from '../../bytes.ts';
import { int } from '../../command/args.ts';
import type { Ctx } from '../../command/context.ts';
import * as E from '../../command/errors.ts';
import type { Argv } from '../../command/table.ts';
import { DoubleReply, ErrorReply, type Reply, SimpleString } from '../../reply.ts';
import { isObject, JFloat, type JsonDoc, type JsonObject, type JsonValue, newObject } from '../../types/json.ts';
import { getDoc, JSON_TYPE, jsonArg, jsonEqual, needDoc, typeName } from './common.ts';
import { type Layout, serialize } from './format.ts';
import { type JPath, LEGACY_ROOT, parsePath, select } from './paths.ts';

/** The first match of a legacy path, or RedisJSON's "Path '…' does not exist". */
export function first(doc: JsonDoc, p: JPath): JsonValue {
  const values = select(doc, p);
  if (values.length === 0) throw E.jsonPathMissing(fromUtf8(p.display));
  return values[0] as JsonValue;
}

function optionalPath(argv: Argv): JPath {
  return argv[2] === undefined ? LEGACY_ROOT : parsePath(argv[2]);
}

/**
 * JSON.GET key [INDENT s] [NEWLINE s] [SPACE s] [NOESCAPE] [path ...]. An argument longer than any option
 * is a path, as RedisJSON decides. Several paths answer an object keyed by each path as written (in
 * argument order; RedisJSON's order is its hash map's), leaving out one that does not compile.
 */
function jsonGet(ctx: Ctx, argv: Argv): Reply {
  const paths: JPath[] = [];
  const layout: Layout = { indent: '', newline: '', space: '' };
  let laidOut = false;
  for (let i = 2; i < argv.length; i++) {
    const arg = argv[i] as string;
    const option = arg.length > 8 ? undefined : LAYOUT_OPTIONS.find((o) => eqi(arg, o));
    if (option !== undefined) {
      const v = argv[++i];
      if (v === undefined) throw E.arity('json.get');
      layout[option] = toUtf8(v);
      laidOut = true;
    } else if (eqi(arg, 'noescape')) continue;
    else if (eqi(arg, 'format')) throw E.JSON_FORMAT_RESP2;
    else paths.push(parsePath(arg));
  }
  const doc = getDoc(ctx, argv[1] as string);
  if (doc === undefined) return null;
  const format = laidOut ? layout : null;
  if (paths.length <= 1) {
    const p = paths[0] ?? LEGACY_ROOT;
    return serialize(p.legacy ? first(doc, p) : select(doc, p), format);
  }
  const legacy = paths.every((p) => p.legacy);
  const out = newObject();
  let missing: string | null = null;
  for (const p of paths) {
    let values: JsonValue[];
    try {
      values = select(doc, p);
    } catch (err) {
      if (err instanceof ErrorReply) continue;
      throw err;
    }
    if (legacy && values.length === 0) {
      missing ??= p.original;
      continue;
    }
    out[p.original] = legacy ? (values[0] as JsonValue) : values;
  }
  if (missing !== null) throw E.jsonPathMissing(fromUtf8(missing));
  return serialize(out, format);
}

const LAYOUT_OPTIONS = ['indent', 'newline', 'space'] as const;

/** JSON.MGET key [key ...] path: nil for a missing key, another type, or a path that matches nothing. */
function jsonMget(ctx: Ctx, argv: Argv): Reply {
  const p = parsePath(argv[argv.length - 1] as string);
  const out: Reply[] = [];
  for (let i = 1; i < argv.length - 1; i++) {
    const entry = ctx.db.lookup(argv[i] as string);
    if (entry === undefined || entry.type !== JSON_TYPE) {
      out.push(null);
      continue;
    }
    try {
      const values = select(entry.value as JsonDoc, p);
      if (!p.legacy) out.push(serialize(values));
      else out.push(values.length === 0 ? null : serialize(values[0] as JsonValue));
    } catch (err) {
      if (!(err instanceof ErrorReply)) throw err;
      out.push(null);
    }
  }
  return out;
}

/** JSON.TYPE key [path] */
function jsonType(ctx: Ctx, argv: Argv): Reply {
  const p = optionalPath(argv);
  const doc = getDoc(ctx, argv[1] as string);
  if (doc === undefined) return null;
  const values = select(doc, p);
  if (p.legacy) return values.length === 0 ? null : typeName(values[0] as JsonValue);
  return values.map(typeName);
}

const utf8Length = (s: string) => Buffer.byteLength(s, 'utf8');

/** JSON.STRLEN key [path]: UTF-8 bytes, as RedisJSON counts. */
function jsonStrlen(ctx: Ctx, argv: Argv): Reply {
  const p = optionalPath(argv);
  if (p.legacy) {
    const doc = getDoc(ctx, argv[1] as string);
    if (doc === undefined) return null;
    const v = first(doc, p);
    if (typeof v !== 'string') throw E.jsonExpected('string', typeName(v));
    return utf8Length(v);
  }
  const doc = needDoc(ctx, argv[1] as string);
  return select(doc, p).map((v) => (typeof v === 'string' ? utf8Length(v) : null));
}

const keysOf = (o: JsonObject): Reply[] => Object.keys(o).map(fromUtf8);

/** JSON.OBJKEYS key [path] */
function jsonObjkeys(ctx: Ctx, argv: Argv): Reply {
  const p = optionalPath(argv);
  if (p.legacy) {
    const doc = getDoc(ctx, argv[1] as string);
    if (doc === undefined) return null;
    const values = select(doc, p);
    if (values.length === 0) return null;
    const v = values[0] as JsonValue;
    if (!isObject(v)) throw E.jsonPathMissingOr('not an object');
    return keysOf(v);
  }
  const doc = needDoc(ctx, argv[1] as string);
  return select(doc, p).map((v) => (isObject(v) ? keysOf(v) : null));
}

/** JSON.OBJLEN key [path] */
function jsonObjlen(ctx: Ctx, argv: Argv): Reply {
  const p = optionalPath(argv);
  const doc = getDoc(ctx, argv[1] as string);
  if (p.legacy) {
    if (doc === undefined) return null;
    const values = select(doc, p);
    if (values.length === 0) return null;
    const v = values[0] as JsonValue;
    if (!isObject(v)) throw E.jsonExpected('object', typeName(v));
    return Object.keys(v).length;
  }
  if (doc === undefined) throw E.jsonPathMissingOr('not an object');
  return select(doc, p).map((v) => (isObject(v) ? Object.keys(v).length : null));
}

/** JSON.ARRLEN key [path] */
function jsonArrlen(ctx: Ctx, argv: Argv): Reply {
  const p = optionalPath(argv);
  const doc = getDoc(ctx, argv[1] as string);
  if (doc === undefined) {
    if (p.legacy) return null;
    throw E.JSON_NO_KEY;
  }
  const values = select(doc, p);
  if (p.legacy) {
    if (values.length === 0) throw E.JSON_PATH_MISSING;
    const v = values[0] as JsonValue;
    if (!Array.isArray(v)) throw E.jsonPathMissingOr('not an array');
    return v.length;
  }
  return values.map((v) => (Array.isArray(v) ? v.length : null));
}

/** RedisJSON's index window: start clamps into the array, stop 0 means the end, negatives count back. */
function indexOf(arr: JsonValue[], needle: JsonValue, start: number, stop: number): number {
  const len = arr.length;
  if (len === 0) return -1;
  const from = start < 0 ? Math.max(0, len + start) : Math.min(start, len - 1);
  const to = stop === 0 ? len : stop < 0 ? Math.max(0, len + stop) : Math.min(stop, len);
  for (let i = from; i < to; i++) if (jsonEqual(arr[i] as JsonValue, needle)) return i;
  return -1;
}

/** JSON.ARRINDEX key path value [start [stop]] */
function jsonArrindex(ctx: Ctx, argv: Argv): Reply {
  if (argv.length > 6) throw E.arity('json.arrindex');
  const p = parsePath(argv[2] as string);
  const start = argv[4] === undefined ? 0 : int(argv[4]);
  const stop = argv[5] === undefined ? 0 : int(argv[5]);
  const doc = getDoc(ctx, argv[1] as string);
  const needle = jsonArg(argv[3] as string);
  if (doc === undefined) throw E.JSON_PATH_MISSING;
  if (p.legacy) {
    const v = first(doc, p);
    if (!Array.isArray(v)) throw E.jsonExpected('array', typeName(v));
    return indexOf(v, needle, start, stop);
  }
  return select(doc, p).map((v) => (Array.isArray(v) ? indexOf(v, needle, start, stop) : null));
}

const TRUE = new SimpleString('true');
const FALSE = new SimpleString('false');
const OPEN_ARRAY = new SimpleString('[');
const OPEN_OBJECT = new SimpleString('{');

/** A value in RedisJSON's RESP form: arrays lead with `[`, objects with `{` then name/value pairs. */
function toResp(v: JsonValue): Reply {
  if (v === null) return null;
  if (typeof v === 'boolean') return v ? TRUE : FALSE;
  if (typeof v === 'string') return fromUtf8(v);
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return Number.isInteger(v) ? v : new DoubleReply(v);
  if (v instanceof JFloat) return new DoubleReply(v.value);
  if (Array.isArray(v)) return [OPEN_ARRAY, ...v.map(toResp)];
  const out: Reply[] = [OPEN_OBJECT];
  for (const k in v) out.push(fromUtf8(k), toResp(v[k] as JsonValue));
  return out;
}

/** JSON.RESP key [path] */
function jsonResp(ctx: Ctx, argv: Argv): Reply {
  const p = optionalPath(argv);
  const doc = getDoc(ctx, argv[1] as string);
  if (doc === undefined) return null;
  if (p.legacy) return toResp(first(doc, p));
  return select(doc, p).map(toResp);
}

const capacity = (n: number) => (n === 0 ? 0 : Math.max(4, 2 ** Math.ceil(Math.log2(n))));

/**
 * RedisJSON's MEMORY figure for a value (its ijson layout): an 8-byte slot each, 16 more for floats and
 * wide integers, string bytes, and container tables sized by capacity (taken here as the next power of
 * two from 4, ijson's growth; the real capacity depends on the document's history).
 */
function memoryOf(v: JsonValue): number {
  let n = 8;
  if (typeof v === 'string') n += utf8Length(v);
  else if (v instanceof JFloat || (typeof v === 'number' && !Number.isInteger(v))) n += 16;
  else if (typeof v === 'number') n += v >= -128 && v <= 383 ? 0 : v > -8388608 && v <= 8388607 ? 4 : 16;
  else if (typeof v === 'bigint') n += 16;
  else if (Array.isArray(v)) {
    if (v.length > 0) n += 8 * (capacity(v.length) + 2);
    for (const item of v) n += memoryOf(item);
  } else if (isObject(v)) {
    const keys = Object.keys(v);
    if (keys.length > 0) n += 8 * (capacity(keys.length) * 3 + 2);
    for (const k of keys) n += utf8Length(k) + memoryOf(v[k] as JsonValue);
  }
  return n;
}

const DEBUG_HELP: Reply = ['MEMORY <key> [path] - reports memory usage', 'HELP                - this message'];

/** JSON.DEBUG MEMORY key [path] | HELP */
function jsonDebug(ctx: Ctx, argv: Argv): Reply {
  const sub = argv[1] as string;
  if (eqi(sub, 'help')) return DEBUG_HELP;
  if (!eqi(sub, 'memory')) throw E.JSON_DEBUG_UNKNOWN;
  if (argv[2] === undefined) throw E.arity('json.debug');
  const p = argv[3] === undefined ? LEGACY_ROOT : parsePath(argv[3]);
  const doc = getDoc(ctx, argv[2]);
  if (p.legacy) return doc === undefined ? 0 : memoryOf(first(doc, p));
  return doc === undefined ? [] : select(doc, p).map(memoryOf);
}

export const readHandlers = {
  jsonGet,
  jsonMget,
  jsonType,
  jsonStrlen,
  jsonObjkeys,
  jsonObjlen,
  jsonArrlen,
  jsonArrindex,
  jsonResp,
  jsonDebug,
};
