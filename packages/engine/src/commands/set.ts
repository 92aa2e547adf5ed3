/** Set commands. */
import { parseInt64 } from '../bytes.ts';
import { int, is, MAX_RANDOM_PICKS } from '../command/args.ts';
import type { Ctx } from '../command/context.ts';
import * as E from '../command/errors.ts';
import { type Argv, type CommandDef, command, key, keynum } from '../command/table.ts';
import { globMatch } from '../keyspace/glob.ts';
import { parseScanArgs, type ScanArgs, scanStep } from '../keyspace/scan.ts';
import { deleteIfEmpty, NOTIFY, notifyMiss } from '../pubsub/notify.ts';
import { ErrorReply, type Reply } from '../reply.ts';
import { RSet } from '../types/set.ts';

const newSet = () => new RSet();

/** SRANDMEMBER's count range (negative counts are capped by MAX_RANDOM_PICKS). */
const LONG_MAX = '9223372036854775807';
const LONG_MIN = -(2n ** 63n);

function sadd(ctx: Ctx, argv: Argv): Reply {
  const set = ctx.db.getOrCreate(argv[1] as string, 'set', newSet);
  let added = 0;
  for (let i = 2; i < argv.length; i++) if (set.add(argv[i] as string)) added++;
  if (added > 0) ctx.notify(NOTIFY.SET, 'sadd', argv[1] as string);
  return added;
}

function srem(ctx: Ctx, argv: Argv): Reply {
  const k = argv[1] as string;
  const set = ctx.db.get(k, 'set');
  if (set === undefined) return 0;
  let removed = 0;
  for (let i = 2; i < argv.length && set.size > 0; i++) if (set.delete(argv[i] as string)) removed++;
  if (removed === 0) return 0;
  ctx.notify(NOTIFY.SET, 'srem', k);
  deleteIfEmpty(ctx, k, set);
  return removed;
}

function smembers(ctx: Ctx, argv: Argv): Reply {
  return (
    ctx.db
      .get(argv[1] as string, 'set')
      ?.members()
      .slice() ?? []
  );
}

function sismember(ctx: Ctx, argv: Argv): Reply {
  return ctx.db.get(argv[1] as string, 'set')?.has(argv[2] as string) ? 1 : 0;
}

function smismember(ctx: Ctx, argv: Argv): Reply {
  const set = ctx.db.get(argv[1] as string, 'set');
  const out: Reply[] = [];
  for (let i = 2; i < argv.length; i++) out.push(set?.has(argv[i] as string) ? 1 : 0);
  return out;
}

function scard(ctx: Ctx, argv: Argv): Reply {
  return ctx.db.get(argv[1] as string, 'set')?.size ?? 0;
}

/** SPOP key [count]. Its effect is logged as SREM of what it popped, or DEL when it took the whole set. */
function spop(ctx: Ctx, argv: Argv): Reply {
  if (argv.length > 3) throw E.SYNTAX;
  const k = argv[1] as string;
  if (argv.length === 3) return spopCount(ctx, k, argv[2] as string);
  const set = ctx.db.get(k, 'set');
  if (set === undefined) return null;
  const member = set.pop(ctx.random) as string;
  ctx.notify(NOTIFY.SET, 'spop', k);
  deleteIfEmpty(ctx, k, set);
  ctx.propagate(['SREM', k, member]);
  return member;
}

function spopCount(ctx: Ctx, k: string, arg: string): Reply {
  const count = int(arg, E.NOT_POSITIVE);
  if (count < 0) throw E.NOT_POSITIVE;
  const set = ctx.db.get(k, 'set');
  if (set === undefined || count === 0) return [];
  ctx.notify(NOTIFY.SET, 'spop', k);
  if (count >= set.size) {
    ctx.db.delete(k);
    ctx.propagate(['DEL', k]);
    ctx.notify(NOTIFY.GENERIC, 'del', k);
    // The set left the keyspace, so its member array can be the reply as it is.
    return set.members() as string[];
  }
  const effect = ['SREM', k];
  for (let i = 0; i < count; i++) effect.push(set.pop(ctx.random) as string);
  ctx.propagate(effect);
  return effect.slice(2);
}

/** SRANDMEMBER key [count]: a positive count samples distinct members, a negative one may repeat them. */
function srandmember(ctx: Ctx, argv: Argv): Reply {
  if (argv.length > 3) throw E.SYNTAX;
  const k = argv[1] as string;
  if (argv.length === 2) return ctx.db.get(k, 'set')?.random(ctx.random) ?? null;
  const n = parseInt64(argv[2] as string);
  if (n === null) throw E.NOT_INTEGER;
  if (n === LONG_MIN) throw E.valueNotBetween(`-${LONG_MAX}`, LONG_MAX);
  const count = Number(n);
  if (count < -MAX_RANDOM_PICKS) throw E.valueNotBetween(String(-MAX_RANDOM_PICKS), LONG_MAX);
  const set = ctx.db.get(k, 'set');
  if (set === undefined || count === 0) return [];
  if (count < 0) {
    const out: Reply[] = [];
    for (let i = 0; i < -count; i++) out.push(set.random(ctx.random) as string);
    return out;
  }
  return count >= set.size ? set.members().slice() : set.sample(count, ctx.random);
}

/** SMOVE: a missing source answers 0 before the destination's type is looked at, as in Redis. */
function smove(ctx: Ctx, argv: Argv): Reply {
  const src = argv[1] as string;
  const dst = argv[2] as string;
  const member = argv[3] as string;
  const from = ctx.db.get(src, 'set');
  if (from === undefined) return 0;
  const to = ctx.db.get(dst, 'set');
  if (from === to) return from.has(member) ? 1 : 0;
  if (!from.delete(member)) return 0;
  ctx.notify(NOTIFY.SET, 'srem', src);
  deleteIfEmpty(ctx, src, from);
  if ((to ?? ctx.db.getOrCreate(dst, 'set', newSet)).add(member)) ctx.notify(NOTIFY.SET, 'sadd', dst);
  return 1;
}

/**
 * The sets named by argv[from..to), smallest first, every key type-checked before anything else as Redis
 * does; null when one is missing, which makes any intersection empty.
 */
function interSources(ctx: Ctx, argv: Argv, from: number, to: number): RSet[] | null {
  const sets: RSet[] = [];
  let missing = false;
  for (let i = from; i < to; i++) {
    const set = ctx.db.get(argv[i] as string, 'set');
    if (set === undefined) {
      // The STORE forms too read their inputs with lookupKeyRead, which reports a miss.
      notifyMiss(ctx, argv[i] as string);
      missing = true;
    } else sets.push(set);
  }
  if (missing) return null;
  return sets.sort((a, b) => a.size - b.size);
}

/**
 * Walks the smallest set and keeps the members every other set holds, stopping after `limit` (0 = no
 * limit). Calls `keep` for each when given; returns how many there were.
 */
function intersect(sets: RSet[], limit: number, keep?: (member: string) => void): number {
  const smallest = sets[0] as RSet;
  let found = 0;
  next: for (const member of smallest.members()) {
    for (let j = 1; j < sets.length; j++) {
      const other = sets[j] as RSet;
      if (other !== smallest && !other.has(member)) continue next;
    }
    keep?.(member);
    if (++found === limit) break;
  }
  return found;
}

function sinter(ctx: Ctx, argv: Argv): Reply {
  const sets = interSources(ctx, argv, 1, argv.length);
  if (sets === null) return [];
  const out: Reply[] = [];
  intersect(sets, 0, (m) => out.push(m));
  return out;
}

/** SINTERCARD numkeys key [key …] [LIMIT limit] */
function sintercard(ctx: Ctx, argv: Argv): Reply {
  const numkeys = int(argv[1], E.NUMKEYS_NOT_POSITIVE);
  if (numkeys < 1) throw E.NUMKEYS_NOT_POSITIVE;
  if (numkeys > argv.length - 2) throw E.NUMKEYS_TOO_LARGE;
  let limit = 0;
  for (let i = 2 + numkeys; i < argv.length; i++) {
    if (!is(argv[i], 'limit') || i === argv.length - 1) throw E.SYNTAX;
    limit = int(argv[++i], E.LIMIT_NEGATIVE);
    if (limit < 0) throw E.LIMIT_NEGATIVE;
  }
  const sets = interSources(ctx, argv, 2, 2 + numkeys);
  return sets === null ? 0 : intersect(sets, limit);
}

function sinterstore(ctx: Ctx, argv: Argv): Reply {
  const sets = interSources(ctx, argv, 2, argv.length);
  const result = new RSet();
  if (sets !== null) intersect(sets, 0, (m) => result.add(m));
  return store(ctx, argv[1] as string, result, 'sinterstore');
}

/** The sets named by argv[from..], every key type-checked first; undefined stands for a missing key. */
function sources(ctx: Ctx, argv: Argv, from: number): (RSet | undefined)[] {
  const sets: (RSet | undefined)[] = [];
  for (let i = from; i < argv.length; i++) {
    const set = ctx.db.get(argv[i] as string, 'set');
    if (set === undefined) notifyMiss(ctx, argv[i] as string);
    sets.push(set);
  }
  return sets;
}

function union(sets: (RSet | undefined)[]): RSet {
  const out = new RSet();
  for (const set of sets) if (set !== undefined) for (const m of set.members()) out.add(m);
  return out;
}

/**
 * The members of the first set that no other holds. Like Redis, picks between testing each member of the
 * first set against the others (cheap when the first is small) and copying the first then removing the
 * others' members (cheap when the others are small).
 */
function difference(sets: (RSet | undefined)[]): RSet {
  const out = new RSet();
  const first = sets[0];
  if (first === undefined) return out;
  const others: RSet[] = [];
  let perMemberWork = first.size;
  let copyWork = first.size;
  for (let i = 1; i < sets.length; i++) {
    const set = sets[i];
    if (set === undefined) continue;
    if (set === first) return out;
    others.push(set);
    perMemberWork += first.size;
    copyWork += set.size;
  }
  if (perMemberWork / 2 <= copyWork) {
    // Largest first: a member shared with another set is rejected sooner.
    others.sort((a, b) => b.size - a.size);
    next: for (const m of first.members()) {
      for (const other of others) if (other.has(m)) continue next;
      out.add(m);
    }
    return out;
  }
  for (const m of first.members()) out.add(m);
  for (const other of others) {
    for (const m of other.members()) out.delete(m);
    if (out.size === 0) break;
  }
  return out;
}

// The result sets below are temporary, so their member arrays can be the replies as they are.

function sunion(ctx: Ctx, argv: Argv): Reply {
  return union(sources(ctx, argv, 1)).members() as string[];
}

function sdiff(ctx: Ctx, argv: Argv): Reply {
  return difference(sources(ctx, argv, 1)).members() as string[];
}

function sunionstore(ctx: Ctx, argv: Argv): Reply {
  return store(ctx, argv[1] as string, union(sources(ctx, argv, 2)), 'sunionstore');
}

function sdiffstore(ctx: Ctx, argv: Argv): Reply {
  return store(ctx, argv[1] as string, difference(sources(ctx, argv, 2)), 'sdiffstore');
}

/** Replaces `dst` (whatever it held, TTL included) with `result`, or deletes it when the result is empty. */
function store(ctx: Ctx, dst: string, result: RSet, event: string): Reply {
  if (result.size === 0) {
    if (ctx.db.delete(dst)) ctx.notify(NOTIFY.GENERIC, 'del', dst);
  } else {
    ctx.db.set(dst, 'set', result);
    ctx.notify(NOTIFY.SET, event, dst);
  }
  return result.size;
}

/**
 * SSCAN key cursor [MATCH pattern] [COUNT count]. Redis checks the cursor, then answers an empty scan for a
 * missing key whatever the options, then checks the type, and only then the options. A set small enough
 * for a compact encoding comes back whole with cursor 0, COUNT ignored, as Redis does.
 */
function sscan(ctx: Ctx, argv: Argv): Reply {
  let args: ScanArgs | ErrorReply;
  try {
    args = parseScanArgs(argv, 2);
  } catch (err) {
    if (err === E.INVALID_CURSOR || !(err instanceof ErrorReply)) throw err;
    args = err;
  }
  const set = ctx.db.get(argv[1] as string, 'set');
  if (set === undefined) return ['0', []];
  if (args instanceof ErrorReply) throw args;
  const match = args.match;
  if (set.encoding() !== 'hashtable') {
    const members = set.members();
    return ['0', match === undefined ? members.slice() : members.filter((m) => globMatch(match, m))];
  }
  const step = scanStep(
    set,
    args,
    () => set.scanOrder(),
    (m) => m,
  );
  return [String(step.cursor), step.items];
}

export const setCommands: CommandDef[] = [
  command('sadd', -3, 'write denyoom fast', [key(1)], sadd),
  command('srem', -3, 'write fast', [key(1)], srem),
  command('smembers', 2, 'readonly', [key(1)], smembers),
  command('sismember', 3, 'readonly fast', [key(1)], sismember),
  command('smismember', -3, 'readonly fast', [key(1)], smismember),
  command('scard', 2, 'readonly fast', [key(1)], scard),
  command('spop', -2, 'write fast', [key(1)], spop),
  command('srandmember', -2, 'readonly', [key(1)], srandmember),
  command('smove', 4, 'write fast', [key(1), key(2)], smove),
  command('sinter', -2, 'readonly', [key(1, -1)], sinter),
  command('sintercard', -3, 'readonly', [keynum(1)], sintercard),
  command('sunion', -2, 'readonly', [key(1, -1)], sunion),
  command('sdiff', -2, 'readonly', [key(1, -1)], sdiff),
  command('sinterstore', -3, 'write denyoom', [key(1), key(2, -1)], sinterstore),
  command('sunionstore', -3, 'write denyoom', [key(1), key(2, -1)], sunionstore),
  command('sdiffstore', -3, 'write denyoom', [key(1), key(2, -1)], sdiffstore),
  command('sscan', -3, 'readonly', [key(1)], sscan),
];
