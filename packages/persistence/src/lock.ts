/**
 * One server per data directory: two processes appending to the same log would interleave records. The
 * lock file holds the owner's pid; a lock left by a process that no longer runs (a crash) is taken over.
 */
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export class DataDirInUseError extends Error {}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A killed server not yet reaped by its parent is a zombie: it still answers kill(0) but holds nothing.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

export function acquireLock(dataDir: string): void {
  const path = join(dataDir, 'LOCK');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = Number.parseInt(readFileSync(path, 'utf8'), 10);
    if (Number.isInteger(owner) && owner !== process.pid && alive(owner))
      throw new DataDirInUseError(`the data directory ${dataDir} is in use by another server (pid ${owner})`);
    if (owner === process.pid)
      throw new DataDirInUseError(`the data directory ${dataDir} is already open in this process`);
    unlinkSync(path);
  }
  throw new DataDirInUseError(`could not lock the data directory ${dataDir}`);
}

export function releaseLock(dataDir: string): void {
  const path = join(dataDir, 'LOCK');
  try {
    if (Number.parseInt(readFileSync(path, 'utf8'), 10) === process.pid) unlinkSync(path);
  } catch {}
}
