/**
 * SAVE, BGSAVE, BGREWRITEAOF and LASTSAVE: the engine only forwards them to the host's persistence, which
 * owns files and timing. A snapshot is the append-only log's compacted base, so SAVE and BGREWRITEAOF do the
 * same work; both names are kept for the tools that send them.
 */

import { is } from '../command/args.ts';
import type { Ctx } from '../command/context.ts';
import * as E from '../command/errors.ts';
import { type Argv, type CommandDef, command } from '../command/table.ts';
import type { PersistenceControl } from '../engine.ts';
import { OK, type Reply, SimpleString } from '../reply.ts';

function control(ctx: Ctx): PersistenceControl {
  if (ctx.persistence === null) throw E.PERSISTENCE_OFF;
  return ctx.persistence;
}

function save(ctx: Ctx): Reply {
  const err = control(ctx).save();
  if (err !== undefined) throw err;
  return OK;
}

function bgsave(ctx: Ctx, argv: Argv): Reply {
  if (argv.length > 2 || (argv.length === 2 && !is(argv[1], 'schedule'))) throw E.SYNTAX;
  const started = control(ctx).bgsave(argv.length === 2);
  if (typeof started !== 'string') throw started;
  return new SimpleString(started);
}

function bgrewriteaof(ctx: Ctx): Reply {
  const started = control(ctx).bgrewriteaof();
  if (typeof started !== 'string') throw started;
  return new SimpleString(started);
}

function lastsave(ctx: Ctx): Reply {
  return ctx.persistence === null ? Math.floor(ctx.stats.startedAt / 1000) : ctx.persistence.lastSave();
}

export const persistenceCommands: CommandDef[] = [
  command('save', 1, 'no_async_loading admin noscript no_multi', [], save),
  command('bgsave', -1, 'no_async_loading admin noscript', [], bgsave),
  command('bgrewriteaof', 1, 'no_async_loading admin noscript', [], bgrewriteaof),
  command('lastsave', 1, 'loading stale fast', [], lastsave),
];
