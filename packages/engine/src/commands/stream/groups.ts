/** Consumer groups: XGROUP, XACK, XPENDING, XCLAIM and XAUTOCLAIM. */
import { int, is } from '../../command/args.ts';
import type { Ctx } from '../../command/context.ts';
import * as E from '../../command/errors.ts';
import type { Argv } from '../../command/table.ts';
import { NOTIFY } from '../../pubsub/notify.ts';
import { NIL_ARRAY, OK, type Reply, SimpleString } from '../../reply.ts';
import { type Consumer, ENTRIES_READ_UNKNOWN, type Group, type Stream } from '../../types/stream.ts';
import { formatId, incrId, MAX_ID, MIN_ID, parseId, type StreamId } from '../../types/stream-id.ts';
import { entryReply, intervalEnd, intervalStart, looseId, newStream, strictId } from './common.ts';
import { claimArgv, Log, setIdArgv, touchConsumer } from './read.ts';

/** The stream and group XGROUP's subcommands (other than CREATE) need, with Redis's errors. */
function existing(ctx: Ctx, argv: Argv): { s: Stream; group: Group | undefined } {
  const s = ctx.db.get(argv[2] as string, 'stream');
  if (s === undefined) throw E.XGROUP_NEEDS_KEY;
  return { s, group: s.groups.get(argv[3] as string) };
}

function needGroup(argv: Argv, group: Group | undefined): Group {
  if (group === undefined) throw E.noSuchGroup(argv[3] as string, argv[2] as string);
  return group;
}

function entriesReadArg(arg: string | undefined): number {
  const n = int(arg);
  if (n < 0 && n !== ENTRIES_READ_UNKNOWN) throw E.ENTRIESREAD_RANGE;
  return n;
}

function xgroupCreate(ctx: Ctx, argv: Argv): Reply {
  let mkstream = false;
  let entriesRead = ENTRIES_READ_UNKNOWN;
  for (let i = 5; i < argv.length; ) {
    if (is(argv[i], 'mkstream')) {
      mkstream = true;
      i++;
    } else if (is(argv[i], 'entriesread') && i + 1 < argv.length) {
      entriesRead = entriesReadArg(argv[i + 1]);
      i += 2;
    } else throw E.subcommandSyntax(argv[1] as string, 'xgroup');
  }
  const key = argv[2] as string;
  let s = ctx.db.get(key, 'stream');
  if (s === undefined && !mkstream) throw E.XGROUP_NEEDS_KEY;
  if (argv.length > 8) throw E.subcommandSyntax(argv[1] as string, 'xgroup');
  const id = argv[4] === '$' ? (s?.lastId ?? MIN_ID) : strictId(argv[4]);
  if (s?.groups.has(argv[3] as string)) throw E.BUSYGROUP;
  if (s === undefined) s = ctx.db.getOrCreate(key, 'stream', newStream);
  s.createGroup(argv[3] as string, id, entriesRead);
  ctx.notify(NOTIFY.STREAM, 'xgroup-create', key);
  return OK;
}

function xgroupSetid(ctx: Ctx, argv: Argv): Reply {
  const { s, group: g } = existing(ctx, argv);
  const group = needGroup(argv, g);
  if (argv.length !== 5 && argv.length !== 7) throw E.subcommandSyntax(argv[1] as string, 'xgroup');
  const id = argv[4] === '$' ? s.lastId : looseId(argv[4] as string, 0);
  let entriesRead = ENTRIES_READ_UNKNOWN;
  if (argv.length === 7) {
    if (!is(argv[5], 'entriesread')) throw E.subcommandSyntax(argv[1] as string, 'xgroup');
    entriesRead = entriesReadArg(argv[6]);
  }
  group.lastId = id;
  group.entriesRead = entriesRead;
  ctx.notify(NOTIFY.STREAM, 'xgroup-setid', argv[2] as string);
  return OK;
}

function xgroupDestroy(ctx: Ctx, argv: Argv): Reply {
  const { s } = existing(ctx, argv);
  if (!s.destroyGroup(argv[3] as string)) return 0;
  ctx.notify(NOTIFY.STREAM, 'xgroup-destroy', argv[2] as string);
  return 1;
}

function xgroupCreateconsumer(ctx: Ctx, argv: Argv): Reply {
  const { s, group } = existing(ctx, argv);
  if (s.createConsumer(needGroup(argv, group), argv[4] as string, ctx.now) === null) return 0;
  ctx.notify(NOTIFY.STREAM, 'xgroup-createconsumer', argv[2] as string);
  return 1;
}

function xgroupDelconsumer(ctx: Ctx, argv: Argv): Reply {
  const { s, group: g } = existing(ctx, argv);
  const group = needGroup(argv, g);
  const consumer = group.consumers.get(argv[4] as string);
  if (consumer === undefined) {
    ctx.unchanged();
    return 0;
  }
  const pending = s.deleteConsumer(group, consumer);
  ctx.notify(NOTIFY.STREAM, 'xgroup-delconsumer', argv[2] as string);
  return pending;
}

const XGROUP_HELP = [
  'XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CREATE <key> <groupname> <id|$> [option]',
  '    Create a new consumer group. Options are:',
  '    * MKSTREAM',
  '      Create the empty stream if it does not exist.',
  '    * ENTRIESREAD entries_read',
  "      Set the group's entries_read counter (internal use).",
  'CREATECONSUMER <key> <groupname> <consumer>',
  '    Create a new consumer in the specified group.',
  'DELCONSUMER <key> <groupname> <consumer>',
  '    Remove the specified consumer.',
  'DESTROY <key> <groupname>',
  '    Remove the specified group.',
  'SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]',
  '    Set the current group ID and entries_read counter.',
  'HELP',
  '    Prints this help.',
].map((line) => new SimpleString(line));

export const xgroupHandlers = {
  create: xgroupCreate,
  setid: xgroupSetid,
  destroy: xgroupDestroy,
  createconsumer: xgroupCreateconsumer,
  delconsumer: xgroupDelconsumer,
  help: (): Reply => XGROUP_HELP,
};

export function xack(ctx: Ctx, argv: Argv): Reply {
  const s = ctx.db.get(argv[1] as string, 'stream');
  const group = s?.groups.get(argv[2] as string);
  if (s === undefined || group === undefined) return 0;
  const ids = argv.slice(3).map((a) => strictId(a));
  let acked = 0;
  for (const id of ids) if (s.ack(group, id)) acked++;
  return acked;
}

export function xpending(ctx: Ctx, argv: Argv): Reply {
  const summary = argv.length === 3;
  if (!summary && (argv.length < 6 || argv.length > 9)) throw E.SYNTAX;
  let from = MIN_ID;
  let to = MAX_ID;
  let count = 0;
  let minIdle = 0;
  let consumerName: string | undefined;
  if (!summary) {
    let at = 3;
    if (is(argv[3], 'idle')) {
      minIdle = int(argv[4]);
      if (argv.length < 8) throw E.SYNTAX;
      at += 2;
    }
    count = Math.max(0, int(argv[at + 2]));
    from = intervalStart(argv[at] as string);
    to = intervalEnd(argv[at + 1] as string);
    consumerName = argv[at + 3];
  }
  const key = argv[1] as string;
  const s = ctx.db.get(key, 'stream');
  const group = s?.groups.get(argv[2] as string);
  if (group === undefined) throw E.noKeyOrGroup(key, argv[2] as string);
  if (summary) {
    if (group.pel.size === 0) return [0, null, null, NIL_ARRAY];
    const owners: Reply[] = [];
    for (const c of group.sortedConsumers()) if (c.pel.size > 0) owners.push([c.name, String(c.pel.size)]);
    return [
      group.pel.size,
      formatId(group.pel.firstKey() as StreamId),
      formatId(group.pel.lastKey() as StreamId),
      owners,
    ];
  }
  let pel = group.pel;
  if (consumerName !== undefined) {
    const consumer = group.consumers.get(consumerName);
    if (consumer === undefined) return [];
    pel = consumer.pel;
  }
  const out: Reply[] = [];
  if (count === 0) return out;
  pel.range(from, to, false, (id, nack) => {
    const idle = ctx.now - nack.time;
    if (minIdle !== 0 && idle < minIdle) return true;
    out.push([formatId(id), nack.consumer.name, Math.max(0, idle), nack.count]);
    return out.length < count;
  });
  return out;
}

function claimGroup(ctx: Ctx, argv: Argv): { s: Stream; group: Group } {
  const s = ctx.db.get(argv[1] as string, 'stream');
  const group = s?.groups.get(argv[2] as string);
  if (s === undefined || group === undefined) throw E.noKeyOrGroup(argv[1] as string, argv[2] as string);
  return { s, group };
}

/** Drops a pending entry whose stream entry is gone, logging it as the XCLAIM that does the same. */
function dropDangling(s: Stream, log: Log, key: string, group: Group, id: StreamId): boolean {
  const nack = group.pel.get(id);
  if (nack === undefined) return false;
  log.add(claimArgv(key, group, id, nack.consumer.name, nack.time, nack.count));
  s.ack(group, id);
  return true;
}

export function xclaim(ctx: Ctx, argv: Argv): Reply {
  const { s, group } = claimGroup(ctx, argv);
  const key = argv[1] as string;
  const minIdle = Math.max(0, int(argv[4], E.XCLAIM_MIN_IDLE));
  let j = 5;
  const ids: StreamId[] = [];
  for (; j < argv.length; j++) {
    const p = parseId(argv[j] as string, 0, true);
    if (p === null) break;
    ids.push(p.id);
  }
  const now = ctx.now;
  let time = -1;
  let retryCount = -1;
  let force = false;
  let justId = false;
  let lastId = MIN_ID;
  for (; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    const opt = argv[j] as string;
    if (is(opt, 'force')) force = true;
    else if (is(opt, 'justid')) justId = true;
    else if (is(opt, 'idle') && more >= 1) time = now - int(argv[++j], E.xclaimBadOption('IDLE'));
    else if (is(opt, 'time') && more >= 1) time = int(argv[++j], E.xclaimBadOption('TIME'));
    else if (is(opt, 'retrycount') && more >= 1) retryCount = int(argv[++j], E.xclaimBadOption('RETRYCOUNT'));
    else if (is(opt, 'lastid') && more >= 1) lastId = strictId(argv[++j]);
    else throw E.xclaimUnknownOption(opt);
  }
  const log = new Log(ctx);
  let lastMoved = false;
  if (lastId > group.lastId) {
    group.lastId = lastId;
    lastMoved = true;
  }
  // A time in the future or before the epoch is taken as now, as Redis does rather than failing.
  if (time < 0 || time > now) time = now;
  // Redis 7.2+: the consumer exists (and was seen) once the call is accepted, claimed or not.
  const consumer = touchConsumer(ctx, log, s, key, group, argv[3] as string);
  const out: Reply[] = [];
  // Each logged XCLAIM carries LASTID; without one, a moved last ID is logged on its own.
  let claimLogged = false;
  for (const id of ids) {
    const fields = s.get(id);
    if (fields === undefined) {
      if (dropDangling(s, log, key, group, id)) claimLogged = true;
      continue;
    }
    let nack = group.pel.get(id);
    if (nack === undefined && !force) continue;
    if (nack !== undefined && minIdle !== 0 && now - nack.time < minIdle) continue;
    // A NACK made by FORCE starts as delivered once, then counts like any other.
    const base = nack === undefined ? 1 : nack.count;
    nack = s.assign(group, id, consumer, time, retryCount >= 0 ? retryCount : justId ? base : base + 1);
    consumer.activeTime = now;
    out.push(justId ? formatId(id) : entryReply(id, fields));
    log.add(claimArgv(key, group, id, consumer.name, nack.time, nack.count));
    claimLogged = true;
  }
  if (lastMoved && !claimLogged) log.add(setIdArgv(key, group));
  log.finish();
  return out;
}

/** Redis 7.2+ checks every argument before the key, and creates the consumer even if nothing is claimed. */
export function xautoclaim(ctx: Ctx, argv: Argv): Reply {
  const key = argv[1] as string;
  const minIdle = Math.max(0, int(argv[4], E.XAUTOCLAIM_MIN_IDLE));
  let cursor = intervalStart(argv[5] as string);
  let count = 100;
  let justId = false;
  for (let j = 6; j < argv.length; j++) {
    if (is(argv[j], 'count') && j + 1 < argv.length) {
      count = int(argv[j + 1], E.XAUTOCLAIM_COUNT);
      if (count < 1 || count > Math.floor(Number.MAX_SAFE_INTEGER / 16)) throw E.XAUTOCLAIM_COUNT;
      j++;
    } else if (is(argv[j], 'justid')) justId = true;
    else throw E.SYNTAX;
  }
  const { s, group } = claimGroup(ctx, argv);
  const log = new Log(ctx);
  const now = ctx.now;
  const consumer = touchConsumer(ctx, log, s, key, group, argv[3] as string);
  let attempts = count * 10;
  const claimed: Reply[] = [];
  const deleted: Reply[] = [];
  let next: StreamId | null = cursor;
  while (attempts-- > 0 && count > 0 && next !== null) {
    const id = group.pel.ceilingKey(next);
    if (id === undefined) {
      next = null;
      break;
    }
    next = incrId(id);
    const nack = group.pel.get(id) as { consumer: Consumer; time: number; count: number };
    const fields = s.get(id);
    if (fields === undefined) {
      dropDangling(s, log, key, group, id);
      deleted.push(formatId(id));
      count--;
      continue;
    }
    if (minIdle !== 0 && now - nack.time < minIdle) continue;
    s.assign(group, id, consumer, now, nack.count + (justId ? 0 : 1));
    consumer.activeTime = now;
    claimed.push(justId ? formatId(id) : entryReply(id, fields));
    count--;
    log.add(claimArgv(key, group, id, consumer.name, now, nack.count));
  }
  const after = next === null ? undefined : group.pel.ceilingKey(next);
  cursor = after ?? MIN_ID;
  log.finish();
  return [formatId(cursor), claimed, deleted];
}
