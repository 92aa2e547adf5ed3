/**
 * The platform's cost: REST throughput with metering and quotas ON against the same server with them OFF.
 *   node --import tsx bench/platform/run.ts      (or: npm run bench:platform)
 *
 * This one file is both the driver and, forked as `run.ts serve <on|off>`, each server: startApp in memory,
 * a database created on a plan whose every limit is set but out of reach (so each check runs and none
 * refuses), key `k` preset. Each server has its own process so autocannon (here) and the server share the
 * cores the same way for both. Runs alternate on/off (and which goes first) over several rounds to cancel
 * drift; figures are the mean over rounds. With few cores the load generator can be the limit, so besides
 * req/s each server reports its own CPU time: CPU per request is metering's cost whatever autocannon could
 * deliver. Results: bench/results/platform-<date>.json and a section of bench/results/README.md.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { describeMachine, gitCommit } from '../machine.ts';
import { writeSection } from '../results-readme.ts';

const DURATION_S = 4;
const WARMUP_S = 1;
const ROUNDS = 5;
/** The in-process hot-path measure: requests per sample, samples per side. */
const HOT_REQUESTS = 50_000;
const HOT_SAMPLES = 9;
const CONNECTIONS = 8;
const TARGET_PCT = 5;
const RESULTS = fileURLToPath(new URL('../results/', import.meta.url));
const SELF = fileURLToPath(import.meta.url);
const loadBefore = loadavg()[0]?.toFixed(2);

type Mode = 'on' | 'off';

interface Scenario {
  name: string;
  path: string;
  body: string;
  commands: number;
}
interface Measure {
  rps: number;
  cpuMicrosPerRequest: number;
}

const pipeline10 = JSON.stringify(
  Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? ['GET', 'k'] : ['SET', `p${i}`, 'v'])),
);
const SCENARIOS: Scenario[] = [
  { name: 'POST / ["SET",k,v]', path: '/', body: '["SET","k","v"]', commands: 1 },
  { name: 'POST / ["GET",k]', path: '/', body: '["GET","k"]', commands: 1 },
  { name: 'POST /pipeline (10 commands)', path: '/pipeline', body: pipeline10, commands: 10 },
];

/** The child: one server, metering on or off, reporting its port and token, then its CPU time on request. */
async function serve(metering: boolean): Promise<void> {
  const { startApp } = await import('@redstash/server');
  const app = await startApp({
    host: '127.0.0.1',
    port: 0,
    token: 'bench-admin-token',
    metering,
    plans: await benchPlans(),
  });
  const { database, tokens } = app.platform.create({ name: 'bench', plan: 'bench' });
  database.engine.exec(database.engine.createClient(), ['SET', 'k', 'a value of moderate length, 40 bytes....']);
  process.send?.({ port: Number(new URL(app.url).port), token: tokens.token });
  process.on('message', () => {
    const { user, system } = process.cpuUsage();
    process.send?.({ cpuMicros: user + system, commands: database.ledger.commands });
  });
}

/** Every limit set (so every check runs on the hot path) and none reachable by the benchmark. */
async function benchPlans() {
  const { planSet } = await import('@redstash/platform');
  return planSet([
    {
      name: 'bench',
      dailyCommands: 1e12,
      maxDataBytes: 2 ** 30,
      maxRequestBytes: 1 << 20,
      maxRecordBytes: 1 << 20,
      maxCommandsPerSecond: 1e9,
      maxConnections: 10_000,
      pricePer100k: 0.2,
    },
  ]);
}

/**
 * The platform's own work per request, without HTTP: what the REST handler does for a metered request
 * (enter, the commands through the engine with the quota hook, leave with the service time) against the
 * same without metering, in ns. Alternating samples and taking each side's fastest filters out other load.
 */
async function hotPath(): Promise<Map<string, { onNs: number; offNs: number }>> {
  const [{ Engine }, { Platform }] = await Promise.all([import('@redstash/engine'), import('@redstash/platform')]);
  const plans = await benchPlans();
  const clock = { now: () => Date.now() };
  const open = () => ({ engine: new Engine({ clock }), close() {} });
  const sides = (['on', 'off'] as const).map((mode) => {
    const platform = new Platform({ clock, plans, open, metering: mode === 'on' });
    const { tokens } = platform.create({ name: 'bench', plan: 'bench' });
    const grant = platform.authenticate(tokens.token);
    if (grant === undefined) throw new Error('token refused');
    grant.engine.exec(grant.engine.createClient(), ['SET', 'k', 'a value of moderate length, 40 bytes....']);
    return { mode, grant };
  });
  const out = new Map<string, { onNs: number; offNs: number }>();
  for (const s of SCENARIOS) {
    const argvs = JSON.parse(s.path === '/' ? `[${s.body}]` : s.body) as string[][];
    const best = { on: Number.POSITIVE_INFINITY, off: Number.POSITIVE_INFINITY };
    for (let sample = 0; sample < HOT_SAMPLES; sample++)
      for (const { mode, grant } of sample % 2 === 0 ? sides : [...sides].reverse()) {
        const { engine, meter } = grant;
        const t0 = process.hrtime.bigint();
        for (let i = 0; i < HOT_REQUESTS; i++) {
          // As the handler: a fresh client per request, enter/leave only when metered.
          let started = 0;
          if (meter !== undefined) {
            meter.enter();
            started = performance.now();
          }
          const client = engine.createClient();
          for (const argv of argvs) engine.exec(client, argv);
          if (meter !== undefined) meter.leave(s.body.length, 20, performance.now() - started);
        }
        best[mode] = Math.min(best[mode], Number(process.hrtime.bigint() - t0) / HOT_REQUESTS);
      }
    out.set(s.name, { onNs: best.on, offNs: best.off });
  }
  return out;
}

class Server {
  readonly child: ChildProcess;
  readonly port: number;
  readonly token: string;
  private constructor(child: ChildProcess, port: number, token: string) {
    this.child = child;
    this.port = port;
    this.token = token;
  }
  static async start(mode: Mode): Promise<Server> {
    const child = fork(SELF, ['serve', mode], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const { port, token } = await new Promise<{ port: number; token: string }>((resolve, reject) => {
      child.once('message', (m) => resolve(m as { port: number; token: string }));
      child.once('exit', (code) => reject(new Error(`metering ${mode} server exited early (${code})`)));
    });
    return new Server(child, port, token);
  }
  probe(): Promise<{ cpuMicros: number; commands: number }> {
    return new Promise((resolve) => {
      this.child.once('message', (m) => resolve(m as { cpuMicros: number; commands: number }));
      this.child.send('probe');
    });
  }
}

async function load(server: Server, s: Scenario, duration: number): Promise<Measure> {
  const before = await server.probe();
  const result = await autocannon({
    url: `http://127.0.0.1:${server.port}${s.path}`,
    method: 'POST',
    headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
    body: s.body,
    connections: CONNECTIONS,
    duration,
  });
  const after = await server.probe();
  const bad = result.non2xx + result.errors + result.timeouts;
  if (bad > 0) throw new Error(`${s.name}: ${bad} failed requests out of ${result.requests.total}`);
  return {
    rps: result.requests.average,
    cpuMicrosPerRequest: (after.cpuMicros - before.cpuMicros) / result.requests.total,
  };
}

async function drive(): Promise<void> {
  const hot = await hotPath();
  for (const [name, h] of hot)
    console.log(`hot path ${name}: on ${h.onNs.toFixed(0)} ns, off ${h.offNs.toFixed(0)} ns per request`);
  const servers = { on: await Server.start('on'), off: await Server.start('off') };
  const runs = new Map<string, { on: Measure[]; off: Measure[] }>();
  try {
    for (const s of SCENARIOS) {
      runs.set(s.name, { on: [], off: [] });
      for (const mode of ['on', 'off'] as const) await load(servers[mode], s, WARMUP_S);
    }
    for (let r = 0; r < ROUNDS; r++) {
      const order: Mode[] = r % 2 === 0 ? ['on', 'off'] : ['off', 'on'];
      for (const s of SCENARIOS)
        for (const mode of order) {
          const m = await load(servers[mode], s, DURATION_S);
          runs.get(s.name)?.[mode].push(m);
          console.log(
            `round ${r + 1} ${s.name} metering ${mode}: ${Math.round(m.rps)} req/s, ${m.cpuMicrosPerRequest.toFixed(1)} µs CPU/req`,
          );
        }
    }
    // Metering off must not count; on must have counted every command it served.
    const [on, off] = [await servers.on.probe(), await servers.off.probe()];
    if (off.commands !== 0 || on.commands === 0)
      throw new Error(`metering switch not effective: on counted ${on.commands}, off counted ${off.commands}`);
  } finally {
    servers.on.child.kill();
    servers.off.child.kill();
  }
  report(runs, hot);
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

function report(
  runs: Map<string, { on: Measure[]; off: Measure[] }>,
  hot: Map<string, { onNs: number; offNs: number }>,
): void {
  const rows = SCENARIOS.map((s) => {
    const { on, off } = runs.get(s.name) as { on: Measure[]; off: Measure[] };
    // Each round's on and off ran back to back: their ratio cancels drift, the median of ratios the outliers.
    const rpsCost = median(on.map((m, i) => 1 - m.rps / (off[i] as Measure).rps));
    const cpuCost = median(on.map((m, i) => m.cpuMicrosPerRequest / (off[i] as Measure).cpuMicrosPerRequest - 1));
    const offCpu = median(off.map((m) => m.cpuMicrosPerRequest));
    const h = hot.get(s.name) as { onNs: number; offNs: number };
    return {
      scenario: s.name,
      commandsPerRequest: s.commands,
      offRps: Math.round(mean(off.map((m) => m.rps))),
      onRps: Math.round(mean(on.map((m) => m.rps))),
      rpsCostPct: round(rpsCost * 100, 1),
      offCpuMicrosPerRequest: round(offCpu, 1),
      onCpuMicrosPerRequest: round(median(on.map((m) => m.cpuMicrosPerRequest)), 1),
      cpuCostPct: round(cpuCost * 100, 1),
      hotPathOffNs: Math.round(h.offNs),
      hotPathOnNs: Math.round(h.onNs),
      // The platform's added work per request as a share of the whole request's CPU time without it.
      hotPathCostPct: round(((h.onNs - h.offNs) / 1000 / offCpu) * 100, 2),
      rounds: { on, off },
    };
  });
  const date = new Date();
  const day = date.toISOString().slice(0, 10);
  const machine = describeMachine();
  const commit = gitCommit();
  writeFileSync(
    `${RESULTS}platform-${day}.json`,
    `${JSON.stringify(
      {
        date: date.toISOString(),
        commit,
        machine,
        settings: {
          durationSeconds: DURATION_S,
          warmupSeconds: WARMUP_S,
          rounds: ROUNDS,
          connections: CONNECTIONS,
          hotPathRequests: HOT_REQUESTS,
          hotPathSamples: HOT_SAMPLES,
        },
        results: rows,
      },
      null,
      2,
    )}\n`,
  );
  const table = [
    '| scenario | off req/s | on req/s | req/s cost | off µs CPU/req | on µs CPU/req | CPU cost | hot path off → on ns/req | hot path cost |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.scenario} | ${r.offRps} | ${r.onRps} | ${r.rpsCostPct} % | ${r.offCpuMicrosPerRequest} | ` +
        `${r.onCpuMicrosPerRequest} | ${r.cpuCostPct} % | ${r.hotPathOffNs} → ${r.hotPathOnNs} | ${r.hotPathCostPct} % |`,
    ),
  ].join('\n');
  const load = loadavg()[0]?.toFixed(2);
  writeSection(
    `${RESULTS}README.md`,
    '## Platform',
    `## Platform: metering and quotas (\`npm run bench:platform\`)

Latest run: ${day}, commit \`${commit.slice(0, 12)}\`, ${machine.cpu} × ${machine.cpus}, Node ${machine.node},
load average (1 min) ${loadBefore} before and ${load} after the run.
The same server (startApp, memory only) with metering and quotas on and off, a database on a plan whose every
limit is set but out of reach, so every check runs and none refuses. autocannon, ${CONNECTIONS} connections,
${DURATION_S} s per run after a ${WARMUP_S} s warm-up, ${ROUNDS} rounds alternating on/off (and which goes first);
req/s are means, the costs the median over rounds of each round's on/off ratio. Each server in its own child
process; the load generator shares the cores, so the server's CPU time per request is the steadier HTTP figure.
On a loaded machine both HTTP costs are noisy; the hot path columns far less: the platform's own work per request
(meter enter, the commands through the engine with the quota hook, meter leave) in process, against the same
without metering, fastest of ${HOT_SAMPLES} alternating samples of ${HOT_REQUESTS} requests; its cost is the added ns
as a share of the off server's CPU time per request. Target: ≤ ${TARGET_PCT} %. Full figures: \`platform-${day}.json\`.

${table}
`,
  );
  console.log(table);
}

// Last, once every class and constant above is initialised.
if (process.argv[2] === 'serve') await serve(process.argv[3] === 'on');
else await drive();
