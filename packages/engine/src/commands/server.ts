/** Server commands: TIME, DBSIZE, FLUSHDB, FLUSHALL, plus INFO (info.ts) and COMMAND (command.ts). */
import { is } from '../command/args.ts';
import type { Ctx } from '../command/context.ts';
import * as E from '../command/errors.ts';
import { type Argv, type CommandDef, command } from '../command/table.ts';
import { OK, type Reply } from '../reply.ts';
import { commandCommands } from './command.ts';
import { infoHandler } from './info.ts';

export { REDIS_VERSION } from './info.ts';

function time(ctx: Ctx): Reply {
  const ms = ctx.now;
  const sec = Math.floor(ms / 1000);
  return [String(sec), String((ms - sec * 1000) * 1000)];
}

function dbsize(ctx: Ctx): Reply {
  return ctx.db.size;
}

function flush(ctx: Ctx, argv: Argv): Reply {
  const mode = argv[1];
  if (argv.length > 2 || (mode !== undefined && !is(mode, 'sync') && !is(mode, 'async'))) throw E.SYNTAX;
  ctx.db.flush();
  return OK;
}

export const serverCommands: CommandDef[] = [
  command('time', 1, 'loading stale fast', [], time),
  command('dbsize', 1, 'readonly fast', [], dbsize),
  command('flushdb', -1, 'write', [], flush),
  command('flushall', -1, 'write', [], flush),
  command('info', -1, 'loading stale', [], infoHandler),
  ...commandCommands,
];
