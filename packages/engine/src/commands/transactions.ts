/**
 * MULTI / EXEC / DISCARD / WATCH / UNWATCH. Queueing happens in the dispatcher; these open and close the
 * block. WATCH is optimistic locking: a write to a watched key (seen by the engine after every write) makes
 * the next EXEC answer a nil array. Keys that merely expire do not count (Redis ≥ 6.0.9 also aborts then).
 */
import type { Ctx } from '../command/context.ts';
import * as E from '../command/errors.ts';
import { type Argv, type CommandDef, command, key } from '../command/table.ts';
import { NIL_ARRAY, OK, type Reply } from '../reply.ts';

function multi(ctx: Ctx): Reply {
  if (ctx.client.multi !== null) throw E.MULTI_NESTED;
  ctx.client.multi = [];
  ctx.client.multiFailed = false;
  return OK;
}

function exec(ctx: Ctx): Reply {
  const client = ctx.client;
  const queued = client.multi;
  if (queued === null) throw E.EXEC_WITHOUT_MULTI;
  const failed = client.multiFailed;
  const dirty = client.watchDirty;
  client.multi = null;
  client.multiFailed = false;
  ctx.unwatch();
  if (failed) throw E.EXECABORT;
  if (dirty) return NIL_ARRAY;
  const replies: Reply[] = new Array(queued.length);
  for (let i = 0; i < queued.length; i++) replies[i] = ctx.call(queued[i] as readonly string[]);
  return replies;
}

function discard(ctx: Ctx): Reply {
  if (ctx.client.multi === null) throw E.DISCARD_WITHOUT_MULTI;
  ctx.client.multi = null;
  ctx.client.multiFailed = false;
  ctx.unwatch();
  return OK;
}

function watch(ctx: Ctx, argv: Argv): Reply {
  if (ctx.client.multi !== null) throw E.WATCH_IN_MULTI;
  for (let i = 1; i < argv.length; i++) ctx.watch(argv[i] as string);
  return OK;
}

function unwatch(ctx: Ctx): Reply {
  ctx.unwatch();
  return OK;
}

export const transactionCommands: CommandDef[] = [
  command('multi', 1, 'noscript loading stale fast no_multi allow_busy', [], multi),
  command('exec', 1, 'noscript loading stale skip_slowlog', [], exec),
  command('discard', 1, 'noscript loading stale fast allow_busy', [], discard),
  command('watch', -2, 'noscript loading stale fast no_multi allow_busy', [key(1, -1)], watch),
  command('unwatch', 1, 'noscript loading stale fast allow_busy', [], unwatch),
];
