/**
 * RedisJSON paths over jsonpath-rfc9535. A path starting with `$` (alone, or followed by `.` or `[`) is
 * JSONPath and answers one result per match; anything else is a legacy path (`.a.b`, `a`, `.`, `[0]`)
 * that RedisJSON rewrites by prefixing `$` or `$.` and answers the first match only. We rewrite legacy
 * paths the same way, then both kinds into RFC 9535 syntax where RedisJSON's dialect is looser: `$.[0]`
 * becomes `$[0]`, and a dotted name that RFC shorthand does not allow (`.a-b`, `.1x`) becomes a bracketed
 * name (`['a-b']`). Filters pass through as written: `?(@.a>1)` is RFC too (a parenthesized expression).
 *
 * Evaluation is the library's; writes locate what they change by walking the library's result paths
 * (object names and array indexes) from the root to the parent.
 */
import { exec, query } from 'jsonpath-rfc9535';
import parseJsonPath from 'jsonpath-rfc9535/parser';
import { fromUtf8, toUtf8 } from '../../bytes.ts';
import * as E from '../../command/errors.ts';
import type { ErrorReply } from '../../reply.ts';
import { isObject, JFloat, type JsonDoc, type JsonObject, type JsonValue, newObject } from '../../types/json.ts';

export interface JPath {
  /** As the client sent it (decoded text): the member name of a multi-path JSON.GET reply. */
  original: string;
  /** RedisJSON's rewritten form (`$.a` for `.a`, `$.[0]` for `[0]`), which its errors quote. */
  display: string;
  /** The RFC 9535 expression handed to the library. */
  expr: string;
  legacy: boolean;
  /** `$` or `.`: the whole document. */
  root: boolean;
}

const SHORTHAND = /^[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*$/;

/** Legacy dotted names into RFC 9535: bracket what shorthand cannot spell; `.[` loses its dot. */
function toRfc(fixed: string): string {
  let out = '$';
  let i = 1;
  while (i < fixed.length) {
    const c = fixed[i];
    if (c === '[') {
      // Copy the bracketed selection whole (filters nest brackets and quote strings).
      let j = i;
      let depth = 0;
      let quote = '';
      for (; j < fixed.length; j++) {
        const d = fixed[j];
        if (quote !== '') {
          if (d === '\\') j++;
          else if (d === quote) quote = '';
        } else if (d === '"' || d === "'") quote = d;
        else if (d === '[') depth++;
        else if (d === ']' && --depth === 0) break;
      }
      out += fixed.slice(i, j + 1);
      i = j + 1;
    } else if (c === '.') {
      const descendant = fixed[i + 1] === '.';
      i += descendant ? 2 : 1;
      let j = i;
      while (j < fixed.length && fixed[j] !== '.' && fixed[j] !== '[') j++;
      const name = fixed.slice(i, j);
      if (name === '') out += descendant ? '..' : '';
      else if (name === '*' || SHORTHAND.test(name)) out += (descendant ? '..' : '.') + name;
      else out += `${descendant ? '..' : ''}['${escapeName(name)}']`;
      i = j;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** A member name inside a single-quoted RFC 9535 string literal. */
function escapeName(name: string): string {
  return name.replace(/[\u0000-\u001f'\\]/g, (ch) => {
    if (ch === "'" || ch === '\\') return `\\${ch}`;
    return `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

/** A path argument (a byte string) classified and rewritten. */
export function parsePath(arg: string): JPath {
  const original = toUtf8(arg);
  const jsonPath = original.startsWith('$') && (original.length === 1 || original[1] === '.' || original[1] === '[');
  if (jsonPath) return { original, display: original, expr: toRfc(original), legacy: false, root: original === '$' };
  let display: string;
  if (original === '.') display = '$';
  else if (original.startsWith('.')) display = `$${original}`;
  else display = `$.${original}`;
  return { original, display, expr: toRfc(display), legacy: true, root: display === '$' };
}

/** The default path of commands whose path is optional: the legacy root. */
export const LEGACY_ROOT: JPath = parsePath('.');

/** One match: its value and its location as object names and array indexes from the root. */
export interface Hit {
  value: JsonValue;
  path: (string | number)[];
}

const unescapeKey = (k: string) =>
  k.includes('\\')
    ? k.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, e: string) => {
        switch (e) {
          case 'b':
            return '\b';
          case 'f':
            return '\f';
          case 'n':
            return '\n';
          case 'r':
            return '\r';
          case 't':
            return '\t';
          default:
            return e.length === 5 ? String.fromCharCode(Number.parseInt(e.slice(1), 16)) : e;
        }
      })
    : k;

function syntaxError(err: unknown, expr: string): ErrorReply {
  const e = err as { location?: { start?: { offset?: number } }; message?: string };
  const pos = e.location?.start?.offset ?? 0;
  return E.jsonPathSyntax(pos, fromUtf8(`"${expr.slice(0, pos)} <<<<----", ${e.message ?? String(err)}`));
}

/** A plain-number copy for filter queries: the library compares only JS numbers. */
function plainView(v: JsonValue): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof JFloat) return v.value;
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(plainView);
  const out: Record<string, unknown> = newObject();
  for (const k in v) out[k] = plainView(v[k] as JsonValue);
  return out;
}

type Lib = Parameters<typeof query>[0];

function needsView(doc: JsonDoc, p: JPath): boolean {
  return doc.boxed && p.expr.includes('?');
}

/** The matches' locations (a write needs them). Throws the path's syntax error. */
export function locate(doc: JsonDoc, p: JPath): Hit[] {
  const keys = staticKeys(p);
  if (keys !== null) {
    const hit = stepDown(doc.root, keys);
    return hit === null ? [] : [hit];
  }
  const hits: Hit[] = [];
  const view = needsView(doc, p);
  const input = (view ? plainView(doc.root) : doc.root) as Lib;
  try {
    exec(input, p.expr, (value, path) => {
      const keys = path.map((k) => (typeof k === 'string' ? unescapeKey(k) : k));
      hits.push({ value: view ? (walk(doc.root, keys) as JsonValue) : (value as JsonValue), path: keys });
    });
  } catch (err) {
    throw syntaxError(err, p.expr);
  }
  return hits;
}

/** The matched values only (cheaper: the library builds no paths). */
export function select(doc: JsonDoc, p: JPath): JsonValue[] {
  if (p.root) return [doc.root];
  const keys = staticKeys(p);
  if (keys !== null) {
    const hit = stepDown(doc.root, keys);
    return hit === null ? [] : [hit.value];
  }
  if (needsView(doc, p)) return locate(doc, p).map((h) => h.value);
  try {
    return query(doc.root as Lib, p.expr) as JsonValue[];
  } catch (err) {
    throw syntaxError(err, p.expr);
  }
}

/** The value at a location, or undefined. */
export function walk(root: JsonValue, path: readonly (string | number)[]): JsonValue | undefined {
  let v: JsonValue | undefined = root;
  for (const k of path) {
    if (v === null || typeof v !== 'object' || v instanceof JFloat) return undefined;
    v = Array.isArray(v) ? (typeof k === 'number' ? v[k] : undefined) : (v as JsonObject)[k as string];
  }
  return v;
}

/**
 * The library parses the expression on every call, which costs more than answering a simple path on a
 * big document. So its parse of each expression is kept (a bounded cache), and a static path, one the
 * library's AST shows to be only names and indexes (`$.a.b[3]`), is answered by stepping down those
 * members: the selection RFC 9535 defines for them (an index counts back from the end when negative;
 * a name never selects in an array, an index never in an object). Every other path is the library's.
 */
const STATIC_CACHE = new Map<string, readonly (string | number)[] | null>();
const STATIC_CACHE_MAX = 1024;

/**
 * The steps of a static path (only single names and indexes), or null when it has wildcards, slices,
 * filters or `..`. Also decides where RedisJSON may create a member: only at the end of a static path.
 */
export function staticKeys(p: JPath): (string | number)[] | null {
  let keys = STATIC_CACHE.get(p.expr);
  if (keys === undefined) {
    keys = staticOf(p);
    if (STATIC_CACHE.size >= STATIC_CACHE_MAX) STATIC_CACHE.clear();
    STATIC_CACHE.set(p.expr, keys);
  }
  return keys === null ? null : [...keys];
}

/**
 * The commonest static paths in RFC 9535 syntax — shorthand names, plain indexes, quoted names without
 * escapes — read without the (slow) library parser; anything else, or anything unusual, is left to it.
 */
const SIMPLE_STEP =
  /\.([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)|\[(0|-?[1-9][0-9]{0,14})\]|\['([^'\\\u0000-\u001f]*)'\]|\["([^"\\\u0000-\u001f]*)"\]/y;

function simpleSteps(expr: string): (string | number)[] | null {
  if (expr[0] !== '$') return null;
  const keys: (string | number)[] = [];
  SIMPLE_STEP.lastIndex = 1;
  while (SIMPLE_STEP.lastIndex < expr.length) {
    const m = SIMPLE_STEP.exec(expr);
    if (m === null) return null;
    if (m[2] !== undefined) keys.push(Number(m[2]));
    else keys.push((m[1] ?? m[3] ?? m[4]) as string);
  }
  return keys;
}

function staticOf(p: JPath): (string | number)[] | null {
  const simple = simpleSteps(p.expr);
  if (simple !== null) return simple;
  let ast: ReturnType<typeof parseJsonPath>;
  try {
    ast = parseJsonPath(p.expr);
  } catch (err) {
    throw syntaxError(err, p.expr);
  }
  const keys: (string | number)[] = [];
  for (const seg of ast.segments) {
    if (seg.type !== 'ChildSegment') return null;
    const node = seg.node;
    if (node.type === 'MemberNameShorthand') keys.push(node.value);
    else if (node.type === 'BracketedSelection' && node.selectors.length === 1) {
      const sel = node.selectors[0];
      if (sel?.type === 'NameSelector' || sel?.type === 'IndexSelector') keys.push(sel.value);
      else return null;
    } else return null;
  }
  return keys;
}

/** A static path's one match, its negative indexes resolved; null when nothing is there. */
function stepDown(root: JsonValue, keys: readonly (string | number)[]): Hit | null {
  let v: JsonValue | undefined = root;
  const path: (string | number)[] = [];
  for (const k of keys) {
    if (typeof k === 'number') {
      if (!Array.isArray(v)) return null;
      const arr: JsonValue[] = v;
      const i: number = k < 0 ? arr.length + k : k;
      if (i < 0 || i >= arr.length) return null;
      v = arr[i];
      path.push(i);
    } else {
      if (v === undefined || !isObject(v) || !Object.hasOwn(v, k)) return null;
      v = v[k];
      path.push(k);
    }
  }
  return { value: v as JsonValue, path };
}

/** A normalized path expression for a location (to query a static path's parent through the library). */
export function normalized(keys: readonly (string | number)[]): JPath {
  let expr = '$';
  for (const k of keys) expr += typeof k === 'number' ? `[${k}]` : `['${escapeName(k)}']`;
  return { original: expr, display: expr, expr, legacy: false, root: keys.length === 0 };
}

/**
 * Orders locations for in-place mutation as RedisJSON does: deeper paths first, higher indexes before
 * lower ones, so changing one never moves another still to be visited.
 */
export function compareForMutation(a: readonly (string | number)[], b: readonly (string | number)[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] as string | number;
    const y = b[i] as string | number;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return y - x;
    if (typeof x === 'number') return 1;
    if (typeof y === 'number') return -1;
    return x < y ? -1 : 1;
  }
  return b.length - a.length;
}
