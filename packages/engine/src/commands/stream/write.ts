/** Stream writes outside consumer groups: XADD, XTRIM, XDEL, XSETID, and Redis 8.2's XDELEX and XACKDEL. */
import { int, is } from '../../command/args.ts';
import type { Ctx } from '../../command/context.ts';
import * as E from '../../command/errors.ts';
import type { Argv } from '../../command/table.ts';
import { NOTIFY } from '../../pubsub/notify.ts';
import { OK, type Reply } from '../../reply.ts';
import type { Stream } from '../../types/stream.ts';
import {
  formatId,
  idMs,
  incrId,
  MAX_ID,
  MIN_ID,
  makeId,
  type StreamId,
  sameMs,
  seqIsMax,
} from '../../types/stream-id.ts';
import {
  afterTrim,
  exactTrimArgv,
  newStream,
  parseTrimArgs,
  type RefPolicy,
  refPolicy,
  strictId,
  trimStream,
} from './common.ts';

export function xadd(ctx: Ctx, argv: Argv): Reply {
  const a = parseTrimArgs(argv, true);
  const fieldsAt = a.idAt + 1;
  const n = argv.length - fieldsAt;
  if (n < 2 || n % 2 === 1) throw E.arity('xadd');
  if (a.id?.seqGiven && a.id.id === MIN_ID) throw E.XADD_ID_ZERO;
  const key = argv[1] as string;
  let s = ctx.db.get(key, 'stream');
  if (s === undefined && a.noMkStream) {
    ctx.unchanged();
    return null;
  }
  const last = s?.lastId ?? MIN_ID;
  if (last === MAX_ID) throw E.STREAM_EXHAUSTED;
  let id: StreamId;
  if (a.id === null) {
    const lastMs = idMs(last);
    id = ctx.now > lastMs ? makeId(ctx.now, 0) : (incrId(last) as StreamId);
  } else if (a.id.seqGiven || !sameMs(a.id.id, last)) {
    id = a.id.id;
  } else {
    if (seqIsMax(last)) throw E.XADD_ID_TOO_SMALL;
    id = incrId(last) as StreamId;
  }
  if (id <= last) throw E.XADD_ID_TOO_SMALL;
  if (s === undefined) s = ctx.db.getOrCreate(key, 'stream', newStream);
  s.append(id, argv.slice(fieldsAt));
  ctx.notify(NOTIFY.STREAM, 'xadd', key);
  const reply = formatId(id);
  if (a.strategy !== null) afterTrim(ctx, key, trimStream(s, a));
  if (a.id === null || !a.id.seqGiven || a.approx || a.limitAt >= 0) {
    const out = argv.slice();
    out[a.idAt] = reply;
    ctx.propagate(a.strategy === null ? out : exactTrimArgv(out, a, s));
  }
  return reply;
}

export function xtrim(ctx: Ctx, argv: Argv): Reply {
  const a = parseTrimArgs(argv, false);
  const key = argv[1] as string;
  const s = ctx.db.get(key, 'stream');
  const deleted = s === undefined ? 0 : trimStream(s, a);
  if (s === undefined || deleted === 0) return 0;
  afterTrim(ctx, key, deleted);
  if (a.approx || a.limitAt >= 0) ctx.propagate(exactTrimArgv(argv, a, s));
  return deleted;
}

/** Deletes one entry for XDEL and friends, keeping Redis's max_deleted_entry_id. */
function deleteEntry(s: Stream, id: StreamId): boolean {
  if (!s.delete(id)) return false;
  if (id > s.maxDeletedId) s.maxDeletedId = id;
  return true;
}

export function xdel(ctx: Ctx, argv: Argv): Reply {
  const key = argv[1] as string;
  const s = ctx.db.get(key, 'stream');
  if (s === undefined) return 0;
  const ids = argv.slice(2).map((arg) => strictId(arg));
  let deleted = 0;
  for (const id of ids) if (deleteEntry(s, id)) deleted++;
  if (deleted > 0) ctx.notify(NOTIFY.STREAM, 'xdel', key);
  return deleted;
}

export function xsetid(ctx: Ctx, argv: Argv): Reply {
  const id = strictId(argv[2]);
  let entriesAdded = -1;
  let maxDeleted = MIN_ID;
  for (let i = 3; i < argv.length; i += 2) {
    const more = argv.length - 1 - i;
    if (is(argv[i], 'entriesadded') && more >= 1) {
      entriesAdded = int(argv[i + 1]);
      if (entriesAdded < 0) throw E.XSETID_ENTRIES_NEGATIVE;
    } else if (is(argv[i], 'maxdeletedid') && more >= 1) {
      maxDeleted = strictId(argv[i + 1]);
      if (id < maxDeleted) throw E.XSETID_BELOW_GIVEN_MAXDELETED;
    } else throw E.SYNTAX;
  }
  const key = argv[1] as string;
  const s = ctx.db.get(key, 'stream');
  if (s === undefined) throw E.NO_SUCH_KEY;
  if (id < s.maxDeletedId) throw E.XSETID_BELOW_MAXDELETED;
  const top = s.lastEntryId();
  if (top !== undefined) {
    if (id < top) throw E.XSETID_BELOW_TOP;
    if (entriesAdded !== -1 && s.length > entriesAdded) throw E.XSETID_ENTRIES_BELOW_LENGTH;
  }
  s.lastId = id;
  if (entriesAdded !== -1) s.entriesAdded = entriesAdded;
  if (maxDeleted !== MIN_ID) s.maxDeletedId = maxDeleted;
  ctx.notify(NOTIFY.STREAM, 'xsetid', key);
  return OK;
}

interface IdsArgs {
  policy: RefPolicy;
  ids: StreamId[];
}

/** `[KEEPREF | DELREF | ACKED] IDS numids id …` from `from` on (the IDS block may come first). */
function parseIdsArgs(argv: Argv, from: number): IdsArgs {
  let policy: RefPolicy = 'keepref';
  let ids: StreamId[] | null = null;
  for (let i = from; i < argv.length; i++) {
    const arg = argv[i] as string;
    const p = refPolicy(arg);
    if (p !== undefined) policy = p;
    else if (is(arg, 'ids') && i + 1 < argv.length && ids === null) {
      const n = int(argv[i + 1], E.NUMIDS_NOT_POSITIVE);
      if (n <= 0) throw E.NUMIDS_NOT_POSITIVE;
      if (n > argv.length - i - 2) throw E.NUMIDS_MISMATCH;
      ids = argv.slice(i + 2, i + 2 + n).map((a) => strictId(a));
      i += 1 + n;
    } else throw E.SYNTAX;
  }
  if (ids === null) throw E.SYNTAX;
  return { policy, ids };
}

/** One ID of XDELEX/XACKDEL: -1 not in the stream, 2 kept (ACKED, still needed), 1 deleted. */
function deleteWithPolicy(s: Stream, id: StreamId, policy: RefPolicy): number {
  if (policy === 'delref') s.dropReferences(id);
  if (s.get(id) === undefined) return -1;
  if (policy === 'acked' && s.isReferenced(id)) return 2;
  deleteEntry(s, id);
  return 1;
}

export function xdelex(ctx: Ctx, argv: Argv): Reply {
  const { policy, ids } = parseIdsArgs(argv, 2);
  const key = argv[1] as string;
  const s = ctx.db.get(key, 'stream');
  if (s === undefined) {
    ctx.unchanged();
    return ids.map(() => -1);
  }
  const before = s.bytes;
  const out = ids.map((id) => deleteWithPolicy(s, id, policy));
  if (out.includes(1)) ctx.notify(NOTIFY.STREAM, 'xdel', key);
  else if (s.bytes === before) ctx.unchanged();
  return out;
}

export function xackdel(ctx: Ctx, argv: Argv): Reply {
  const { policy, ids } = parseIdsArgs(argv, 3);
  const key = argv[1] as string;
  const s = ctx.db.get(key, 'stream');
  const group = s?.groups.get(argv[2] as string);
  if (s === undefined || group === undefined) {
    ctx.unchanged();
    return ids.map(() => -1);
  }
  const before = s.bytes;
  const out = ids.map((id) => {
    s.ack(group, id);
    return deleteWithPolicy(s, id, policy);
  });
  if (out.includes(1)) ctx.notify(NOTIFY.STREAM, 'xdel', key);
  else if (s.bytes === before) ctx.unchanged();
  return out;
}
