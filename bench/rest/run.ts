/**
 * REST throughput: our server against a bare node:http server on the same request shapes.
 *   node --import tsx bench/rest/run.ts      (or: npm run bench:rest)
 *
 * Each server runs alone in a child process while autocannon drives it from this process: on a small
 * machine (2 cores here) that gives the server one core and the load generator the other, and neither
 * server ever competes with the other. In-process would measure autocannon's cost as much as ours.
 * With two cores the load generator can be the bottleneck, so besides requests/s each server reports
 * its own CPU time: CPU per request is its cost, and bare ÷ ours is the share of a do-nothing server's
 * capacity we keep. Results go to bench/results/rest-<date>.json (with the machine, Node version and
 * commit) and a table in bench/results/README.md.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { describeMachine, gitCommit } from '../machine.ts';
import { writeSection } from '../results-readme.ts';

const DURATION_S = 4;
/** Rounds alternate the servers; each figure is a server's best round, which filters out noise from other load. */
const ROUNDS = 3;
const WARMUP_S = 1;
const CONNECTIONS = 8;
const TOKEN = 'bench-token';
const RESULTS = fileURLToPath(new URL('../results/', import.meta.url));

interface Scenario {
  name: string;
  method: 'GET' | 'POST';
  path: string;
  body?: string;
  commands: number;
}
interface Measure {
  rps: number;
  p99: number;
  cpuMicrosPerRequest: number;
}

const pipeline16 = JSON.stringify(
  Array.from({ length: 16 }, (_, i) => (i % 2 === 0 ? ['GET', 'k'] : ['SET', `p${i}`, 'v'])),
);
const SCENARIOS: Scenario[] = [
  { name: 'POST / ["GET",k]', method: 'POST', path: '/', body: '["GET","k"]', commands: 1 },
  { name: 'GET /get/k (path style)', method: 'GET', path: '/get/k', commands: 1 },
  { name: 'POST /pipeline (16 commands)', method: 'POST', path: '/pipeline', body: pipeline16, commands: 16 },
];

class Server {
  readonly child: ChildProcess;
  constructor(child: ChildProcess) {
    this.child = child;
  }
  static async start(kind: 'bare' | 'redstash'): Promise<[Server, number]> {
    const child = fork(fileURLToPath(new URL('./servers.ts', import.meta.url)), [kind, TOKEN], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const port = await new Promise<number>((resolve, reject) => {
      child.once('message', (m) => resolve((m as { port: number }).port));
      child.once('exit', (code) => reject(new Error(`${kind} server exited early (${code})`)));
    });
    return [new Server(child), port];
  }
  cpuMicros(): Promise<number> {
    return new Promise((resolve) => {
      this.child.once('message', (m) => resolve((m as { cpuMicros: number }).cpuMicros));
      this.child.send('cpu');
    });
  }
}

async function load(server: Server, port: number, s: Scenario, duration: number): Promise<Measure> {
  const cpuBefore = await server.cpuMicros();
  const result = await autocannon({
    url: `http://127.0.0.1:${port}${s.path}`,
    method: s.method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', 'upstash-encoding': 'base64' },
    ...(s.body === undefined ? {} : { body: s.body }),
    connections: CONNECTIONS,
    duration,
  });
  const cpu = (await server.cpuMicros()) - cpuBefore;
  const bad = result.non2xx + result.errors + result.timeouts;
  if (bad > 0) throw new Error(`${s.name}: ${bad} failed requests out of ${result.requests.total}`);
  return { rps: result.requests.average, p99: result.latency.p99, cpuMicrosPerRequest: cpu / result.requests.total };
}

async function measure(kind: 'bare' | 'redstash', best: Map<string, Measure>): Promise<void> {
  const [server, port] = await Server.start(kind);
  try {
    for (const s of SCENARIOS) {
      await load(server, port, s, WARMUP_S);
      const m = await load(server, port, s, DURATION_S);
      const prev = best.get(s.name);
      best.set(
        s.name,
        prev === undefined
          ? m
          : {
              rps: Math.max(prev.rps, m.rps),
              p99: Math.min(prev.p99, m.p99),
              cpuMicrosPerRequest: Math.min(prev.cpuMicrosPerRequest, m.cpuMicrosPerRequest),
            },
      );
    }
  } finally {
    server.child.kill();
  }
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;
const bare = new Map<string, Measure>();
const ours = new Map<string, Measure>();
for (let round = 0; round < ROUNDS; round++) {
  await measure('bare', bare);
  await measure('redstash', ours);
}
const rows = SCENARIOS.map((s) => {
  const b = bare.get(s.name) as Measure;
  const o = ours.get(s.name) as Measure;
  return {
    scenario: s.name,
    bareRps: Math.round(b.rps),
    redstashRps: Math.round(o.rps),
    rpsRatio: round(o.rps / b.rps, 2),
    bareCpuMicrosPerRequest: round(b.cpuMicrosPerRequest, 1),
    redstashCpuMicrosPerRequest: round(o.cpuMicrosPerRequest, 1),
    capacityRatio: round(b.cpuMicrosPerRequest / o.cpuMicrosPerRequest, 2),
    redstashP99Ms: o.p99,
    redstashCommandsPerCpuSecond: Math.round((1e6 / o.cpuMicrosPerRequest) * s.commands),
  };
});

const date = new Date();
const day = date.toISOString().slice(0, 10);
const machine = {
  ...describeMachine(),
};
const report = {
  date: date.toISOString(),
  commit: gitCommit(),
  machine,
  settings: {
    durationSeconds: DURATION_S,
    warmupSeconds: WARMUP_S,
    rounds: ROUNDS,
    connections: CONNECTIONS,
    encoding: 'base64',
  },
  results: rows,
};
writeFileSync(`${RESULTS}rest-${day}.json`, `${JSON.stringify(report, null, 2)}\n`);

const table = [
  '| scenario | bare req/s | redstash req/s | req/s ratio | bare µs CPU/req | redstash µs CPU/req | capacity ratio |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...rows.map(
    (r) =>
      `| ${r.scenario} | ${r.bareRps} | ${r.redstashRps} | ${r.rpsRatio} | ${r.bareCpuMicrosPerRequest} | ` +
      `${r.redstashCpuMicrosPerRequest} | ${r.capacityRatio} |`,
  ),
].join('\n');
writeSection(
  `${RESULTS}README.md`,
  '## REST',
  `## REST (\`npm run bench:rest\`)

Latest run: ${day}, commit \`${report.commit.slice(0, 12)}\`, ${machine.cpu} × ${machine.cpus}, Node ${machine.node}.
autocannon, ${CONNECTIONS} connections, ${DURATION_S} s per scenario after a ${WARMUP_S} s warm-up, best of ${ROUNDS}
alternating rounds, 127.0.0.1, base64 encoding; each server alone in its own process. "bare" is node:http answering \`{"result":"OK"}\` and doing nothing
else. When the load generator, not the server, is the limit (likely with few cores), req/s are close for both;
the server's own CPU time per request is then the fairer figure, and the capacity ratio (bare ÷ redstash CPU per
request) is the share of a do-nothing server's throughput we keep. Full figures: \`rest-${day}.json\`.

${table}
`,
);
console.log(table);
