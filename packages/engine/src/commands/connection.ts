/** Connection commands that make sense without a socket: PING, ECHO and CLIENT SETINFO. */
import type { Ctx } from '../command/context.ts';
import * as E from '../command/errors.ts';
import { type Argv, type CommandDef, command, container } from '../command/table.ts';
import { OK, PONG, type Reply } from '../reply.ts';

function ping(_ctx: Ctx, argv: Argv): Reply {
  if (argv.length > 2) throw E.arity('ping');
  return argv.length === 2 ? (argv[1] as string) : PONG;
}

function echo(_ctx: Ctx, argv: Argv): Reply {
  return argv[1] as string;
}

/**
 * CLIENT SETINFO LIB-NAME|LIB-VER value. A REST request has no connection to label (and there is no CLIENT
 * LIST to show it), so the value is only checked the way Redis checks it: printable ASCII, no spaces.
 */
function clientSetinfo(_ctx: Ctx, argv: Argv): Reply {
  const attr = argv[2] as string;
  const lower = attr.toLowerCase();
  if (lower !== 'lib-name' && lower !== 'lib-ver') throw E.clientSetinfoUnknown(attr);
  if (!/^[!-~]*$/.test(argv[3] as string)) throw E.clientSetinfoBadValue(attr);
  return OK;
}

export const connectionCommands: CommandDef[] = [
  command('ping', -1, 'fast', [], ping),
  command('echo', 2, 'loading stale fast', [], echo),
  container('client', '', [command('client|setinfo', 4, 'noscript loading stale', [], clientSetinfo)]),
];
