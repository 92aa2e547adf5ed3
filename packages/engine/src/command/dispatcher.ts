/**
 * The one path every command takes, with the checks in Redis's order (`processCommand`):
 *   lookup → arity → token policy → MULTI queueing → script rules → admission (quota) → handler → propagate.
 * Handlers hold only semantics; anything expressible as metadata is checked here from the table.
 */
import { type ErrorReply, QUEUED, type Reply } from '../reply.ts';
import type { Client } from './context.ts';
import * as E from './errors.ts';
import type { Argv, CommandDef, CommandTable } from './table.ts';

/** Connection commands a read-only token may run although Valkey flags them neither read nor write. */
const READONLY_SAFE = new Set(['ping', 'echo', 'time', 'multi', 'exec', 'discard', 'info', 'command', 'hello']);

/** MULTI-control commands run immediately even inside a transaction. */
const TX_CONTROL = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);

export interface Resolved {
  def: CommandDef;
  /** Name for messages: `get`, `config|get`. */
  name: string;
}

/** Finds the command (or subcommand) for argv, or returns the error reply Redis gives. */
export function resolve(table: CommandTable, argv: Argv): Resolved | ErrorReply {
  const head = argv[0];
  if (head === undefined) return E.unknownCommand('', []);
  const def = table.get(head);
  if (def === undefined) return E.unknownCommand(head, argv.slice(1));
  if (def.subcommands === undefined) {
    if ((def.arity > 0 && argv.length !== def.arity) || argv.length < -def.arity) return E.arity(def.name);
    return { def, name: def.name };
  }
  const subName = argv[1];
  if (subName === undefined) return def.arity === -1 ? { def, name: def.name } : E.arity(def.name);
  const sub = def.subcommands.get(subName.toLowerCase());
  if (sub === undefined) return E.unknownSubcommand(subName, def.name);
  if ((sub.arity > 0 && argv.length !== sub.arity) || argv.length < -sub.arity) return E.arity(sub.name);
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
 * The platform's quota hook: return an error to refuse the command (e.g. a write over the size limit
 * when the command is `denyoom`), or undefined to admit it.
 */
export type Admission = (client: Client, def: CommandDef, argv: Argv) => ErrorReply | undefined;
