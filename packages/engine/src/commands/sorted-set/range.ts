/**
 * ZRANGE in all its forms (zrangeGenericCommand): by rank, score or lex, forward or reversed, with LIMIT and
 * WITHSCORES, replying or storing (ZRANGESTORE), plus the older ZREVRANGE / Z[REV]RANGEBY{SCORE,LEX}.
 */
import { int, is } from '../../command/args.ts';
import type { Ctx } from '../../command/context.ts';
import * as E from '../../command/errors.ts';
import type { Argv } from '../../command/table.ts';
import { NOTIFY, notifyMiss } from '../../pubsub/notify.ts';
import type { Reply } from '../../reply.ts';
import { type ZNode, ZSet } from '../../types/zset.ts';
import { type Bounds, firstInRange, lastInRange } from './bounds.ts';
import { addMember, LISTPACK_ENTRIES, pushMember } from './entries.ts';
import { lexBounds, parseLexRange } from './lex.ts';
import { parseScoreRange, scoreBounds } from './parse.ts';

type By = 'auto' | 'rank' | 'score' | 'lex';
type Direction = 'auto' | 'forward' | 'reverse';

/**
 * What a range selects: up to `count` members from `start`, stepping back when reversed, while `test`
 * holds. A rank range knows its length; a score or lex range steps until its far bound fails.
 */
interface Selection {
  start: ZNode;
  count: number;
  test: ((node: ZNode) => boolean) | undefined;
}

const NONE: Selection = { start: 0, count: 0, test: undefined };

/** Ranks start..end after Redis's index sanitising (negative from the end, clamped). */
function byRank(z: ZSet, start: number, end: number, reverse: boolean): Selection {
  const size = z.size;
  if (start < 0) start += size;
  if (end < 0) end += size;
  if (start < 0) start = 0;
  if (start > end || start >= size) return NONE;
  if (end >= size) end = size - 1;
  return { start: z.at(reverse ? size - 1 - start : start), count: end - start + 1, test: undefined };
}

/**
 * From the first member in range (last when reversed), skip `offset` members without checking them, then
 * take up to `limit` (negative: all) while the far bound holds. A negative offset selects nothing (Redis 7
 * steps it off the end of the set).
 */
function byBounds(z: ZSet, b: Bounds, offset: number, limit: number, reverse: boolean): Selection {
  const edge = reverse ? lastInRange(z, b) : firstInRange(z, b);
  if (edge < 0 || offset < 0 || limit === 0) return NONE;
  const start = reverse ? edge - offset : edge + offset;
  if (start < 0 || start >= z.size) return NONE;
  return { start: z.at(start), count: limit < 0 ? z.size : limit, test: reverse ? b.gteMin : b.lteMax };
}

function zrangeGeneric(ctx: Ctx, argv: Argv, src: number, dst: string | undefined, by: By, dir: Direction): Reply {
  const store = dst !== undefined;
  let withScores = false;
  let offset = 0;
  let limit = -1;
  for (let j = src + 3; j < argv.length; j++) {
    const a = argv[j];
    if (!store && is(a, 'withscores')) withScores = true;
    else if (is(a, 'limit') && argv.length - j - 1 >= 2) {
      offset = int(argv[j + 1]);
      limit = int(argv[j + 2]);
      j += 2;
    } else if (dir === 'auto' && is(a, 'rev')) dir = 'reverse';
    else if (by === 'auto' && is(a, 'bylex')) by = 'lex';
    else if (by === 'auto' && is(a, 'byscore')) by = 'score';
    else throw E.SYNTAX;
  }
  if (by === 'auto') by = 'rank';
  const reverse = dir === 'reverse';
  // As Redis, a LIMIT whose count is -1 is the same as no LIMIT, even by rank.
  if (limit !== -1 && by === 'rank') throw E.LIMIT_WITHOUT_BY;
  if (withScores && by === 'lex') throw E.WITHSCORES_WITH_BYLEX;
  // Reversed score and lex ranges are written max first.
  const lo = argv[reverse && by !== 'rank' ? src + 2 : src + 1] as string;
  const hi = argv[reverse && by !== 'rank' ? src + 1 : src + 2] as string;
  let select: (z: ZSet) => Selection;
  if (by === 'rank') {
    const start = int(lo);
    const end = int(hi);
    select = (z) => byRank(z, start, end, reverse);
  } else if (by === 'score') {
    const range = parseScoreRange(lo, hi);
    select = (z) => byBounds(z, scoreBounds(z, range), offset, limit, reverse);
  } else {
    const range = parseLexRange(lo, hi);
    select = (z) => byBounds(z, lexBounds(z, range), offset, limit, reverse);
  }

  const z = ctx.db.get(argv[src] as string, 'zset');
  // ZRANGESTORE too reads its source with lookupKeyRead, which reports a miss.
  if (z === undefined) notifyMiss(ctx, argv[src] as string);
  const { start, count, test } = z === undefined ? NONE : select(z);
  const out: Reply[] = [];
  const result = store ? new ZSet() : undefined;
  // Redis sizes the destination from the count when a rank range knows it up front.
  if (result !== undefined && by === 'rank' && count > LISTPACK_ENTRIES) result.listpack = false;
  if (z !== undefined) {
    for (let n = 0, node = start; n < count && node !== 0; n++, node = reverse ? z.prev(node) : z.next(node)) {
      if (test !== undefined && !test(node)) break;
      if (result !== undefined) addMember(result, z.member(node), z.scoreOf(node));
      else pushMember(out, z.member(node), z.scoreOf(node), withScores);
    }
  }
  if (result === undefined) return out;
  // ZRANGESTORE: the selection replaces `dst`, or `dst` goes when the selection is empty.
  if (result.size === 0) {
    if (ctx.db.delete(dst as string)) ctx.notify(NOTIFY.GENERIC, 'del', dst as string);
  } else {
    ctx.db.set(dst as string, 'zset', result);
    ctx.notify(NOTIFY.ZSET, 'zrangestore', dst as string);
  }
  return result.size;
}

export const rangeHandlers = {
  /** ZRANGE key start stop [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES] */
  zrange: (ctx: Ctx, argv: Argv) => zrangeGeneric(ctx, argv, 1, undefined, 'auto', 'auto'),
  /** ZRANGESTORE dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count] */
  zrangestore: (ctx: Ctx, argv: Argv) => zrangeGeneric(ctx, argv, 2, argv[1] as string, 'auto', 'auto'),
  zrevrange: (ctx: Ctx, argv: Argv) => zrangeGeneric(ctx, argv, 1, undefined, 'rank', 'reverse'),
  zrangebyscore: (ctx: Ctx, argv: Argv) => zrangeGeneric(ctx, argv, 1, undefined, 'score', 'forward'),
  zrevrangebyscore: (ctx: Ctx, argv: Argv) => zrangeGeneric(ctx, argv, 1, undefined, 'score', 'reverse'),
  zrangebylex: (ctx: Ctx, argv: Argv) => zrangeGeneric(ctx, argv, 1, undefined, 'lex', 'forward'),
  zrevrangebylex: (ctx: Ctx, argv: Argv) => zrangeGeneric(ctx, argv, 1, undefined, 'lex', 'reverse'),
};
