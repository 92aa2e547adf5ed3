/**
 * kill -9 under load: concurrent writers send acknowledged writes (INCR on shared counters, SET of unique
 * keys, RPUSH, two-key transactions) to the real `redstash` process; at a seeded moment it is SIGKILLed and
 * restarted on the same data directory, and the state is checked against what was sent and acknowledged.
 * Rounds chain on one directory (round r writes keys `r<r>:…`), so every restart also replays the earlier
 * rounds' data, and from the second round on a BGREWRITEAOF loop runs alongside, so kills land before,
 * during and after rewrites. Set REDSTASH_CRASH_SEED to replay another schedule.
 *
 * SIGKILL ends the process but not the OS: whatever the server write()s before replying survives, so under
 * both `always` and `everysec` no acknowledged write may be lost. The fsync policies differ only when the
 * machine goes down (everysec: up to about a second lost), which a test cannot do to its own machine; the
 * last everysec round stands in for that by cutting the log at a random byte after the kill, as a machine
 * crash would leave an unsynced tail, and checks that what remains is a clean prefix.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadedReport, rest, startServer, stopCleanly } from './server-process.ts';
import { checkRound, type Observed, observe, prng, runWriter, type Ticks, type WriterLog } from './workload.ts';

const SEED = Number(process.env.REDSTASH_CRASH_SEED ?? 20261127);
const WRITERS = 6;
const MAX_OPS_PER_WRITER = 2500;
const KILL_ROUNDS = 3;

type Policy = 'always' | 'everysec';

interface Round {
  prefix: string;
  writers: WriterLog[];
  seen: Observed;
}

/** The log file being appended to, and its size. */
function currentLog(dataDir: string): { path: string; size: number } {
  const dir = join(dataDir, 'aof');
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { incr: string[] };
  const path = join(dir, manifest.incr[manifest.incr.length - 1] as string);
  return { path, size: statSync(path).size };
}

async function crashChain(policy: Policy, diagnostic: (msg: string) => void): Promise<void> {
  const rand = prng(SEED ^ (policy === 'always' ? 0xa1 : 0xe5));
  const dataDir = mkdtempSync(join(tmpdir(), `redstash-crash-${policy}-`));
  const rounds: Round[] = [];
  let srv = await startServer(dataDir, policy);
  try {
    const total = policy === 'everysec' ? KILL_ROUNDS + 1 : KILL_ROUNDS;
    for (let r = 1; r <= total; r++) {
      const tornTail = r > KILL_ROUNDS;
      const prefix = `r${r}:`;
      const where = `${policy} round ${r} (seed ${SEED})`;
      const killAfterMs = 500 + Math.floor(rand() * 1000);
      const compacting = r >= 2 && !tornTail;
      const logBefore = currentLog(dataDir);

      const ticks: Ticks = { now: 0 };
      let killed = false;
      const writers: WriterLog[] = Array.from({ length: WRITERS }, (_, id) => ({ id, ops: [], acked: 0 }));
      const url = srv.url;
      const load = writers.map((w) =>
        runWriter(url, w, prng(rand() * 2 ** 32), prefix, MAX_OPS_PER_WRITER, ticks, () => killed),
      );
      let rewrites = 0;
      const compactor = (async () => {
        const pace = prng(rand() * 2 ** 32);
        while (compacting && !killed) {
          await new Promise((resolve) => setTimeout(resolve, 80 + pace() * 160));
          if (killed) break;
          try {
            const { json } = await rest(url, ['BGREWRITEAOF']);
            if ((json as { result?: unknown }).result !== undefined) rewrites++;
          } catch {
            break;
          }
        }
      })();
      const victim = srv;
      const alive = await new Promise<boolean>((resolve) =>
        setTimeout(() => {
          const running = victim.child.exitCode === null && victim.child.signalCode === null;
          killed = true;
          victim.child.kill('SIGKILL');
          resolve(running);
        }, killAfterMs),
      );
      assert.ok(alive, `${where}: the server died before the kill:\n${victim.stderr()}`);
      assert.equal((await victim.exit).signal, 'SIGKILL');
      await Promise.all([...load, compactor]);

      let cut = '';
      if (tornTail) {
        const log = currentLog(dataDir);
        const from = log.path === logBefore.path ? logBefore.size : 0;
        const at = from + Math.floor(rand() * (log.size - from));
        truncateSync(log.path, at);
        cut = `; log cut at byte ${at} of ${log.size} (${log.size - at} dropped)`;
      }

      srv = await startServer(dataDir, policy);
      const seen = await observe(srv.url, prefix, writers);
      const stats = checkRound(prefix, writers, seen, !tornTail, where);
      if (!tornTail) assert.equal(stats.lost, 0);
      for (const earlier of rounds)
        assert.deepEqual(
          await observe(srv.url, earlier.prefix, earlier.writers),
          earlier.seen,
          `${where}: ${earlier.prefix} changed after the restart`,
        );
      rounds.push({ prefix, writers, seen });
      const { records, tornBytes } = loadedReport(srv.stderr());
      diagnostic(
        `${policy} round ${r}: SIGKILL at ${killAfterMs} ms${cut}; ${stats.sent} sent, ${stats.acked} acked; ` +
          `SET/RPUSH/MULTI acked ${stats.ackedWrites}, present ${stats.presentWrites} ` +
          `(${stats.unackedPresent} unacked present), acked lost ${stats.lost}; ` +
          `${rewrites} rewrites; replayed ${records} records, ${tornBytes} torn bytes dropped`,
      );
    }
  } finally {
    await stopCleanly(srv);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

test('appendfsync always: SIGKILL under load loses no acknowledged write', async (t) => {
  await crashChain('always', (msg) => t.diagnostic(msg));
});

test('appendfsync everysec: SIGKILL loses nothing acknowledged; a cut log tail leaves a clean prefix', async (t) => {
  await crashChain('everysec', (msg) => t.diagnostic(msg));
});
