/**
 * examples/ai-chat's `POST /api/chat` over HTTP against an in-process Redstash: latency of a turn whose
 * reply is computed (the fake model answers at once, so the figure is the helpers' own cost) against one
 * answered from the cache, and the REST round trips and commands each turn sends, by helper.
 *   node --conditions=redstash-source --import tsx bench/ai/run.ts      (or: npm run bench:ai)
 * Round trips are counted by wrapping `fetch` in this process (the app's @upstash/redis client uses it):
 * every HTTP request to Redstash, with the commands in its body. Targets: one round trip for the memory
 * read and one for its write, one for the cache on a hit.
 * Results go to bench/results/ai-<date>.json and a section of bench/results/README.md.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateToken, startApp } from '@redstash/server';
import { Redis } from '@upstash/redis';
import { createChatApp } from '../../examples/ai-chat/app.ts';
import { createFakeLlm } from '../../examples/ai-chat/llm.ts';
import { serve } from '../../examples/ai-chat/node-serve.ts';
import { describeMachine, gitCommit } from '../machine.ts';
import { writeSection } from '../results-readme.ts';

const TURNS = 300;
const WARMUP = 30;
const RESULTS = fileURLToPath(new URL('../results/', import.meta.url));
const HELPERS = ['guard', 'memory', 'cache'] as const;
type Helper = (typeof HELPERS)[number];

const token = generateToken();
const redstash = await startApp({ host: '127.0.0.1', port: 0, token, qstash: false, metering: false });

/** Requests to Redstash since the last reset: each one's helpers (from the keys it touches) and commands. */
let requests: { helpers: Set<Helper>; commands: string[] }[] = [];
const realFetch = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  if (url.startsWith(redstash.url) && typeof init?.body === 'string') {
    const parsed = JSON.parse(init.body) as unknown[];
    const commands = (Array.isArray(parsed[0]) ? parsed : [parsed]) as string[][];
    const helpers = new Set<Helper>();
    for (const argv of commands) {
      const name = String(argv[0]).toUpperCase();
      const key = String(name.startsWith('EVAL') ? argv[3] : argv[1]);
      helpers.add(key.includes(':rl:') ? 'guard' : key.includes(':llm') ? 'cache' : 'memory');
    }
    requests.push({ helpers, commands: commands.map((argv) => String(argv[0]).toUpperCase()) });
  }
  return realFetch(input, init);
};

const redis = new Redis({ url: redstash.url, token, enableTelemetry: false });
const llm = createFakeLlm();
const app = createChatApp({ redis, llm, limits: { requests: 1e9, tokensPerDay: 1e12 } });
const server = await serve(app.fetch, 0);

async function turn(sessionId: string, message: string): Promise<{ ms: number; cached: boolean }> {
  const start = performance.now();
  const res = await realFetch(`${server.url}/api/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-user-id': 'bench' },
    body: JSON.stringify({ sessionId, message }),
  });
  const body = (await res.json()) as { cached: boolean };
  return { ms: performance.now() - start, cached: body.cached };
}

interface Phase {
  turns: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  roundTripsPerTurn: Record<Helper | 'total', number>;
  commandsPerTurn: Record<string, number>;
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

async function phase(label: string, expectCached: boolean): Promise<Phase> {
  for (let i = 0; i < WARMUP; i++) await turn(`${label}-warm-${i}`, `${label} warm-up ${i}`);
  requests = [];
  const times: number[] = [];
  for (let i = 0; i < TURNS; i++) {
    // A fresh session each turn, so the window (and the cache key) is just the system prompt and the prompt.
    const { ms, cached } = await turn(`${label}-${i}`, `prompt ${i}`);
    if (cached !== expectCached) throw new Error(`${label} turn ${i}: cached=${cached}`);
    times.push(ms);
  }
  times.sort((a, b) => a - b);
  const per = (n: number) => round(n / TURNS);
  const trips = Object.fromEntries(
    HELPERS.map((h) => [h, per(requests.filter((r) => r.helpers.has(h)).length)]),
  ) as Record<Helper, number>;
  const commands: Record<string, number> = {};
  for (const r of requests) for (const c of r.commands) commands[c] = (commands[c] ?? 0) + 1;
  return {
    turns: TURNS,
    meanMs: round(times.reduce((a, b) => a + b, 0) / TURNS),
    p50Ms: round(times[Math.floor(TURNS * 0.5)] ?? 0),
    p95Ms: round(times[Math.floor(TURNS * 0.95)] ?? 0),
    roundTripsPerTurn: { ...trips, total: per(requests.length) },
    commandsPerTurn: Object.fromEntries(Object.entries(commands).map(([c, n]) => [c, per(n)])),
  };
}

// Uncached turns use prompts 0..TURNS-1; the cached phase then asks the same prompts in fresh sessions.
const uncached = await phase('miss', false);
const cached = await phase('hit', true);
const calls = llm.calls;

server.closeAllConnections();
server.close();
await redstash.close({ force: true });

const machine = describeMachine();
const day = new Date().toISOString().slice(0, 10);
const commit = gitCommit();
const report = { day, commit, machine, turns: TURNS, llmCalls: calls, uncached, cached };
writeFileSync(`${RESULTS}ai-${day}.json`, `${JSON.stringify(report, null, 2)}\n`);

const row = (name: string, p: Phase) =>
  `| ${name} | ${p.p50Ms} / ${p.p95Ms} (${p.meanMs}) | ${p.roundTripsPerTurn.total} | ${HELPERS.map((h) => p.roundTripsPerTurn[h]).join(' | ')} | ` +
  `${Object.entries(p.commandsPerTurn)
    .map(([c, n]) => `${c} ${n}`)
    .join(', ')} |`;
const table = [
  '| turn | p50 / p95 ms (mean) | round trips | guard | memory | cache | commands per turn |',
  '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
  row('uncached (model called)', uncached),
  row('cached (reply from Redis)', cached),
].join('\n');
console.log(table);

writeSection(
  `${RESULTS}README.md`,
  '## AI chat example',
  `## AI chat example (\`npm run bench:ai\`)

Latest run: ${day}, commit \`${commit.slice(0, 12)}\`, ${machine.cpu} × ${machine.cpus}, Node ${machine.node}.
examples/ai-chat's \`POST /api/chat\` over HTTP, one turn at a time, ${TURNS} turns per row after ${WARMUP} warm-up
turns, each in a fresh conversation; Redstash in the same process (memory only, metering off), @upstash/redis
1.39.0 with its defaults (auto-pipelining). The fake model answers at once, so the uncached row is the helpers'
own cost: a real model adds its seconds there and nothing to the cached row. Round trips are HTTP requests to
Redstash per turn (a request carrying commands of two helpers counts for both); targets: the memory's read and
write one round trip each, the cache one on a hit. Full figures: \`ai-${day}.json\`.

${table}
`,
);
