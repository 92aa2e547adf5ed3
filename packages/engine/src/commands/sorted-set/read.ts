/** Read-only lookups: ZSCORE, ZMSCORE, ZCARD, ZCOUNT, ZLEXCOUNT, Z[REV]RANK, ZSCAN, ZRANDMEMBER. */

import { formatDouble } from '../../bytes.ts';
import { int64, is, MAX_RANDOM_PICKS } from '../../command/args.ts';
import type { Ctx } from '../../command/context.ts';
import * as E from '../../command/errors.ts';
import type { Argv } from '../../command/table.ts';
import { globMatch } from '../../keyspace/glob.ts';
import { parseScanArgs, scanStep } from '../../keyspace/scan.ts';
import { DoubleReply, NIL_ARRAY, type Reply } from '../../reply.ts';
import type { ZSet } from '../../types/zset.ts';
import { countInRange } from './bounds.ts';
import { pushMember } from './entries.ts';
import { lexBounds, parseLexRange } from './lex.ts';
import { parseScoreRange, scoreBounds } from './parse.ts';

/** ZSCORE key member */
function zscore(ctx: Ctx, argv: Argv): Reply {
  const score = ctx.db.get(argv[1] as string, 'zset')?.score(argv[2] as string);
  return score === undefined ? null : new DoubleReply(score);
}

/** ZMSCORE key member … — a missing key is an empty set. */
function zmscore(ctx: Ctx, argv: Argv): Reply {
  const z = ctx.db.get(argv[1] as string, 'zset');
  const out: Reply[] = [];
  for (let i = 2; i < argv.length; i++) {
    const score = z?.score(argv[i] as string);
    out.push(score === undefined ? null : new DoubleReply(score));
  }
  return out;
}

/** ZCARD key */
function zcard(ctx: Ctx, argv: Argv): Reply {
  return ctx.db.get(argv[1] as string, 'zset')?.size ?? 0;
}

/** ZCOUNT key min max — the range is checked before the key. */
function zcount(ctx: Ctx, argv: Argv): Reply {
  const range = parseScoreRange(argv[2] as string, argv[3] as string);
  const z = ctx.db.get(argv[1] as string, 'zset');
  if (z === undefined) return 0;
  return countInRange(z, scoreBounds(z, range));
}

/** ZLEXCOUNT key min max */
function zlexcount(ctx: Ctx, argv: Argv): Reply {
  const range = parseLexRange(argv[2] as string, argv[3] as string);
  const z = ctx.db.get(argv[1] as string, 'zset');
  if (z === undefined) return 0;
  return countInRange(z, lexBounds(z, range));
}

/** ZRANK / ZREVRANK key member [WITHSCORE] (WITHSCORE is Redis 7.2+). */
function rankGeneric(ctx: Ctx, argv: Argv, reverse: boolean): Reply {
  if (argv.length > 4) throw E.arity(reverse ? 'zrevrank' : 'zrank');
  let withScore = false;
  if (argv.length === 4) {
    if (!is(argv[3], 'withscore')) throw E.SYNTAX;
    withScore = true;
  }
  const z = ctx.db.get(argv[1] as string, 'zset');
  const node = z?.get(argv[2] as string);
  if (z === undefined || node === undefined) return withScore ? NIL_ARRAY : null;
  const rank = z.rank(node);
  const r = reverse ? z.size - 1 - rank : rank;
  return withScore ? [r, new DoubleReply(z.scoreOf(node))] : r;
}

/** ZSCAN key cursor [MATCH pattern] [COUNT count] — scores as bulk strings, as Redis replies them. */
function zscan(ctx: Ctx, argv: Argv): Reply {
  const entry = ctx.db.lookup(argv[1] as string);
  // The cursor is checked first; options only once the key is known to be a zset (scanGenericCommand).
  if (entry === undefined || entry.type !== 'zset') {
    parseScanArgs(argv.slice(0, 3), 2);
    if (entry === undefined) return ['0', []];
    throw E.WRONGTYPE;
  }
  const z = entry.value as ZSet;
  const args = parseScanArgs(argv, 2);
  const items: Reply[] = [];
  if (z.listpack) {
    for (let n = z.first; n !== 0; n = z.next(n)) {
      const member = z.member(n);
      if (args.match === undefined || globMatch(args.match, member)) items.push(member, formatDouble(z.scoreOf(n)));
    }
    return ['0', items];
  }
  const step = scanStep(
    z,
    args,
    () => z.scanOrder(),
    (member) => member,
  );
  for (const member of step.items) items.push(member, formatDouble(z.score(member) as number));
  return [String(step.cursor), items];
}

/** ±LONG_MAX: ZRANDMEMBER's count range. */
const LONG_MAX = 2n ** 63n - 1n;

/**
 * ZRANDMEMBER key [count [WITHSCORES]]. Read-only, so nothing to propagate. A negative count allows
 * repeats; a positive one returns distinct members — the whole set (highest first, as Redis iterates it)
 * when it asks for at least that many.
 */
function zrandmember(ctx: Ctx, argv: Argv): Reply {
  const key = argv[1] as string;
  if (argv.length === 2) {
    const z = ctx.db.get(key, 'zset');
    if (z === undefined) return null;
    return z.member(z.at(Math.floor(ctx.random() * z.size)));
  }
  const raw = int64(argv[2]);
  if (raw < -LONG_MAX) throw E.valueNotBetween(`-${LONG_MAX}`, `${LONG_MAX}`);
  if (argv.length > 4 || (argv.length === 4 && !is(argv[3], 'withscores'))) throw E.SYNTAX;
  const withScores = argv.length === 4;
  if (withScores && (raw < -LONG_MAX / 2n || raw > LONG_MAX / 2n)) throw E.VALUE_OUT_OF_RANGE;
  if (raw < -MAX_RANDOM_PICKS) throw E.valueNotBetween(`-${MAX_RANDOM_PICKS}`, `${LONG_MAX}`);
  const z = ctx.db.get(key, 'zset');
  if (z === undefined) return [];
  const count = Number(raw);
  const out: Reply[] = [];
  if (count === 0) return out;
  const size = z.size;
  const pick = () => z.at(Math.floor(ctx.random() * size));
  if (count < 0 || count === 1) {
    for (let n = Math.abs(count); n > 0; n--) {
      const node = pick();
      pushMember(out, z.member(node), z.scoreOf(node), withScores);
    }
  } else if (count >= size) {
    for (let n = z.last; n !== 0; n = z.prev(n)) pushMember(out, z.member(n), z.scoreOf(n), withScores);
  } else if (count * 3 > size || z.listpack) {
    // Most of the set: one ordered pass choosing each member with probability needed / remaining.
    let needed = count;
    let remaining = size;
    for (let n = z.first; n !== 0 && needed > 0; n = z.next(n), remaining--) {
      if (ctx.random() * remaining < needed) {
        pushMember(out, z.member(n), z.scoreOf(n), withScores);
        needed--;
      }
    }
  } else {
    // A small part of a large set: random picks, skipping repeats.
    const seen = new Set<string>();
    while (seen.size < count) {
      const node = pick();
      const member = z.member(node);
      if (seen.has(member)) continue;
      seen.add(member);
      pushMember(out, member, z.scoreOf(node), withScores);
    }
  }
  return out;
}

export const readHandlers = {
  zscore,
  zmscore,
  zcard,
  zcount,
  zlexcount,
  zrank: (ctx: Ctx, argv: Argv) => rankGeneric(ctx, argv, false),
  zrevrank: (ctx: Ctx, argv: Argv) => rankGeneric(ctx, argv, true),
  zscan,
  zrandmember,
};
