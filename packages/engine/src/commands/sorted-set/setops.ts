/**
 * ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD (zunionInterDiffGenericCommand). Inputs may be
 * sorted sets or plain sets, whose members count with score 1.
 */
import { int, is } from '../../command/args.ts';
import type { Ctx } from '../../command/context.ts';
import * as E from '../../command/errors.ts';
import type { Argv } from '../../command/table.ts';
import { NOTIFY, notifyMiss } from '../../pubsub/notify.ts';
import type { Reply } from '../../reply.ts';
import type { RSet } from '../../types/set.ts';
import type { ZSet } from '../../types/zset.ts';
import { byScoreThenMember, type Entry, pushMember, zsetFromSorted } from './entries.ts';
import { parseScore } from './parse.ts';

type Op = 'union' | 'inter' | 'diff';
type Aggregate = 'sum' | 'min' | 'max';

interface Source {
  value: ZSet | RSet | undefined;
  weight: number;
}

const sizeOf = (s: Source) => s.value?.size ?? 0;

/** The member's score in a source, or undefined when absent. */
function find(value: ZSet | RSet | undefined, member: string): number | undefined {
  if (value === undefined) return undefined;
  if ('score' in value) return value.score(member);
  return value.has(member) ? 1 : undefined;
}

/**
 * Calls `each` for every member of a source. Sorted sets go highest first as in Redis, so results built
 * from them insert at the front of a new skiplist.
 */
function forEach(value: ZSet | RSet | undefined, each: (member: string, score: number) => void): void {
  if (value === undefined) return;
  if ('score' in value) for (let n = value.last; n !== 0; n = value.prev(n)) each(value.member(n), value.scoreOf(n));
  else for (const m of value.members()) each(m, 1);
}

/** zunionInterAggregate: a sum of +inf and -inf is 0, not NaN. */
function aggregate(target: number, value: number, how: Aggregate): number {
  if (how === 'sum') {
    const r = target + value;
    return Number.isNaN(r) ? 0 : r;
  }
  // Not Math.min/max: a NaN value (a later inf × 0) must leave the target as it is.
  // biome-ignore lint/complexity/useMathMinMax: NaN semantics differ
  if (how === 'min') return value < target ? value : target;
  // biome-ignore lint/complexity/useMathMinMax: NaN semantics differ
  return value > target ? value : target;
}

/** A weighted score; inf × 0 is 0, not NaN. */
function weighted(score: number, weight: number): number {
  const r = score * weight;
  return Number.isNaN(r) ? 0 : r;
}

function setop(ctx: Ctx, argv: Argv, name: string, numkeysAt: number, op: Op, dst: string | undefined): Reply {
  const cardOnly = name === 'zintercard';
  const numkeys = int(argv[numkeysAt]);
  if (numkeys < 1) throw E.atLeastOneKey(name);
  if (numkeys > argv.length - numkeysAt - 1) throw E.SYNTAX;

  // Keys are looked up (and type-checked) before the options are parsed.
  const sources: Source[] = [];
  for (let i = 0; i < numkeys; i++) {
    const entry = ctx.db.lookup(argv[numkeysAt + 1 + i] as string);
    // The STORE forms too read their inputs with lookupKeyRead, which reports a miss.
    if (entry === undefined) notifyMiss(ctx, argv[numkeysAt + 1 + i] as string);
    if (entry !== undefined && entry.type !== 'zset' && entry.type !== 'set') throw E.WRONGTYPE;
    sources.push({ value: entry?.value as ZSet | RSet | undefined, weight: 1 });
  }
  let how: Aggregate = 'sum';
  let withScores = false;
  let limit = 0;
  for (let j = numkeysAt + 1 + numkeys; j < argv.length; j++) {
    const remaining = argv.length - j;
    const a = argv[j];
    if (op !== 'diff' && !cardOnly && remaining >= numkeys + 1 && is(a, 'weights')) {
      for (const s of sources) s.weight = parseScore(argv[++j], E.WEIGHTS_NOT_FLOAT);
    } else if (op !== 'diff' && !cardOnly && remaining >= 2 && is(a, 'aggregate')) {
      const v = argv[++j];
      if (is(v, 'sum')) how = 'sum';
      else if (is(v, 'min')) how = 'min';
      else if (is(v, 'max')) how = 'max';
      else throw E.SYNTAX;
    } else if (dst === undefined && !cardOnly && is(a, 'withscores')) withScores = true;
    else if (cardOnly && remaining >= 2 && is(a, 'limit')) {
      limit = int(argv[++j], E.LIMIT_NEGATIVE);
      if (limit < 0) throw E.LIMIT_NEGATIVE;
    } else throw E.SYNTAX;
  }
  // Smallest first (a stable sort, as glibc's qsort is here): the order sums are added in.
  if (op !== 'diff') sources.sort((a, b) => sizeOf(a) - sizeOf(b));

  if (cardOnly) return interCard(sources, limit);
  const result = op === 'union' ? union(sources, how) : op === 'inter' ? inter(sources, how) : diff(sources);
  result.sort(byScoreThenMember);
  if (dst !== undefined) {
    if (result.length === 0) {
      if (ctx.db.delete(dst)) ctx.notify(NOTIFY.GENERIC, 'del', dst);
      return 0;
    }
    ctx.db.set(dst, 'zset', zsetFromSorted(result));
    ctx.notify(NOTIFY.ZSET, name, dst);
    return result.length;
  }
  const out: Reply[] = [];
  for (const e of result) pushMember(out, e.member, e.score, withScores);
  return out;
}

function union(sources: Source[], how: Aggregate): Entry[] {
  const acc = new Map<string, number>();
  for (const s of sources) {
    forEach(s.value, (member, score) => {
      const w = weighted(score, s.weight);
      const prev = acc.get(member);
      acc.set(member, prev === undefined ? w : aggregate(prev, w, how));
    });
  }
  const out: Entry[] = [];
  for (const [member, score] of acc) out.push({ member, score });
  return out;
}

/**
 * Members of the smallest source found in all others. Only the first weight product is rescued from NaN;
 * a later inf × 0 makes a SUM 0 and is ignored by MIN/MAX — Redis's arithmetic, kept as is.
 */
function inter(sources: Source[], how: Aggregate): Entry[] {
  const out: Entry[] = [];
  const [first, ...rest] = sources as [Source, ...Source[]];
  forEach(first.value, (member, score) => {
    let total = weighted(score, first.weight);
    for (const s of rest) {
      const found = find(s.value, member);
      if (found === undefined) return;
      total = aggregate(total, found * s.weight, how);
    }
    out.push({ member, score: total });
  });
  return out;
}

/** ZINTERCARD: how many members are in every source, counting no further than `limit` (0: no limit). */
function interCard(sources: Source[], limit: number): number {
  const [first, ...rest] = sources as [Source, ...Source[]];
  let count = 0;
  forEach(first.value, (member) => {
    if (limit > 0 && count >= limit) return;
    for (const s of rest) if (find(s.value, member) === undefined) return;
    count++;
  });
  return count;
}

/** Members of the first source in none of the others, with their own (unweighted) scores. */
function diff(sources: Source[]): Entry[] {
  const [first, ...rest] = sources as [Source, ...Source[]];
  const out: Entry[] = [];
  if (rest.some((s) => s.value !== undefined && s.value === first.value)) return out;
  forEach(first.value, (member, score) => {
    for (const s of rest) if (find(s.value, member) !== undefined) return;
    out.push({ member, score });
  });
  return out;
}

export const setopHandlers = {
  zunion: (ctx: Ctx, argv: Argv) => setop(ctx, argv, 'zunion', 1, 'union', undefined),
  zinter: (ctx: Ctx, argv: Argv) => setop(ctx, argv, 'zinter', 1, 'inter', undefined),
  zdiff: (ctx: Ctx, argv: Argv) => setop(ctx, argv, 'zdiff', 1, 'diff', undefined),
  zintercard: (ctx: Ctx, argv: Argv) => setop(ctx, argv, 'zintercard', 1, 'inter', undefined),
  zunionstore: (ctx: Ctx, argv: Argv) => setop(ctx, argv, 'zunionstore', 2, 'union', argv[1] as string),
  zinterstore: (ctx: Ctx, argv: Argv) => setop(ctx, argv, 'zinterstore', 2, 'inter', argv[1] as string),
  zdiffstore: (ctx: Ctx, argv: Argv) => setop(ctx, argv, 'zdiffstore', 2, 'diff', argv[1] as string),
};
