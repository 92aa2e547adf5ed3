/**
 * The engine: one keyspace, the command table and the dispatcher, driven by an injected clock and random
 * source. It is synchronous end to end — `exec` runs a command to completion and returns its reply — so
 * the host's event loop gives Redis's one-command-at-a-time atomicity for free.
 */

import type { Client, Ctx, EngineStats } from './command/context.ts';
import {
  type Admission,
  admit,
  admitFromScript,
  permitted,
  type Resolved,
  resolve,
  SCRIPT_ERRORS,
} from './command/dispatcher.ts';
import * as E from './command/errors.ts';
import { type Argv, type CommandDef, CommandTable, type KeySpec, keyPositions } from './command/table.ts';
import { type ConfigParam, ConfigRegistry } from './commands/config.ts';
import { defaultTunables, registerTunables, type Tunables } from './commands/config-params.ts';
import { allCommands } from './commands/index.ts';
import { recordOpsSample } from './commands/info.ts';
import { REDIS_VERSION } from './commands/server.ts';
import { Keyspace } from './keyspace/keyspace.ts';
import { Monitors, UNKNOWN_ADDR } from './monitor.ts';
import { formatNotifyFlags, NOTIFY, parseNotifyFlags } from './pubsub/notify.ts';
import { PubSub } from './pubsub/registry.ts';
import { ErrorReply, type Reply } from './reply.ts';
import type { ScriptRun } from './scripting/lua-vm.ts';
import type { LuaModule } from './scripting/lua-wasm.ts';
import { Scripting } from './scripting/scripting.ts';

export interface Clock {
  /** Unix time in milliseconds (may be fractional). */
  now(): number;
}

export interface EngineOptions {
  clock: Clock;
  /** Uniform in [0, 1). Defaults to Math.random; tests inject a seeded one. */
  random?: () => number;
  /** Quota hook run before every handler (the platform's DENYOOM / request limits). */
  admission?: Admission;
  /** Host-provided INFO sections (process memory, server details). */
  info?: (section: string) => Record<string, string | number> | undefined;
  /** The Lua VM (`await loadLua()`); without it EVAL and FUNCTION answer an error. */
  lua?: LuaModule;
  /** Scripts running longer are stopped (default 5000 ms, Redis's busy threshold). */
  scriptTimeLimitMs?: number | undefined;
  /** Memory each Lua state may hold (default 256 MiB). */
  scriptMemoryLimit?: number;
  /** Monotonic wall time in ms for script time limits; defaults to `performance.now`. */
  elapsed?: () => number;
  /** Where `redis.log` goes (level 0–3: debug, verbose, notice, warning). */
  log?: (level: number, message: string) => void;
}

/**
 * Receives the effects of each top-level command that wrote, as one atomic batch (a MULTI block or a
 * script is one batch): the append-only log's input.
 */
export type PropagateListener = (batch: Argv[]) => void;

/** What SAVE, BGSAVE, BGREWRITEAOF and LASTSAVE ask of the host's persistence. */
export interface PersistenceControl {
  /** Writes a snapshot now, blocking (SAVE). */
  save(): ErrorReply | undefined;
  /**
   * Starts a background snapshot; the status text to reply, or why not. With `schedule`, one already
   * running is not an error: another is taken when it ends.
   */
  bgsave(schedule?: boolean): string | ErrorReply;
  bgrewriteaof(): string | ErrorReply;
  /** Unix time in seconds of the last successful snapshot. */
  lastSave(): number;
}

let nextClientId = 1;

/** One command call in this many is timed for INFO commandstats (a power of two). */
const TIMING_SAMPLE = 16;

export class Engine {
  readonly table = new CommandTable();
  readonly db = new Keyspace();
  readonly stats: EngineStats = {
    commands: 0,
    writes: 0,
    startedAt: 0,
    errors: new Map(),
    evictedKeys: 0,
    ops: { times: [], counts: [] },
  };
  /** CONFIG GET/SET parameters; hosts add theirs with `registerConfig`. */
  readonly config = new ConfigRegistry();
  /** Parsed mirrors of the CONFIG parameters engine code reads (`maxmemory`, `maxmemory-policy`). */
  readonly tunables: Tunables = defaultTunables();
  /** Pub/sub subscriptions; hosts subscribe their streams here and PUBLISH delivers synchronously. */
  readonly pubsub = new PubSub();
  /** MONITOR listeners; each sees every command the engine runs, as Redis's MONITOR line. */
  readonly monitors = new Monitors();
  /** `notify-keyspace-events` as bits (pubsub/notify.ts); 0 = off, Redis's default. */
  notifyFlags = 0;
  /** Key-miss events are on: each command tells the keyspace whether it reads (see Keyspace.reportMisses). */
  private missEvents = false;
  /** Bumped once per top-level command that wrote: the `upstash-sync-token`. */
  writeSeq = 0;
  onPropagate: PropagateListener | undefined;
  /** Called when a handler throws something that is not a reply (a bug); the command answers ERR. */
  onInternalError: ((err: unknown, argv: Argv) => void) | undefined;
  /**
   * Called before a write command runs, with each key it will touch (null: it may touch any key, e.g.
   * FLUSHALL). A background snapshot uses it to save a key's old value first (copy-on-write per key).
   */
  beforeWrite: ((key: string | null) => void) | undefined;
  /**
   * The platform's hook run before every handler (metering, quotas); settable after construction so a
   * database's limits can be attached to an engine built elsewhere (tests, the default database).
   */
  quota: Admission | undefined;
  /** While set (the log cannot be written), every write command is refused with this error. */
  refuseWrites: ErrorReply | undefined;

  private readonly clock: Clock;
  private readonly admission: Admission;
  private readonly ctx: Ctx;
  private depth = 0;
  private batch: Argv[] = [];
  private overrides: Argv[] | null = null;
  /** WATCHed key → the clients watching it. */
  private readonly watchers = new Map<string, Set<Client>>();
  /** False while a script that called `redis.set_repl(REPL_NONE)` writes: its effects are not logged. */
  private propagating = true;
  readonly scripting: Scripting | null;

  constructor(options: EngineOptions) {
    this.clock = options.clock;
    for (const [group, defs] of allCommands) this.table.register(group, defs);
    const info = options.info ?? (() => undefined);
    this.ctx = {
      db: this.db,
      client: this.createClient(),
      now: 0,
      random: options.random ?? Math.random,
      table: this.table,
      stats: this.stats,
      info,
      propagate: (argv) => {
        if (this.overrides === null) this.overrides = [];
        this.overrides.push(argv);
      },
      unchanged: () => {
        // No effects recorded, and none will be: nothing is logged and no WATCH is dirtied.
        this.overrides = [];
      },
      notify: (type, event, key) => {
        if ((this.notifyFlags & type) !== 0) this.publishEvent(event, key);
      },
      call: (argv) => this.run(this.ctx.client, argv),
      watch: (key) => this.watch(this.ctx.client, key),
      unwatch: () => this.unwatch(this.ctx.client),
      scripting: null,
      persistence: null,
      pubsub: this.pubsub,
      config: this.config,
      tunables: this.tunables,
    };
    this.registerConfig({
      name: 'notify-keyspace-events',
      get: () => formatNotifyFlags(this.notifyFlags),
      set: (value) => {
        const flags = parseNotifyFlags(value);
        if (flags === undefined) return E.CONFIG_NOTIFY_CLASS;
        this.notifyFlags = flags;
        // Without K or E nothing is published, so the keyspace need not even report its events.
        const publishing = (flags & (NOTIFY.KEYSPACE | NOTIFY.KEYEVENT)) !== 0;
        this.db.eventMask = publishing ? flags & (NOTIFY.NEW | NOTIFY.EXPIRED | NOTIFY.HASH | NOTIFY.GENERIC) : 0;
        this.missEvents = publishing && (flags & NOTIFY.KEY_MISS) !== 0;
        return undefined;
      },
    });
    this.db.onEvent = (_type, event, key) => this.publishEvent(event, key);
    registerTunables(this.config, this.tunables);
    this.scripting = options.lua === undefined ? null : this.createScripting(options, options.lua);
    this.ctx.scripting = this.scripting;
    this.quota = options.admission;
    this.admission = (client, def, argv) =>
      def.isWrite && this.refuseWrites !== undefined ? this.refuseWrites : this.quota?.(client, def, argv);
    this.stats.startedAt = this.clock.now();
  }

  /** The host's persistence, for SAVE/BGSAVE/BGREWRITEAOF/LASTSAVE; unset when running in memory only. */
  get persistence(): PersistenceControl | null {
    return this.ctx.persistence;
  }

  set persistence(control: PersistenceControl | null) {
    this.ctx.persistence = control;
  }

  /**
   * Applies a logged write while loading: no token policy, quota or propagation, no client state (the
   * loader unwraps MULTI blocks itself), and no expiry. Returns the reply so the loader can report a failed
   * record.
   */
  replay(argv: Argv): Reply {
    if (this.depth === 0) this.freezeTime();
    // Nothing expires while loading (as in Redis): a logged key whose time has passed may still be written
    // to by later records, which must find it. Expired keys are purged after the load (activeExpire).
    this.db.now = 0;
    const r = resolve(this.table, argv);
    if (r instanceof ErrorReply) return r;
    const outer = this.propagating;
    this.propagating = false;
    this.depth++;
    try {
      return this.execute(r, argv);
    } finally {
      this.depth--;
      this.propagating = outer;
      this.batch.length = 0;
    }
  }

  /** Makes a parameter visible to CONFIG GET (and CONFIG SET when it has a setter). Names are unique. */
  registerConfig(param: ConfigParam): void {
    this.config.register(param);
  }

  /** Frees what the engine holds outside the JS heap (its Lua states). */
  close(): void {
    this.scripting?.close();
  }

  private createScripting(options: EngineOptions, lua: LuaModule): Scripting {
    const elapsed = options.elapsed ?? (() => performance.now());
    const log = options.log ?? (() => {});
    const timeLimitMs = options.scriptTimeLimitMs ?? 5000;
    // Redis's name for the script time limit and its older alias; fixed for the engine's life here.
    for (const name of ['busy-reply-threshold', 'lua-time-limit'])
      this.registerConfig({ name, get: () => String(timeLimitMs) });
    return new Scripting({
      lua,
      limits: {
        timeLimitMs,
        memoryLimit: options.scriptMemoryLimit ?? 256 * 1024 * 1024,
      },
      host: {
        call: (argv, run) => this.callFromScript(argv, run),
        aclCheck: (argv) => {
          const r = resolve(this.table, argv);
          if (r instanceof ErrorReply) return E.ACL_CHECK_UNKNOWN;
          return permitted(this.ctx.client, r);
        },
        log,
        elapsed,
        version: REDIS_VERSION,
        versionNum: REDIS_VERSION.split('.').reduce((n, part) => n * 256 + Number(part), 0),
      },
    });
  }

  /** `addr` is the `ip:port` MONITOR shows for the client's commands. */
  createClient(options: { readonly?: boolean; name?: string; addr?: string } = {}): Client {
    return {
      id: nextClientId++,
      addr: options.addr ?? UNKNOWN_ADDR,
      readonly: options.readonly ?? false,
      name: options.name ?? '',
      multi: null,
      multiFailed: false,
      watching: null,
      watchDirty: false,
    };
  }

  /** Releases what a client holds in the engine (its WATCHed keys); call when its connection ends. */
  closeClient(client: Client): void {
    this.unwatch(client);
    client.multi = null;
  }

  /** Runs one command for `client` and returns its reply. argv[0] is the command name, any case. */
  exec(client: Client, argv: Argv): Reply {
    const ctx = this.ctx;
    const outer = ctx.client;
    if (this.depth === 0) this.freezeTime();
    ctx.client = client;
    this.depth++;
    try {
      return this.run(client, argv);
    } finally {
      this.depth--;
      ctx.client = outer;
      if (this.depth === 0 && this.batch.length > 0) this.flush();
    }
  }

  /**
   * Runs a whole MULTI block at once (the `/multi-exec` path): EXEC's reply, and when the block was refused
   * (EXECABORT), the first error met while queueing, which says why.
   */
  transaction(client: Client, commands: readonly Argv[]): { reply: Reply; queueError: ErrorReply | undefined } {
    if (this.depth === 0) this.freezeTime();
    let queueError: ErrorReply | undefined;
    this.depth++;
    try {
      const begun = this.exec(client, ['MULTI']);
      if (begun instanceof ErrorReply) return { reply: begun, queueError };
      for (const argv of commands) {
        const queued = this.exec(client, argv);
        if (queueError === undefined && queued instanceof ErrorReply) queueError = queued;
      }
      return { reply: this.exec(client, ['EXEC']), queueError };
    } finally {
      this.depth--;
      if (client.multi !== null) {
        client.multi = null;
        client.multiFailed = false;
      }
      if (this.depth === 0 && this.batch.length > 0) this.flush();
    }
  }

  /**
   * Deletes `key` to free memory (the platform's eviction, called from its quota hook before a write):
   * logged as a DEL in the running command's batch, announced as an `evicted` event, counted in INFO.
   */
  evict(key: string): boolean {
    this.beforeWrite?.(key);
    if (!this.db.delete(key)) return false;
    this.stats.evictedKeys++;
    if (this.propagating) this.batch.push(['DEL', key]);
    this.ctx.notify(NOTIFY.EVICTED, 'evicted', key);
    return true;
  }

  /** Deletes keys whose TTL has passed; the host calls this from a timer. */
  activeExpire(limit?: number): number {
    if (this.depth !== 0) return 0;
    this.db.now = Math.floor(this.clock.now());
    // The host's expiry tick doubles as the sampler of INFO's instantaneous_ops_per_sec.
    recordOpsSample(this.stats.ops, this.db.now, this.stats.commands);
    return this.db.activeExpire(limit);
  }

  /** One event on the channels the flags ask for: the key's keyspace channel, the event's keyevent one. */
  private publishEvent(event: string, key: string): void {
    if ((this.notifyFlags & NOTIFY.KEYSPACE) !== 0) this.pubsub.publish(`__keyspace@0__:${key}`, event);
    if ((this.notifyFlags & NOTIFY.KEYEVENT) !== 0) this.pubsub.publish(`__keyevent@0__:${event}`, key);
  }

  private freezeTime(): void {
    const now = Math.floor(this.clock.now());
    this.ctx.now = now;
    this.db.now = now;
  }

  private run(client: Client, argv: Argv): Reply {
    const r = resolve(this.table, argv);
    if (r instanceof ErrorReply) {
      this.countError(r);
      return this.refuse(client, argv, r);
    }
    const refusal = admit(client, r, argv, this.admission);
    if (refusal !== undefined) {
      if (!(refusal instanceof ErrorReply)) return refusal;
      r.def.stats.rejected++;
      this.countError(refusal);
      return this.refuse(client, argv, refusal);
    }
    if (this.monitors.active) return this.executeMonitored(r, argv, client.addr);
    return this.execute(r, argv);
  }

  /**
   * As Redis: a command is shown once it has run (refused ones never are), admin commands never, and
   * skip_monitor ones (EVAL, FCALL…) before they run, so the commands of their scripts follow them.
   */
  private executeMonitored(r: Resolved, argv: Argv, addr: string | null): Reply {
    const flags = r.def.flags;
    if (flags.includes('admin')) return this.execute(r, argv);
    const before = flags.includes('skip_monitor');
    if (before) this.monitors.feed(this.clock.now(), 0, addr, argv);
    const reply = this.execute(r, argv);
    if (!before) this.monitors.feed(this.clock.now(), 0, addr, argv);
    return reply;
  }

  /** `redis.call` from a running script: the script rules replace MULTI, and errors come back as replies. */
  private callFromScript(argv: Argv, run: ScriptRun): Reply {
    const r = resolve(this.table, argv, SCRIPT_ERRORS);
    if (r instanceof ErrorReply) return r;
    const refusal = admitFromScript(this.ctx.client, r, argv, run.readOnly, this.admission);
    if (refusal !== undefined) return refusal;
    const outer = this.propagating;
    this.propagating = (run.repl & 1) !== 0;
    try {
      return this.monitors.active ? this.executeMonitored(r, argv, null) : this.execute(r, argv);
    } finally {
      this.propagating = outer;
    }
  }

  private execute(r: Resolved, argv: Argv): Reply {
    this.stats.commands++;
    const counters = r.def.stats;
    // Timing every call would cost two clock reads (~150 ns); one call in TIMING_SAMPLE is timed instead.
    const timed = (counters.calls & (TIMING_SAMPLE - 1)) === 0;
    const started = timed ? performance.now() : 0;
    if (this.beforeWrite !== undefined && r.def.isWrite) this.announceWrite(r.def, argv);
    const saved = this.overrides;
    this.overrides = null;
    // Keyspace hits and misses count only the lookups of read-only commands, as Redis's lookupKeyRead.
    const countingReads = this.db.countingReads;
    this.db.countingReads = r.def.isReadonly;
    const reportMisses = this.db.reportMisses;
    if (this.missEvents) this.db.reportMisses = r.def.isReadonly;
    let reply: Reply;
    try {
      reply = r.def.handler(this.ctx, argv);
    } catch (err) {
      if (err instanceof ErrorReply) reply = err;
      else {
        this.onInternalError?.(err, argv);
        reply = new ErrorReply(`ERR internal error while running '${r.name}'`);
      }
    }
    this.db.countingReads = countingReads;
    this.db.reportMisses = reportMisses;
    // Counted once it has run, as Redis (INFO does not see its own call).
    counters.calls++;
    if (timed) {
      counters.sampledUsec += (performance.now() - started) * 1000;
      counters.sampledCalls++;
    }
    if (reply instanceof ErrorReply) {
      counters.failed++;
      this.countError(reply);
    }
    // Collections change in place, so the keys a write named are re-measured; even a failed write, which
    // may have changed some before failing.
    if (r.def.isWrite) this.reaccount(r.def, argv);
    if (r.def.isWrite && !(reply instanceof ErrorReply) && !(reply === 0 && r.def.zeroUnchanged)) {
      // Under redis.set_repl(REPL_NONE) the write happens but is not logged, as in Redis.
      if (this.propagating) {
        if (this.overrides === null) this.batch.push(argv);
        else for (const o of this.overrides as Argv[]) this.batch.push(o);
      }
      const effects = this.overrides as Argv[] | null;
      if (this.watchers.size > 0 && (effects === null || effects.length > 0)) this.touchWatched(r.def, argv);
    }
    this.overrides = saved;
    return reply;
  }

  /** Keyless writes (FLUSHALL) settle their own accounting; most writes name one key, found without a scan. */
  private reaccount(def: CommandDef, argv: Argv): void {
    const specs = def.keys;
    if (specs.length === 1) {
      const spec = specs[0] as KeySpec;
      if (spec.keyword === undefined && 'last' in spec && spec.last === 0) {
        const key = argv[spec.pos];
        if (key !== undefined) this.db.reaccount(key);
        return;
      }
    }
    if (specs.length === 0) return;
    for (const i of keyPositions(def, argv)) this.db.reaccount(argv[i] as string);
  }

  private announceWrite(def: CommandDef, argv: Argv): void {
    const hook = this.beforeWrite as (key: string | null) => void;
    const positions = keyPositions(def, argv);
    if (positions.length === 0 && def.keys.length === 0) hook(null);
    else for (const i of positions) hook(argv[i] as string);
  }

  private watch(client: Client, key: string): void {
    if (client.watching === null) client.watching = new Set();
    client.watching.add(key);
    let clients = this.watchers.get(key);
    if (clients === undefined) {
      clients = new Set();
      this.watchers.set(key, clients);
    }
    clients.add(client);
  }

  private unwatch(client: Client): void {
    if (client.watching === null) return;
    for (const key of client.watching) {
      const clients = this.watchers.get(key);
      clients?.delete(client);
      if (clients?.size === 0) this.watchers.delete(key);
    }
    client.watching = null;
    client.watchDirty = false;
  }

  /** A write touched keys someone watches: their EXEC must fail. A keyless write (FLUSHALL) touches all. */
  private touchWatched(def: CommandDef, argv: Argv): void {
    const positions = keyPositions(def, argv);
    if (positions.length === 0 && def.keys.length === 0) {
      for (const clients of this.watchers.values()) for (const c of clients) c.watchDirty = true;
      return;
    }
    for (const i of positions) {
      const clients = this.watchers.get(argv[i] as string);
      if (clients !== undefined) for (const c of clients) c.watchDirty = true;
    }
  }

  /** INFO errorstats: replies by their error code (the first word, as Redis's `errorstat_<code>`). */
  private countError(err: ErrorReply): void {
    const space = err.message.indexOf(' ');
    const code = space === -1 ? err.message : err.message.slice(0, space);
    this.stats.errors.set(code, (this.stats.errors.get(code) ?? 0) + 1);
  }

  /** A refused command inside MULTI dooms the transaction; a refused EXEC ends it at once, as in Redis. */
  private refuse(client: Client, argv: Argv, err: ErrorReply): ErrorReply {
    if (client.multi === null) return err;
    if (argv[0] !== undefined && argv[0].toLowerCase() === 'exec') {
      client.multi = null;
      client.multiFailed = false;
      return E.execAbortBecause(err);
    }
    client.multiFailed = true;
    return err;
  }

  private flush(): void {
    const batch = this.batch;
    this.batch = [];
    this.writeSeq++;
    this.stats.writes += batch.length;
    this.onPropagate?.(batch);
  }
}
