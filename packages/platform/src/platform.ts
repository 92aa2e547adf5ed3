/**
 * The platform: the registry of databases, each opened with its own engine (and persistence, which the
 * host provides), one token index routing a request to its database, the usage ledgers kept on disk once a
 * second, and the operations the management API exposes. A token opens one database only; rotating or
 * deleting takes effect on the next request.
 */

import { renameSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock, Engine } from '@redstash/engine';
import { Database, type DatabaseRuntime } from './database.ts';
import { readJsonFile, writeJsonFile } from './json-file.ts';
import { type Plan, planSet } from './plans.ts';
import { type DatabaseRecord, Registry } from './registry.ts';
import { generateToken, TokenIndex, tokenDigest } from './tokens.ts';

/** Under the data directory, where each created database keeps its own data (`<dir>/<id>`). */
export const DATABASES_DIR = 'databases';
export const USAGE_FILE = 'usage.json';
/** Usage counters reach the disk this often: a crash loses at most this much counting. */
export const USAGE_FLUSH_MS = 1000;

/** What a token opens: the shape the REST handler's Grant expects. */
export interface DatabaseGrant {
  readonly engine: Engine;
  readonly readonly: boolean;
  readonly durable: ((writeSeq: number) => Promise<void> | undefined) | undefined;
  readonly maxRequestBytes: number | undefined;
  readonly meter: Database | undefined;
  readonly database: Database;
}

export interface PlatformLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface PlatformOptions {
  clock: Clock;
  /** Where the registry and usage live; undefined keeps both in memory. */
  dataDir?: string | undefined;
  plans?: Map<string, Plan> | undefined;
  /** Opens a database's engine and persistence; `dataDir` is where its data belongs (undefined: memory). */
  open(record: DatabaseRecord, dataDir: string | undefined): DatabaseRuntime;
  /** Removes a deleted database's data (after its runtime is closed). */
  destroy?: ((record: DatabaseRecord, dataDir: string | undefined) => void) | undefined;
  logger?: PlatformLogger | undefined;
  /** Metering and quotas (default on). Off, databases are only routed and isolated: a benchmark's baseline. */
  metering?: boolean | undefined;
}

export interface CreateOptions {
  name: string;
  plan?: string | undefined;
  eviction?: boolean | undefined;
}

export interface Tokens {
  token: string;
  readonlyToken: string;
}

/** A refusal the management API reports as 400 (bad input) or 404 (no such database). */
export class PlatformError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export class Platform {
  readonly plans: Map<string, Plan>;
  readonly databases = new Map<string, Database>();
  private readonly clock: Clock;
  private readonly dataDir: string | undefined;
  private readonly registry: Registry;
  private readonly index = new TokenIndex<DatabaseGrant>();
  private readonly options: PlatformOptions;
  private readonly usageFile: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** The usage file was last written without a sync (by `tick`); `close` syncs it. */
  private unsynced = false;

  constructor(options: PlatformOptions) {
    this.options = options;
    this.clock = options.clock;
    this.dataDir = options.dataDir;
    this.plans = options.plans ?? planSet();
    this.registry = new Registry(this.dataDir);
    this.usageFile = this.dataDir === undefined ? undefined : join(this.dataDir, USAGE_FILE);
    const saved = this.readUsage();
    for (const record of this.registry.records.values()) {
      const db = this.attach(record);
      db.ledger.restore(saved?.databases?.[record.id]);
    }
  }

  /**
   * The saved usage ledgers. A damaged file must not keep the server down: it is set aside (kept for
   * inspection) and counting starts afresh, with an error logged.
   */
  private readUsage(): { databases?: Record<string, unknown> } | undefined {
    if (this.usageFile === undefined) return undefined;
    try {
      return readJsonFile(this.usageFile) as { databases?: Record<string, unknown> } | undefined;
    } catch (err) {
      const aside = `${this.usageFile}.damaged-${this.clock.now()}`;
      renameSync(this.usageFile, aside);
      this.options.logger?.error({ err, file: aside }, 'usage counters unreadable: set aside, counting afresh');
      return undefined;
    }
  }

  /** Flushes usage once a second (and samples storage) until `close`. */
  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => this.tick(), USAGE_FLUSH_MS);
    this.timer.unref();
  }

  /**
   * The database a single-user server has: created on first start with the given tokens; on later starts
   * its tokens are set to the given ones (the operator's flags win, as before databases existed).
   */
  ensureDefault(tokens: Tokens): Database {
    const existing = this.registry.defaultRecord;
    for (const t of [tokens.token, tokens.readonlyToken]) {
      const opens = this.index.lookup(t);
      if (opens !== undefined && opens.database.record.id !== existing?.id)
        throw new Error(`a token given for the default database already opens database ${opens.database.record.name}`);
    }
    if (existing !== undefined) {
      const db = this.databases.get(existing.id) as Database;
      const token = tokenDigest(tokens.token);
      const readonly = tokenDigest(tokens.readonlyToken);
      if (existing.tokenDigest !== token || existing.readonlyTokenDigest !== readonly)
        this.replaceTokens(db, token, readonly);
      return db;
    }
    return this.add({
      id: Registry.newId(),
      name: 'default',
      plan: 'unlimited',
      eviction: false,
      createdAt: this.clock.now(),
      tokenDigest: tokenDigest(tokens.token),
      readonlyTokenDigest: tokenDigest(tokens.readonlyToken),
      dataPath: '',
      isDefault: true,
    });
  }

  /** A new database and its tokens (shown this once: only their digests are kept). */
  create(options: CreateOptions): { database: Database; tokens: Tokens } {
    const name = this.checkName(options.name);
    const plan = this.checkPlan(options.plan ?? 'free');
    const tokens = { token: generateToken(), readonlyToken: generateToken() };
    const id = Registry.newId();
    const database = this.add({
      id,
      name,
      plan: plan.name,
      eviction: options.eviction === true,
      createdAt: this.clock.now(),
      tokenDigest: tokenDigest(tokens.token),
      readonlyTokenDigest: tokenDigest(tokens.readonlyToken),
      dataPath: join(DATABASES_DIR, id),
      isDefault: false,
    });
    this.options.logger?.info({ database_id: id, name, plan: plan.name }, 'database created');
    return { database, tokens };
  }

  get(id: string): Database {
    const db = this.databases.get(id);
    if (db === undefined) throw new PlatformError(404, `database not found: ${id}`);
    return db;
  }

  /** By id, or by name (the CLI's convenience). */
  find(idOrName: string): Database {
    const byId = this.databases.get(idOrName);
    if (byId !== undefined) return byId;
    for (const db of this.databases.values()) if (db.record.name === idOrName) return db;
    throw new PlatformError(404, `database not found: ${idOrName}`);
  }

  list(): Database[] {
    return [...this.databases.values()];
  }

  /** Deletes a database: its tokens are refused at once, its data is removed. */
  delete(id: string): void {
    const db = this.get(id);
    if (db.record.isDefault) throw new PlatformError(400, 'the default database cannot be deleted');
    this.index.remove(db.record.tokenDigest);
    this.index.remove(db.record.readonlyTokenDigest);
    this.databases.delete(id);
    this.registry.remove(id);
    db.runtime.close();
    this.options.destroy?.(db.record, this.dataDirOf(db.record));
    this.options.logger?.info({ database_id: id }, 'database deleted');
    this.tick();
  }

  /** New tokens for a database; the old ones are refused from the next request. */
  resetPassword(id: string): Tokens {
    const db = this.get(id);
    const tokens = { token: generateToken(), readonlyToken: generateToken() };
    this.replaceTokens(db, tokenDigest(tokens.token), tokenDigest(tokens.readonlyToken));
    this.options.logger?.info({ database_id: id }, 'database tokens rotated');
    return tokens;
  }

  rename(id: string, name: string): Database {
    const db = this.get(id);
    const checked = this.checkName(name, db);
    this.update(db, { ...db.record, name: checked });
    return db;
  }

  setEviction(id: string, on: boolean): void {
    const db = this.get(id);
    this.update(db, { ...db.record, eviction: on });
  }

  changePlan(id: string, planName: string): void {
    const db = this.get(id);
    db.plan = this.checkPlan(planName);
    this.update(db, { ...db.record, plan: db.plan.name });
  }

  /** The database and access a token opens, or undefined. Constant-time in the secret (see TokenIndex). */
  authenticate(token: string): DatabaseGrant | undefined {
    return this.index.lookup(token);
  }

  /**
   * Once a second: roll days, sample storage, write the usage ledgers if they changed. The write is not
   * synced (a process crash keeps what the OS was given; fsyncing twice a second on the event loop would
   * cost every request); `close` writes synced.
   */
  tick(durable = false): void {
    const now = this.clock.now();
    let dirty = false;
    for (const db of this.databases.values()) {
      if (now >= db.ledger.dayEnd) db.roll(now);
      db.sampleStorage();
      if (db.ledger.dirty) dirty = true;
    }
    if (!(dirty || (durable && this.unsynced)) || this.usageFile === undefined) return;
    const databases: Record<string, unknown> = {};
    for (const [id, db] of this.databases) databases[id] = db.ledger.toJSON();
    try {
      writeJsonFile(this.usageFile, { format: 'redstash-usage', version: 1, databases }, durable);
      this.unsynced = !durable;
      for (const db of this.databases.values()) db.ledger.dirty = false;
    } catch (err) {
      this.options.logger?.error({ err }, 'could not save usage counters');
    }
  }

  /** Saves usage and closes every database's runtime. */
  close(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.tick(true);
    for (const db of this.databases.values()) db.runtime.close();
  }

  /** Where a database's data lives, or undefined for a memory-only platform. */
  dataDirOf(record: DatabaseRecord): string | undefined {
    return this.dataDir === undefined ? undefined : join(this.dataDir, record.dataPath);
  }

  private add(record: DatabaseRecord): Database {
    this.registry.put(record);
    return this.attach(record);
  }

  private attach(record: DatabaseRecord): Database {
    const plan = this.plans.get(record.plan) ?? (this.plans.get('free') as Plan);
    if (!this.plans.has(record.plan))
      this.options.logger?.warn({ database_id: record.id, plan: record.plan }, 'unknown plan: using free');
    const runtime = this.options.open(record, this.dataDirOf(record));
    const db = new Database(record, plan, runtime, this.clock.now());
    if (this.options.metering !== false) runtime.engine.quota = db.quota;
    this.databases.set(record.id, db);
    this.index.add(record.tokenDigest, this.grant(db, false));
    this.index.add(record.readonlyTokenDigest, this.grant(db, true));
    return db;
  }

  private grant(db: Database, readonly: boolean): DatabaseGrant {
    return {
      engine: db.engine,
      readonly,
      durable: db.runtime.durable,
      // A getter: a plan change applies to the next request.
      get maxRequestBytes() {
        return db.plan.maxRequestBytes > 0 ? db.plan.maxRequestBytes : undefined;
      },
      meter: this.options.metering === false ? undefined : db,
      database: db,
    };
  }

  private replaceTokens(db: Database, token: string, readonly: string): void {
    this.index.remove(db.record.tokenDigest);
    this.index.remove(db.record.readonlyTokenDigest);
    this.update(db, { ...db.record, tokenDigest: token, readonlyTokenDigest: readonly });
    this.index.add(token, this.grant(db, false));
    this.index.add(readonly, this.grant(db, true));
  }

  private update(db: Database, record: DatabaseRecord): void {
    this.registry.put(record);
    db.record = record;
    db.showLimits();
  }

  private checkName(name: unknown, self?: Database): string {
    if (typeof name !== 'string' || !NAME.test(name))
      throw new PlatformError(400, 'database_name must be 1–64 letters, digits, ".", "_" or "-"');
    for (const db of this.databases.values())
      if (db !== self && db.record.name === name) throw new PlatformError(400, `a database named ${name} exists`);
    return name;
  }

  private checkPlan(name: unknown): Plan {
    const plan = typeof name === 'string' ? this.plans.get(name) : undefined;
    if (plan === undefined)
      throw new PlatformError(400, `unknown plan ${String(name)}; plans: ${[...this.plans.keys()].join(', ')}`);
    return plan;
  }
}
