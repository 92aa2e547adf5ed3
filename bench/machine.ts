/** The machine a benchmark ran on, recorded with its results so figures are read against their hardware. */
import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';

export function describeMachine(): { cpu: string; cpus: number; memoryGiB: number; platform: string; node: string } {
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cpus: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    platform: `${process.platform} ${process.arch}`,
    node: process.version,
  };
}

/** The commit the benchmark ran on, recorded with its results ('unknown' outside a git checkout). */
export function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}
