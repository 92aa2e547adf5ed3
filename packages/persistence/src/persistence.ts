/**
 * One database's durability: on open, the data directory is replayed into the engine (snapshot, then the
 * logs after it); from then on every write batch the engine propagates is appended to the current log,
 * and the log is compacted into a new snapshot in the background when it has grown enough (or on SAVE,
 * BGSAVE, BGREWRITEAOF).
 */
import { closeSync, existsSync, mkdirSync, openSync, statSync, truncateSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { type Argv, type Engine, ErrorReply, errors, type PersistenceControl } from '@redstash/engine';
import { acquireLock, releaseLock } from './lock.ts';
import { readLog } from './log-reader.ts';
import { type FsyncPolicy, type LogIo, LogWriter } from './log-writer.ts';
import { MANIFEST_FORMAT, MANIFEST_VERSION, type Manifest, readManifest, syncDir, writeManifest } from './manifest.ts';
import { Snapshot } from './snapshot.ts';

export interface PersistenceLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface PersistenceOptions {
  /** The data directory; the log lives in `<dir>/aof`. */
  dataDir: string;
  fsync: FsyncPolicy;
  /** Rewrite when the logs since the snapshot exceed this percentage of its size (Redis: 100). */
  autoRewritePercentage?: number;
  /** …and the data files total at least this many bytes (Redis: 64 MiB). */
  autoRewriteMinSize?: number;
  logger?: PersistenceLogger | undefined;
  /** The log's file calls; tests pass their own to count syncs or simulate a failing disk. */
  io?: LogIo | undefined;
}

/** The log cannot be loaded as it is: names the file and the offset, and says how to repair it. */
export class CorruptLogError extends Error {
  readonly file: string;
  readonly offset: number;
  constructor(file: string, offset: number, why: string) {
    super(
      `the append-only log is corrupt: ${file} at offset ${offset} (${why}). ` +
        "Run 'redstash check-aof --fix' with the same --data-dir to cut the log there " +
        '(the writes after that offset are lost).',
    );
    this.file = file;
    this.offset = offset;
  }
}

export interface LoadReport {
  records: number;
  keys: number;
  ms: number;
  /** Bytes of a torn last record that were dropped. */
  tornBytes: number;
}

const DEFAULT_REWRITE_PERCENTAGE = 100;
const DEFAULT_REWRITE_MIN_SIZE = 64 * 1024 * 1024;

export class Persistence implements PersistenceControl {
  readonly dir: string;
  readonly dataDir: string;
  private readonly engine: Engine;
  private readonly logger: PersistenceLogger | undefined;
  private manifest: Manifest;
  private readonly writer: LogWriter;
  private snapshot: Snapshot | null = null;
  /** A background rewrite asked for and not started yet (it starts on the next turn of the event loop). */
  private scheduled = false;
  /** BGSAVE SCHEDULE arrived while a snapshot ran: take another when it ends. */
  private saveAgain = false;
  private snapshotStarted = 0;
  private lastSaveMs: number;
  private lastRewriteStatus: 'ok' | 'err' = 'ok';
  private lastRewriteSeconds = -1;
  /** Bytes of the snapshot file and of the logs before the current one. */
  private baseSize = 0;
  private olderLogsSize = 0;
  private readonly cron: NodeJS.Timeout;
  autoRewritePercentage: number;
  autoRewriteMinSize: number;
  readonly loaded: LoadReport;
  private closed = false;

  /** Loads the data directory into `engine` (which should be empty) and starts logging its writes. */
  static open(engine: Engine, options: PersistenceOptions): Persistence {
    return new Persistence(engine, options);
  }

  private constructor(engine: Engine, options: PersistenceOptions) {
    this.engine = engine;
    this.logger = options.logger;
    this.dataDir = options.dataDir;
    this.dir = join(options.dataDir, 'aof');
    this.autoRewritePercentage = options.autoRewritePercentage ?? DEFAULT_REWRITE_PERCENTAGE;
    this.autoRewriteMinSize = options.autoRewriteMinSize ?? DEFAULT_REWRITE_MIN_SIZE;
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    acquireLock(this.dataDir);
    try {
      const existing = readManifest(this.dir);
      if (existing === null) {
        this.manifest = {
          format: MANIFEST_FORMAT,
          version: MANIFEST_VERSION,
          seq: 1,
          base: null,
          incr: ['incr.1.aof'],
        };
        closeSync(openSync(join(this.dir, 'incr.1.aof'), 'a', 0o600));
        writeManifest(this.dir, this.manifest);
        this.loaded = { records: 0, keys: 0, ms: 0, tornBytes: 0 };
      } else {
        this.manifest = existing;
        this.loaded = this.load();
      }
      const current = this.manifest.incr[this.manifest.incr.length - 1] as string;
      this.writer = new LogWriter(
        join(this.dir, current),
        options.fsync,
        {
          onWriteError: (err) => {
            if (err !== undefined) this.logger?.error({ err: err.message }, 'cannot write the append-only log');
            else this.logger?.info({}, 'the append-only log is writable again');
            engine.refuseWrites = err;
          },
        },
        options.io,
      );
    } catch (err) {
      releaseLock(this.dataDir);
      throw err;
    }
    this.lastSaveMs = Date.now();
    // A replay runs with expiry off, so a key that expired and was written again must be seen to go in
    // between: every expiry is logged as a DEL, as Redis does, in order before the command that met it.
    engine.db.onExpire = (key) => this.writer.append([['DEL', key]], engine.writeSeq);
    // Hash fields that expire are logged as HDELs, as Redis propagates them; the last one takes the key.
    engine.db.onFieldExpire = (key, fields) =>
      this.writer.append(
        fields.map((field) => ['HDEL', key, field]),
        engine.writeSeq,
      );
    // Keys whose time passed while the server was down go now (and are logged gone), not at first lookup.
    while (engine.activeExpire(100_000) > 0) {}
    this.loaded.keys = engine.db.size;
    engine.onPropagate = (batch) => this.writer.append(batch, engine.writeSeq);
    engine.persistence = this;
    this.cron = setInterval(() => this.checkAutoRewrite(), 1000);
    this.cron.unref();
  }

  get fsync(): FsyncPolicy {
    return this.writer.policy;
  }

  set fsync(policy: FsyncPolicy) {
    this.writer.policy = policy;
  }

  /** The REST layer's durability hook (see Grant.durable): wait for this before answering a write. */
  readonly settle = (seq: number): Promise<void> | undefined => this.writer.settle(seq);

  save(): ErrorReply | undefined {
    if (this.rewriting) return errors.BGSAVE_IN_PROGRESS;
    return this.rewrite(false);
  }

  bgsave(schedule = false): string | ErrorReply {
    if (this.rewriting) {
      if (!schedule) return errors.BGSAVE_IN_PROGRESS;
      this.saveAgain = true;
      return 'Background saving scheduled';
    }
    this.startSoon();
    return 'Background saving started';
  }

  bgrewriteaof(): string | ErrorReply {
    if (this.rewriting) return errors.BGREWRITE_IN_PROGRESS;
    this.startSoon();
    return 'Background append only file rewriting started';
  }

  private get rewriting(): boolean {
    return this.snapshot !== null || this.scheduled;
  }

  /**
   * BGSAVE may run inside MULTI or EXEC, whose writes are logged as one batch when the block ends: a snapshot
   * started in the middle would hold the effects of the block's first commands and the new log would hold
   * them again. So the rewrite starts once the current command is over (Redis schedules it then too).
   */
  private startSoon(): void {
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (!this.closed && this.snapshot === null) this.rewrite(true);
    });
  }

  lastSave(): number {
    return Math.floor(this.lastSaveMs / 1000);
  }

  /** A promise that settles when the background rewrite in progress (if any) ends. */
  rewriteDone(): Promise<void> {
    return new Promise((resolve) => {
      const poll = () => (this.rewriting ? setImmediate(poll) : resolve());
      poll();
    });
  }

  /** INFO persistence. */
  info(): Record<string, string | number> {
    const current = this.olderLogsSize + this.writer.size;
    return {
      loading: 0,
      async_loading: 0,
      rdb_bgsave_in_progress: this.snapshot === null ? 0 : 1,
      rdb_last_save_time: this.lastSave(),
      rdb_last_bgsave_status: this.lastRewriteStatus,
      aof_enabled: 1,
      aof_rewrite_in_progress: this.snapshot === null ? 0 : 1,
      aof_rewrite_scheduled: this.scheduled ? 1 : 0,
      aof_last_rewrite_time_sec: this.lastRewriteSeconds,
      aof_current_rewrite_time_sec:
        this.snapshot === null ? -1 : Math.floor((Date.now() - this.snapshotStarted) / 1000),
      aof_last_bgrewrite_status: this.lastRewriteStatus,
      aof_last_write_status: this.engine.refuseWrites === undefined ? 'ok' : 'err',
      aof_current_size: this.baseSize + current,
      aof_base_size: this.baseSize,
      aof_buffer_length: this.writer.buffered,
      appendfsync: this.writer.policy,
      aof_loaded_records: this.loaded.records,
      aof_load_time_ms: Math.round(this.loaded.ms),
    };
  }

  /** Stops: a background rewrite in progress is abandoned (the logs still hold everything), the log synced. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.cron);
    this.snapshot?.abort();
    this.snapshot = null;
    this.writer.close();
    if (this.engine.onPropagate !== undefined) this.engine.onPropagate = undefined;
    if (this.engine.db.onExpire !== undefined) this.engine.db.onExpire = undefined;
    if (this.engine.db.onFieldExpire !== undefined) this.engine.db.onFieldExpire = undefined;
    this.engine.persistence = null;
    releaseLock(this.dataDir);
  }

  private load(): LoadReport {
    const started = performance.now();
    const m = this.manifest;
    const files = [...(m.base === null ? [] : [m.base]), ...m.incr];
    let records = 0;
    let tornBytes = 0;
    let failed = 0;
    for (let i = 0; i < files.length; i++) {
      const name = files[i] as string;
      const path = join(this.dir, name);
      if (!existsSync(path)) throw new CorruptLogError(path, 0, 'the manifest lists it but it is missing');
      const outcome = readLog(path, (argv: Argv, offset) => {
        const reply = this.engine.replay(argv);
        if (reply instanceof ErrorReply) {
          if (reply.message.startsWith('ERR unknown command'))
            throw new CorruptLogError(path, offset, `unknown command '${argv[0]}'`);
          failed++;
        }
      });
      records += outcome.records;
      if (outcome.kind === 'corrupt') throw new CorruptLogError(path, outcome.at, outcome.why);
      if (outcome.kind === 'torn') {
        if (i !== files.length - 1) throw new CorruptLogError(path, outcome.end, 'the file ends inside a record');
        tornBytes = outcome.size - outcome.end;
        this.logger?.warn(
          { file: path, offset: outcome.end, bytes: tornBytes },
          'the last record of the append-only log is incomplete (a write torn by a crash); dropping it',
        );
        truncateSync(path, outcome.end);
      }
      const size = statSync(path).size;
      if (name === m.base) this.baseSize = size;
      else if (i !== files.length - 1) this.olderLogsSize += size;
    }
    if (failed > 0) this.logger?.warn({ commands: failed }, 'some logged commands answered an error on replay');
    return { records, keys: this.engine.db.size, ms: performance.now() - started, tornBytes };
  }

  /** Run every second: starts a background rewrite when the logs have grown enough. True if it started one. */
  checkAutoRewrite(): boolean {
    if (this.rewriting || this.closed) return false;
    const logs = this.olderLogsSize + this.writer.size;
    if (this.baseSize + logs < this.autoRewriteMinSize) return false;
    if (this.baseSize > 0 && logs * 100 < this.baseSize * this.autoRewritePercentage) return false;
    this.logger?.info({ base: this.baseSize, logs }, 'the append-only log has grown: rewriting it');
    return this.rewrite(true) === undefined;
  }

  /**
   * A new snapshot and a fresh log: first the writes go to a new log (listed in the manifest at once, so a
   * crash in the middle loses nothing), then the snapshot is written, and only when it is durable does the
   * manifest switch to it and the old files go.
   */
  private rewrite(background: boolean): ErrorReply | undefined {
    const m = this.manifest;
    const seq = m.seq + 1;
    const incr = `incr.${seq}.aof`;
    const base = `base.${seq}.aof`;
    let listed = false;
    let switched = false;
    try {
      if (!this.writer.flush()) throw new Error('the append-only log cannot be written');
      closeSync(openSync(join(this.dir, incr), 'a', 0o600));
      const during: Manifest = { ...m, seq, incr: [...m.incr, incr] };
      writeManifest(this.dir, during);
      listed = true;
      const oldSize = this.writer.size;
      this.writer.switchTo(join(this.dir, incr));
      switched = true;
      this.olderLogsSize += oldSize;
      this.manifest = during;
      this.snapshot = new Snapshot(this.engine, join(this.dir, base));
      this.snapshotStarted = Date.now();
    } catch (err) {
      // Still appending to the old log: the manifest must not name a newer one, or later writes would be
      // read before an (empty) file that is not the last.
      if (listed && !switched)
        try {
          writeManifest(this.dir, m);
          unlinkSync(join(this.dir, incr));
        } catch {}
      return this.rewriteFailed(err);
    }
    if (!background) return this.advance(true);
    const loop = () => {
      if (this.snapshot === null) return;
      const err = this.advance(false);
      if (err === undefined && this.snapshot !== null) setImmediate(loop);
    };
    setImmediate(loop);
    return undefined;
  }

  /** One slice of the snapshot (or all of it); completes it at the end. */
  private advance(all: boolean): ErrorReply | undefined {
    const snapshot = this.snapshot as Snapshot;
    const old = this.manifest;
    const current = old.incr[old.incr.length - 1] as string;
    const next: Manifest = { ...old, base: `base.${old.seq}.aof`, incr: [current] };
    try {
      if (!snapshot.step(all)) return undefined;
      snapshot.finish();
      // If this fails the old manifest stays, and with it every file it names: nothing is deleted below.
      writeManifest(this.dir, next);
    } catch (err) {
      return this.rewriteFailed(err);
    }
    this.manifest = next;
    for (const f of [...(old.base === null ? [] : [old.base]), ...old.incr])
      if (f !== current)
        try {
          unlinkSync(join(this.dir, f));
        } catch {}
    try {
      syncDir(this.dir);
    } catch {}
    this.baseSize = snapshot.size;
    this.olderLogsSize = 0;
    this.snapshot = null;
    this.lastSaveMs = Date.now();
    this.lastRewriteStatus = 'ok';
    this.lastRewriteSeconds = Math.floor((this.lastSaveMs - this.snapshotStarted) / 1000);
    this.logger?.info({ keys: snapshot.keysWritten, bytes: snapshot.size }, 'snapshot written; log rewritten');
    this.startScheduled();
    return undefined;
  }

  private startScheduled(): void {
    if (!this.saveAgain || this.closed) return;
    this.saveAgain = false;
    this.startSoon();
  }

  private rewriteFailed(err: unknown): ErrorReply {
    this.snapshot?.abort();
    this.snapshot = null;
    this.lastRewriteStatus = 'err';
    this.logger?.error({ err: (err as Error).message }, 'rewriting the append-only log failed');
    this.startScheduled();
    return new ErrorReply(`ERR rewriting the append-only log failed: ${(err as Error).message}`);
  }
}
