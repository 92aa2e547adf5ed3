/**
 * This machine is shared (other work runs on the same 2 cores), and a measurement taken while something else
 * burns a core says more about that than about us. Before each measurement, wait — up to a limit — until the
 * machine has been mostly idle for a moment; the busy share seen goes into the report either way.
 */
import { readFileSync } from 'node:fs';

const SAMPLE_MS = 500;
/** Share of all cores in use by others that still counts as quiet. */
const QUIET_SHARE = 0.15;
const MAX_WAIT_MS = 60_000;

/** The whole machine's CPU time so far, busy and in all, in clock ticks (/proc/stat). */
export function cpuTimes(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
  const fields = line.trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  // idle and iowait
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { busy: total - idle, total };
}

/** Share of the machine's CPU in use over the next SAMPLE_MS (this process is idle meanwhile). */
async function busyShare(): Promise<number> {
  const a = cpuTimes();
  await new Promise((r) => setTimeout(r, SAMPLE_MS));
  const b = cpuTimes();
  return (b.busy - a.busy) / Math.max(b.total - a.total, 1);
}

/** Waits for a quiet machine (at most `maxWaitMs`); returns the last busy share seen. */
export async function waitForQuiet(maxWaitMs = MAX_WAIT_MS): Promise<number> {
  const deadline = Date.now() + maxWaitMs;
  let share = await busyShare();
  let said = false;
  while (share > QUIET_SHARE && Date.now() < deadline) {
    if (!said) console.log(`  machine busy (${Math.round(share * 100)} % CPU in use by others): waiting`);
    said = true;
    share = await busyShare();
  }
  return Math.round(share * 100) / 100;
}
