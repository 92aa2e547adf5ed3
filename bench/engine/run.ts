/**
 * The engine alone, in process, on million-entry structures: how fast each family loads and answers, and
 * what an entry costs in memory next to redis-server.
 *   node --expose-gc --import tsx bench/engine/run.ts [--entries <n>] [--only <family,…>]
 *   (or: npm run bench:engine)
 *
 * Per case (cases/*.ts, see case.ts), on a fresh Engine with the real clock:
 * 1. Load: the case's commands, generated in chunks outside the timed region, run through `engine.exec`.
 * 2. Memory: V8 heap plus external memory after a full GC, before and after the load, per entry; and the
 *    engine's own estimate (`usedBytes`, what quotas and INFO read) per entry.
 * 3. Ops: each op warmed up, then timed in chunks of calls (arguments built outside the timed region) until
 *    MAX_CALLS calls or MAX_SECONDS, whichever first; mean µs per call, GC pauses included.
 * 4. Redis: the same commands pipelined over RESP into a fresh redis-server, `used_memory` before and after;
 *    then each op pipelined, timed by redis-server itself (INFO commandstats: the command's execution alone).
 *    Its calls/s over the socket are not reported: a round trip is not the same work as an in-process call.
 * Results go to bench/results/engine-<date>.json and a section of bench/results/README.md.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Engine, ErrorReply, type Reply } from '@redstash/engine';
import { findRedisServer, REDIS_MISSING, startRedisServer } from '../../test/support/redis-server.ts';
import type { RespClient, RespReply } from '../../test/support/resp-client.ts';
import { describeMachine, gitCommit } from '../machine.ts';
import { cpuTimes, waitForQuiet } from '../persistence/quiet.ts';
import { writeSection } from '../results-readme.ts';
import type { Argv, EngineBenchCase } from './case.ts';
import { geoCase } from './cases/geo.ts';
import { hashCase } from './cases/hash.ts';
import { hllCase } from './cases/hll.ts';
import { jsonCase } from './cases/json.ts';
import { streamCase } from './cases/stream.ts';
import { zsetCase } from './cases/zset.ts';

const RESULTS = fileURLToPath(new URL('../results/', import.meta.url));
const LOAD_CHUNK = 1000;
const OP_CHUNK = 1000;
const WARMUP_CALLS = 20_000;
const WARMUP_SECONDS = 0.3;
const MAX_CALLS = 200_000;
const MAX_SECONDS = 2;
/** Commands per write to redis-server. */
const RESP_BATCH = 1000;
/** Before each op, wait this long at most for a quiet machine (before each load, quiet.ts's minute). */
const OP_MAX_WAIT_MS = 10_000;
/** Calls per op timed inside redis-server (at most as many as ours). */
const REDIS_OP_CALLS = 50_000;

/** The busy share others still had when each measurement began (after waiting for a quiet machine). */
const quietShares: number[] = [];

const { values: flags } = parseArgs({
  options: { entries: { type: 'string' }, only: { type: 'string' } },
});

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) {
  console.error('run with node --expose-gc (npm run bench:engine does)');
  process.exit(1);
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;
const count = (n: number) => n.toLocaleString('en-US');

/** Live JS memory after full collections: the heap plus what ArrayBuffers and the like hold outside it. */
function liveBytes(): number {
  for (let i = 0; i < 3; i++) (gc as () => void)();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

/** The next `n` commands of `it` (fewer at its end). */
function take(it: Iterator<Argv>, n: number): Argv[] {
  const out: Argv[] = [];
  for (let i = 0; i < n; i++) {
    const next = it.next();
    if (next.done === true) break;
    out.push(next.value);
  }
  return out;
}

function check(reply: Reply, argv: Argv): void {
  if (reply instanceof ErrorReply) throw new Error(`${argv.slice(0, 3).join(' ')} … answered ${reply.message}`);
}

/** A short description of a reply, so the console shows the ops did what they were meant to. */
function describe(reply: Reply): string {
  if (Array.isArray(reply)) return `array of ${reply.length}`;
  const text = typeof reply === 'object' && reply !== null ? JSON.stringify(reply) : String(reply);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

interface LoadFigures {
  commands: number;
  seconds: number;
  commandsPerSecond: number;
  entriesPerSecond: number;
}

interface OpFigures {
  name: string;
  calls: number;
  callsPerSecond: number;
  microsPerCall: number;
  /** Share of the machine's CPU other processes used while this op was timed. */
  othersBusyShare: number;
  firstReply: string;
  /** redis-server's own time per call (INFO commandstats), null when not run against it. */
  redisMicrosPerCall: number | null;
}

interface MemoryFigures {
  /** V8 heap + external growth over the load, after GC. */
  heapBytes: number;
  heapBytesPerEntry: number;
  /** The engine's `usedBytes` after the load. */
  estimateBytes: number;
  estimateBytesPerEntry: number;
  redis: { usedMemoryBytes: number; bytesPerEntry: number; loadSeconds: number } | null;
  redisSkipped: string | null;
}

interface RedisFigures {
  memory: NonNullable<MemoryFigures['redis']>;
  /** Per op of the case, in order. */
  microsPerCall: number[];
}

interface CaseFigures {
  family: string;
  entries: number;
  loadOp: string;
  load: LoadFigures;
  memory: MemoryFigures;
  ops: OpFigures[];
}

async function benchEngine(
  c: EngineBenchCase,
): Promise<Omit<CaseFigures, 'memory'> & { heapBytes: number; estimateBytes: number; quietShare: number }> {
  const quietShare = await waitForQuiet();
  const before = liveBytes();
  const engine = new Engine({ clock: { now: () => Date.now() } });
  const client = engine.createClient();
  const afterCreate = liveBytes();
  const it = c.load(c.entries)[Symbol.iterator]();
  let commands = 0;
  let ms = 0;
  for (;;) {
    const chunk = take(it, LOAD_CHUNK);
    if (chunk.length === 0) break;
    const t0 = performance.now();
    for (const argv of chunk) check(engine.exec(client, argv), argv);
    ms += performance.now() - t0;
    commands += chunk.length;
  }
  const seconds = ms / 1000;
  const load: LoadFigures = {
    commands,
    seconds: round(seconds, 3),
    commandsPerSecond: Math.round(commands / seconds),
    entriesPerSecond: Math.round(c.entries / seconds),
  };
  console.log(
    `${c.family}: loaded ${count(c.entries)} entries with ${count(commands)} × ${c.loadOp} in ${load.seconds} s ` +
      `(${count(load.commandsPerSecond)} commands/s, ${count(load.entriesPerSecond)} entries/s)`,
  );
  const heapBytes = liveBytes() - afterCreate;
  const estimateBytes = engine.db.usedBytes;
  console.log(
    `${c.family}: heap +${round(heapBytes / 2 ** 20, 1)} MiB (${round(heapBytes / c.entries, 1)} B/entry; the empty ` +
      `engine took ${round((afterCreate - before) / 2 ** 20, 1)} MiB), estimate ${round(estimateBytes / c.entries, 1)} B/entry`,
  );

  const ops: OpFigures[] = [];
  let callIndex = 0;
  for (const op of c.ops) {
    const first = op.argv(callIndex);
    const firstReply = engine.exec(client, first);
    check(firstReply, first);
    callIndex++;
    // Runs chunks of fresh calls until either bound; only the exec loop is timed.
    const timed = (maxCalls: number, maxSeconds: number) => {
      let calls = 0;
      let elapsed = 0;
      while (calls < maxCalls && elapsed < maxSeconds * 1000) {
        const chunk: Argv[] = [];
        for (let i = 0; i < Math.min(OP_CHUNK, maxCalls - calls); i++) chunk.push(op.argv(callIndex++));
        const replies: Reply[] = new Array(chunk.length);
        const t0 = performance.now();
        for (let i = 0; i < chunk.length; i++) replies[i] = engine.exec(client, chunk[i] as Argv);
        elapsed += performance.now() - t0;
        for (let i = 0; i < chunk.length; i++) check(replies[i] as Reply, chunk[i] as Argv);
        calls += chunk.length;
      }
      return { calls, seconds: elapsed / 1000 };
    };
    timed(WARMUP_CALLS, WARMUP_SECONDS);
    quietShares.push(await waitForQuiet(OP_MAX_WAIT_MS));
    const machineBefore = cpuTimes();
    const ownBefore = process.cpuUsage();
    const { calls, seconds: opSeconds } = timed(MAX_CALLS, MAX_SECONDS);
    const machineAfter = cpuTimes();
    const own = process.cpuUsage(ownBefore);
    // /proc/stat counts in ticks of 10 ms, process.cpuUsage in µs.
    const ownTicks = (own.user + own.system) / 10_000;
    const othersBusyShare = round(
      Math.max(0, machineAfter.busy - machineBefore.busy - ownTicks) /
        Math.max(machineAfter.total - machineBefore.total, 1),
      2,
    );
    const figures: OpFigures = {
      name: op.name,
      calls,
      callsPerSecond: Math.round(calls / opSeconds),
      othersBusyShare,
      microsPerCall: round((opSeconds * 1e6) / calls, 2),
      firstReply: describe(firstReply),
      redisMicrosPerCall: null,
    };
    ops.push(figures);
    console.log(
      `${c.family}: ${op.name}: ${count(figures.callsPerSecond)} calls/s (${figures.microsPerCall} µs/call, ` +
        `${count(calls)} calls, others' CPU ${Math.round(othersBusyShare * 100)} %; first reply: ${figures.firstReply})`,
    );
  }
  return { family: c.family, entries: c.entries, loadOp: c.loadOp, load, ops, heapBytes, estimateBytes, quietShare };
}

async function usedMemory(probe: RespClient): Promise<number> {
  const reply = await probe.send(['INFO', 'memory']);
  const match = reply.type === 'bulk' ? /^used_memory:(\d+)/m.exec(reply.value) : null;
  if (match === null) throw new Error(`INFO memory answered ${JSON.stringify(reply)}`);
  return Number(match[1]);
}

/** Waits (bounded) until only the probe is connected, so a closed loader's buffers are freed. */
async function aloneOn(probe: RespClient): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const reply = await probe.send(['INFO', 'clients']);
    if (reply.type === 'bulk' && /^connected_clients:1\r?$/m.test(reply.value)) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('the loading connection did not go away');
}

/**
 * redis-server's own time per call of `op` (commandstats: the command's execution, no parsing or socket),
 * over `calls` calls pipelined in batches.
 */
async function redisOpMicros(client: RespClient, op: EngineBenchCase['ops'][number], calls: number): Promise<number> {
  const name = String(op.argv(0)[0]).toLowerCase();
  await client.send(['CONFIG', 'RESETSTAT']);
  for (let done = 0; done < calls; ) {
    const batch: Argv[] = [];
    for (let i = 0; i < Math.min(RESP_BATCH, calls - done); i++) batch.push(op.argv(done + i));
    const replies = await client.pipeline(batch);
    const bad = replies.find((r) => r.type === 'error');
    if (bad !== undefined) throw new Error(`redis-server: ${op.name} answered ${JSON.stringify(bad)}`);
    done += batch.length;
  }
  const info = await client.send(['INFO', 'commandstats']);
  const line =
    info.type === 'bulk' ? new RegExp(`^cmdstat_${name}:calls=(\\d+),usec=(\\d+)`, 'm').exec(info.value) : null;
  if (line === null) throw new Error(`INFO commandstats has no ${name}`);
  return round(Number(line[2]) / Number(line[1]), 2);
}

async function benchRedis(c: EngineBenchCase, opCalls: number[]): Promise<RedisFigures> {
  const server = await startRedisServer();
  if (server === undefined) throw new Error(REDIS_MISSING);
  try {
    const probe = await server.connect();
    try {
      const before = await usedMemory(probe);
      const loader = await server.connect();
      const it = c.load(c.entries)[Symbol.iterator]();
      const t0 = performance.now();
      try {
        for (;;) {
          const batch = take(it, RESP_BATCH);
          if (batch.length === 0) break;
          const replies: RespReply[] = await loader.pipeline(batch);
          const bad = replies.findIndex((r) => r.type === 'error');
          if (bad >= 0)
            throw new Error(`redis-server: ${String(batch[bad]?.[0])} answered ${JSON.stringify(replies[bad])}`);
        }
      } finally {
        loader.close();
      }
      const loadSeconds = (performance.now() - t0) / 1000;
      await aloneOn(probe);
      const usedMemoryBytes = (await usedMemory(probe)) - before;
      const microsPerCall: number[] = [];
      for (const [k, op] of c.ops.entries())
        microsPerCall.push(await redisOpMicros(probe, op, Math.min(opCalls[k] ?? 0, REDIS_OP_CALLS)));
      return {
        memory: {
          usedMemoryBytes,
          bytesPerEntry: round(usedMemoryBytes / c.entries, 1),
          loadSeconds: round(loadSeconds, 2),
        },
        microsPerCall,
      };
    } finally {
      probe.close();
    }
  } finally {
    await server.stop();
  }
}

// --- run ---------------------------------------------------------------------------------------------------
const loadBefore = round(loadavg()[0] ?? 0, 2);
const all: EngineBenchCase[] = [hllCase, geoCase, zsetCase, hashCase, streamCase, jsonCase];
const only = flags.only?.split(',');
const cases = only === undefined ? all : all.filter((c) => only.includes(c.family));
if (flags.entries !== undefined) for (const c of cases) c.entries = Number(flags.entries);
const redisBinary = findRedisServer();
if (redisBinary === undefined) console.warn(`Redis comparison skipped: ${REDIS_MISSING}`);

const results: CaseFigures[] = [];
for (const c of cases) {
  const { heapBytes, estimateBytes, quietShare, ...figures } = await benchEngine(c);
  quietShares.push(quietShare);
  let redis: MemoryFigures['redis'] = null;
  let redisSkipped: string | null = null;
  if (!c.redisComparable) redisSkipped = 'needs a module';
  else if (redisBinary === undefined) redisSkipped = REDIS_MISSING;
  else {
    quietShares.push(await waitForQuiet());
    const r = await benchRedis(
      c,
      figures.ops.map((o) => o.calls),
    );
    redis = r.memory;
    for (const [k, o] of figures.ops.entries()) o.redisMicrosPerCall = r.microsPerCall[k] ?? null;
    console.log(
      `${c.family}: redis-server used_memory +${round(redis.usedMemoryBytes / 2 ** 20, 1)} MiB ` +
        `(${redis.bytesPerEntry} B/entry; loaded over RESP in ${redis.loadSeconds} s); own µs/call: ` +
        figures.ops.map((o) => `${o.name} ${o.redisMicrosPerCall}`).join(', '),
    );
  }
  results.push({
    ...figures,
    memory: {
      heapBytes,
      heapBytesPerEntry: round(heapBytes / c.entries, 1),
      estimateBytes,
      estimateBytesPerEntry: round(estimateBytes / c.entries, 1),
      redis,
      redisSkipped,
    },
  });
}

// --- report ------------------------------------------------------------------------------------------------
const date = new Date();
const day = date.toISOString().slice(0, 10);
const machine = {
  ...describeMachine(),
  loadAverage1mBefore: loadBefore,
  loadAverage1mAfter: round(loadavg()[0] ?? 0, 2),
};
const redisVersion =
  redisBinary === undefined ? null : execFileSync(redisBinary, ['--version'], { encoding: 'utf8' }).trim();
const report = {
  date: date.toISOString(),
  commit: gitCommit(),
  machine,
  settings: {
    warmup: { calls: WARMUP_CALLS, seconds: WARMUP_SECONDS },
    perOp: { maxCalls: MAX_CALLS, maxSeconds: MAX_SECONDS },
    redis: redisVersion,
    redisPipeline: RESP_BATCH,
    memory: 'process.memoryUsage() heapUsed + external after gc(), growth over the load',
  },
  othersBusyShareAtStarts: quietShares,
  cases: results,
};
// A partial run (fewer entries or families) is for trying things out: it does not replace the record.
const partial = flags.entries !== undefined || only !== undefined;
if (!partial) writeFileSync(`${RESULTS}engine-${day}.json`, `${JSON.stringify(report, null, 2)}\n`);

/** Bytes per entry, readable both for a hash field (~100 B) and an HLL element (~0.01 B). */
const perEntry = (bytes: number, entries: number) => {
  const v = bytes / entries;
  return v >= 10 ? String(round(v, 1)) : String(Number(v.toPrecision(2)));
};
const size = (bytes: number) =>
  Math.abs(bytes) >= 2 ** 20 ? `${round(bytes / 2 ** 20, 1)} MiB` : `${round(bytes / 1024, 1)} KiB`;
const ratio = (a: number, b: number | undefined) => (b === undefined || b <= 0 ? '–' : `${round(a / b, 2)}×`);
const loadTable = [
  '| family | entries | load command | commands | seconds | commands/s | entries/s |',
  '| --- | ---: | --- | ---: | ---: | ---: | ---: |',
  ...results.map(
    (r) =>
      `| ${r.family} | ${count(r.entries)} | ${r.loadOp} | ${count(r.load.commands)} | ${r.load.seconds} | ` +
      `${count(r.load.commandsPerSecond)} | ${count(r.load.entriesPerSecond)} |`,
  ),
].join('\n');
const opTable = [
  "| family | op | calls timed | calls/s | µs/call | others' CPU | redis-server own µs/call | ours ÷ redis |",
  '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...results.flatMap((r) =>
    r.ops.map(
      (o) =>
        `| ${r.family} | ${o.name} | ${count(o.calls)} | ${count(o.callsPerSecond)} | ${o.microsPerCall} | ` +
        `${Math.round(o.othersBusyShare * 100)} % | ` +
        `${o.redisMicrosPerCall ?? '–'} | ${o.redisMicrosPerCall === null ? '–' : ratio(o.microsPerCall, o.redisMicrosPerCall)} |`,
    ),
  ),
].join('\n');
const memoryTable = [
  '| family | heap growth | heap B/entry | estimate B/entry | redis used_memory growth | redis B/entry | heap ÷ redis | estimate ÷ redis |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...results.map((r) => {
    const m = r.memory;
    const redis = m.redis;
    return (
      `| ${r.family} | ${size(m.heapBytes)} | ${perEntry(m.heapBytes, r.entries)} | ${perEntry(m.estimateBytes, r.entries)} | ` +
      `${redis === null ? `– (${m.redisSkipped})` : size(redis.usedMemoryBytes)} | ` +
      `${redis === null ? '–' : perEntry(redis.usedMemoryBytes, r.entries)} | ` +
      `${ratio(m.heapBytes, redis?.usedMemoryBytes)} | ${ratio(m.estimateBytes, redis?.usedMemoryBytes)} |`
    );
  }),
].join('\n');
console.log(`\n${loadTable}\n\n${opTable}\n\n${memoryTable}\n`);
if (partial) {
  console.log('partial run (--entries or --only): results files left as they were');
} else {
  const section = `## Engine (\`npm run bench:engine\`)

Latest run: ${day}, commit \`${report.commit.slice(0, 12)}\`, ${machine.cpu} × ${machine.cpus}, Node ${machine.node},
load average (1 min) ${machine.loadAverage1mBefore} before and ${machine.loadAverage1mAfter} after the run. The machine is shared: before each
load (ours and Redis's) the run waited up to 60 s, before each op up to ${OP_MAX_WAIT_MS / 1000} s, for the others to quiet down (the most
CPU they still used right then: ${Math.round(Math.max(0, ...quietShares) * 100)} %), and "others' CPU" is their share of the machine while an op was timed:
anything above a few % slows that row.
Full figures: \`engine-${day}.json\`.

\`engine.exec\` in process (no transport, no persistence), a fresh \`Engine\` with the real clock per family
(\`bench/engine/cases/\`). **Load**: the family's write in batches (commands generated outside the timed region).
**Ops**: each op warmed up (${count(WARMUP_CALLS)} calls or ${WARMUP_SECONDS} s), then up to ${count(MAX_CALLS)} calls or ${MAX_SECONDS} s of fresh,
seeded calls, mean time per call, GC pauses included. "redis-server own µs/call" is Redis's \`INFO commandstats\` time
for the same calls (up to ${count(REDIS_OP_CALLS)}, pipelined): the command's execution alone, without parsing the request or writing the
reply to the socket, while ours includes building the reply value; a close, not an exact, match of work.
Geo members are uniform over a 10° × 10° box (lon 0–10, lat 40–50), so a 10 km circle
holds about 350 of them. PFCOUNT on one key answers from the cached cardinality; over two keys it merges register sets
on every call.

${loadTable}

${opTable}

**Memory per entry.** "heap" is the growth of V8's heap plus external memory over the load, after full GCs
(\`--expose-gc\`); "estimate" is the engine's own \`usedBytes\` (what INFO and quotas read); redis is the growth of
\`INFO memory\` used_memory of ${redisVersion ?? 'redis-server (missing)'} over the same commands, pipelined ${RESP_BATCH} per write
over RESP, read once the loading connection had closed. For the HLL the whole structure is a few KiB, so its per-entry
figures are tiny and its heap growth is mostly noise (code and feedback the load compiled). Redis's load time over the
socket is in the JSON only: a round trip is different work from an in-process call.

${memoryTable}
`;
  writeSection(`${RESULTS}README.md`, '## Engine', section);
}
