/**
 * Write throughput through the REST server under each durability setting: autocannon drives POST / with
 * SET of a random key (out of a million) and INCR of one counter, alternately, at a fixed concurrency. Every
 * request writes, so under `always` every one waits for an fdatasync (shared by the requests written while
 * the previous one ran); fdatasync calls are counted in the server by count-syncs.mjs. Each setting has its own
 * server, all started up front and kept running, so the rounds can rotate between them quickly.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { type ProfileSummary, summarizeProfile } from '../ratelimit/profile.ts';
import { type Durability, type ServerProcess, startRedstash, TOKEN, tickMicros } from './processes.ts';
import { cpuTimes, waitForQuiet } from './quiet.ts';

export const CONNECTIONS = 32;
export const WARMUP_S = 2;
/** Short windows, many rounds: the machine's speed drifts (other VMs on the host), and medians of interleaved
 * rounds see through that better than a few long ones. */
export const DURATION_S = 4;
const PROFILE_S = 6;
const KEYSPACE = 1_000_000;
const VALUE = 'a value of moderate length, 40 bytes....';

export interface WriteFigures {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** The server process's CPU time per request. */
  cpuMicrosPerRequest: number;
  /** fdatasync calls during the measured window (null without persistence). */
  fdatasyncs: number | null;
  /** Requests answered per fdatasync (null when there were none). */
  requestsPerFdatasync: number | null;
  /** Share of the machine's CPU others used just before (see quiet.ts). */
  othersBusyShare: number;
  /** …and during the measured window: neither the server nor the load generator (this process). */
  othersBusyShareDuring: number;
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

interface Load {
  requests: number;
  seconds: number;
  latenciesMs: Float64Array;
}

async function drive(port: number, seconds: number): Promise<Load> {
  const latencies: number[] = [];
  const started = performance.now();
  const run = autocannon({
    url: `http://127.0.0.1:${port}`,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', 'upstash-encoding': 'base64' },
    requests: [
      {
        method: 'POST',
        path: '/',
        setupRequest: (r) => ({
          ...r,
          body: `["SET","key:${Math.floor(Math.random() * KEYSPACE)}","${VALUE}"]`,
        }),
      },
      { method: 'POST', path: '/', body: '["INCR","counter"]' },
    ],
    connections: CONNECTIONS,
    duration: seconds,
  });
  run.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => latencies.push(ms));
  const result = await run;
  const elapsed = (performance.now() - started) / 1000;
  const bad = result.non2xx + result.errors + result.timeouts;
  if (bad > 0) throw new Error(`${bad} failed requests out of ${result.requests.total}`);
  return { requests: latencies.length, seconds: elapsed, latenciesMs: Float64Array.from(latencies).sort() };
}

const quantile = (sorted: Float64Array, q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

/** A server under write load: one per durability setting, kept running across the rounds. */
export interface WriteServer {
  durability: Durability;
  server: ServerProcess;
  dir: string;
}

export async function startWriteServer(durability: Durability, nodeFlags: string[] = []): Promise<WriteServer> {
  const dir = mkdtempSync(join(tmpdir(), 'redstash-bench-writes-'));
  const { server } = await startRedstash({ dataDir: join(dir, 'data'), durability, countSyncs: true, nodeFlags });
  return { durability, server, dir };
}

export async function stopWriteServer(w: WriteServer): Promise<void> {
  await w.server.stop();
  rmSync(w.dir, { recursive: true, force: true });
}

export const warmUp = (w: WriteServer) => drive(w.server.port, WARMUP_S);

/** One measured window on a warmed-up server. */
export async function measureWindow(w: WriteServer, seconds = DURATION_S): Promise<WriteFigures> {
  const { server, durability } = w;
  const othersBusyShare = await waitForQuiet();
  const syncsBefore = await server.fdatasyncs();
  const cpuBefore = server.cpuMicros();
  const machineBefore = cpuTimes();
  const selfBefore = process.cpuUsage();
  const load = await drive(server.port, seconds);
  const cpu = server.cpuMicros() - cpuBefore;
  const self = process.cpuUsage(selfBefore);
  const machineAfter = cpuTimes();
  const tick = tickMicros();
  const others = (machineAfter.busy - machineBefore.busy) * tick - cpu - self.user - self.system;
  const syncs = (await server.fdatasyncs()) - syncsBefore;
  return {
    requestsPerSecond: Math.round(load.requests / load.seconds),
    p50Ms: round(quantile(load.latenciesMs, 0.5), 2),
    p99Ms: round(quantile(load.latenciesMs, 0.99), 2),
    cpuMicrosPerRequest: round(cpu / load.requests, 1),
    fdatasyncs: durability === 'off' ? null : syncs,
    requestsPerFdatasync: durability === 'off' || syncs === 0 ? null : round(load.requests / syncs, 1),
    othersBusyShare,
    othersBusyShareDuring: round(Math.max(0, others) / ((machineAfter.total - machineBefore.total) * tick), 2),
  };
}

/** A server of its own under --cpu-prof: warm-up, one window, and where its busy time went. */
export async function profileWrites(
  durability: Durability,
): Promise<{ figures: WriteFigures; profile: ProfileSummary }> {
  const profileDir = mkdtempSync(join(tmpdir(), 'redstash-bench-profile-'));
  try {
    const w = await startWriteServer(durability, ['--cpu-prof', `--cpu-prof-dir=${profileDir}`]);
    let figures: WriteFigures;
    try {
      await warmUp(w);
      figures = await measureWindow(w, PROFILE_S);
    } finally {
      await stopWriteServer(w);
    }
    const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
    if (file === undefined) throw new Error('the profiled server wrote no .cpuprofile');
    return { figures, profile: summarizeProfile(join(profileDir, file), PROFILE_S * 1000, 12) };
  } finally {
    rmSync(profileDir, { recursive: true, force: true });
  }
}
