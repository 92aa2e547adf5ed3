/**
 * What a handler sees: the database, the frozen time, randomness, the calling client and the engine's
 * services. One Ctx exists per engine and is re-pointed at each call, so dispatch allocates nothing.
 */
import type { Keyspace } from '../keyspace/keyspace.ts';
import type { Scripting } from '../scripting/scripting.ts';
import type { Argv, CommandTable } from './table.ts';

export interface Client {
  readonly id: number;
  /** `ip:port` as MONITOR shows it. */
  readonly addr: string;
  /** A read-only token's client: only commands flagged `readonly` (and a few harmless ones) run. */
  readonly readonly: boolean;
  name: string;
  /** Commands queued by MULTI, or null outside a transaction. */
  multi: Argv[] | null;
  /** A queued command failed to queue (unknown, arity, permission): EXEC will answer EXECABORT. */
  multiFailed: boolean;
  /** Keys under WATCH, or null. */
  watching: Set<string> | null;
  /** A watched key was written since WATCH: EXEC will answer a nil array. */
  watchDirty: boolean;
}

export interface EngineStats {
  commands: number;
  writes: number;
  startedAt: number;
  /** Error replies by error code (`ERR`, `WRONGTYPE`…), for INFO errorstats. */
  errors: Map<string, number>;
  /** Keys the platform evicted to stay under its size limit (INFO `evicted_keys`). */
  evictedKeys: number;
  /** Recent (time, commands) samples for INFO's instantaneous_ops_per_sec. */
  ops: import('../commands/info.ts').OpsSamples;
}

export interface Ctx {
  db: Keyspace;
  client: Client;
  /** Time of the current command in ms, frozen for its duration (and for a whole MULTI block). */
  now: number;
  random: () => number;
  table: CommandTable;
  stats: EngineStats;
  /** Extra INFO sections a host provides (memory figures it can measure, server details). */
  info: (section: string) => Record<string, string | number> | undefined;
  /**
   * Records the effect of the running write for the append-only log in place of its argv (EXPIRE becomes
   * PEXPIREAT, SPOP becomes SREM). Called zero times, the command is logged as sent.
   */
  propagate(argv: Argv): void;
  /**
   * Says a write command changed nothing this time (SORT without STORE, a no-op): it is not logged, does
   * not move the sync token and dirties no WATCH, as Redis does when `server.dirty` did not move.
   */
  unchanged(): void;
  /**
   * Reports a keyspace event (`NOTIFY.HASH`, 'hset', key) after the change it names, as Redis's
   * notifyKeyspaceEvent: published to `__keyspace@0__:<key>` and `__keyevent@0__:<event>` when
   * `notify-keyspace-events` selects the class. Costs one test while notifications are off.
   */
  notify(type: number, event: string, key: string): void;
  /** Adds `key` to the client's WATCH set (optimistic locking for EXEC). */
  watch(key: string): void;
  /** Forgets every key the client watches (EXEC, DISCARD, UNWATCH, disconnect). */
  unwatch(): void;
  /** Runs a command as if sent by the same client (EXEC); returns its reply. */
  call(argv: Argv): import('../reply.ts').Reply;
  /** EVAL's and FUNCTION's state; null when the host gave the engine no Lua VM. */
  scripting: Scripting | null;
  /** The host's persistence (SAVE, BGSAVE, …); null when running in memory only. */
  persistence: import('../engine.ts').PersistenceControl | null;
  /** Channel and pattern subscriptions; PUBLISH delivers to them synchronously. */
  pubsub: import('../pubsub/registry.ts').PubSub;
  /** The parameters CONFIG GET and SET reach, registered by the host (and the engine's own). */
  config: import('../commands/config.ts').ConfigRegistry;
  /** Parsed values of the CONFIG parameters engine code reads (`maxmemory`, `maxmemory-policy`). */
  tunables: import('../commands/config-params.ts').Tunables;
}
