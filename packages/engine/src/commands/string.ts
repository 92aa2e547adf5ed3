/** String commands. */
import { int, is } from '../command/args.ts';
import type { Ctx } from '../command/context.ts';
import * as E from '../command/errors.ts';
import { type Argv, type CommandDef, command, key } from '../command/table.ts';
import { OK, type Reply } from '../reply.ts';

function get(ctx: Ctx, argv: Argv): Reply {
  return ctx.db.get(argv[1] as string, 'string') ?? null;
}

/** SET key value [NX | XX] [GET] [EX s | PX ms | EXAT s | PXAT ms | KEEPTTL] */
function set(ctx: Ctx, argv: Argv): Reply {
  const k = argv[1] as string;
  let nx = false;
  let xx = false;
  let withGet = false;
  let keepTtl = false;
  let expireAt = 0;
  let unit = '';
  for (let i = 3; i < argv.length; i++) {
    const a = argv[i] as string;
    if (is(a, 'nx') && !xx) nx = true;
    else if (is(a, 'xx') && !nx) xx = true;
    else if (is(a, 'get')) withGet = true;
    else if (is(a, 'keepttl') && unit === '') keepTtl = true;
    else if ((is(a, 'ex') || is(a, 'px') || is(a, 'exat') || is(a, 'pxat')) && unit === '' && !keepTtl) {
      unit = a.toLowerCase();
      const next = argv[++i];
      if (next === undefined) throw E.SYNTAX;
      const n = int(next);
      if (n <= 0) throw E.INVALID_EXPIRE('set');
      expireAt = unit === 'ex' ? ctx.now + n * 1000 : unit === 'px' ? ctx.now + n : unit === 'exat' ? n * 1000 : n;
      if (!Number.isSafeInteger(expireAt)) throw E.INVALID_EXPIRE('set');
    } else throw E.SYNTAX;
  }
  const old = ctx.db.lookup(k);
  if (withGet && old !== undefined && old.type !== 'string') throw E.WRONGTYPE;
  const previous = withGet ? ((old?.value as string | undefined) ?? null) : undefined;
  if ((nx && old !== undefined) || (xx && old === undefined)) return withGet ? (previous ?? null) : null;
  ctx.db.set(k, 'string', argv[2] as string, keepTtl);
  if (unit !== '') ctx.db.setExpire(k, expireAt);
  return withGet ? (previous ?? null) : OK;
}

export const stringCommands: CommandDef[] = [
  command('get', 2, 'readonly fast', [key(1)], get),
  command('set', -3, 'write denyoom', [key(1)], set),
];
