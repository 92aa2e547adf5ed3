/** Connection commands that make sense without a socket: PING and ECHO. */
import type { Ctx } from '../command/context.ts';
import * as E from '../command/errors.ts';
import { type Argv, type CommandDef, command } from '../command/table.ts';
import { PONG, type Reply } from '../reply.ts';

function ping(_ctx: Ctx, argv: Argv): Reply {
  if (argv.length > 2) throw E.arity('ping');
  return argv.length === 2 ? (argv[1] as string) : PONG;
}

function echo(_ctx: Ctx, argv: Argv): Reply {
  return argv[1] as string;
}

export const connectionCommands: CommandDef[] = [
  command('ping', -1, 'fast', [], ping),
  command('echo', 2, 'loading stale fast', [], echo),
];
