/** Small JSON state files (the registry, usage counters), replaced atomically so a crash leaves old or new. */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** The parsed file, or undefined when it does not exist. A file that is not JSON is an error to report. */
export function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${file} is not valid JSON`);
  }
}

/**
 * Writes to a private temporary file, syncs it, renames it over the old one and syncs the directory, so
 * the file is whole after a crash at any point, and on disk once this returns. `durable: false` skips
 * the syncs, for state that may be lost.
 */
export function writeJsonFile(file: string, value: unknown, durable = true): void {
  const tmp = `${file}.tmp`;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(tmp, `${JSON.stringify(value, null, 1)}\n`, { mode: 0o600 });
  if (durable) syncPath(tmp);
  renameSync(tmp, file);
  if (durable) syncPath(dirname(file));
}

function syncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
