/**
 * DUMP and RESTORE: a key's value as a self-checking payload (rdb/value.ts) and back. RESTORE follows
 * Redis's restoreCommand: options first, then the existing-key check, the TTL, the frame, the body.
 */
import { int, is } from '../command/args.ts';
import type { Ctx } from '../command/context.ts';
import * as E from '../command/errors.ts';
import { type Argv, type CommandDef, command, key } from '../command/table.ts';
import { NOTIFY } from '../pubsub/notify.ts';
import { dumpValue, restoreValue } from '../rdb/value.ts';
import { OK, type Reply } from '../reply.ts';

function dump(ctx: Ctx, argv: Argv): Reply {
  const entry = ctx.db.lookup(argv[1] as string);
  return entry === undefined ? null : dumpValue(entry.type, entry.value);
}

/**
 * RESTORE key ttl payload [REPLACE] [ABSTTL] [IDLETIME s] [FREQ f]. IDLETIME and FREQ are validated and
 * otherwise ignored: no access time or frequency is tracked. A TTL already past leaves no key (answering OK
 * as Redis does); a relative TTL is logged as ABSTTL with the absolute time, so replaying it is exact.
 */
function restore(ctx: Ctx, argv: Argv): Reply {
  const name = argv[1] as string;
  let replace = false;
  let absttl = false;
  let idle = false;
  let freq = false;
  for (let i = 4; i < argv.length; i++) {
    const a = argv[i];
    const hasValue = i + 1 < argv.length;
    if (is(a, 'replace')) replace = true;
    else if (is(a, 'absttl')) absttl = true;
    else if (is(a, 'idletime') && hasValue && !freq) {
      if (int(argv[++i]) < 0) throw E.RESTORE_BAD_IDLETIME;
      idle = true;
    } else if (is(a, 'freq') && hasValue && !idle) {
      const f = int(argv[++i]);
      if (f < 0 || f > 255) throw E.RESTORE_BAD_FREQ;
      freq = true;
    } else throw E.SYNTAX;
  }
  if (!replace && ctx.db.has(name)) throw E.BUSYKEY;
  let ttl = int(argv[2]);
  if (ttl < 0) throw E.RESTORE_BAD_TTL;
  const decoded = restoreValue(argv[3] as string);
  if (decoded === 'frame') throw E.RESTORE_BAD_PAYLOAD;
  if (decoded === 'data') throw E.BAD_DATA_FORMAT;

  const deleted = replace && ctx.db.delete(name);
  if (ttl !== 0 && !absttl) ttl += ctx.now;
  if (ttl !== 0 && ttl <= ctx.now) {
    if (deleted) {
      ctx.propagate(['DEL', name]);
      ctx.notify(NOTIFY.GENERIC, 'del', name);
    } else ctx.unchanged();
    return OK;
  }
  ctx.db.put(name, decoded.type, decoded.value, ttl);
  ctx.notify(NOTIFY.GENERIC, 'restore', name);
  if (ttl !== 0 && !absttl) {
    const logged = argv.slice();
    logged[2] = String(ttl);
    logged.push('ABSTTL');
    ctx.propagate(logged);
  }
  return OK;
}

export const dumpCommands: CommandDef[] = [
  command('dump', 2, 'readonly', [key(1)], dump),
  command('restore', -4, 'write denyoom', [key(1)], restore),
];
