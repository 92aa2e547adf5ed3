/**
 * The data directory's layout, versioned so later releases can read what earlier ones wrote:
 *
 *   <data-dir>/aof/manifest.json   { format, version, seq, base, incr[] } — the files that hold the data
 *   <data-dir>/aof/base.<n>.aof    a snapshot: the commands that rebuild every key (and function library)
 *   <data-dir>/aof/incr.<n>.aof    the writes since, in order, MULTI … EXEC around multi-command batches
 *   <data-dir>/LOCK                the pid of the server using the directory
 *
 * State = base replayed, then each incr file in order. The manifest is replaced atomically (temporary
 * file, fsync, rename, fsync of the directory), so a crash leaves either the old or the new one.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export const MANIFEST_FORMAT = 'redstash-aof';
export const MANIFEST_VERSION = 1;

export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  version: number;
  /** Numbers new files; only ever grows. */
  seq: number;
  /** The snapshot file, or null before the first one. */
  base: string | null;
  /** Incremental logs after the base, oldest first; the last one is being appended to. */
  incr: string[];
}

export class ManifestError extends Error {}

export function manifestPath(dir: string): string {
  return join(dir, 'manifest.json');
}

/** The manifest in `dir`, or null when there is none (a fresh data directory). */
export function readManifest(dir: string): Manifest | null {
  let text: string;
  try {
    text = readFileSync(manifestPath(dir), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  let m: Partial<Manifest>;
  try {
    m = JSON.parse(text) as Partial<Manifest>;
  } catch {
    throw new ManifestError(`${manifestPath(dir)} is not valid JSON`);
  }
  if (m.format !== MANIFEST_FORMAT) throw new ManifestError(`${manifestPath(dir)} is not a Redstash manifest`);
  if (typeof m.version !== 'number' || m.version > MANIFEST_VERSION)
    throw new ManifestError(
      `${manifestPath(dir)} has format version ${String(m.version)}; this release reads up to ${MANIFEST_VERSION}`,
    );
  const fileName = (f: unknown) => typeof f === 'string' && /^[a-z]+\.[0-9]+\.aof$/.test(f);
  if (
    typeof m.seq !== 'number' ||
    !(m.base === null || fileName(m.base)) ||
    !Array.isArray(m.incr) ||
    m.incr.length === 0 ||
    !m.incr.every(fileName)
  )
    throw new ManifestError(`${manifestPath(dir)} is malformed`);
  const files = [...(m.base === null ? [] : [m.base]), ...m.incr];
  if (new Set(files).size !== files.length) throw new ManifestError(`${manifestPath(dir)} lists a file twice`);
  return m as Manifest;
}

export function writeManifest(dir: string, manifest: Manifest): void {
  const target = manifestPath(dir);
  const tmp = `${target}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(manifest, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, target);
  syncDir(dir);
}

/** Makes a rename or a new file in `dir` durable. */
export function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
