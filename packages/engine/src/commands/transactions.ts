/** MULTI / EXEC / DISCARD. Queueing itself happens in the dispatcher; these only open and close the block. */
import type { Ctx } from '../command/context.ts';
import * as E from '../command/errors.ts';
import { type CommandDef, command } from '../command/table.ts';
import { OK, type Reply } from '../reply.ts';

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
  client.multi = null;
  client.multiFailed = false;
  if (failed) throw E.EXECABORT;
  const replies: Reply[] = new Array(queued.length);
  for (let i = 0; i < queued.length; i++) replies[i] = ctx.call(queued[i] as readonly string[]);
  return replies;
}

function discard(ctx: Ctx): Reply {
  if (ctx.client.multi === null) throw E.DISCARD_WITHOUT_MULTI;
  ctx.client.multi = null;
  ctx.client.multiFailed = false;
  return OK;
}

export const transactionCommands: CommandDef[] = [
  command('multi', 1, 'noscript loading stale fast no_multi allow_busy', [], multi),
  command('exec', 1, 'noscript loading stale skip_slowlog', [], exec),
  command('discard', 1, 'noscript loading stale fast allow_busy', [], discard),
];
