/**
 * One database at run time: its registry record, its plan, the engine holding its keys, its usage ledger
 * and the quota hook the engine runs before every command. The hook is the platform's whole hot path:
 * one Map lookup for the command's counter, a few comparisons, a few increments — no I/O, no allocation
 * for the common command.
 */
import { type Admission, type CommandDef, type Engine, type ErrorReply, keyPositions } from '@redstash/engine';
import * as E from './errors.ts';
import type { LatencyHistogram } from './latency.ts';
import type { Plan } from './plans.ts';
import type { DatabaseRecord } from './registry.ts';
import { type CommandCounter, UsageLedger } from './usage.ts';

/** What the host opened for a database: its engine, and the durability its REST answers wait for. */
export interface DatabaseRuntime {
  engine: Engine;
  durable?: ((writeSeq: number) => Promise<void> | undefined) | undefined;
  /** Stops its persistence (the platform is closing, or the database is being deleted). */
  close(): void;
}

/**
 * Operational commands Upstash does not bill, and the transaction brackets: each command inside a
 * pipeline or transaction is billed, the MULTI/EXEC around them is not.
 */
const FREE = new Set([
  'auth',
  'hello',
  'select',
  'command',
  'config',
  'info',
  'ping',
  'reset',
  'quit',
  'multi',
  'exec',
  'discard',
  'watch',
  'unwatch',
]);

/** Writes whose non-key arguments are set or sorted-set members (Upstash's 32 KB member limit). */
const MEMBER_GROUPS = new Set(['set', 'sorted_set', 'geo']);

/** At most this many keys are evicted for one command; a write bigger than that fails as without eviction. */
const MAX_EVICTIONS_PER_COMMAND = 10_000;

/** Upper-case, with a subcommand after a space, as Upstash's "Top Commands" shows them. */
function displayName(def: CommandDef): string {
  return def.name.toUpperCase().replace('|', ' ');
}

export class Database {
  record: DatabaseRecord;
  plan: Plan;
  readonly runtime: DatabaseRuntime;
  readonly ledger: UsageLedger;
  /** Requests in flight and open streams. */
  connections = 0;

  /** Today's service times (kept in the ledger, so they are saved with the counters and survive restarts). */
  get latency(): LatencyHistogram {
    return this.ledger.latency;
  }
  private second = -1;
  private secondCount = 0;
  private readonly counters = new Map<CommandDef, CommandCounter>();

  constructor(record: DatabaseRecord, plan: Plan, runtime: DatabaseRuntime, now: number) {
    this.record = record;
    this.plan = plan;
    this.runtime = runtime;
    this.ledger = new UsageLedger(now);
    this.showLimits();
  }

  /**
   * INFO memory shows the plan's data size as `maxmemory`, and the policy as the Redis name closest to
   * ours (`volatile-ttl`: keys with the soonest TTL go first) or `noeviction`.
   */
  showLimits(): void {
    const tunables = this.runtime.engine.tunables;
    tunables.maxmemory = this.plan.maxDataBytes;
    tunables.maxmemoryPolicy = this.record.eviction ? 'volatile-ttl' : 'noeviction';
  }

  get engine(): Engine {
    return this.runtime.engine;
  }

  /** The engine's quota hook for this database (install with `engine.quota = db.quota`). */
  readonly quota: Admission = (client, def, argv) => {
    const ledger = this.ledger;
    const now = this.runtime.engine.db.now;
    if (now >= ledger.dayEnd) this.roll(now);
    let counter = this.counters.get(def);
    if (counter === undefined) counter = this.counterFor(def);
    if (counter.free) {
      // Redis refuses a whole EXEC whose block would grow a full database (not some of its commands).
      if (client.multi !== null && def.name === 'exec') return this.checkBlock(client.multi);
      return undefined;
    }
    const plan = this.plan;
    if (plan.dailyCommands > 0 && ledger.commands >= plan.dailyCommands)
      return E.dailyLimit(plan.dailyCommands, ledger.commands + 1);
    if (plan.maxCommandsPerSecond > 0) {
      const second = Math.floor(now / 1000);
      if (second !== this.second) {
        this.second = second;
        this.secondCount = 0;
      }
      if (this.secondCount >= plan.maxCommandsPerSecond) return E.perSecondLimit(plan.maxCommandsPerSecond);
    }
    if (def.denyOom) {
      const refusal = this.checkWrite(def, argv);
      if (refusal !== undefined) return refusal;
    }
    this.secondCount++;
    ledger.commands++;
    counter.count++;
    if (def.isWrite) ledger.writes++;
    else ledger.reads++;
    ledger.dirty = true;
    return undefined;
  };

  /** A request (or stream) starts: refused when the plan's concurrent limit is reached. */
  enter(): ErrorReply | undefined {
    const max = this.plan.maxConnections;
    if (max > 0 && this.connections >= max) return E.MAX_CONNECTIONS;
    this.connections++;
    return undefined;
  }

  /** It ended: its bandwidth and service time are counted. */
  leave(bytesIn: number, bytesOut: number, ms: number): void {
    this.connections--;
    const ledger = this.ledger;
    ledger.bytesIn += bytesIn;
    ledger.bytesOut += bytesOut;
    ledger.dirty = true;
    this.latency.record(ms);
  }

  /** Notes the stored size (called by the platform's once-a-second tick). */
  sampleStorage(): void {
    const used = this.runtime.engine.db.usedBytes;
    if (used > this.ledger.storage) {
      this.ledger.storage = used;
      this.ledger.dirty = true;
    }
  }

  /** Moves the ledger to a new day (the clock passed midnight UTC). */
  roll(now: number): void {
    this.ledger.roll(now);
  }

  private counterFor(def: CommandDef): CommandCounter {
    const top = def.name.includes('|') ? def.name.slice(0, def.name.indexOf('|')) : def.name;
    const counter = this.ledger.counter(displayName(def), FREE.has(top));
    this.counters.set(def, counter);
    return counter;
  }

  /** A queued block at EXEC: refused as a whole when it holds a write that may grow a full database. */
  private checkBlock(queued: readonly (readonly string[])[]): ErrorReply | undefined {
    const max = this.plan.maxDataBytes;
    if (max <= 0 || this.record.eviction || this.runtime.engine.db.usedBytes < max) return undefined;
    const table = this.runtime.engine.table;
    for (const argv of queued) {
      const def = table.get(argv[0] as string);
      if (def?.denyOom === true) return E.DB_CAPACITY;
    }
    return undefined;
  }

  /** The size limits of a write that may grow the data, then the capacity (evicting if allowed). */
  private checkWrite(def: CommandDef, argv: readonly string[]): ErrorReply | undefined {
    const plan = this.plan;
    if (plan.maxKeyBytes > 0) {
      const spec = def.keys.length === 1 ? def.keys[0] : undefined;
      // Most writes name one key at a fixed position: checked without building the position list.
      if (spec !== undefined && spec.keyword === undefined && 'last' in spec && spec.last === 0) {
        const len = (argv[spec.pos] ?? '').length;
        if (len > plan.maxKeyBytes) return E.keySize(plan.maxKeyBytes, len);
      } else
        for (const i of keyPositions(def, argv)) {
          const len = (argv[i] as string).length;
          if (len > plan.maxKeyBytes) return E.keySize(plan.maxKeyBytes, len);
        }
    }
    if (plan.maxMemberBytes > 0 && MEMBER_GROUPS.has(def.group))
      for (let i = 2; i < argv.length; i++) {
        const len = (argv[i] as string).length;
        if (len > plan.maxMemberBytes) return E.memberSize(plan.maxMemberBytes, len);
      }
    if (plan.maxRecordBytes > 0)
      for (let i = 1; i < argv.length; i++)
        if ((argv[i] as string).length > plan.maxRecordBytes) return E.MAX_RECORD_SIZE;
    const max = plan.maxDataBytes;
    if (max <= 0) return undefined;
    const engine = this.runtime.engine;
    if (engine.db.usedBytes < max) return undefined;
    if (!this.record.eviction) return E.DB_CAPACITY;
    for (let n = 0; n < MAX_EVICTIONS_PER_COMMAND && engine.db.usedBytes >= max; n++) {
      const key = engine.db.evictionCandidate();
      if (key === undefined) break;
      engine.evict(key);
    }
    return engine.db.usedBytes < max ? undefined : E.DB_CAPACITY;
  }
}
