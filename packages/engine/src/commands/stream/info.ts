/** XINFO STREAM [FULL [COUNT n]], GROUPS, CONSUMERS and HELP, with Redis 7.4's fields. */
import { int, is } from '../../command/args.ts';
import type { Ctx } from '../../command/context.ts';
import * as E from '../../command/errors.ts';
import type { Argv } from '../../command/table.ts';
import { MapReply, type Reply, SimpleString } from '../../reply.ts';
import { ENTRIES_READ_UNKNOWN, type Group, type Stream } from '../../types/stream.ts';
import { formatId, MAX_ID, MIN_ID, type StreamId } from '../../types/stream-id.ts';
import { entryReply } from './common.ts';
import { estimateEntriesRead, rangeReply, tombstonesFrom } from './read.ts';

function stream(ctx: Ctx, argv: Argv): Stream {
  const s = ctx.db.get(argv[2] as string, 'stream');
  if (s === undefined) throw E.NO_SUCH_KEY;
  return s;
}

/** Redis's streamReplyWithCGLag: entries not yet read by the group, or nil when unknowable. */
function lag(s: Stream, group: Group): Reply {
  if (s.entriesAdded === 0) return 0;
  if (group.entriesRead !== ENTRIES_READ_UNKNOWN && !tombstonesFrom(s, group.lastId))
    return s.entriesAdded - group.entriesRead;
  const read = estimateEntriesRead(s, group.lastId);
  return read === ENTRIES_READ_UNKNOWN ? null : s.entriesAdded - read;
}

function entriesRead(group: Group): Reply {
  return group.entriesRead === ENTRIES_READ_UNKNOWN ? null : group.entriesRead;
}

/**
 * Redis counts radix-tree keys (one per node) and its tree's inner nodes; we have no radix tree, so the
 * second figure is an estimate: one more than the keys.
 */
function header(s: Stream): Reply[] {
  const keys = s.entries.nodes.length;
  return [
    'length',
    s.length,
    'radix-tree-keys',
    keys,
    'radix-tree-nodes',
    keys + 1,
    'last-generated-id',
    formatId(s.lastId),
    'max-deleted-entry-id',
    formatId(s.maxDeletedId),
    'entries-added',
    s.entriesAdded,
    'recorded-first-entry-id',
    formatId(s.firstId),
  ];
}

function edge(s: Stream, id: StreamId | undefined): Reply {
  return id === undefined ? null : entryReply(id, s.get(id));
}

function fullInfo(s: Stream, count: number): Reply {
  const groups: Reply[] = [];
  for (const group of s.sortedGroups()) {
    const pending: Reply[] = [];
    group.pel.range(MIN_ID, MAX_ID, false, (id, nack) => {
      pending.push([formatId(id), nack.consumer.name, nack.time, nack.count]);
      return count === 0 || pending.length < count;
    });
    const consumers: Reply[] = [];
    for (const c of group.sortedConsumers()) {
      const own: Reply[] = [];
      c.pel.range(MIN_ID, MAX_ID, false, (id, nack) => {
        own.push([formatId(id), nack.time, nack.count]);
        return count === 0 || own.length < count;
      });
      consumers.push(
        new MapReply([
          'name',
          c.name,
          'seen-time',
          c.seenTime,
          'active-time',
          c.activeTime,
          'pel-count',
          c.pel.size,
          'pending',
          own,
        ]),
      );
    }
    groups.push(
      new MapReply([
        'name',
        group.name,
        'last-delivered-id',
        formatId(group.lastId),
        'entries-read',
        entriesRead(group),
        'lag',
        lag(s, group),
        'pel-count',
        group.pel.size,
        'pending',
        pending,
        'consumers',
        consumers,
      ]),
    );
  }
  return new MapReply([...header(s), 'entries', rangeReply(s, MIN_ID, MAX_ID, count, false), 'groups', groups]);
}

function xinfoStream(ctx: Ctx, argv: Argv): Reply {
  let full = false;
  let count = 10;
  if (argv.length > 3) {
    if (!is(argv[3], 'full')) throw E.subcommandSyntax(argv[1] as string, 'xinfo');
    full = true;
    if (argv.length > 4) {
      if (argv.length !== 6 || !is(argv[4], 'count')) throw E.subcommandSyntax(argv[1] as string, 'xinfo');
      count = int(argv[5]);
      if (count < 0) count = 10;
    }
  }
  const s = stream(ctx, argv);
  if (full) return fullInfo(s, count);
  return new MapReply([
    ...header(s),
    'groups',
    s.groups.size,
    'first-entry',
    edge(s, s.entries.firstKey()),
    'last-entry',
    edge(s, s.lastEntryId()),
  ]);
}

function xinfoGroups(ctx: Ctx, argv: Argv): Reply {
  const s = stream(ctx, argv);
  return s
    .sortedGroups()
    .map(
      (group) =>
        new MapReply([
          'name',
          group.name,
          'consumers',
          group.consumers.size,
          'pending',
          group.pel.size,
          'last-delivered-id',
          formatId(group.lastId),
          'entries-read',
          entriesRead(group),
          'lag',
          lag(s, group),
        ]),
    );
}

function xinfoConsumers(ctx: Ctx, argv: Argv): Reply {
  const s = stream(ctx, argv);
  const group = s.groups.get(argv[3] as string);
  if (group === undefined) throw E.noSuchGroup(argv[3] as string, argv[2] as string);
  return group
    .sortedConsumers()
    .map(
      (c) =>
        new MapReply([
          'name',
          c.name,
          'pending',
          c.pel.size,
          'idle',
          Math.max(0, ctx.now - c.seenTime),
          'inactive',
          c.activeTime === -1 ? -1 : Math.max(0, ctx.now - c.activeTime),
        ]),
    );
}

const XINFO_HELP = [
  'XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CONSUMERS <key> <groupname>',
  '    Show consumers of <groupname>.',
  'GROUPS <key>',
  '    Show the stream consumer groups.',
  'STREAM <key> [FULL [COUNT <count>]',
  '    Show information about the stream.',
  'HELP',
  '    Prints this help.',
].map((line) => new SimpleString(line));

export const xinfoHandlers = {
  stream: xinfoStream,
  groups: xinfoGroups,
  consumers: xinfoConsumers,
  help: (): Reply => XINFO_HELP,
};
