/** List commands. */
import { int, int64, is } from '../command/args.ts';
import type { Ctx } from '../command/context.ts';
import * as E from '../command/errors.ts';
import { type Argv, type CommandDef, command, key, keynum } from '../command/table.ts';
import { deleteIfEmpty, NOTIFY } from '../pubsub/notify.ts';
import { type ErrorReply, NIL_ARRAY, OK, type Reply } from '../reply.ts';
import { List } from '../types/list.ts';

const LONG_MAX = '9223372036854775807';
const LONG_MIN = -(2n ** 63n);

/** LPUSH/RPUSH, and with `onlyIfExists` LPUSHX/RPUSHX. */
function push(ctx: Ctx, argv: Argv, front: boolean, onlyIfExists: boolean): Reply {
  const k = argv[1] as string;
  let list = ctx.db.get(k, 'list');
  if (list === undefined) {
    if (onlyIfExists) return 0;
    list = new List();
    ctx.db.set(k, 'list', list);
  }
  if (front) for (let i = 2; i < argv.length; i++) list.pushFront(argv[i] as string);
  else for (let i = 2; i < argv.length; i++) list.pushBack(argv[i] as string);
  ctx.notify(NOTIFY.LIST, front ? 'lpush' : 'rpush', k);
  return list.size;
}

/** Redis's listElementsRemoved: the pop event, then `del` when the list is left empty (and deleted). */
function popped(ctx: Ctx, k: string, list: List, front: boolean): void {
  ctx.notify(NOTIFY.LIST, front ? 'lpop' : 'rpop', k);
  deleteIfEmpty(ctx, k, list);
}

const lpush = (ctx: Ctx, argv: Argv) => push(ctx, argv, true, false);
const rpush = (ctx: Ctx, argv: Argv) => push(ctx, argv, false, false);
const lpushx = (ctx: Ctx, argv: Argv) => push(ctx, argv, true, true);
const rpushx = (ctx: Ctx, argv: Argv) => push(ctx, argv, false, true);

/** Removes up to `count` elements from one end; they come back in pop order (tail first from the right). */
function popRange(list: List, count: number, front: boolean): string[] {
  const n = Math.min(count, list.size);
  if (front) {
    const out = list.range(0, n - 1);
    list.dropFront(n);
    return out;
  }
  const out = list.range(list.size - n, list.size - 1, true);
  list.dropBack(n);
  return out;
}

/**
 * LPOP/RPOP key [count]. Without a count the reply is one bulk string (nil when missing); with one it is
 * an array (the nil array when missing, empty for count 0).
 */
function pop(ctx: Ctx, argv: Argv, front: boolean): Reply {
  if (argv.length > 3) throw E.arity(front ? 'lpop' : 'rpop');
  const withCount = argv.length === 3;
  const count = withCount ? positive(argv[2], E.NOT_POSITIVE) : 1;
  const k = argv[1] as string;
  const list = ctx.db.get(k, 'list');
  if (list === undefined) return withCount ? NIL_ARRAY : null;
  if (count === 0) return [];
  const out = withCount ? popRange(list, count, front) : ((front ? list.popFront() : list.popBack()) as string);
  popped(ctx, k, list, front);
  return out;
}

const lpop = (ctx: Ctx, argv: Argv) => pop(ctx, argv, true);
const rpop = (ctx: Ctx, argv: Argv) => pop(ctx, argv, false);

/** A non-negative integer argument; anything else fails with `err`, as `getPositiveLongFromObjectOrReply`. */
function positive(arg: string | undefined, err: ErrorReply): number {
  const n = int(arg, err);
  if (n < 0) throw err;
  return n;
}

/** The inclusive range start..stop of Redis's LRANGE/LTRIM rules, clamped to the list; null when empty. */
function clampRange(start: number, stop: number, size: number): { start: number; stop: number } | null {
  if (start < 0) start += size;
  if (stop < 0) stop += size;
  if (start < 0) start = 0;
  if (start > stop || start >= size) return null;
  return { start, stop: Math.min(stop, size - 1) };
}

function lrange(ctx: Ctx, argv: Argv): Reply {
  const start = int(argv[2]);
  const stop = int(argv[3]);
  const list = ctx.db.get(argv[1] as string, 'list');
  if (list === undefined) return [];
  const r = clampRange(start, stop, list.size);
  return r === null ? [] : list.range(r.start, r.stop);
}

function ltrim(ctx: Ctx, argv: Argv): Reply {
  const start = int(argv[2]);
  const stop = int(argv[3]);
  const k = argv[1] as string;
  const list = ctx.db.get(k, 'list');
  if (list === undefined) return OK;
  const size = list.size;
  const r = clampRange(start, stop, size);
  if (r === null) list.dropFront(size);
  else {
    list.dropBack(size - r.stop - 1);
    list.dropFront(r.start);
  }
  ctx.notify(NOTIFY.LIST, 'ltrim', k);
  deleteIfEmpty(ctx, k, list);
  return OK;
}

function llen(ctx: Ctx, argv: Argv): Reply {
  return ctx.db.get(argv[1] as string, 'list')?.size ?? 0;
}

/** LINDEX looks the key up before parsing the index, so a missing key answers nil whatever the index. */
function lindex(ctx: Ctx, argv: Argv): Reply {
  const list = ctx.db.get(argv[1] as string, 'list');
  if (list === undefined) return null;
  const index = int(argv[2]);
  return list.at(index < 0 ? index + list.size : index) ?? null;
}

function lset(ctx: Ctx, argv: Argv): Reply {
  const list = ctx.db.get(argv[1] as string, 'list');
  if (list === undefined) throw E.NO_SUCH_KEY;
  let index = int(argv[2]);
  if (index < 0) index += list.size;
  if (index < 0 || index >= list.size) throw E.INDEX_OUT_OF_RANGE;
  list.set(index, argv[3] as string);
  ctx.notify(NOTIFY.LIST, 'lset', argv[1] as string);
  return OK;
}

/** LINSERT key BEFORE|AFTER pivot element: the new length, -1 when the pivot is absent, 0 when the key is. */
function linsert(ctx: Ctx, argv: Argv): Reply {
  const where = argv[2];
  const after = is(where, 'after');
  if (!after && !is(where, 'before')) throw E.SYNTAX;
  const list = ctx.db.get(argv[1] as string, 'list');
  if (list === undefined) return 0;
  const at = list.indexOf(argv[3] as string);
  if (at < 0) return -1;
  list.insert(after ? at + 1 : at, argv[4] as string);
  ctx.notify(NOTIFY.LIST, 'linsert', argv[1] as string);
  return list.size;
}

/** LREM key count element: count > 0 removes from the head, < 0 from the tail, 0 every match. */
function lrem(ctx: Ctx, argv: Argv): Reply {
  const count = int(argv[2]);
  const k = argv[1] as string;
  const list = ctx.db.get(k, 'list');
  if (list === undefined) return 0;
  const removed = list.removeMatching(argv[3] as string, Math.abs(count), count < 0);
  if (removed === 0) return 0;
  ctx.notify(NOTIFY.LIST, 'lrem', k);
  deleteIfEmpty(ctx, k, list);
  return removed;
}

/** LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len], options parsed before the key is read. */
function lpos(ctx: Ctx, argv: Argv): Reply {
  const element = argv[2] as string;
  let rank = 1;
  let count = -1;
  let maxlen = 0;
  for (let i = 3; i < argv.length; i++) {
    const opt = argv[i];
    const hasValue = i + 1 < argv.length;
    if (is(opt, 'rank') && hasValue) {
      const n = int64(argv[++i]);
      if (n === LONG_MIN) throw E.valueNotBetween(`-${LONG_MAX}`, LONG_MAX);
      if (n === 0) throw E.LPOS_RANK_ZERO;
      rank = Number(n);
    } else if (is(opt, 'count') && hasValue) count = positive(argv[++i], E.LPOS_COUNT_NEGATIVE);
    else if (is(opt, 'maxlen') && hasValue) maxlen = positive(argv[++i], E.LPOS_MAXLEN_NEGATIVE);
    else throw E.SYNTAX;
  }
  const list = ctx.db.get(argv[1] as string, 'list');
  const matches: number[] | null = count === -1 ? null : [];
  if (list === undefined) return matches ?? null;
  const size = list.size;
  const fromTail = rank < 0;
  const skip = Math.abs(rank) - 1;
  const limit = maxlen === 0 ? size : Math.min(maxlen, size);
  let seen = 0;
  for (let n = 0; n < limit; n++) {
    const index = fromTail ? size - 1 - n : n;
    if (list.at(index) !== element || seen++ < skip) continue;
    if (matches === null) return index;
    matches.push(index);
    if (matches.length === count) break;
  }
  return matches ?? null;
}

/** LEFT or RIGHT: true for LEFT (the head). */
function side(arg: string | undefined): boolean {
  if (is(arg, 'left')) return true;
  if (is(arg, 'right')) return false;
  throw E.SYNTAX;
}

/**
 * LMOVE and RPOPLPUSH: a missing source answers nil before the destination's type is checked; a wrong
 * destination type fails before anything is popped. Source and destination may be the same list.
 */
function move(ctx: Ctx, src: string, dst: string, fromFront: boolean, toFront: boolean): Reply {
  const from = ctx.db.get(src, 'list');
  if (from === undefined) return null;
  let to = ctx.db.get(dst, 'list');
  const value = (fromFront ? from.popFront() : from.popBack()) as string;
  if (to === undefined) {
    to = new List();
    ctx.db.set(dst, 'list', to);
  }
  if (toFront) to.pushFront(value);
  else to.pushBack(value);
  // Redis reports the push on the destination before the pop on the source.
  ctx.notify(NOTIFY.LIST, toFront ? 'lpush' : 'rpush', dst);
  popped(ctx, src, from, fromFront);
  return value;
}

function lmove(ctx: Ctx, argv: Argv): Reply {
  const fromFront = side(argv[3]);
  const toFront = side(argv[4]);
  return move(ctx, argv[1] as string, argv[2] as string, fromFront, toFront);
}

function rpoplpush(ctx: Ctx, argv: Argv): Reply {
  return move(ctx, argv[1] as string, argv[2] as string, false, true);
}

/** LMPOP numkeys key [key …] LEFT|RIGHT [COUNT count]: `[key, [elements]]` from the first non-empty list. */
function lmpop(ctx: Ctx, argv: Argv): Reply {
  const numkeys = int(argv[1], E.NUMKEYS_NOT_POSITIVE);
  if (numkeys < 1) throw E.NUMKEYS_NOT_POSITIVE;
  const whereAt = numkeys + 2;
  if (whereAt >= argv.length) throw E.SYNTAX;
  const front = side(argv[whereAt]);
  let count = -1;
  for (let i = whereAt + 1; i < argv.length; i++) {
    if (count === -1 && is(argv[i], 'count') && i + 1 < argv.length) {
      count = int(argv[++i], E.COUNT_NOT_POSITIVE);
      if (count < 1) throw E.COUNT_NOT_POSITIVE;
    } else throw E.SYNTAX;
  }
  if (count === -1) count = 1;
  for (let i = 2; i < whereAt; i++) {
    const k = argv[i] as string;
    const list = ctx.db.get(k, 'list');
    if (list === undefined) continue;
    const out = popRange(list, count, front);
    popped(ctx, k, list, front);
    return [k, out];
  }
  return NIL_ARRAY;
}

export const listCommands: CommandDef[] = [
  command('lpush', -3, 'write denyoom fast', [key(1)], lpush),
  command('rpush', -3, 'write denyoom fast', [key(1)], rpush),
  command('lpushx', -3, 'write denyoom fast', [key(1)], lpushx),
  command('rpushx', -3, 'write denyoom fast', [key(1)], rpushx),
  command('lpop', -2, 'write fast', [key(1)], lpop),
  command('rpop', -2, 'write fast', [key(1)], rpop),
  command('lrange', 4, 'readonly', [key(1)], lrange),
  command('llen', 2, 'readonly fast', [key(1)], llen),
  command('lindex', 3, 'readonly', [key(1)], lindex),
  command('lset', 4, 'write denyoom', [key(1)], lset),
  command('linsert', 5, 'write denyoom', [key(1)], linsert),
  command('lrem', 4, 'write', [key(1)], lrem),
  command('ltrim', 4, 'write', [key(1)], ltrim),
  command('lpos', -3, 'readonly', [key(1)], lpos),
  command('lmove', 5, 'write denyoom', [key(1), key(2)], lmove),
  command('rpoplpush', 3, 'write denyoom', [key(1), key(2)], rpoplpush),
  command('lmpop', -4, 'write', [keynum(1)], lmpop),
];
