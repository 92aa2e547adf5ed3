/**
 * Appends write batches to the current log file under an fsync policy, as Redis's `appendfsync`:
 *
 * - `always`:   a write is answered only once it is on disk. Group commit: every batch written while an
 *               fdatasync is in flight is covered by the next one, so concurrent writers share syncs.
 * - `everysec`: written to the OS before the reply, synced once a second in the background; a crash of the
 *               machine loses at most about a second, a crash of the process loses nothing.
 * - `no`:       written to the OS before the reply; the OS decides when it reaches the disk.
 *
 * Batches are buffered as they are produced and written once per event-loop turn, after the turn's
 * requests have run and before any of their replies go out (`settle` returns a promise for that), as
 * Redis writes its AOF buffer once per loop before it answers: one `write` serves every client of the turn.
 */
import { closeSync, fdatasync, fdatasyncSync, fstatSync, openSync, writeSync } from 'node:fs';
import type { Argv } from '@redstash/engine';
import { ErrorReply } from '@redstash/engine';
import { encodeBatch } from './resp.ts';

export type FsyncPolicy = 'always' | 'everysec' | 'no';
export const FSYNC_POLICIES: readonly FsyncPolicy[] = ['always', 'everysec', 'no'];

interface Waiter {
  seq: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** The file calls the writer makes; tests replace them to count syncs or to make the disk fail. */
export interface LogIo {
  write(fd: number, data: Buffer, offset: number, length: number): number;
  fdatasync(fd: number, done: (err: NodeJS.ErrnoException | null) => void): void;
  fdatasyncSync(fd: number): void;
}

export const NODE_IO: LogIo = {
  write: (fd, data, offset, length) => writeSync(fd, data, offset, length),
  fdatasync: (fd, done) => fdatasync(fd, done),
  fdatasyncSync: (fd) => fdatasyncSync(fd),
};

export interface LogWriterEvents {
  /** Writing failed (disk full, I/O error): writes must be refused until it works again. */
  onWriteError(err: ErrorReply | undefined): void;
}

export class LogWriter {
  policy: FsyncPolicy;
  private fd: number;
  private readonly events: LogWriterEvents;
  private readonly io: LogIo;
  private pending: string[] = [];
  private pendingBytes = 0;
  private appendedSeq = 0;
  private writtenSeq = 0;
  private syncedSeq = 0;
  private syncing = false;
  private waiters: Waiter[] = [];
  /** Replies waiting for this turn's write. */
  private writeWaiters: Waiter[] = [];
  private flushScheduled = false;
  private timer: NodeJS.Timeout | undefined;
  private failed: ErrorReply | undefined;
  /** The failure is a sync's: only a successful sync (not a write) ends it. */
  private syncFailed = false;
  /** Bumped when the file changes, so a sync still in flight on the old file is not misread. */
  private generation = 0;
  /** Bytes in the current file. */
  size: number;

  constructor(path: string, policy: FsyncPolicy, events: LogWriterEvents, io: LogIo = NODE_IO) {
    this.policy = policy;
    this.events = events;
    this.io = io;
    this.fd = openSync(path, 'a', 0o600);
    this.size = fstatSync(this.fd).size;
    this.timer = setInterval(() => this.everySecond(), 1000);
    this.timer.unref();
  }

  /** Bytes buffered but not yet written (INFO's aof_buffer_length). */
  get buffered(): number {
    return this.pendingBytes;
  }

  append(batch: readonly Argv[], seq: number): void {
    const record = encodeBatch(batch);
    this.pending.push(record);
    this.pendingBytes += record.length;
    this.appendedSeq = seq;
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flushTurn());
    }
  }

  /** The turn's write: everything buffered, then the replies that waited for it are released. */
  private flushTurn(): void {
    this.flushScheduled = false;
    const ok = this.flush();
    const waiting = this.writeWaiters;
    if (waiting.length === 0) return;
    this.writeWaiters = [];
    for (const w of waiting) {
      if (!ok) w.reject(this.failed);
      else if (this.policy !== 'always' || this.syncedSeq >= w.seq) w.resolve();
      else this.waiters.push(w);
    }
    if (this.waiters.length > 0) this.sync();
  }

  /** Writes what is buffered to the OS. Returns false (and reports) when the write failed. */
  flush(): boolean {
    if (this.pending.length === 0) return this.failed === undefined;
    const data = Buffer.from(this.pending.length === 1 ? (this.pending[0] as string) : this.pending.join(''), 'latin1');
    let off = 0;
    try {
      while (off < data.length) off += this.io.write(this.fd, data, off, data.length - off);
    } catch (err) {
      // Keep what did not make it (a short write leaves a prefix on disk: keep only the rest).
      this.pending = [data.toString('latin1', off)];
      this.pendingBytes = data.length - off;
      this.size += off;
      this.setFailed(new ErrorReply(`MISCONF Errors writing to the AOF file: ${(err as Error).message}`));
      return false;
    }
    this.pending = [];
    this.pendingBytes = 0;
    this.size += data.length;
    this.writtenSeq = this.appendedSeq;
    if (this.failed !== undefined && !this.syncFailed) this.setFailed(undefined);
    return this.failed === undefined;
  }

  /**
   * Called before answering a request whose writes reached `seq`: writes them out, and under `always`
   * returns a promise that resolves once they are synced (rejects if they cannot be written).
   */
  settle(writeSeq: number): Promise<void> | undefined {
    if (this.failed !== undefined && !this.flush()) return Promise.reject(this.failed);
    // Writes that never reached the log (none today) must not be waited for.
    const seq = Math.min(writeSeq, this.appendedSeq);
    if (seq > this.writtenSeq) {
      // Not written yet: it will be at the end of this turn, with every other request's writes.
      return new Promise<void>((resolve, reject) => this.writeWaiters.push({ seq, resolve, reject }));
    }
    if (this.policy !== 'always' || this.syncedSeq >= seq) return undefined;
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ seq, resolve, reject });
      this.sync();
    });
  }

  /** Starts an fdatasync covering everything written so far, unless one is in flight (it will chain). */
  private sync(): void {
    if (this.syncing) return;
    this.syncing = true;
    const target = this.writtenSeq;
    const generation = this.generation;
    this.io.fdatasync(this.fd, (err) => {
      this.syncing = false;
      // The file was switched or closed meanwhile, and that synced it: the error (EBADF) is moot.
      if (err && generation === this.generation) {
        const reply = new ErrorReply(`MISCONF Errors writing to the AOF file: ${err.message}`);
        this.syncFailed = true;
        this.setFailed(reply);
        const waiters = this.waiters;
        this.waiters = [];
        for (const w of waiters) w.reject(reply);
        return;
      }
      if (target > this.syncedSeq) this.syncedSeq = target;
      // A sync that failed before has now succeeded; a failed write still waiting to be retried has not.
      if (generation === this.generation && this.syncFailed) {
        this.syncFailed = false;
        if (this.pending.length === 0) this.setFailed(undefined);
      }
      const still: Waiter[] = [];
      for (const w of this.waiters) {
        if (w.seq <= this.syncedSeq) w.resolve();
        else still.push(w);
      }
      this.waiters = still;
      if (still.length > 0) this.sync();
    });
  }

  private everySecond(): void {
    // A failed write is retried under every policy: writes stay refused until it succeeds.
    if (this.policy === 'no' && this.failed === undefined) return;
    this.flush();
    if (this.policy !== 'no' && this.writtenSeq > this.syncedSeq) this.sync();
  }

  /** Finishes the current file (written and synced) and continues in `path` (a rewrite's new log). */
  switchTo(path: string): void {
    if (!this.flush()) throw new Error(this.failed?.message ?? 'cannot write the append-only log');
    this.io.fdatasyncSync(this.fd);
    this.syncedSeq = this.writtenSeq;
    this.generation++;
    closeSync(this.fd);
    this.fd = openSync(path, 'a', 0o600);
    this.size = fstatSync(this.fd).size;
  }

  /** Writes and syncs everything, then closes the file. */
  close(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.flush();
    this.generation++;
    try {
      this.io.fdatasyncSync(this.fd);
      this.syncedSeq = this.writtenSeq;
    } finally {
      closeSync(this.fd);
    }
    for (const w of [...this.waiters, ...this.writeWaiters]) w.resolve();
    this.waiters = [];
    this.writeWaiters = [];
  }

  private setFailed(err: ErrorReply | undefined): void {
    this.failed = err;
    this.events.onWriteError(err);
  }
}
