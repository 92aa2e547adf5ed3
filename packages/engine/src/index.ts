export * from './bytes.ts';
export type { Client, Ctx, EngineStats } from './command/context.ts';
export { type Admission, admit, permitted, type Resolved, resolve } from './command/dispatcher.ts';
export * as errors from './command/errors.ts';
export {
  type Argv,
  type CommandDef,
  type CommandFlag,
  CommandTable,
  type Handler,
  type KeySpec,
  keyPositions,
} from './command/table.ts';
export { type ConfigParam, ConfigRegistry } from './commands/config.ts';
export { parseMemory } from './commands/config-params.ts';
export { REDIS_VERSION } from './commands/server.ts';
export {
  type Clock,
  Engine,
  type EngineOptions,
  type PersistenceControl,
  type PropagateListener,
} from './engine.ts';
export { ENTRY_OVERHEAD, type Entry, entryBytes } from './keyspace/keyspace.ts';
export { EMITTERS, REWRITE_BATCH, rewriteEntry, rewriteFunctions } from './keyspace/rewrite.ts';
export { type MonitorListener, Monitors, monitorLine } from './monitor.ts';
export { formatNotifyFlags, NOTIFY, NOTIFY_ALL, parseNotifyFlags } from './pubsub/notify.ts';
export * from './reply.ts';
export type { ScriptRun } from './scripting/lua-vm.ts';
export { type LuaModule, loadLua } from './scripting/lua-wasm.ts';
export { Scripting } from './scripting/scripting.ts';
export { sha1hex } from './scripting/sha1.ts';
