/**
 * Writes a snapshot — the commands that rebuild the keyspace — without stopping the server for long. Node
 * cannot fork, so instead of Redis's copy-on-write pages this is copy-on-write per key: the key names are
 * taken at the start, keys are written a slice at a time between requests, and a write command announces
 * each key it is about to change (`engine.beforeWrite`), which is written first if the snapshot has not
 * reached it yet. The result is the state at the start, exactly; later writes are in the new log.
 */
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { type Argv, type Engine, rewriteEntry, rewriteFunctions } from '@redstash/engine';
import { encodeCommand } from './resp.ts';

/** Bytes gathered before one write to the file. */
const WRITE_CHUNK = 1024 * 1024;
/** Time a slice may take before yielding to requests, in ms. */
const SLICE_MS = 4;

export class Snapshot {
  private readonly engine: Engine;
  private readonly path: string;
  private readonly tmp: string;
  private fd: number;
  private readonly keys: string[];
  private readonly remaining: Set<string>;
  private next = 0;
  private out: string[] = [];
  private outBytes = 0;
  /** Bytes written to the file. */
  size = 0;
  keysWritten = 0;
  private fdOpen = true;
  private renamed = false;

  constructor(engine: Engine, path: string) {
    this.engine = engine;
    this.path = path;
    this.tmp = `${path}.tmp`;
    this.fd = openSync(this.tmp, 'w', 0o600);
    rewriteFunctions(engine.scripting, (argv) => this.emit(argv));
    this.keys = [...engine.db.entries().keys()];
    this.remaining = new Set(this.keys);
    engine.beforeWrite = (key) => this.beforeWrite(key);
  }

  /** Writes keys for up to a slice of time (or all of them); true when every key is written. */
  step(all = false): boolean {
    const started = performance.now();
    while (this.next < this.keys.length) {
      const key = this.keys[this.next++] as string;
      if (this.remaining.delete(key)) this.writeKey(key);
      if (!all && (this.next & 255) === 0 && performance.now() - started > SLICE_MS) break;
    }
    this.drain(false);
    return this.next >= this.keys.length;
  }

  /** Makes the snapshot durable under its final name. */
  finish(): void {
    this.release();
    this.drain(true);
    fsyncSync(this.fd);
    this.closeFile();
    renameSync(this.tmp, this.path);
    this.renamed = true;
  }

  /** Gives up (an error, or the server closing): the temporary file goes, also after a failed `finish`. */
  abort(): void {
    if (this.renamed) return;
    this.release();
    try {
      this.closeFile();
    } catch {}
    try {
      unlinkSync(this.tmp);
    } catch {}
  }

  private closeFile(): void {
    if (!this.fdOpen) return;
    this.fdOpen = false;
    closeSync(this.fd);
  }

  private release(): void {
    if (this.engine.beforeWrite !== undefined) this.engine.beforeWrite = undefined;
  }

  private beforeWrite(key: string | null): void {
    if (key !== null) {
      if (this.remaining.delete(key)) this.writeKey(key);
      return;
    }
    // A write that may touch any key (FLUSHALL): everything not yet written goes first.
    for (const k of this.remaining) this.writeKey(k);
    this.remaining.clear();
  }

  private writeKey(key: string): void {
    const entry = this.engine.db.entries().get(key);
    if (entry === undefined) return;
    rewriteEntry(key, entry, (argv) => this.emit(argv));
    this.keysWritten++;
  }

  private emit(argv: Argv): void {
    const record = encodeCommand(argv);
    // Only buffered here: this also runs inside a client's write command, which must not fail on I/O.
    this.out.push(record);
    this.outBytes += record.length;
  }

  private drain(force: boolean): void {
    if (this.outBytes === 0 || (!force && this.outBytes < WRITE_CHUNK && this.next < this.keys.length)) return;
    const data = Buffer.from(this.out.join(''), 'latin1');
    let off = 0;
    while (off < data.length) off += writeSync(this.fd, data, off, data.length - off);
    this.size += data.length;
    this.out = [];
    this.outBytes = 0;
  }
}
