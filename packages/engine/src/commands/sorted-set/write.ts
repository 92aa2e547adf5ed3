/** ZADD, ZINCRBY, ZREM and the ZREMRANGEBY* commands. */
import { int, is } from '../../command/args.ts';
import type { Ctx } from '../../command/context.ts';
import * as E from '../../command/errors.ts';
import type { Argv } from '../../command/table.ts';
import { deleteIfEmpty, NOTIFY } from '../../pubsub/notify.ts';
import { DoubleReply, type Reply } from '../../reply.ts';
import { ZSet } from '../../types/zset.ts';
import { removalSpan } from './bounds.ts';
import { addMember, LISTPACK_ENTRIES, LISTPACK_VALUE, setScore } from './entries.ts';
import { lexBounds, parseLexRange } from './lex.ts';
import { parseScore, parseScoreRange, scoreBounds } from './parse.ts';

/** ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member … — and ZINCRBY, which is ZADD INCR (zaddGenericCommand). */
function zaddGeneric(ctx: Ctx, argv: Argv, incrCommand: boolean): Reply {
  let nx = false;
  let xx = false;
  let gt = false;
  let lt = false;
  let ch = false;
  let incr = incrCommand;
  let i = 2;
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (is(a, 'nx')) nx = true;
    else if (is(a, 'xx')) xx = true;
    else if (is(a, 'gt')) gt = true;
    else if (is(a, 'lt')) lt = true;
    else if (is(a, 'ch')) ch = true;
    else if (is(a, 'incr')) incr = true;
    else break;
  }
  const rest = argv.length - i;
  if (rest === 0 || rest % 2 !== 0) throw E.SYNTAX;
  if (nx && xx) throw E.XX_AND_NX;
  if ((gt && nx) || (lt && nx) || (gt && lt)) throw E.GT_LT_NX;
  if (incr && rest > 2) throw E.ZADD_INCR_PAIR;
  // Every score is checked before anything changes: the command applies fully or not at all.
  const scores: number[] = [];
  for (let j = i; j < argv.length; j += 2) scores.push(parseScore(argv[j]));

  const key = argv[1] as string;
  let z = ctx.db.get(key, 'zset');
  if (z === undefined) {
    if (xx) return incr ? null : 0;
    z = new ZSet();
    // zsetTypeCreate: sized from the pair count and the first member's length.
    z.listpack = scores.length <= LISTPACK_ENTRIES && (argv[i + 1] as string).length <= LISTPACK_VALUE;
    ctx.db.set(key, 'zset', z);
  } else if (scores.length > LISTPACK_ENTRIES) z.listpack = false;
  let added = 0;
  let updated = 0;
  let processed = 0;
  let result = 0;
  for (let j = 0; j < scores.length; j++) {
    const member = argv[i + 2 * j + 1] as string;
    let score = scores[j] as number;
    const node = z.get(member);
    if (node !== undefined) {
      if (nx) continue;
      const current = z.scoreOf(node);
      if (incr) {
        score += current;
        if (Number.isNaN(score)) throw E.SCORE_NAN;
      }
      if ((lt && score >= current) || (gt && score <= current)) continue;
      if (score !== current) {
        setScore(z, node, score);
        updated++;
      }
    } else if (!xx) {
      addMember(z, member, score);
      added++;
    } else continue;
    processed++;
    result = score;
  }
  if (added + updated > 0) ctx.notify(NOTIFY.ZSET, incr ? 'zincr' : 'zadd', key);
  if (incr) return processed > 0 ? new DoubleReply(result) : null;
  return ch ? added + updated : added;
}

function zadd(ctx: Ctx, argv: Argv): Reply {
  return zaddGeneric(ctx, argv, false);
}

/** ZINCRBY key increment member */
function zincrby(ctx: Ctx, argv: Argv): Reply {
  return zaddGeneric(ctx, argv, true);
}

/** ZREM key member … */
function zrem(ctx: Ctx, argv: Argv): Reply {
  const key = argv[1] as string;
  const z = ctx.db.get(key, 'zset');
  if (z === undefined) return 0;
  let removed = 0;
  for (let i = 2; i < argv.length && z.size > 0; i++) if (z.delete(argv[i] as string)) removed++;
  if (removed > 0) removedFrom(ctx, key, z, 'zrem');
  return removed;
}

/** The removal's event, then `del` when the sorted set is left empty (and deleted), as Redis reports them. */
export function removedFrom(ctx: Ctx, key: string, z: ZSet, event: string): void {
  ctx.notify(NOTIFY.ZSET, event, key);
  deleteIfEmpty(ctx, key, z);
}

/** Removes ranks from..to (0-based, inclusive) when the range is not empty; deletes the key if emptied. */
function removeRanks(ctx: Ctx, key: string, z: ZSet, from: number, to: number, event: string): number {
  if (from > to) return 0;
  const removed = z.deleteRange(from, to);
  if (removed > 0) removedFrom(ctx, key, z, event);
  return removed;
}

/** ZREMRANGEBYRANK key start stop */
function zremrangebyrank(ctx: Ctx, argv: Argv): Reply {
  let start = int(argv[2]);
  let end = int(argv[3]);
  const key = argv[1] as string;
  const z = ctx.db.get(key, 'zset');
  if (z === undefined) return 0;
  const size = z.size;
  if (start < 0) start += size;
  if (end < 0) end += size;
  if (start < 0) start = 0;
  if (start > end || start >= size) return 0;
  return removeRanks(ctx, key, z, start, Math.min(end, size - 1), 'zremrangebyrank');
}

/** ZREMRANGEBYSCORE key min max */
function zremrangebyscore(ctx: Ctx, argv: Argv): Reply {
  const range = parseScoreRange(argv[2] as string, argv[3] as string);
  const key = argv[1] as string;
  const z = ctx.db.get(key, 'zset');
  if (z === undefined) return 0;
  const [from, to] = removalSpan(z, scoreBounds(z, range));
  return removeRanks(ctx, key, z, from, to - 1, 'zremrangebyscore');
}

/** ZREMRANGEBYLEX key min max */
function zremrangebylex(ctx: Ctx, argv: Argv): Reply {
  const range = parseLexRange(argv[2] as string, argv[3] as string);
  const key = argv[1] as string;
  const z = ctx.db.get(key, 'zset');
  if (z === undefined) return 0;
  const [from, to] = removalSpan(z, lexBounds(z, range));
  return removeRanks(ctx, key, z, from, to - 1, 'zremrangebylex');
}

export const writeHandlers = { zadd, zincrby, zrem, zremrangebyrank, zremrangebyscore, zremrangebylex };
