/** JSON writes on values: SET, MSET, MERGE, DEL/FORGET, CLEAR, TOGGLE, NUMINCRBY, NUMMULTBY, STRAPPEND. */
import { eqi } from '../../bytes.ts';
import type { Ctx } from '../../command/context.ts';
import * as E from '../../command/errors.ts';
import type { Argv } from '../../command/table.ts';
import { OK, type Reply } from '../../reply.ts';
import {
  cloneJson,
  hasBoxed,
  isObject,
  JsonDoc,
  type JsonObject,
  type JsonValue,
  newObject,
  sizeOf,
} from '../../types/json.ts';
import {
  addMember,
  deleteAt,
  getDoc,
  isNumber,
  JSON_TYPE,
  jsonArg,
  needDoc,
  notify,
  numberValue,
  replaceAt,
  storeFloat,
} from './common.ts';
import { formatNumber, serialize } from './format.ts';
import { parseJson } from './parse.ts';
import {
  compareForMutation,
  type Hit,
  type JPath,
  LEGACY_ROOT,
  locate,
  normalized,
  parsePath,
  staticKeys,
  walk,
} from './paths.ts';

const NX = 1;
const XX = 2;

/**
 * Creates the last member of a static path that matched nothing (JSON.SET and JSON.MERGE): the member is
 * added to each object its parent path matches. An index that matched nothing is out of range. Returns
 * whether anything was added.
 */
function addAtPath(doc: JsonDoc, p: JPath, value: JsonValue): boolean {
  const keys = staticKeys(p);
  if (keys === null) throw E.JSON_WRONG_STATIC_PATH;
  const last = keys.pop();
  if (typeof last === 'number') {
    if (locate(doc, p).length === 0) throw E.JSON_ARRAY_INDEX_RANGE;
    return false;
  }
  if (last === undefined) return false;
  const parents = keys.length === 0 ? [doc.root] : locate(doc, normalized(keys)).map((h) => h.value);
  let added = false;
  for (const parent of parents) {
    if (!isObject(parent) || last in parent) continue;
    addMember(doc, parent, last, added ? cloneJson(value) : value);
    added = true;
  }
  return added;
}

/** Sets `value` at every match of `p`, or creates it; whether everything asked was written. */
function setAt(doc: JsonDoc, p: JPath, value: JsonValue, cond: number): boolean {
  const hits = cond === NX ? [] : locate(doc, p);
  if (hits.length > 0) {
    for (let i = 0; i < hits.length; i++) replaceAt(doc, (hits[i] as Hit).path, i === 0 ? value : cloneJson(value));
    return true;
  }
  if (cond === XX) return false;
  return addAtPath(doc, p, value);
}

/** JSON.SET key path value [NX | XX] [FORMAT JSON|STRING] */
function jsonSet(ctx: Ctx, argv: Argv): Reply {
  const key = argv[1] as string;
  const p = parsePath(argv[2] as string);
  let cond = 0;
  for (let i = 4; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (eqi(arg, 'nx') && cond === 0) cond = NX;
    else if (eqi(arg, 'xx') && cond === 0) cond = XX;
    else if (eqi(arg, 'format')) formatArg(argv[++i]);
    else throw E.SYNTAX;
  }
  const doc = getDoc(ctx, key);
  const value = jsonArg(argv[3] as string);
  if (doc === undefined) {
    if (cond === XX) return unchanged(ctx);
    if (!p.root) throw E.JSON_NEW_AT_ROOT;
    ctx.db.set(key, JSON_TYPE, new JsonDoc(value));
  } else if (p.root) {
    if (cond === NX) return unchanged(ctx);
    replaceAt(doc, [], value);
  } else if (!setAt(doc, p, value, cond)) return unchanged(ctx);
  notify(ctx, 'json.set', key);
  return OK;
}

/** FORMAT's argument: JSON and STRING parse as JSON; BSON is not supported here. */
function formatArg(arg: string | undefined): void {
  if (arg === undefined) throw E.SYNTAX;
  if (arg !== 'JSON' && arg !== 'STRING') throw E.JSON_WRONG_FORMAT;
}

function unchanged(ctx: Ctx): Reply {
  ctx.unchanged();
  return null;
}

/** JSON.MSET key path value [key path value ...]: every triplet is checked before any is applied. */
function jsonMset(ctx: Ctx, argv: Argv): Reply {
  if ((argv.length - 1) % 3 !== 0) throw E.arity('json.mset');
  const triplets: { key: string; p: JPath; value: JsonValue }[] = [];
  for (let i = 1; i < argv.length; i += 3) {
    const key = argv[i] as string;
    const p = parsePath(argv[i + 1] as string);
    const doc = getDoc(ctx, key);
    if (doc === undefined && !p.root) throw E.JSON_NEW_AT_ROOT;
    if (doc !== undefined && !p.root) staticOrMatching(doc, p);
    triplets.push({ key, p, value: jsonArg(argv[i + 2] as string) });
  }
  let all = true;
  let any = false;
  for (const { key, p, value } of triplets) {
    const doc = getDoc(ctx, key);
    let done: boolean;
    if (doc === undefined) {
      ctx.db.set(key, JSON_TYPE, new JsonDoc(value));
      done = true;
    } else if (p.root) {
      replaceAt(doc, [], value);
      done = true;
    } else done = setAt(doc, p, value, 0);
    if (done) notify(ctx, 'json.mset', key);
    all &&= done;
    any ||= done;
  }
  if (!any) ctx.unchanged();
  return all ? OK : null;
}

/** Validates a non-root MSET path up front: it matches, or names something JSON.SET could create. */
function staticOrMatching(doc: JsonDoc, p: JPath): void {
  if (locate(doc, p).length > 0) return;
  if (staticKeys(p) === null) throw E.JSON_WRONG_STATIC_PATH;
}

/** RFC 7396 merge of `patch` into `target` (which it may modify): a null member deletes. */
function merge(target: JsonValue, patch: JsonValue): JsonValue {
  if (!isObject(patch)) return cloneJson(patch);
  const out: JsonObject = isObject(target) ? target : newObject();
  for (const k in patch) {
    const v = patch[k] as JsonValue;
    if (v === null) delete out[k];
    else out[k] = merge(out[k] ?? null, v);
  }
  return out;
}

/**
 * Merges at a location. A merge into an object edits it in place, so its size is measured before and
 * after (O(merged subtree)); any other merge replaces the value and is accounted by replaceAt.
 */
function mergeAt(doc: JsonDoc, path: readonly (string | number)[], patch: JsonValue): void {
  const old = walk(doc.root, path) as JsonValue;
  const inPlace = isObject(old) && isObject(patch);
  const before = inPlace ? sizeOf(old) : 0;
  const merged = merge(old, patch);
  if (!inPlace) {
    replaceAt(doc, path, merged);
    return;
  }
  doc.bytes += sizeOf(merged) - before;
  if (!doc.boxed && hasBoxed(patch)) doc.boxed = true;
}

/** JSON.MERGE key path value [FORMAT JSON|STRING] */
function jsonMerge(ctx: Ctx, argv: Argv): Reply {
  const key = argv[1] as string;
  const p = parsePath(argv[2] as string);
  for (let i = 4; i < argv.length; i++) {
    if (eqi(argv[i] as string, 'format')) formatArg(argv[++i]);
    else throw E.SYNTAX;
  }
  const doc = getDoc(ctx, key);
  const patch = jsonArg(argv[3] as string);
  if (doc === undefined) {
    if (!p.root) throw E.JSON_NEW_AT_ROOT;
    ctx.db.set(key, JSON_TYPE, new JsonDoc(patch));
  } else if (p.root) mergeAt(doc, [], patch);
  else {
    const hits = locate(doc, p);
    if (hits.length > 0) for (const h of hits) mergeAt(doc, h.path, patch);
    else if (!addAtPath(doc, p, patch)) return unchanged(ctx);
  }
  notify(ctx, 'json.merge', key);
  return OK;
}

/** Locations sorted for mutation, without those inside another one (deleting the outer suffices). */
function outermost(hits: Hit[]): (string | number)[][] {
  const seen = new Set(hits.map((h) => JSON.stringify(h.path)));
  const out = hits
    .map((h) => h.path)
    .filter((path) => {
      for (let i = 0; i < path.length; i++) if (seen.has(JSON.stringify(path.slice(0, i)))) return false;
      return true;
    });
  return out.sort(compareForMutation);
}

/**
 * JSON.DEL / JSON.FORGET key [path]: the number of values deleted. The root deletes the key, and so does
 * emptying the root object or array.
 */
function jsonDel(ctx: Ctx, argv: Argv): Reply {
  const key = argv[1] as string;
  const p = argv[2] === undefined ? LEGACY_ROOT : parsePath(argv[2]);
  const doc = getDoc(ctx, key);
  if (doc === undefined) return 0;
  let n = 0;
  if (p.root) {
    ctx.db.delete(key);
    n = 1;
  } else {
    for (const path of outermost(locate(doc, p))) if (deleteAt(doc, path)) n++;
    // RedisJSON (since 2.8) deletes the key once its root object or array is emptied this way.
    const root = doc.root;
    if (n > 0 && (Array.isArray(root) ? root.length === 0 : isObject(root) && Object.keys(root).length === 0))
      ctx.db.delete(key);
  }
  if (n === 0) return 0;
  notify(ctx, 'json.del', key);
  return n;
}

/** JSON.CLEAR key [path]: empties arrays and objects, zeroes numbers; how many values changed. */
function jsonClear(ctx: Ctx, argv: Argv): Reply {
  if (argv.length > 3) throw E.arity('json.clear');
  const key = argv[1] as string;
  const p = argv[2] === undefined ? LEGACY_ROOT : parsePath(argv[2]);
  const doc = needDoc(ctx, key);
  let n = 0;
  for (const h of locate(doc, p)) {
    const v = h.value;
    if (Array.isArray(v) && v.length > 0) replaceAt(doc, h.path, []);
    else if (isObject(v) && Object.keys(v).length > 0) replaceAt(doc, h.path, newObject());
    else if (isNumber(v) && numberValue(v) !== 0) replaceAt(doc, h.path, 0);
    else continue;
    n++;
  }
  if (n === 0) return 0;
  notify(ctx, 'json.clear', key);
  return n;
}

/** JSON.TOGGLE key path */
function jsonToggle(ctx: Ctx, argv: Argv): Reply {
  const key = argv[1] as string;
  const p = parsePath(argv[2] as string);
  const doc = needDoc(ctx, key);
  const hits = locate(doc, p);
  const out: Reply[] = [];
  let last: boolean | null = null;
  for (const h of hits) {
    if (typeof h.value !== 'boolean') {
      out.push(null);
      continue;
    }
    last = !h.value;
    replaceAt(doc, h.path, last);
    out.push(last ? 1 : 0);
  }
  if (p.legacy && last === null) throw E.jsonPathMissingOr('not a bool');
  if (last === null) return unchanged(ctx) ?? out;
  notify(ctx, 'json.toggle', key);
  return p.legacy ? String(last) : out;
}

const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;

const isI64 = (v: JsonValue): v is number | bigint =>
  (typeof v === 'number' && Number.isInteger(v)) || (typeof v === 'bigint' && v >= I64_MIN && v <= I64_MAX);

/** One NUMINCRBY/NUMMULTBY step: integer by integer stays an integer (wrapping at 64 bits as RedisJSON's
 * release build does); anything involving a float is a float, and must stay finite. */
function numOp(v: number | bigint, by: number | bigint, mult: boolean): JsonValue {
  if (typeof v === 'number' && typeof by === 'number') {
    const r = mult ? v * by : v + by;
    if (Number.isSafeInteger(r)) return r;
  }
  const r = BigInt.asIntN(64, mult ? BigInt(v) * BigInt(by) : BigInt(v) + BigInt(by));
  return Number.isSafeInteger(Number(r)) ? Number(r) : r;
}

function numFloat(v: number, by: number, mult: boolean): JsonValue {
  const r = mult ? v * by : v + by;
  if (!Number.isFinite(r)) throw E.JSON_RESULT_NAN;
  return storeFloat(r);
}

function numCommand(event: string, mult: boolean) {
  return (ctx: Ctx, argv: Argv): Reply => {
    const key = argv[1] as string;
    const p = parsePath(argv[2] as string);
    const doc = needDoc(ctx, key);
    const hits = locate(doc, p);
    let by: JsonValue | undefined;
    const results: JsonValue[] = [];
    let last: JsonValue | undefined;
    // Every result is computed before any is stored, so an overflow changes nothing.
    for (const h of hits) {
      const v = h.value;
      if (!isNumber(v)) {
        results.push(null);
        continue;
      }
      if (by === undefined) {
        by = parseJson(argv[3] as string);
        if (!isNumber(by)) throw E.JSON_BAD_NUMBER;
      }
      const b = by as number | bigint;
      last = isI64(v) && isI64(b) ? numOp(v, b, mult) : numFloat(numberValue(v), numberValue(b), mult);
      results.push(last);
    }
    hits.forEach((h, i) => {
      if (results[i] !== null) replaceAt(doc, h.path, results[i] as JsonValue);
    });
    if (p.legacy && last === undefined) throw E.jsonPathMissingOr('does not contains a number');
    if (last !== undefined) notify(ctx, event, key);
    else ctx.unchanged();
    if (p.legacy) return formatNumber(last as number);
    return serialize(results);
  };
}

/** JSON.STRAPPEND key [path] value: the value is a JSON string; replies UTF-8 byte lengths. */
function jsonStrappend(ctx: Ctx, argv: Argv): Reply {
  const key = argv[1] as string;
  const p = argv.length > 3 ? parsePath(argv[2] as string) : LEGACY_ROOT;
  const text = (argv.length > 3 ? argv[3] : argv[2]) as string;
  const doc = needDoc(ctx, key);
  const hits = locate(doc, p);
  let suffix: string | undefined;
  const out: Reply[] = [];
  let last: number | undefined;
  for (const h of hits) {
    if (typeof h.value !== 'string') {
      out.push(null);
      continue;
    }
    if (suffix === undefined) {
      const parsed = parseJson(text);
      if (typeof parsed !== 'string') throw E.jsonExpected('string', text);
      suffix = parsed;
    }
    const s = h.value + suffix;
    replaceAt(doc, h.path, s);
    last = Buffer.byteLength(s, 'utf8');
    out.push(last);
  }
  if (p.legacy && last === undefined) throw E.jsonPathMissingOr('not a string');
  if (last === undefined) return unchanged(ctx) ?? out;
  notify(ctx, 'json.strappend', key);
  return p.legacy ? last : out;
}

export const writeHandlers = {
  jsonSet,
  jsonMset,
  jsonMerge,
  jsonDel,
  jsonClear,
  jsonToggle,
  jsonNumincrby: numCommand('json.numincrby', false),
  jsonNummultby: numCommand('json.nummultby', true),
  jsonStrappend,
};
