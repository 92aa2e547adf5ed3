/**
 * How fast @upstash/ratelimit's limit() runs on Redstash, against the path an Upstash user would otherwise
 * take (a REST→RESP proxy in front of redis-server), and what its scripts cost inside the engine.
 *   node --import tsx bench/ratelimit/run.ts [--profile | --profile-only]      (or: npm run bench:ratelimit)
 *
 * 1. REST: the real limit() through @upstash/redis (defaults: auto-pipelining, base64, keep-alive) at 1 and
 *    32 calls in flight, against Redstash and against proxy.ts + a private redis-server. Each server runs
 *    in its own child process (server.ts) while this process generates the load, so the client does not
 *    share the server's event loop; on a 2-core machine the load generator still shares the cores. Besides
 *    calls/s and latency, each side's server CPU per call is measured (Redstash's process; the proxy's
 *    process plus redis-server's own CPU), the fairer figure when the client is the bottleneck.
 * 2. In-engine: the same scripts by EVALSHA straight into engine.exec, and on redis-server over RESP.
 * When Redstash misses 1.2× the proxy on a REST scenario (or with --profile), the Redstash server is run
 * once more under --cpu-prof and its busy time is reported by function and by area (--profile-only: just that).
 * Results go to bench/results/ratelimit-<date>.json and a section of bench/results/README.md.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Ratelimit } from '@upstash/ratelimit';
import { Redis } from '@upstash/redis';
import { REDIS_MISSING, type RedisServer, startRedisServer } from '../../test/support/redis-server.ts';
import type { RespClient } from '../../test/support/resp-client.ts';
import { describeMachine, gitCommit } from '../machine.ts';
import { writeSection } from '../results-readme.ts';
import { benchEngine, benchRedisResp, type PassFigures, type RedisFigures } from './in-engine.ts';
import { type ProfileSummary, type SelfTime, summarizeProfile } from './profile.ts';
import {
  ALGORITHMS,
  type Algorithm,
  captureLimitScript,
  identifiers,
  LIMIT,
  newRatelimit,
  USERS,
  WINDOW_MS,
} from './workload.ts';

const WARMUP_S = 1;
const DURATION_S = 5;
/** Rounds alternate the targets; each figure is a target's best round, which filters out noise. */
const ROUNDS = 3;
const CONCURRENCIES = [1, 32];
const TARGET_RATIO = 1.2;
const TOKEN = 'bench-token';
const RESULTS = fileURLToPath(new URL('../results/', import.meta.url));
const profileOnly = process.argv.includes('--profile-only');
const forceProfile = profileOnly || process.argv.includes('--profile');

/** A server side's CPU time so far, in µs, and the HTTP requests it has served. */
interface Usage {
  cpuMicros: number;
  requests: number;
}

interface Child {
  port: number;
  usage(): Promise<Usage>;
  /** Asks the child to leave and waits until it has (a --cpu-prof child writes its profile then). */
  stop(): Promise<void>;
}

async function startChild(args: string[], execArgv: string[] = []): Promise<Child> {
  const child: ChildProcess = fork(
    fileURLToPath(new URL('./server.ts', import.meta.url)),
    [args[0] ?? '', TOKEN, ...args.slice(1)],
    {
      execArgv: ['--import', 'tsx', ...execArgv],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`${args[0]} server exited early (${code})`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    port,
    usage: () =>
      new Promise((resolve) => {
        child.once('message', (m) => resolve(m as Usage));
        child.send('cpu');
      }),
    stop: () => {
      child.send('exit');
      return exited;
    },
  };
}

/** redis-server's own CPU time in µs (INFO cpu), read over a connection kept for it. */
async function redisCpuMicros(conn: RespClient): Promise<number> {
  const reply = await conn.send(['INFO', 'cpu']);
  const text = reply.type === 'bulk' ? reply.value : '';
  const field = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(text)?.[1] ?? Number.NaN);
  return Math.round((field('used_cpu_user') + field('used_cpu_sys')) * 1e6);
}

interface Target {
  name: 'redstash' | 'proxy';
  redis: Redis;
  usage(): Promise<Usage>;
}

function target(name: Target['name'], port: number, usage: () => Promise<Usage>): Target {
  return { name, redis: new Redis({ url: `http://127.0.0.1:${port}`, token: TOKEN }), usage };
}

interface Drive {
  calls: number;
  allowed: number;
  seconds: number;
  latenciesMs: Float64Array;
}

/** `concurrency` loops each awaiting one limit() after another, identifiers taken in turn, for `seconds`. */
async function drive(rl: Ratelimit, concurrency: number, seconds: number): Promise<Drive> {
  const latencies: number[] = [];
  let next = 0;
  let allowed = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  const loop = async () => {
    while (performance.now() < end) {
      const id = identifiers[next++ % USERS] as string;
      const t0 = performance.now();
      const r = await rl.limit(id);
      latencies.push(performance.now() - t0);
      // A timed-out call is "allowed" with reason 'timeout': the run would be measuring nothing.
      if (r.reason === 'timeout') throw new Error('limit() timed out');
      if (r.success) allowed++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  const elapsed = (performance.now() - start) / 1000;
  return { calls: latencies.length, allowed, seconds: elapsed, latenciesMs: Float64Array.from(latencies).sort() };
}

interface RestFigures {
  callsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  allowedShare: number;
  /** Server-side CPU per limit(): Redstash's process, or the proxy's process plus redis-server. */
  serverCpuMicrosPerCall: number;
  /** limit() calls per HTTP request: how far the client's auto-pipelining batched them. */
  callsPerRequest: number;
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;
const quantile = (sorted: Float64Array, q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

let runs = 0;
async function measure(t: Target, algorithm: Algorithm, concurrency: number): Promise<RestFigures> {
  const rl = newRatelimit(t.redis, algorithm, `rl${runs++}`);
  await drive(rl, concurrency, WARMUP_S);
  const before = await t.usage();
  const d = await drive(rl, concurrency, DURATION_S);
  const after = await t.usage();
  return {
    callsPerSecond: Math.round(d.calls / d.seconds),
    p50Ms: round(quantile(d.latenciesMs, 0.5), 2),
    p99Ms: round(quantile(d.latenciesMs, 0.99), 2),
    allowedShare: round(d.allowed / d.calls, 3),
    serverCpuMicrosPerCall: round((after.cpuMicros - before.cpuMicros) / d.calls, 1),
    callsPerRequest: round(d.calls / (after.requests - before.requests), 1),
  };
}

const better = (a: RestFigures | undefined, b: RestFigures) =>
  a === undefined || b.callsPerSecond > a.callsPerSecond ? b : a;

async function profileRedstash(): Promise<ProfileSummary & { scenario: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'redstash-prof-'));
  try {
    const child = await startChild(['redstash'], ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
    const t = target('redstash', child.port, () => child.usage());
    const figures = await measure(t, 'slidingWindow', 32);
    await child.stop();
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    if (file === undefined) throw new Error('the profiled server wrote no .cpuprofile');
    return {
      scenario:
        `slidingWindow, 32 in flight: ${figures.callsPerSecond} calls/s under the profiler, ` +
        `${figures.callsPerRequest} calls per HTTP request, ${figures.serverCpuMicrosPerCall} µs CPU/call`,
      ...summarizeProfile(join(dir, file), DURATION_S * 1000, 10),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function profileText(p: ProfileSummary & { scenario: string }): string {
  const rows = (list: SelfTime[]) => list.map((f) => `| \`${f.name}\` | ${f.selfMs} | ${round(f.share * 100, 1)} % |`);
  return [
    `Redstash server under \`--cpu-prof\` (${p.scenario}); idle ${round(p.idleShare * 100, 1)} % of the measured ${DURATION_S} s.`,
    'Busy time by area, then the top 10 functions by self time (shares of busy time). The profiler samples wall time:',
    "`writev` includes the kernel's loopback delivery and any preemption on the shared cores.",
    '',
    '| area | self ms | share |',
    '| --- | ---: | ---: |',
    ...rows(p.areas),
    '',
    '| function | self ms | share |',
    '| --- | ---: | ---: |',
    ...rows(p.top),
  ].join('\n');
}

if (profileOnly) {
  console.log(profileText(await profileRedstash()));
  process.exit(0);
}

// Other work on the machine skews every figure: the load average before and after goes into the report.
const loadBefore = loadavg().map((l) => round(l, 2));

// --- 1. the scripts, as the library sends them, and what they cost in the engine and in Redis ---------
const scripts = await Promise.all(ALGORITHMS.map(captureLimitScript));
const redisServer: RedisServer | undefined = await startRedisServer();
if (redisServer === undefined) console.warn(`Baseline and Redis reference skipped: ${REDIS_MISSING}`);
const inEngine: { algorithm: Algorithm; engine: PassFigures; redisResp: RedisFigures | null }[] = [];
for (const script of scripts) {
  const engine = await benchEngine(script);
  const redisResp = redisServer === undefined ? null : await benchRedisResp(redisServer, script);
  inEngine.push({ algorithm: script.algorithm, engine, redisResp });
  console.log(
    `in-engine ${script.algorithm}: ${engine.callsPerSecond} calls/s; redis over RESP: ${redisResp?.callsPerSecond ?? '-'}`,
  );
}

// --- 2. limit() over REST ---------------------------------------------------------------------------
const redstashChild = await startChild(['redstash']);
const targets: Target[] = [target('redstash', redstashChild.port, () => redstashChild.usage())];
let proxyChild: Child | undefined;
let cpuConn: RespClient | undefined;
if (redisServer !== undefined) {
  const conn = await redisServer.connect();
  cpuConn = conn;
  await conn.send(['FLUSHALL']);
  proxyChild = await startChild(['proxy', String(redisServer.port)]);
  const proxy = proxyChild;
  targets.push(
    target('proxy', proxy.port, async () => {
      const [p, r] = await Promise.all([proxy.usage(), redisCpuMicros(conn)]);
      return { cpuMicros: p.cpuMicros + r, requests: p.requests };
    }),
  );
}
const best = new Map<string, RestFigures>();
const key = (t: string, a: Algorithm, c: number) => `${t}/${a}/${c}`;
for (const algorithm of ALGORITHMS) {
  for (const concurrency of CONCURRENCIES) {
    for (let r = 0; r < ROUNDS; r++) {
      for (const t of targets) {
        const k = key(t.name, algorithm, concurrency);
        best.set(k, better(best.get(k), await measure(t, algorithm, concurrency)));
      }
    }
    console.log(`REST ${algorithm} × ${concurrency} done`);
  }
}
await redstashChild.stop();
await proxyChild?.stop();
cpuConn?.close();
await redisServer?.stop();

const rest = ALGORITHMS.flatMap((algorithm) =>
  CONCURRENCIES.map((concurrency) => {
    const ours = best.get(key('redstash', algorithm, concurrency)) as RestFigures;
    const proxy = best.get(key('proxy', algorithm, concurrency)) ?? null;
    return {
      algorithm,
      concurrency,
      redstash: ours,
      proxy,
      callsRatio: proxy === null ? null : round(ours.callsPerSecond / proxy.callsPerSecond, 2),
      capacityRatio: proxy === null ? null : round(proxy.serverCpuMicrosPerCall / ours.serverCpuMicrosPerCall, 2),
    };
  }),
);
const missed = rest.some((r) => r.callsRatio !== null && r.callsRatio < TARGET_RATIO);
const profile = missed || forceProfile ? await profileRedstash() : null;

// --- 3. report --------------------------------------------------------------------------------------
const date = new Date();
const day = date.toISOString().slice(0, 10);
const machine = {
  ...describeMachine(),
  loadAverage1mBefore: loadBefore[0],
  loadAverage1mAfter: round(loadavg()[0] ?? 0, 2),
};
const report = {
  date: date.toISOString(),
  commit: gitCommit(),
  machine,
  settings: {
    limit: `${LIMIT} per ${WINDOW_MS / 1000} s`,
    users: USERS,
    ephemeralCache: false,
    analytics: false,
    warmupSeconds: WARMUP_S,
    durationSeconds: DURATION_S,
    rounds: ROUNDS,
    concurrencies: CONCURRENCIES,
    client: '@upstash/redis defaults (auto-pipelining, base64, keep-alive), one client per target',
    servers: 'each in its own child process; the load generator shares the same cores',
  },
  rest,
  inEngine,
  profile,
};
writeFileSync(`${RESULTS}ratelimit-${day}.json`, `${JSON.stringify(report, null, 2)}\n`);

const pct = (share: number) => round(share * 100, 1);
const dash = (v: number | null | undefined) => (v === null || v === undefined ? '–' : String(v));
const restTable = [
  '| algorithm | in flight | calls/HTTP req | allowed % | redstash calls/s | p50 / p99 ms | proxy calls/s | p50 / p99 ms | calls ratio | redstash µs CPU/call | proxy + redis µs CPU/call | capacity ratio |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...rest.map(
    (r) =>
      `| ${r.algorithm} | ${r.concurrency} | ${r.redstash.callsPerRequest} | ${pct(r.redstash.allowedShare)}${r.proxy === null ? '' : ` / ${pct(r.proxy.allowedShare)}`} | ${r.redstash.callsPerSecond} | ${r.redstash.p50Ms} / ${r.redstash.p99Ms} | ` +
      `${dash(r.proxy?.callsPerSecond)} | ${r.proxy === null ? '–' : `${r.proxy.p50Ms} / ${r.proxy.p99Ms}`} | ${dash(r.callsRatio)} | ` +
      `${r.redstash.serverCpuMicrosPerCall} | ${dash(r.proxy?.serverCpuMicrosPerCall)} | ${dash(r.capacityRatio)} |`,
  ),
].join('\n');
const scriptTable = [
  '| script | allowed % | engine.exec calls/s (µs/call) | redis-server over RESP, pipeline 100, calls/s | redis-server own µs/call |',
  '| --- | ---: | ---: | ---: | ---: |',
  ...inEngine.map(
    (s) =>
      `| ${s.algorithm} | ${pct(s.engine.allowedShare)} | ${s.engine.callsPerSecond} (${round(1e6 / s.engine.callsPerSecond, 1)}) | ` +
      `${dash(s.redisResp?.callsPerSecond)} | ${dash(s.redisResp?.serverMicrosPerCall)} |`,
  ),
].join('\n');
const profileTable = profile === null ? '' : `\n${profileText(profile)}\n`;
console.log(`${restTable}\n\n${scriptTable}\n${profileTable}`);

const section = `## @upstash/ratelimit (\`npm run bench:ratelimit\`)

Latest run: ${day}, commit \`${report.commit.slice(0, 12)}\`, ${machine.cpu} × ${machine.cpus}, Node ${machine.node},
load average (1 min) ${machine.loadAverage1mBefore} before and ${machine.loadAverage1mAfter} after the run.
@upstash/ratelimit 2.2.0 \`limit()\` through @upstash/redis 1.39.0 with its defaults (auto-pipelining, base64),
limit ${LIMIT} per ${WINDOW_MS / 1000} s over ${USERS} identifiers taken in turn: at these rates nearly every call is refused (the "allowed %"
column, redstash / proxy), so the REST figures are mostly the refusal path (the scripts' reads, no writes),
ephemeral cache and analytics off; ${DURATION_S} s per run after a ${WARMUP_S} s warm-up, best of ${ROUNDS} alternating rounds, 127.0.0.1.
"proxy" is \`bench/ratelimit/proxy.ts\`: bare node:http, REST→RESP over one pipelined connection to redis-server
${redisServer === undefined ? '(not installed on this run: skipped)' : '7.0.15'} (no persistence, like Redstash here), the path an Upstash user would otherwise take; it drops
the script shebang flag Redis 7.0 rejects and maps the library's EVALSHA hashes accordingly. Each server runs in its own
child process, but the load generator (this process) shares the same ${machine.cpus} cores. Auto-pipelining puts all 32
in-flight calls into one HTTP request, so client and server take turns and calls/s carry the client's time on both
sides; server CPU per call (Redstash's process vs. the proxy's process plus redis-server's) is the capacity figure,
and the capacity ratio is proxy ÷ redstash CPU per call. Target: ≥ ${TARGET_RATIO}× the proxy. Full figures: \`ratelimit-${day}.json\`.
On this shared machine repeated runs moved the ratios by up to ±0.3: compare figures within one run only.

${restTable}

The scripts alone (simulated clock, 1 ms per call, same call sequence for both; best of 3 × 50k calls):

${scriptTable}
${profileTable}
`;
const readme = `${RESULTS}README.md`;
writeSection(readme, '## @upstash/ratelimit', section);
