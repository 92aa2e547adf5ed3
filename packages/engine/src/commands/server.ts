/** Server commands: TIME, DBSIZE, FLUSHDB, FLUSHALL, INFO and COMMAND (answered from the command table). */
import { is } from '../command/args.ts';
import type { Ctx } from '../command/context.ts';
import { resolve } from '../command/dispatcher.ts';
import * as E from '../command/errors.ts';
import { type Argv, type CommandDef, command, container, keyPositions } from '../command/table.ts';
import { ErrorReply, OK, type Reply, SimpleString } from '../reply.ts';

/** The Redis version we answer as (INFO, HELLO, Lua's REDIS_VERSION): the semantics we implement. */
export const REDIS_VERSION = '7.4.0';

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

const SECTIONS = ['server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'keyspace'];

function info(ctx: Ctx, argv: Argv): Reply {
  let wanted = argv.slice(1).map((s) => s.toLowerCase());
  if (wanted.length === 0 || wanted.includes('default') || wanted.includes('all') || wanted.includes('everything'))
    wanted = SECTIONS;
  const out: string[] = [];
  for (const section of wanted) {
    const fields = { ...builtinSection(ctx, section), ...ctx.info(section) };
    if (Object.keys(fields).length === 0 && section !== 'keyspace') continue;
    if (out.length > 0) out.push('');
    out.push(`# ${section[0]?.toUpperCase()}${section.slice(1)}`);
    for (const [k, v] of Object.entries(fields)) out.push(`${k}:${v}`);
  }
  return out.length === 0 ? '' : `${out.join('\r\n')}\r\n`;
}

function builtinSection(ctx: Ctx, section: string): Record<string, string | number> {
  switch (section) {
    case 'server':
      return {
        redis_version: REDIS_VERSION,
        redis_mode: 'standalone',
        uptime_in_seconds: Math.floor((ctx.now - ctx.stats.startedAt) / 1000),
      };
    case 'stats':
      return {
        total_commands_processed: ctx.stats.commands,
        expired_keys: ctx.db.expiredCount,
      };
    case 'replication':
      return { role: 'master', connected_slaves: 0 };
    case 'memory': {
      // The keyspace's own estimate of its data (keys, values, per-entry overhead); the host adds process figures.
      const dataset = { used_memory_dataset: ctx.db.usedBytes };
      if (ctx.scripting === null) return dataset;
      const lua = ctx.scripting.usedMemory();
      return {
        ...dataset,
        used_memory_lua: lua.scripts,
        used_memory_vm_functions: lua.functions,
        number_of_cached_scripts: ctx.scripting.scriptCount,
        number_of_functions: ctx.scripting.functions.size,
        number_of_libraries: ctx.scripting.libraries.size,
      };
    }
    case 'keyspace':
      return ctx.db.size === 0 ? {} : { db0: `keys=${ctx.db.size},expires=${ctx.db.volatileCount},avg_ttl=0` };
    default:
      return {};
  }
}

/** Legacy (first, last, step) triple from the first key spec, as COMMAND INFO reports it. */
function legacyKeys(def: CommandDef): [number, number, number] {
  const spec = def.keys[0];
  if (spec === undefined || spec.keyword !== undefined || 'keynum' in spec) return [0, 0, 0];
  const last = spec.last >= 0 ? spec.pos + spec.last : spec.last;
  return [spec.pos, last, spec.step];
}

function describe(def: CommandDef): Reply {
  const [first, last, step] = legacyKeys(def);
  const subs = def.subcommands ? [...def.subcommands.values()].map(describe) : [];
  return [def.name, def.arity, def.flags.map((f) => new SimpleString(f)), first, last, step, [], [], [], subs];
}

function commandInfo(ctx: Ctx, argv: Argv): Reply {
  const names = argv.length > 2 ? argv.slice(2) : [...ctx.table.all()].map((d) => d.name);
  return names.map((n) => {
    const def = ctx.table.get(n);
    return def === undefined ? null : describe(def);
  });
}

function commandGetkeys(ctx: Ctx, argv: Argv): Reply {
  const target = argv.slice(2);
  const r = resolve(ctx.table, target);
  if (r instanceof ErrorReply) throw new ErrorReply('ERR Invalid command specified');
  const positions = keyPositions(r.def, target);
  if (positions.length === 0) throw new ErrorReply('ERR The command has no key arguments');
  return positions.map((i) => target[i] as string);
}

export const serverCommands: CommandDef[] = [
  command('time', 1, 'loading stale fast', [], time),
  command('dbsize', 1, 'readonly fast', [], dbsize),
  command('flushdb', -1, 'write', [], flush),
  command('flushall', -1, 'write', [], flush),
  command('info', -1, 'loading stale', [], info),
  container(
    'command',
    'loading stale',
    [
      command('command|count', 2, 'loading stale', [], (ctx) => ctx.table.size),
      command('command|list', -2, 'loading stale', [], (ctx) => [...ctx.table.all()].map((d) => d.name)),
      command('command|info', -2, 'loading stale', [], commandInfo),
      command('command|getkeys', -3, 'loading stale', [], commandGetkeys),
    ],
    { arity: -1, handler: (ctx) => [...ctx.table.all()].map(describe) },
  ),
];
