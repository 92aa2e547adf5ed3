/**
 * Stream reads: XLEN, XRANGE, XREVRANGE, XREAD and XREADGROUP. The engine never blocks: BLOCK is parsed and
 * then answered at once, as Redis answers a blocking read inside MULTI (a nil array when nothing is there).
 */
import { int, is } from '../../command/args.ts';
import type { Ctx } from '../../command/context.ts';
import * as E from '../../command/errors.ts';
import type { Argv } from '../../command/table.ts';
import { NOTIFY } from '../../pubsub/notify.ts';
import { NIL_ARRAY, type Reply } from '../../reply.ts';
import { type Consumer, ENTRIES_READ_UNKNOWN, type Group, type Stream } from '../../types/stream.ts';
import { formatId, incrId, MAX_ID, MIN_ID, parseId, type StreamId } from '../../types/stream-id.ts';
import { entryReply, intervalEnd, intervalStart } from './common.ts';

export function xlen(ctx: Ctx, argv: Argv): Reply {
  return ctx.db.get(argv[1] as string, 'stream')?.length ?? 0;
}

/** Entries in [from, to] (reversed: from `to` down), at most `count` (0 = all). */
export function rangeReply(s: Stream, from: StreamId, to: StreamId, count: number, rev: boolean): Reply[] {
  const out: Reply[] = [];
  s.range(from, to, rev, (id, fields) => {
    out.push(entryReply(id, fields));
    return count === 0 || out.length < count;
  });
  return out;
}

function xrangeGeneric(ctx: Ctx, argv: Argv, rev: boolean): Reply {
  const start = intervalStart(argv[rev ? 3 : 2] as string);
  const end = intervalEnd(argv[rev ? 2 : 3] as string);
  let count = -1;
  for (let j = 4; j < argv.length; j++) {
    if (is(argv[j], 'count') && j + 1 < argv.length) {
      count = Math.max(0, int(argv[j + 1]));
      j++;
    } else throw E.SYNTAX;
  }
  const s = ctx.db.get(argv[1] as string, 'stream');
  if (s === undefined) return [];
  if (count === 0) return NIL_ARRAY;
  return rangeReply(s, start, end, count === -1 ? 0 : count, rev);
}

export function xrange(ctx: Ctx, argv: Argv): Reply {
  return xrangeGeneric(ctx, argv, false);
}

export function xrevrange(ctx: Ctx, argv: Argv): Reply {
  return xrangeGeneric(ctx, argv, true);
}

/** getTimeoutFromObjectOrReply in milliseconds: only validated, since the engine answers at once. */
function checkTimeout(arg: string | undefined): void {
  const ms = int(arg, E.TIMEOUT_NOT_INTEGER);
  if (ms < 0) throw E.TIMEOUT_NEGATIVE;
}

/** XREAD's `+` (Redis 7.4): the last entry. */
const LAST_ENTRY = 'last';

/** The XCLAIM that records a delivery for the log (Redis's streamPropagateXCLAIM, TIME and all). */
export function claimArgv(key: string, group: Group, id: StreamId, consumer: string, time: number, count: number) {
  return [
    'XCLAIM',
    key,
    group.name,
    consumer,
    '0',
    formatId(id),
    'TIME',
    String(time),
    'RETRYCOUNT',
    String(count),
    'FORCE',
    'JUSTID',
    'LASTID',
    formatId(group.lastId),
  ];
}

export function setIdArgv(key: string, group: Group): string[] {
  return ['XGROUP', 'SETID', key, group.name, formatId(group.lastId), 'ENTRIESREAD', String(group.entriesRead)];
}

/**
 * Records effects for the log and remembers that it did: a group command that recorded nothing must say
 * so (ctx.unchanged), or its own argv would be logged.
 */
export class Log {
  used = false;
  private readonly ctx: Ctx;
  constructor(ctx: Ctx) {
    this.ctx = ctx;
  }
  add(argv: string[]): void {
    this.used = true;
    this.ctx.propagate(argv);
  }
  /** Call last: a command that logged nothing is not logged at all. */
  finish(): void {
    if (!this.used) this.ctx.unchanged();
  }
}

/** Looks up or creates a consumer for XREADGROUP/XCLAIM/XAUTOCLAIM, reporting and logging a creation. */
export function touchConsumer(ctx: Ctx, log: Log, s: Stream, key: string, group: Group, name: string): Consumer {
  let consumer = group.consumers.get(name);
  if (consumer === undefined) {
    consumer = s.createConsumer(group, name, ctx.now) as Consumer;
    ctx.notify(NOTIFY.STREAM, 'xgroup-createconsumer', key);
    log.add(['XGROUP', 'CREATECONSUMER', key, group.name, name]);
  }
  consumer.seenTime = ctx.now;
  return consumer;
}

/**
 * Redis's streamEstimateDistanceFromFirstEverEntry: the logical read counter of `id`, or -1 when
 * fragmentation (deleted entries) makes it unknowable.
 */
export function estimateEntriesRead(s: Stream, id: StreamId): number {
  if (s.entriesAdded === 0) return 0;
  if (s.length === 0 && id <= s.lastId) return s.entriesAdded;
  if (id === s.lastId) return s.entriesAdded;
  if (id > s.lastId) return ENTRIES_READ_UNKNOWN;
  const first = s.firstId;
  if (s.maxDeletedId === MIN_ID || s.maxDeletedId < first) {
    if (id < first) return s.entriesAdded - s.length;
    if (id === first) return s.entriesAdded - s.length + 1;
  }
  return ENTRIES_READ_UNKNOWN;
}

/** Redis's streamRangeHasTombstones from `start` to the end. */
export function tombstonesFrom(s: Stream, start: StreamId): boolean {
  if (s.length === 0 || s.maxDeletedId === MIN_ID) return false;
  if (s.firstId > s.maxDeletedId) return false;
  return start <= s.maxDeletedId;
}

/** Delivers new entries (`>`) to a consumer, moving the group's last ID and filling the PELs. */
function deliverNew(
  ctx: Ctx,
  log: Log,
  s: Stream,
  key: string,
  group: Group,
  consumer: Consumer,
  count: number,
  noack: boolean,
): Reply[] {
  const from = incrId(group.lastId);
  const out: Reply[] = [];
  if (from === null) return out;
  s.range(from, MAX_ID, false, (id, fields) => {
    out.push(entryReply(id, fields));
    if (group.entriesRead !== ENTRIES_READ_UNKNOWN && !tombstonesFrom(s, id)) group.entriesRead++;
    else if (s.entriesAdded !== 0) group.entriesRead = estimateEntriesRead(s, id);
    group.lastId = id;
    if (!noack) {
      s.assign(group, id, consumer, ctx.now, 1);
      consumer.activeTime = ctx.now;
      log.add(claimArgv(key, group, id, consumer.name, ctx.now, 1));
    }
    return count === 0 || out.length < count;
  });
  if (out.length > 0) log.add(setIdArgv(key, group));
  return out;
}

/** Re-delivers a consumer's own pending entries after `after` (a history read); deleted ones as [id, nil]. */
function deliverHistory(
  ctx: Ctx,
  log: Log,
  s: Stream,
  key: string,
  group: Group,
  consumer: Consumer,
  after: StreamId,
  count: number,
): Reply[] {
  const out: Reply[] = [];
  const from = incrId(after);
  if (from === null) return out;
  consumer.pel.range(from, MAX_ID, false, (id, nack) => {
    const fields = s.get(id);
    out.push(entryReply(id, fields));
    if (fields !== undefined) {
      nack.time = ctx.now;
      nack.count++;
      // Redis leaves this to drift in its log; we record it so a replay rebuilds the same counters.
      log.add(claimArgv(key, group, id, consumer.name, nack.time, nack.count));
    }
    return count === 0 || out.length < count;
  });
  return out;
}

function xreadGeneric(ctx: Ctx, argv: Argv, withGroup: boolean): Reply {
  let count = 0;
  let streamsAt = 0;
  let groupName: string | undefined;
  let consumerName = '';
  let noack = false;
  for (let i = 1; i < argv.length; i++) {
    const more = argv.length - 1 - i;
    const opt = argv[i] as string;
    if (is(opt, 'block') && more >= 1) {
      checkTimeout(argv[++i]);
    } else if (is(opt, 'count') && more >= 1) {
      count = Math.max(0, int(argv[++i]));
    } else if (is(opt, 'streams') && more >= 1) {
      streamsAt = i + 1;
      if ((argv.length - streamsAt) % 2 !== 0) throw withGroup ? E.XREADGROUP_UNBALANCED : E.XREAD_UNBALANCED;
      break;
    } else if (is(opt, 'group') && more >= 2) {
      if (!withGroup) throw E.XREAD_GROUP_OPTION;
      groupName = argv[i + 1] as string;
      consumerName = argv[i + 2] as string;
      i += 2;
    } else if (is(opt, 'noack')) {
      if (!withGroup) throw E.XREAD_NOACK_OPTION;
      noack = true;
    } else throw E.SYNTAX;
  }
  if (streamsAt === 0) throw E.SYNTAX;
  if (withGroup && groupName === undefined) throw E.XREADGROUP_NO_GROUP;
  const n = (argv.length - streamsAt) / 2;
  // Resolve every key, group and ID first: an error must leave nothing half done.
  const after: (StreamId | typeof LAST_ENTRY)[] = [];
  const groups: (Group | undefined)[] = [];
  for (let k = 0; k < n; k++) {
    const key = argv[streamsAt + k] as string;
    const arg = argv[streamsAt + n + k] as string;
    const s = ctx.db.get(key, 'stream');
    if (groupName !== undefined) {
      const group = s?.groups.get(groupName);
      if (group === undefined) throw E.noGroupForRead(key, groupName);
      groups.push(group);
    }
    if (arg === '$') {
      if (withGroup) throw E.XREADGROUP_DOLLAR;
      after.push(s?.lastId ?? MIN_ID);
    } else if (arg === '>') {
      if (!withGroup) throw E.XREAD_GT;
      after.push(MAX_ID);
    } else if (arg === '+' && !withGroup) {
      after.push(LAST_ENTRY);
    } else {
      const p = parseId(arg, 0, true);
      if (p === null) throw E.STREAM_BAD_ID;
      after.push(p.id);
    }
  }
  const out: Reply[] = [];
  const log = new Log(ctx);
  for (let k = 0; k < n; k++) {
    const key = argv[streamsAt + k] as string;
    const s = ctx.db.get(key, 'stream');
    if (s === undefined) continue;
    const gt = after[k] as StreamId | typeof LAST_ENTRY;
    const group = groups[k];
    if (group !== undefined) {
      const consumer = touchConsumer(ctx, log, s, key, group, consumerName);
      if (gt !== MAX_ID) {
        out.push([key, deliverHistory(ctx, log, s, key, group, consumer, gt as StreamId, count)]);
      } else {
        const top = s.lastEntryId();
        if (top !== undefined && top > group.lastId)
          out.push([key, deliverNew(ctx, log, s, key, group, consumer, count, noack)]);
      }
      continue;
    }
    const top = s.lastEntryId();
    if (top === undefined) continue;
    if (gt === LAST_ENTRY) out.push([key, [entryReply(top, s.get(top))]]);
    else if (top > gt) out.push([key, rangeReply(s, incrId(gt) as StreamId, MAX_ID, count, false)]);
  }
  if (withGroup) log.finish();
  return out.length === 0 ? NIL_ARRAY : out;
}

export function xread(ctx: Ctx, argv: Argv): Reply {
  return xreadGeneric(ctx, argv, false);
}

export function xreadgroup(ctx: Ctx, argv: Argv): Reply {
  return xreadGeneric(ctx, argv, true);
}
