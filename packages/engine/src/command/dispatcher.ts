/**
 * The one path every command takes, with the checks in Redis's order (`processCommand`):
 *   lookup → arity → token policy → MULTI queueing → script rules → admission (quota) → handler → propagate.
 * Commands a script runs take the same path with the script rules (`admitFromScript`) in place of MULTI.
 * Handlers hold only semantics; anything expressible as metadata is checked here from the table.
 */
import { type ErrorReply, QUEUED, type Reply } from '../reply.ts';
import type { Client } from './context.ts';
import * as E from './errors.ts';
import type { Argv, CommandDef, CommandTable } from './table.ts';

/**
 * Commands a read-only token may run although Valkey flags them neither read nor write: connection
 * commands, and PUBSUB's introspection (a read-only token may subscribe, so it may see the channels).
 */
const READONLY_SAFE = new Set([
  'ping',
  'echo',
  'time',
  'multi',
  'exec',
  'discard',
  'info',
  'command',
  'hello',
  'pubsub',
]);

/** MULTI-control commands run immediately even inside a transaction. */
const TX_CONTROL = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);

export interface Resolved {
  def: CommandDef;
  /** Name for messages: `get`, `config|get`. */
  name: string;
}

/** The errors lookup and arity checks answer with: a client's own words, or a script's (below). */
export interface LookupErrors {
  unknownCommand(name: string, args: Argv): ErrorReply;
  unknownSubcommand(sub: string, container: string): ErrorReply;
  arity(name: string): ErrorReply;
}

const CLIENT_ERRORS: LookupErrors = {
  unknownCommand: E.unknownCommand,
  unknownSubcommand: E.unknownSubcommand,
  arity: E.arity,
};

/** From `redis.call`, Redis words lookup and arity failures differently (scriptCall). */
export const SCRIPT_ERRORS: LookupErrors = {
  unknownCommand: () => E.SCRIPT_UNKNOWN_COMMAND,
  unknownSubcommand: () => E.SCRIPT_UNKNOWN_COMMAND,
  arity: () => E.SCRIPT_WRONG_ARGS,
};

/** Finds the command (or subcommand) for argv, or returns the error reply Redis gives. */
export function resolve(table: CommandTable, argv: Argv, errors: LookupErrors = CLIENT_ERRORS): Resolved | ErrorReply {
  const head = argv[0];
  if (head === undefined) return errors.unknownCommand('', []);
  const def = table.get(head);
  if (def === undefined) return errors.unknownCommand(head, argv.slice(1));
  if (def.subcommands === undefined) {
    if ((def.arity > 0 && argv.length !== def.arity) || argv.length < -def.arity) return errors.arity(def.name);
    return { def, name: def.name };
  }
  const subName = argv[1];
  if (subName === undefined) return def.arity === -1 ? { def, name: def.name } : errors.arity(def.name);
  const sub = def.subcommands.get(subName.toLowerCase());
  if (sub === undefined) return errors.unknownSubcommand(subName, def.name);
  if ((sub.arity > 0 && argv.length !== sub.arity) || argv.length < -sub.arity) return errors.arity(sub.name);
  return { def: sub, name: sub.name };
}

/** The token policy: may this client run this command at all? */
export function permitted(client: Client, r: Resolved): boolean {
  if (!client.readonly) return true;
  if (r.def.isReadonly && !r.def.isWrite) return true;
  const top = r.name.includes('|') ? r.name.slice(0, r.name.indexOf('|')) : r.name;
  return READONLY_SAFE.has(top);
}

/**
 * Before the handler, the checks that can refuse a resolved command. Returns the refusal (the caller dooms
 * an open transaction), QUEUED when the command was queued by MULTI, or undefined to go on and run it.
 */
export function admit(client: Client, r: Resolved, argv: Argv, admission?: Admission): Reply | undefined {
  if (!permitted(client, r)) return E.noPermission(r.name);
  if (client.multi !== null && !TX_CONTROL.has(r.name)) {
    if (r.def.noMulti) return E.NOT_IN_MULTI;
    client.multi.push(argv);
    return QUEUED;
  }
  if (admission !== undefined) {
    const refusal = admission(client, r.def, argv);
    if (refusal !== undefined) return refusal;
  }
  return undefined;
}

/**
 * The checks for a command a script runs (`redis.call`), after lookup: commands scripts may not run, the
 * token policy, and writes from a read-only script (*_RO or `no-writes`), in Redis's order.
 */
export function admitFromScript(
  client: Client,
  r: Resolved,
  argv: Argv,
  readOnly: boolean,
  admission?: Admission,
): ErrorReply | undefined {
  if (r.def.noScript) return E.SCRIPT_NOT_ALLOWED;
  if (!permitted(client, r)) return E.noPermission(r.name);
  if (readOnly && r.def.isWrite) return E.SCRIPT_WRITE_IN_READONLY;
  return admission?.(client, r.def, argv);
}

/**
 * The platform's quota hook: return an error to refuse the command (e.g. a write over the size limit
 * when the command is `denyoom`), or undefined to admit it.
 */
export type Admission = (client: Client, def: CommandDef, argv: Argv) => ErrorReply | undefined;
