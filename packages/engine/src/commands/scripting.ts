/**
 * EVAL, EVALSHA, their *_RO forms and SCRIPT; FCALL, FCALL_RO and FUNCTION. The Lua side lives in
 * scripting/; these handlers parse arguments in Redis's order, apply the flag rules and start the run.
 * The commands write nothing themselves: a script's writes reach the log as the commands it executed.
 */
import * as args from '../command/args.ts';
import type { Ctx } from '../command/context.ts';
import * as E from '../command/errors.ts';
import { type Argv, type CommandDef, command, container, keynum } from '../command/table.ts';
import { globMatch } from '../keyspace/glob.ts';
import { ErrorReply, MapReply, OK, type Reply, SimpleString } from '../reply.ts';
import { dumpFunctions, restoreFunctions } from '../scripting/function-dump.ts';
import type { ScriptRun } from '../scripting/lua-vm.ts';
import type { Scripting } from '../scripting/scripting.ts';

function scripting(ctx: Ctx): Scripting {
  if (ctx.scripting === null) throw E.SCRIPTING_UNAVAILABLE;
  return ctx.scripting;
}

/** numkeys at argv[2], checked as evalGenericCommand does; returns [keys, args]. */
function splitKeys(argv: Argv, notInteger: ErrorReply): [Argv, Argv] {
  const n = args.int(argv[2], notInteger);
  if (n > argv.length - 3) throw E.NUMKEYS_TOO_LARGE;
  if (n < 0) throw E.NUMKEYS_NEGATIVE;
  return [argv.slice(3, 3 + n), argv.slice(3 + n)];
}

function newRun(s: Scripting, name: string, readOnly: boolean): ScriptRun {
  return { name, readOnly, resp: 2, repl: 3, deadline: s.host.elapsed() + s.limits.timeLimitMs };
}

function evalGeneric(ctx: Ctx, argv: Argv, bySha: boolean, ro: boolean): Reply {
  const s = scripting(ctx);
  const body = argv[1] as string;
  // A SHA of the wrong length cannot match: Redis answers NOSCRIPT before looking at numkeys.
  if (bySha && body.length !== 40) throw E.NOSCRIPT;
  const [keys, rest] = splitKeys(argv, E.NOT_INTEGER);
  const script = bySha ? s.scriptBySha(body) : s.scriptFor(body, false);
  if (script === undefined) throw E.NOSCRIPT;
  if (script instanceof ErrorReply) throw script;
  const noWrites = script.flags?.has('no-writes') ?? false;
  if (ro && script.flags !== null && !noWrites) throw E.SCRIPT_WRITE_FLAG_IN_RO;
  return s.runScript(script, keys, rest, newRun(s, script.sha, ro || noWrites));
}

const evalCmd = (ctx: Ctx, argv: Argv) => evalGeneric(ctx, argv, false, false);
const evalRo = (ctx: Ctx, argv: Argv) => evalGeneric(ctx, argv, false, true);
const evalSha = (ctx: Ctx, argv: Argv) => evalGeneric(ctx, argv, true, false);
const evalShaRo = (ctx: Ctx, argv: Argv) => evalGeneric(ctx, argv, true, true);

function scriptLoad(ctx: Ctx, argv: Argv): Reply {
  const script = scripting(ctx).scriptFor(argv[2] as string, true);
  if (script instanceof ErrorReply) throw script;
  return script.sha;
}

function scriptExists(ctx: Ctx, argv: Argv): Reply {
  const s = scripting(ctx);
  const out: Reply[] = [];
  for (let i = 2; i < argv.length; i++) out.push(s.hasScript(argv[i] as string) ? 1 : 0);
  return out;
}

function flushMode(argv: Argv, err: ErrorReply): void {
  if (argv.length > 3) throw err;
  const mode = argv[2];
  if (mode !== undefined && !args.is(mode, 'sync') && !args.is(mode, 'async')) throw err;
}

function scriptFlush(ctx: Ctx, argv: Argv): Reply {
  flushMode(argv, E.SCRIPT_FLUSH_OPTION);
  scripting(ctx).flushScripts();
  return OK;
}

/** A script runs to completion before the next command is read, so there is never one to kill. */
function notBusy(): Reply {
  throw E.NOTBUSY;
}

function fcallGeneric(ctx: Ctx, argv: Argv, ro: boolean): Reply {
  const s = scripting(ctx);
  const fn = s.functions.get(argv[1] as string);
  if (fn === undefined) throw E.FUNCTION_NOT_FOUND;
  const [keys, rest] = splitKeys(argv, E.BAD_NUMKEYS);
  const noWrites = fn.flags.includes('no-writes');
  if (ro && !noWrites) throw E.SCRIPT_WRITE_FLAG_IN_RO;
  return s.runFunction(fn, keys, rest, newRun(s, fn.name, ro || noWrites));
}

function functionLoad(ctx: Ctx, argv: Argv): Reply {
  let replace = false;
  let i = 2;
  for (; i < argv.length - 1; i++) {
    if (args.is(argv[i], 'replace')) replace = true;
    else throw E.unknownOptionGiven(argv[i] as string);
  }
  const code = argv[i];
  if (code === undefined || i !== argv.length - 1) throw E.arity('function|load');
  const name = scripting(ctx).loadLibrary(code, replace);
  if (name instanceof ErrorReply) throw name;
  return name;
}

function functionDelete(ctx: Ctx, argv: Argv): Reply {
  if (!scripting(ctx).deleteLibrary(argv[2] as string)) throw E.LIBRARY_NOT_FOUND;
  return OK;
}

function functionFlush(ctx: Ctx, argv: Argv): Reply {
  if (argv.length > 3) throw subcommandSyntax(argv);
  flushMode(argv, E.FUNCTION_FLUSH_OPTION);
  scripting(ctx).flushFunctions();
  return OK;
}

function functionList(ctx: Ctx, argv: Argv): Reply {
  let pattern: string | null = null;
  let withCode = false;
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i] as string;
    // Each option counts once: a repeated one is an unknown argument, as in Redis.
    if (!withCode && args.is(a, 'withcode')) withCode = true;
    else if (pattern === null && args.is(a, 'libraryname')) {
      const p = argv[++i];
      if (p === undefined) throw E.LIBRARY_NAME_MISSING;
      pattern = p;
    } else throw E.unknownArgument(a);
  }
  const out: Reply[] = [];
  for (const lib of scripting(ctx).libraries.values()) {
    if (pattern !== null && !globMatch(pattern, lib.name, true)) continue;
    const fns: Reply[] = [];
    // Redis lists the flags as status replies.
    for (const f of lib.functions.values())
      fns.push(
        new MapReply([
          'name',
          f.name,
          'description',
          f.description,
          'flags',
          f.flags.map((flag) => new SimpleString(flag)),
        ]),
      );
    const items: Reply[] = ['library_name', lib.name, 'engine', 'LUA', 'functions', fns];
    if (withCode) items.push('library_code', lib.code);
    out.push(new MapReply(items));
  }
  return out;
}

function functionStats(ctx: Ctx): Reply {
  const s = scripting(ctx);
  return new MapReply([
    'running_script',
    null,
    'engines',
    new MapReply(['LUA', new MapReply(['libraries_count', s.libraries.size, 'functions_count', s.functions.size])]),
  ]);
}

function functionDump(ctx: Ctx): Reply {
  return dumpFunctions(scripting(ctx).libraries.values());
}

function subcommandSyntax(argv: Argv): ErrorReply {
  return E.subcommandSyntax(argv[1] as string, argv[0] as string);
}

function functionRestore(ctx: Ctx, argv: Argv): Reply {
  if (argv.length > 4) throw subcommandSyntax(argv);
  const policy = (argv[3] ?? 'append').toLowerCase();
  if (policy !== 'append' && policy !== 'replace' && policy !== 'flush') throw E.RESTORE_BAD_POLICY;
  const codes = restoreFunctions(argv[2] as string);
  if (codes === null) throw E.RESTORE_BAD_PAYLOAD;
  const err = scripting(ctx).restoreLibraries(codes, policy);
  if (err !== null) throw err;
  return OK;
}

export const scriptingCommands: CommandDef[] = [
  command('eval', -3, 'noscript skip_monitor may_replicate no_mandatory_keys stale', [keynum(2)], evalCmd),
  command('eval_ro', -3, 'noscript skip_monitor no_mandatory_keys stale readonly', [keynum(2)], evalRo),
  command('evalsha', -3, 'noscript skip_monitor may_replicate no_mandatory_keys stale', [keynum(2)], evalSha),
  command('evalsha_ro', -3, 'noscript skip_monitor no_mandatory_keys stale readonly', [keynum(2)], evalShaRo),
  command('fcall', -3, 'noscript skip_monitor may_replicate no_mandatory_keys stale', [keynum(2)], (c, a) =>
    fcallGeneric(c, a, false),
  ),
  command('fcall_ro', -3, 'noscript skip_monitor no_mandatory_keys stale readonly', [keynum(2)], (c, a) =>
    fcallGeneric(c, a, true),
  ),
  container('script', '', [
    command('script|load', 3, 'noscript stale', [], scriptLoad),
    command('script|exists', -3, 'noscript', [], scriptExists),
    command('script|flush', -2, 'noscript', [], scriptFlush),
    command('script|kill', 2, 'noscript allow_busy', [], notBusy),
  ]),
  container('function', '', [
    command('function|load', -3, 'write denyoom noscript', [], functionLoad),
    command('function|delete', 3, 'write noscript', [], functionDelete),
    command('function|flush', -2, 'write noscript', [], functionFlush),
    command('function|list', -2, 'noscript', [], functionList),
    command('function|stats', 2, 'noscript allow_busy', [], functionStats),
    command('function|dump', 2, 'noscript', [], functionDump),
    command('function|restore', -3, 'write denyoom noscript', [], functionRestore),
    command('function|kill', 2, 'noscript allow_busy', [], notBusy),
  ]),
];
