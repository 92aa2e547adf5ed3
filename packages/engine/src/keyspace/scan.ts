/**
 * Cursor iteration for SCAN, HSCAN, SSCAN and ZSCAN with Redis's guarantee: an element present for the whole
 * scan is returned at least once, whatever is added or deleted between calls. JS Map iterators already keep
 * that guarantee across mutation, so a cursor names a live iterator kept in a small per-collection cache.
 * A cursor the cache no longer holds (or one a client made up) falls back to skipping that many elements
 * of a fresh iterator, which is still a valid, if weaker, answer.
 *
 * The cursor is the count of elements examined so far; 0 starts a scan and 0 in the reply ends it.
 */
import { int, is, need } from '../command/args.ts';
import * as E from '../command/errors.ts';
import type { Argv } from '../command/table.ts';
import { globMatch } from './glob.ts';

interface Live<T> {
  it: Iterator<T>;
}

const MAX_LIVE_CURSORS = 16;
const caches = new WeakMap<object, Map<number, Live<unknown>>>();

export interface ScanArgs {
  cursor: number;
  match: string | undefined;
  count: number;
  /** SCAN's TYPE filter (lower-case), HSCAN's NOVALUES, Upstash's WITHTYPE: parsed only where allowed. */
  type: string | undefined;
  noValues: boolean;
  withType: boolean;
}

/**
 * Parses `<cursor> [MATCH pattern] [COUNT n] …` starting at argv[start]. `extra` lists the further options
 * the command accepts ('type', 'novalues', 'withtype').
 */
export function parseScanArgs(argv: Argv, start: number, extra: readonly string[] = []): ScanArgs {
  const out: ScanArgs = {
    cursor: parseCursor(argv[start] as string),
    match: undefined,
    count: 10,
    type: undefined,
    noValues: false,
    withType: false,
  };
  for (let i = start + 1; i < argv.length; i++) {
    const a = argv[i];
    if (is(a, 'match')) out.match = need(argv, ++i);
    else if (is(a, 'count')) {
      out.count = int(need(argv, ++i));
      if (out.count < 1) throw E.SYNTAX;
    } else if (is(a, 'type') && extra.includes('type')) out.type = need(argv, ++i).toLowerCase();
    else if (is(a, 'novalues') && extra.includes('novalues')) out.noValues = true;
    else if (is(a, 'withtype') && extra.includes('withtype')) out.withType = true;
    else throw E.SYNTAX;
  }
  if (out.match === '*') out.match = undefined;
  return out;
}

/**
 * A cursor as Redis reads it (`strtoul`): optional sign, decimal digits, no spaces, within 64 bits; a
 * negative one wraps around as C's does (`-1` is 2^64-1).
 */
function parseCursor(text: string): number {
  const m = /^([+-]?)([0-9]{1,20})$/.exec(text);
  if (m === null) throw E.INVALID_CURSOR;
  const n = BigInt(m[2] as string);
  if (n > 18446744073709551615n) throw E.INVALID_CURSOR;
  return Number(m[1] === '-' && n !== 0n ? 2n ** 64n - n : n);
}

/**
 * Advances a scan over `collection` by about `count` elements. `iterate` makes a fresh iterator over the
 * collection's elements; `name` gives the element's name for MATCH (its key or member). Returns the next
 * cursor (0 when done) and the examined elements that matched.
 */
export function scanStep<T>(
  collection: object,
  args: ScanArgs,
  iterate: () => Iterator<T>,
  name: (item: T) => string,
): { cursor: number; items: T[] } {
  let cache = caches.get(collection) as Map<number, Live<T>> | undefined;
  if (cache === undefined) {
    cache = new Map();
    caches.set(collection, cache as Map<number, Live<unknown>>);
  }
  let live = args.cursor === 0 ? undefined : cache.get(args.cursor);
  if (live !== undefined) cache.delete(args.cursor);
  else {
    live = { it: iterate() };
    for (let skip = args.cursor; skip > 0; skip--) if (live.it.next().done) return { cursor: 0, items: [] };
  }
  const items: T[] = [];
  let examined = 0;
  let done = false;
  while (examined < args.count) {
    const r = live.it.next();
    if (r.done) {
      done = true;
      break;
    }
    examined++;
    if (args.match === undefined || globMatch(args.match, name(r.value))) items.push(r.value);
  }
  if (done) return { cursor: 0, items };
  const cursor = args.cursor + examined;
  if (cache.size >= MAX_LIVE_CURSORS) {
    const oldest = cache.keys().next().value as number;
    cache.delete(oldest);
  }
  cache.set(cursor, live);
  return { cursor, items };
}
