/** JSON array writes: ARRAPPEND, ARRINSERT, ARRPOP, ARRTRIM. */
import { eqi, parseInt64 } from '../../bytes.ts';
import { int } from '../../command/args.ts';
import type { Ctx } from '../../command/context.ts';
import * as E from '../../command/errors.ts';
import type { Argv } from '../../command/table.ts';
import type { Reply } from '../../reply.ts';
import { cloneJson, hasBoxed, type JsonDoc, type JsonValue } from '../../types/json.ts';
import { jsonArg, needDoc, notify, slotsBytes } from './common.ts';
import { serialize } from './format.ts';
import { compareForMutation, type Hit, type JPath, LEGACY_ROOT, locate, parsePath } from './paths.ts';

/**
 * Runs `edit` on every array the path matches, deepest and highest-index first (so one edit never moves
 * another's location), and answers as RedisJSON: per match in match order for JSONPath (nil where the
 * value is not an array), the last edit's result for a legacy path, which must match an array.
 */
function eachArray(
  ctx: Ctx,
  key: string,
  p: JPath,
  event: string,
  edit: (doc: JsonDoc, arr: JsonValue[]) => Reply,
  changed: (r: Reply) => boolean = () => true,
  check?: (arr: JsonValue[]) => void,
): Reply {
  const doc = needDoc(ctx, key);
  const hits = locate(doc, p);
  const order = hits.map((h, i) => [h, i] as [Hit, number]).filter(([h]) => Array.isArray(h.value));
  order.sort((a, b) => compareForMutation(a[0].path, b[0].path));
  if (p.legacy && order.length === 0) throw E.jsonPathMissingOr('not an array');
  if (check !== undefined) for (const [h] of order) check(h.value as JsonValue[]);
  const out: Reply[] = hits.map(() => null);
  let last: Reply = null;
  let any = false;
  for (const [h, i] of order) {
    last = edit(doc, h.value as JsonValue[]);
    out[i] = last;
    if (changed(last)) any = true;
  }
  if (any) notify(ctx, event, key);
  else ctx.unchanged();
  return p.legacy ? last : out;
}

function parseValues(argv: Argv, from: number, name: string): JsonValue[] {
  if (argv.length <= from) throw E.arity(name);
  const values: JsonValue[] = [];
  for (let i = from; i < argv.length; i++) values.push(jsonArg(argv[i] as string));
  return values;
}

/** Items to place in one array: the parsed values themselves the first time, copies after. */
function placer(values: JsonValue[]) {
  let used = false;
  return (doc: JsonDoc) => {
    const items = used ? values.map(cloneJson) : values;
    used = true;
    doc.bytes += slotsBytes(items);
    if (!doc.boxed && items.some(hasBoxed)) doc.boxed = true;
    return items;
  };
}

/** JSON.ARRAPPEND key path value [value ...] */
function jsonArrappend(ctx: Ctx, argv: Argv): Reply {
  const p = parsePath(argv[2] as string);
  const values = parseValues(argv, 3, 'json.arrappend');
  const take = placer(values);
  return eachArray(ctx, argv[1] as string, p, 'json.arrappend', (doc, arr) => {
    for (const v of take(doc)) arr.push(v);
    return arr.length;
  });
}

/** JSON.ARRINSERT key path index value [value ...]: a negative index counts from the end. */
function jsonArrinsert(ctx: Ctx, argv: Argv): Reply {
  const p = parsePath(argv[2] as string);
  const index = int(argv[3]);
  const values = parseValues(argv, 4, 'json.arrinsert');
  const take = placer(values);
  const at = (arr: JsonValue[]) => (index < 0 ? arr.length + index : index);
  return eachArray(
    ctx,
    argv[1] as string,
    p,
    'json.arrinsert',
    (doc, arr) => {
      arr.splice(at(arr), 0, ...take(doc));
      return arr.length;
    },
    undefined,
    // Checked on every array first: an index out of bounds anywhere inserts nothing anywhere.
    (arr) => {
      if (at(arr) < 0 || at(arr) > arr.length) throw E.JSON_INDEX_BOUNDS;
    },
  );
}

/** RedisJSON's start-index clamp: negatives count back, anything past the end means the last. */
const clampStart = (i: number, len: number) => (i < 0 ? Math.max(0, len + i) : Math.min(i, len - 1));

/**
 * JSON.ARRPOP key [path [index]]: the popped value as JSON text. The index defaults to the last; one that
 * is not an integer counts as -1, as in RedisJSON.
 */
function jsonArrpop(ctx: Ctx, argv: Argv): Reply {
  const pathArg = argv[2];
  const indexArg = argv[3];
  if (pathArg !== undefined && eqi(pathArg, 'format') && argv[3] !== undefined) throw E.JSON_FORMAT_RESP2;
  let index = Number.MAX_SAFE_INTEGER;
  if (pathArg !== undefined) {
    const n = indexArg === undefined ? null : parseInt64(indexArg);
    index = n === null ? -1 : Number(n);
  }
  const p = pathArg === undefined ? LEGACY_ROOT : parsePath(pathArg);
  return eachArray(
    ctx,
    argv[1] as string,
    p,
    'json.arrpop',
    (doc, arr) => {
      if (arr.length === 0) return null;
      const [v] = arr.splice(clampStart(index, arr.length), 1) as [JsonValue];
      doc.bytes -= slotsBytes([v]);
      return serialize(v);
    },
    (r) => r !== null,
  );
}

/** JSON.ARRTRIM key path start stop: keeps the inclusive range, clamped as RedisJSON clamps it. */
function jsonArrtrim(ctx: Ctx, argv: Argv): Reply {
  const p = parsePath(argv[2] as string);
  const start = int(argv[3]);
  const stop = int(argv[4]);
  return eachArray(ctx, argv[1] as string, p, 'json.arrtrim', (doc, arr) => {
    const len = arr.length;
    const to = stop < 0 ? Math.max(0, len + stop) : Math.min(stop, len - 1);
    const from = start < 0 || start < len ? clampStart(start, len) : to + 1;
    const keepFrom = from > to || len === 0 ? 0 : from;
    const keepTo = from > to || len === 0 ? 0 : to + 1;
    const removed = [...arr.slice(0, keepFrom), ...arr.slice(keepTo)];
    doc.bytes -= slotsBytes(removed);
    arr.splice(keepTo);
    arr.splice(0, keepFrom);
    return arr.length;
  });
}

export const arrayHandlers = { jsonArrappend, jsonArrinsert, jsonArrpop, jsonArrtrim };
