/**
 * ZPOPMIN, ZPOPMAX and ZMPOP (genericZpopCommand). What they pop follows from the data alone, so the
 * command itself is a faithful log entry; nothing needs rewriting for propagation.
 */
import { int, is } from '../../command/args.ts';
import type { Ctx } from '../../command/context.ts';
import * as E from '../../command/errors.ts';
import type { Argv } from '../../command/table.ts';
import { DoubleReply, NIL_ARRAY, type Reply } from '../../reply.ts';
import type { ZSet } from '../../types/zset.ts';
import { removedFrom } from './write.ts';

/** Removes up to `count` members from the low or high end; returns [member, score] pairs in pop order. */
function pop(ctx: Ctx, key: string, z: ZSet, count: number, max: boolean): [string, DoubleReply][] {
  const n = Math.min(count, z.size);
  const out: [string, DoubleReply][] = [];
  let node = max ? z.last : z.first;
  for (let i = 0; i < n && node !== 0; i++) {
    out.push([z.member(node), new DoubleReply(z.scoreOf(node))]);
    node = max ? z.prev(node) : z.next(node);
  }
  z.deleteRange(max ? z.size - n : 0, max ? z.size - 1 : n - 1);
  removedFrom(ctx, key, z, max ? 'zpopmax' : 'zpopmin');
  return out;
}

/** ZPOPMIN / ZPOPMAX key [count]: a flat [member, score, …] array. */
function zpopGeneric(ctx: Ctx, argv: Argv, max: boolean): Reply {
  if (argv.length > 3) throw E.SYNTAX;
  let count = 1;
  if (argv.length === 3) {
    count = int(argv[2], E.NOT_POSITIVE);
    if (count < 0) throw E.NOT_POSITIVE;
  }
  const key = argv[1] as string;
  const z = ctx.db.get(key, 'zset');
  if (z === undefined || count === 0) return [];
  return pop(ctx, key, z, count, max).flat();
}

/** ZMPOP numkeys key … MIN|MAX [COUNT count]: [key, [[member, score], …]] from the first non-empty key. */
function zmpop(ctx: Ctx, argv: Argv): Reply {
  const numkeys = int(argv[1], E.NUMKEYS_NOT_POSITIVE);
  if (numkeys < 1) throw E.NUMKEYS_NOT_POSITIVE;
  const whereAt = 2 + numkeys;
  if (whereAt >= argv.length) throw E.SYNTAX;
  const where = argv[whereAt];
  if (!is(where, 'min') && !is(where, 'max')) throw E.SYNTAX;
  let count = -1;
  for (let j = whereAt + 1; j < argv.length; j++) {
    if (count === -1 && is(argv[j], 'count') && j + 1 < argv.length) {
      count = int(argv[++j], E.COUNT_NOT_POSITIVE);
      if (count < 1) throw E.COUNT_NOT_POSITIVE;
    } else throw E.SYNTAX;
  }
  // Keys are tried in order; a wrong type stops the search only if met before a non-empty zset.
  for (let i = 2; i < whereAt; i++) {
    const key = argv[i] as string;
    const z = ctx.db.get(key, 'zset');
    if (z !== undefined) return [key, pop(ctx, key, z, count === -1 ? 1 : count, is(where, 'max'))];
  }
  return NIL_ARRAY;
}

export const popHandlers = {
  zpopmin: (ctx: Ctx, argv: Argv) => zpopGeneric(ctx, argv, false),
  zpopmax: (ctx: Ctx, argv: Argv) => zpopGeneric(ctx, argv, true),
  zmpop,
};
