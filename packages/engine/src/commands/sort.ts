/**
 * SORT and SORT_RO, following Redis 7's sort.c: the order of option checks, LIMIT clamping, BY/GET
 * patterns (`*` substitution, `->field` into hashes, `#` for the element itself), "BY nosort" keeping a
 * list's or sorted set's own order, and STORE writing a list (or deleting the destination when empty).
 */
import { int, is } from '../command/args.ts';
import type { Ctx } from '../command/context.ts';
import * as E from '../command/errors.ts';
import { WRONGTYPE } from '../command/errors.ts';
import { type Argv, type CommandDef, command, key } from '../command/table.ts';
import { NOTIFY, notifyMiss } from '../pubsub/notify.ts';
import type { Reply } from '../reply.ts';
import { strtod } from '../strtod.ts';
import { List } from '../types/list.ts';

interface Options {
  desc: boolean;
  alpha: boolean;
  /** The BY pattern when it names other keys (contains `*`). */
  by: string | null;
  dontsort: boolean;
  limitStart: number;
  limitCount: number;
  store: string | null;
  gets: string[];
}

function parse(argv: Argv, readonly: boolean): Options {
  const o: Options = {
    desc: false,
    alpha: false,
    by: null,
    dontsort: false,
    limitStart: 0,
    limitCount: -1,
    store: null,
    gets: [],
  };
  for (let j = 2; j < argv.length; j++) {
    const arg = argv[j] as string;
    const left = argv.length - j - 1;
    if (is(arg, 'asc')) o.desc = false;
    else if (is(arg, 'desc')) o.desc = true;
    else if (is(arg, 'alpha')) o.alpha = true;
    else if (is(arg, 'limit') && left >= 2) {
      o.limitStart = int(argv[j + 1]);
      o.limitCount = int(argv[j + 2]);
      j += 2;
    } else if (!readonly && is(arg, 'store') && left >= 1) o.store = argv[++j] as string;
    else if (is(arg, 'by') && left >= 1) {
      const pattern = argv[++j] as string;
      // A pattern naming no key (conventionally "nosort") means: keep the source's own order.
      if (pattern.includes('*')) {
        o.by = pattern;
        o.dontsort = false;
      } else {
        o.by = null;
        o.dontsort = true;
      }
    } else if (is(arg, 'get') && left >= 1) o.gets.push(argv[++j] as string);
    else throw E.SYNTAX;
  }
  return o;
}

/**
 * The string a BY/GET pattern points at for `element`, as Redis's lookupKeyByPattern: the first `*` takes
 * the element, a `->field` after it reads a hash field, and anything but a string (or a hash, for a field)
 * counts as missing. Patterns are cut at a NUL byte as C's string functions would.
 */
function lookupByPattern(ctx: Ctx, pattern: string, element: string): string | undefined {
  if (pattern === '#') return element;
  const nul = pattern.indexOf('\0');
  const cstr = nul === -1 ? pattern : pattern.slice(0, nul);
  const star = cstr.indexOf('*');
  if (star === -1) return undefined;
  const arrow = cstr.indexOf('->', star + 1);
  const hasField = arrow !== -1 && arrow + 2 < cstr.length;
  // The key keeps the pattern's bytes past a NUL (Redis copies by sds length), minus any field part.
  const keyName = pattern.slice(0, star) + element + pattern.slice(star + 1, hasField ? arrow : pattern.length);
  const entry = ctx.db.lookup(keyName);
  if (entry === undefined) {
    notifyMiss(ctx, keyName);
    return undefined;
  }
  if (hasField) {
    if (entry.type !== 'hash') return undefined;
    const hash = entry.value as import('../types/hash.ts').Hash;
    return hash.get(pattern.slice(arrow + 2));
  }
  return entry.type === 'string' ? (entry.value as string) : undefined;
}

interface Item {
  element: string;
  score: number;
  /** ALPHA with BY: the value compared; null when the pattern found nothing (sorts first). */
  by: string | null;
}

const cmpBytes = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function sortGeneric(ctx: Ctx, argv: Argv, readonly: boolean): Reply {
  const o = parse(argv, readonly);
  const entry = ctx.db.lookup(argv[1] as string);
  if (entry === undefined) notifyMiss(ctx, argv[1] as string);
  if (entry !== undefined && entry.type !== 'list' && entry.type !== 'set' && entry.type !== 'zset') throw WRONGTYPE;
  // A set has no order of its own, so a stored result is sorted to be reproducible (as Redis does).
  if (o.dontsort && entry?.type === 'set' && o.store !== null) {
    o.dontsort = false;
    o.alpha = true;
    o.by = null;
  }
  const total = entry === undefined ? 0 : (entry.value as { size: number }).size;
  let start = Math.max(o.limitStart, 0);
  let end = o.limitCount < 0 ? total - 1 : start + o.limitCount - 1;
  if (start >= total) {
    start = total - 1;
    end = total - 2;
  }
  if (end >= total) end = total - 1;

  let elements: string[];
  if (entry === undefined) elements = [];
  else if (o.dontsort && entry.type === 'list') {
    const list = entry.value as List;
    elements =
      end >= start ? list.range(o.desc ? total - 1 - end : start, o.desc ? total - 1 - start : end, o.desc) : [];
    end -= start;
    start = 0;
  } else if (o.dontsort && entry.type === 'zset') {
    const zset = entry.value as import('../types/zset.ts').ZSet;
    elements = [];
    if (end >= start) {
      let node = o.desc ? zset.at(total - 1 - start) : zset.at(start);
      for (let n = end - start + 1; n > 0 && node !== 0; n--) {
        elements.push(zset.member(node));
        node = o.desc ? zset.prev(node) : zset.next(node);
      }
    }
    end -= start;
    start = 0;
  } else if (entry.type === 'list') elements = [...(entry.value as List).values()];
  else if (entry.type === 'set') elements = [...(entry.value as import('../types/set.ts').RSet).values()];
  else {
    const zset = entry.value as import('../types/zset.ts').ZSet;
    elements = [];
    for (let node = zset.first; node !== 0; node = zset.next(node)) elements.push(zset.member(node));
  }

  if (!o.dontsort) {
    const items: Item[] = elements.map((element) => ({ element, score: 0, by: null }));
    let badScore = false;
    for (const item of items) {
      const value = o.by === null ? item.element : lookupByPattern(ctx, o.by, item.element);
      if (value === undefined) continue;
      if (o.alpha) {
        if (o.by !== null) item.by = value;
      } else {
        const r = strtod(value, 0);
        if (r.end !== value.length || r.range || Number.isNaN(r.value)) badScore = true;
        item.score = r.value;
      }
    }
    if (badScore) throw E.SORT_SCORE;
    const sign = o.desc ? -1 : 1;
    const byPattern = o.by !== null;
    items.sort((a, b) => {
      let c: number;
      if (!o.alpha) c = a.score > b.score ? 1 : a.score < b.score ? -1 : cmpBytes(a.element, b.element);
      else if (byPattern) {
        if (a.by === null || b.by === null) c = a.by === b.by ? 0 : a.by === null ? -1 : 1;
        else c = cmpBytes(a.by, b.by);
      } else c = cmpBytes(a.element, b.element);
      return sign * c;
    });
    elements = items.map((i) => i.element);
  }

  const out: (string | null)[] = [];
  for (let j = start; j <= end; j++) {
    const element = elements[j] as string;
    if (o.gets.length === 0) out.push(element);
    for (const pattern of o.gets) out.push(lookupByPattern(ctx, pattern, element) ?? null);
  }
  if (o.store === null) {
    ctx.unchanged();
    return out;
  }

  const dest = o.store;
  if (out.length === 0) {
    if (ctx.db.delete(dest)) ctx.notify(NOTIFY.GENERIC, 'del', dest);
    ctx.propagate(['DEL', dest]);
    return 0;
  }
  const list = new List();
  // A missing GET value is stored as an empty string: a list cannot hold nil.
  const values = out.map((v) => v ?? '');
  for (const v of values) list.pushBack(v);
  ctx.db.set(dest, 'list', list);
  ctx.notify(NOTIFY.LIST, 'sortstore', dest);
  // BY and GET read keys the log does not name, so the effect is logged rather than the command.
  ctx.propagate(['DEL', dest]);
  ctx.propagate(['RPUSH', dest, ...values]);
  return values.length;
}

const sort = (ctx: Ctx, argv: Argv) => sortGeneric(ctx, argv, false);
const sortRo = (ctx: Ctx, argv: Argv) => sortGeneric(ctx, argv, true);

export const sortCommands: CommandDef[] = [
  command('sort', -2, 'write denyoom', [key(1), { keyword: 'STORE', startfrom: 2, last: 0, step: 1 }], sort),
  command('sort_ro', -2, 'readonly', [key(1)], sortRo),
];
