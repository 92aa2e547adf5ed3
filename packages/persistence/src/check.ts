/**
 * `redstash check-aof [--fix]`: finds the first record that cannot be read in the data directory's logs and,
 * with --fix, cuts the log there, as redis-check-aof does. Everything from that point on is dropped
 * (later files too: their writes assumed the lost ones), and the report says how much.
 */
import { existsSync, statSync, truncateSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { acquireLock, releaseLock } from './lock.ts';
import { readLog } from './log-reader.ts';
import { readManifest, writeManifest } from './manifest.ts';

export interface CheckReport {
  ok: boolean;
  /** One line per file: its state. */
  lines: string[];
  /** Set when a fix was applied or would be: the file and offset of the cut. */
  cut?: { file: string; offset: number; droppedBytes: number; droppedFiles: string[] };
}

export function checkAof(dataDir: string, fix: boolean): CheckReport {
  if (!fix || !existsSync(dataDir)) return check(dataDir, fix);
  // Cutting a log a running server appends to would lose its next writes: a fix takes the lock first.
  acquireLock(dataDir);
  try {
    return check(dataDir, true);
  } finally {
    releaseLock(dataDir);
  }
}

function check(dataDir: string, fix: boolean): CheckReport {
  const dir = join(dataDir, 'aof');
  const manifest = readManifest(dir);
  if (manifest === null) return { ok: true, lines: [`no append-only log in ${dir}`] };
  const files = [...(manifest.base === null ? [] : [manifest.base]), ...manifest.incr];
  const lines: string[] = [];
  for (let i = 0; i < files.length; i++) {
    const name = files[i] as string;
    const path = join(dir, name);
    let size: number;
    try {
      size = statSync(path).size;
    } catch {
      lines.push(`${path}: missing`);
      return { ok: false, lines };
    }
    const outcome = readLog(path, () => {});
    if (outcome.kind === 'clean') {
      lines.push(`${path}: ok, ${outcome.records} records, ${size} bytes`);
      continue;
    }
    const at = outcome.kind === 'torn' ? outcome.end : outcome.at;
    const why = outcome.kind === 'torn' ? 'ends inside a record (torn write)' : outcome.why;
    lines.push(`${path}: ${why} at offset ${at} of ${size} (after ${outcome.records} good records)`);
    // Cut after the last whole record (or block): cutting at the bad byte itself could leave half a record.
    const offset = outcome.end;
    const later = files.slice(i + 1);
    const droppedBytes = size - offset + later.reduce((n, f) => n + safeSize(join(dir, f)), 0);
    const cut = { file: path, offset, droppedBytes, droppedFiles: later };
    if (fix) {
      truncateSync(path, offset);
      if (later.length > 0) {
        const keep = manifest.incr.filter((f) => !later.includes(f));
        // A base cut short still needs a log to append to: keep the first of the later logs, emptied.
        const incr = keep.length > 0 ? keep : [later[0] as string];
        writeManifest(dir, { ...manifest, incr });
        for (const f of later) {
          if (incr.includes(f)) truncateSync(join(dir, f), 0);
          else unlinkSync(join(dir, f));
        }
      }
      lines.push(`fixed: cut ${path} at offset ${offset}; ${droppedBytes} bytes dropped`);
    }
    return { ok: fix, lines, cut };
  }
  return { ok: true, lines };
}

function safeSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
