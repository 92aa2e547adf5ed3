/** What the stream commands share: ID arguments, the trimming options of XADD/XTRIM, entry replies. */
import { int, is } from '../../command/args.ts';
import type { Ctx } from '../../command/context.ts';
import * as E from '../../command/errors.ts';
import type { Argv } from '../../command/table.ts';
import { NOTIFY } from '../../pubsub/notify.ts';
import { NIL_ARRAY, type Reply } from '../../reply.ts';
import { NODE_MAX_ENTRIES, Stream } from '../../types/stream.ts';
import { decrId, formatId, incrId, type ParsedId, parseId, type StreamId } from '../../types/stream-id.ts';

export const newStream = () => new Stream();

/** A strict ID (no `-`/`+`), missing sequence 0: the form most arguments take. */
export function strictId(arg: string | undefined): StreamId {
  const p = arg === undefined ? null : parseId(arg, 0, true);
  if (p === null) throw E.STREAM_BAD_ID;
  return p.id;
}

/** An ID that may be `-`/`+`; a missing sequence is 0 or the largest. */
export function looseId(arg: string, missingSeq: 0 | 'max'): StreamId {
  const p = parseId(arg, missingSeq, false);
  if (p === null) throw E.STREAM_BAD_ID;
  return p.id;
}

function bound(arg: string, missingSeq: 0 | 'max'): StreamId {
  const p = parseId(arg, missingSeq, true);
  if (p === null) throw E.STREAM_BAD_ID;
  return p.id;
}

/** A range bound (XRANGE, XPENDING): `(` makes it exclusive, which moves it one ID inward. */
export function intervalStart(arg: string): StreamId {
  if (arg.length > 1 && arg[0] === '(') {
    const id = incrId(bound(arg.slice(1), 0));
    if (id === null) throw E.INTERVAL_START;
    return id;
  }
  return looseId(arg, 0);
}

export function intervalEnd(arg: string): StreamId {
  if (arg.length > 1 && arg[0] === '(') {
    const id = decrId(bound(arg.slice(1), 'max'));
    if (id === null) throw E.INTERVAL_END;
    return id;
  }
  return looseId(arg, 'max');
}

/** An entry as replied: [id, [field, value, …]] (a deleted one: [id, nil]). */
export function entryReply(id: StreamId, fields: string[] | undefined): Reply {
  return [formatId(id), fields === undefined ? NIL_ARRAY : fields];
}

export type RefPolicy = 'keepref' | 'delref' | 'acked';

/** KEEPREF / DELREF / ACKED (Redis 8.2), or undefined when `arg` is none of them. */
export function refPolicy(arg: string): RefPolicy | undefined {
  if (is(arg, 'keepref')) return 'keepref';
  if (is(arg, 'delref')) return 'delref';
  if (is(arg, 'acked')) return 'acked';
  return undefined;
}

export interface TrimArgs {
  strategy: 'maxlen' | 'minid' | null;
  approx: boolean;
  maxlen: number;
  minid: StreamId;
  /** Most entries one approximate trim may remove; 0 = no limit. */
  limit: number;
  policy: RefPolicy;
  noMkStream: boolean;
  /** Argument positions, for rewriting the propagated command. */
  operatorAt: number;
  thresholdAt: number;
  limitAt: number;
  /** XADD: where the ID is, and the ID (null for `*`). */
  idAt: number;
  id: ParsedId | null;
}

/**
 * Redis's streamParseAddOrTrimArgsOrReply: options up to the ID (XADD) or the end (XTRIM). Without LIMIT,
 * `~` may remove up to 100 nodes' worth of entries per call, as Redis does with its default node size.
 */
export function parseTrimArgs(argv: Argv, xadd: boolean): TrimArgs {
  const a: TrimArgs = {
    strategy: null,
    approx: false,
    maxlen: 0,
    minid: '',
    limit: 0,
    policy: 'keepref',
    noMkStream: false,
    operatorAt: -1,
    thresholdAt: -1,
    limitAt: -1,
    idAt: -1,
    id: null,
  };
  let limitGiven = false;
  let i = 2;
  for (; i < argv.length; i++) {
    const more = argv.length - 1 - i;
    const opt = argv[i] as string;
    if (xadd && opt === '*') break;
    const maxlen = is(opt, 'maxlen');
    if ((maxlen || is(opt, 'minid')) && more >= 1) {
      if (a.strategy !== null) throw E.MAXLEN_AND_MINID;
      if (more >= 2 && (argv[i + 1] === '~' || argv[i + 1] === '=')) {
        a.approx = argv[i + 1] === '~';
        a.operatorAt = i + 1;
        i++;
      }
      const threshold = argv[i + 1] as string;
      if (maxlen) {
        const n = int(threshold);
        if (n < 0) throw E.STREAM_MAXLEN_NEGATIVE;
        a.maxlen = n;
      } else a.minid = strictId(threshold);
      a.strategy = maxlen ? 'maxlen' : 'minid';
      a.thresholdAt = i + 1;
      i++;
    } else if (is(opt, 'limit') && more >= 1) {
      const n = int(argv[i + 1]);
      if (n < 0) throw E.STREAM_LIMIT_NEGATIVE;
      a.limit = n;
      a.limitAt = i;
      limitGiven = true;
      i++;
    } else if (xadd && is(opt, 'nomkstream')) {
      a.noMkStream = true;
    } else if (refPolicy(opt) !== undefined) {
      a.policy = refPolicy(opt) as RefPolicy;
    } else if (xadd) {
      a.id = parseId(opt, 0, true, true);
      if (a.id === null) throw E.STREAM_BAD_ID;
      break;
    } else {
      throw E.SYNTAX;
    }
  }
  if (xadd) a.idAt = i;
  if (limitGiven && a.strategy === null) throw E.LIMIT_WITHOUT_STRATEGY;
  if (!xadd && a.strategy === null) throw E.XTRIM_NO_STRATEGY;
  if (limitGiven) {
    if (!a.approx) throw E.LIMIT_WITHOUT_APPROX;
  } else if (a.approx) a.limit = 100 * NODE_MAX_ENTRIES;
  return a;
}

/**
 * Redis's streamTrim. Whole head nodes go while they can; `~` stops at the first node it cannot drop
 * whole, exact trimming goes on inside it. DELREF also forgets trimmed IDs in every PEL; ACKED keeps
 * entries some group still needs (not yet delivered to it, or pending), skipping over them.
 */
export function trimStream(s: Stream, a: TrimArgs): number {
  let deleted = 0;
  const needed = (id: StreamId) => a.policy === 'acked' && s.isReferenced(id);
  const done = (id: StreamId) => (a.strategy === 'maxlen' ? s.length <= a.maxlen : id >= a.minid);
  while (s.length > 0) {
    const head = s.entries.head();
    if (head === undefined) break;
    const n = head.ids.length;
    if (a.limit !== 0 && deleted + n > a.limit) break;
    let whole = a.strategy === 'maxlen' ? s.length - n >= a.maxlen : head.top < a.minid;
    if (whole && a.policy === 'acked') whole = !head.ids.some((id) => s.isReferenced(id));
    if (whole) {
      if (a.policy === 'delref') for (const id of head.ids) s.dropReferences(id);
      deleted += s.dropHeadNode();
      continue;
    }
    if (a.approx) break;
    if (a.policy === 'acked') return deleted + trimSkipping(s, a, done, needed);
    for (const id of head.ids) {
      if (done(id)) break;
      if (a.policy === 'delref') s.dropReferences(id);
      s.delete(id);
      deleted++;
    }
    break;
  }
  return deleted;
}

/** Exact ACKED trimming: entry by entry from the head, keeping the ones still needed. */
function trimSkipping(
  s: Stream,
  a: TrimArgs,
  done: (id: StreamId) => boolean,
  needed: (id: StreamId) => boolean,
): number {
  let deleted = 0;
  let from: StreamId | undefined = s.entries.firstKey();
  while (from !== undefined) {
    const id: StreamId = from;
    if (a.strategy === 'minid' ? id >= a.minid : s.length <= a.maxlen) break;
    const next = incrId(id);
    if (!needed(id) && !done(id)) {
      s.delete(id);
      deleted++;
    }
    from = next === null ? undefined : s.entries.ceilingKey(next);
  }
  return deleted;
}

/**
 * The trim as the log must see it (streamRewriteApproxSpecifier/TrimArgument): `~` becomes `=` with the
 * threshold the trim actually reached, and LIMIT goes, so a replay removes exactly what was removed.
 */
export function exactTrimArgv(argv: Argv, a: TrimArgs, s: Stream): string[] {
  const out = argv.slice();
  if (a.approx) {
    out[a.operatorAt] = '=';
    out[a.thresholdAt] = a.strategy === 'maxlen' ? String(s.length) : formatId(s.firstId);
  }
  if (a.limitAt >= 0) out.splice(a.limitAt, 2);
  return out;
}

/** Reports a trim that removed entries. */
export function afterTrim(ctx: Ctx, key: string, deleted: number): void {
  if (deleted > 0) ctx.notify(NOTIFY.STREAM, 'xtrim', key);
}
