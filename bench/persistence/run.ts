/**
 * What durability costs, and how fast a restart loads the data.
 *   node --import tsx bench/persistence/run.ts [--keys <n>] [--rounds <n>] [--write-rounds <n>]
 *   (or: npm run bench:persistence)
 *
 * 1. Write throughput (throughput.ts): the REST server as a child process (our CLI, temporary --data-dir)
 *    without persistence and with appendfsync no / everysec / always, under the same write load; req/s,
 *    latency, the server's CPU per request and, for `always`, requests per fdatasync. Target: everysec
 *    costs ≤ 10 % of the req/s without persistence.
 * 2. Restart with a million keys (restart.ts, dataset.ts): time to answer after a spawn, from a log of
 *    individual commands and from a snapshot, against redis-server loading the same log as its AOF and its
 *    own rewrite of it. Target: ≤ 2× Redis. Skipped on the Redis side when redis-server is missing.
 * A missed target gets the server profiled (--cpu-prof) and its top self-time functions reported.
 * Write figures are medians of `--write-rounds` short windows (default 9) rotating between the settings, as the
 * machine's speed drifts; each restart is timed `--rounds` times (default 3), alternating, and its best run kept
 * (other work only ever slows a load down). Results go to bench/results/persistence-<date>.json and a section of
 * bench/results/README.md.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { REDIS_MISSING } from '../../test/support/redis-server.ts';
import { describeMachine, gitCommit } from '../machine.ts';
import type { ProfileSummary, SelfTime } from '../ratelimit/profile.ts';
import { writeSection } from '../results-readme.ts';
import { writeCommandLog } from './dataset.ts';
import { type Durability, redisBinary } from './processes.ts';
import {
  dirBytes,
  ourLogDir,
  ourSnapshotDir,
  type RestartFigures,
  redisLogDir,
  redisRewriteDir,
  restartOurs,
  restartRedis,
} from './restart.ts';
import {
  CONNECTIONS,
  DURATION_S,
  measureWindow,
  profileWrites,
  startWriteServer,
  stopWriteServer,
  WARMUP_S,
  type WriteFigures,
  type WriteServer,
  warmUp,
} from './throughput.ts';

const RESULTS = fileURLToPath(new URL('../results/', import.meta.url));
const EVERYSEC_MAX_COST = 0.1;
const LOAD_MAX_RATIO = 2;
const { values: flags } = parseArgs({
  options: {
    keys: { type: 'string', default: '1000000' },
    rounds: { type: 'string', default: '3' },
    'write-rounds': { type: 'string', default: '9' },
  },
});
const KEYS = Number(flags.keys);
const ROUNDS = Number(flags.rounds);
const WRITE_ROUNDS = Number(flags['write-rounds']);

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;
const mib = (bytes: number) => round(bytes / 2 ** 20, 1);

// Other work on the machine skews every figure: the load average before and after goes into the report.
const loadBefore = round(loadavg()[0] ?? 0, 2);

// --- 1. write throughput -----------------------------------------------------------------------------
const POLICIES: Durability[] = ['off', 'no', 'everysec', 'always'];
const writeRounds = new Map<Durability, WriteFigures[]>(POLICIES.map((p) => [p, []]));
const writeServers: WriteServer[] = [];
const autoRewrites: Durability[] = [];
try {
  for (const policy of POLICIES) writeServers.push(await startWriteServer(policy));
  for (const w of writeServers) await warmUp(w);
  for (let r = 0; r < WRITE_ROUNDS; r++) {
    // Rotated, so no setting always follows the same one.
    for (let i = 0; i < writeServers.length; i++) {
      const w = writeServers[(r + i) % writeServers.length] as WriteServer;
      const figures = await measureWindow(w);
      (writeRounds.get(w.durability) as WriteFigures[]).push(figures);
      console.log(`writes, ${w.durability}, round ${r + 1}: ${figures.requestsPerSecond} req/s`);
    }
  }
  // A log past 64 MiB gets rewritten in the background, which would weigh on that setting's later rounds.
  for (const w of writeServers)
    if (w.server.lines.some((l) => l.includes('the append-only log has grown'))) autoRewrites.push(w.durability);
  if (autoRewrites.length > 0) console.warn(`an automatic log rewrite ran during the rounds of: ${autoRewrites}`);
} finally {
  for (const w of writeServers) await stopWriteServer(w);
}
/** The round with the median req/s: a real round, so its figures belong together. */
const medianRound = (list: WriteFigures[]) =>
  [...list].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond)[Math.floor(list.length / 2)] as WriteFigures;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
const offRounds = writeRounds.get('off') as WriteFigures[];
const offRps = median(offRounds.map((f) => f.requestsPerSecond));
const offCpu = median(offRounds.map((f) => f.cpuMicrosPerRequest));
const writes = POLICIES.map((policy) => {
  const list = writeRounds.get(policy) as WriteFigures[];
  const rps = median(list.map((f) => f.requestsPerSecond));
  const cpu = median(list.map((f) => f.cpuMicrosPerRequest));
  return {
    policy,
    ...medianRound(list),
    requestsPerSecond: rps,
    cpuMicrosPerRequest: cpu,
    /** Share of the req/s without persistence that this policy loses (medians). */
    rpsCost: round(1 - rps / offRps, 3),
    /** Extra server CPU per request over no persistence (medians). */
    cpuCost: round(cpu / offCpu - 1, 3),
    othersBusyShareDuring: Math.max(...list.map((f) => f.othersBusyShareDuring)),
    rounds: list,
  };
});
const everysecCost = writes.find((w) => w.policy === 'everysec')?.rpsCost ?? 0;
let writeProfile: (ProfileSummary & { scenario: string }) | null = null;
if (everysecCost > EVERYSEC_MAX_COST) {
  const { figures, profile } = await profileWrites('everysec');
  writeProfile = {
    scenario: `appendfsync everysec, ${figures.requestsPerSecond} req/s under the profiler, ${figures.cpuMicrosPerRequest} µs CPU/req`,
    ...profile,
  };
}

// --- 2. restart with KEYS keys ------------------------------------------------------------------------
const work = mkdtempSync(join(tmpdir(), 'redstash-bench-restart-'));
type Scenario = 'ours-empty' | 'ours-log' | 'ours-snapshot' | 'redis-log' | 'redis-rewrite-rdb' | 'redis-rewrite-aof';
const samples = new Map<Scenario, RestartFigures[]>();
const record = (s: Scenario, f: RestartFigures) => {
  samples.set(s, [...(samples.get(s) ?? []), f]);
  console.log(
    `restart ${s}: ready in ${f.readyMs} ms (load ${f.loadMs} ms, CPU ${f.cpuMs} ms), ${f.keys} keys, ${f.rssMiB} MiB RSS`,
  );
};
const binary = redisBinary();
if (binary === undefined) console.warn(`Redis baseline skipped: ${REDIS_MISSING}`);
let prepared: Record<string, number> = {};
const loadProfiles: (ProfileSummary & { scenario: string })[] = [];
try {
  const log = join(work, 'commands.aof');
  let t = performance.now();
  const dataset = writeCommandLog(log, KEYS);
  console.log(
    `wrote ${dataset.commands} commands (${mib(dataset.bytes)} MiB) in ${Math.round(performance.now() - t)} ms`,
  );
  const dirs = {
    empty: join(work, 'ours-empty'),
    ourLog: join(work, 'ours-log'),
    ourSnapshot: join(work, 'ours-snapshot'),
    redisLog: join(work, 'redis-log'),
    redisRdb: join(work, 'redis-rewrite-rdb'),
    redisAof: join(work, 'redis-rewrite-aof'),
  };
  mkdirSync(dirs.empty);
  ourLogDir(dirs.ourLog, log);
  cpSync(dirs.ourLog, dirs.ourSnapshot, { recursive: true });
  const saveMs = await ourSnapshotDir(dirs.ourSnapshot);
  prepared = { ourSaveMs: Math.round(saveMs), ourSnapshotBytes: dirBytes(join(dirs.ourSnapshot, 'aof')) };
  if (binary !== undefined) {
    redisLogDir(dirs.redisLog, log);
    cpSync(dirs.redisLog, dirs.redisRdb, { recursive: true });
    cpSync(dirs.redisLog, dirs.redisAof, { recursive: true });
    t = performance.now();
    const rdbMs = await redisRewriteDir(binary, dirs.redisRdb, true);
    const aofMs = await redisRewriteDir(binary, dirs.redisAof, false);
    prepared = {
      ...prepared,
      redisRewriteRdbMs: Math.round(rdbMs),
      redisRewriteRdbBytes: dirBytes(join(dirs.redisRdb, 'appendonlydir')),
      redisRewriteAofMs: Math.round(aofMs),
      redisRewriteAofBytes: dirBytes(join(dirs.redisAof, 'appendonlydir')),
    };
  }
  console.log('prepared:', prepared);

  for (let r = 0; r < ROUNDS; r++) {
    record('ours-empty', (await restartOurs(dirs.empty, work)).figures);
    record('ours-log', (await restartOurs(dirs.ourLog, work)).figures);
    record('ours-snapshot', (await restartOurs(dirs.ourSnapshot, work)).figures);
    if (binary !== undefined) {
      record('redis-log', await restartRedis(binary, dirs.redisLog, work, false));
      record('redis-rewrite-rdb', await restartRedis(binary, dirs.redisRdb, work, true));
      record('redis-rewrite-aof', await restartRedis(binary, dirs.redisAof, work, false));
    }
  }
  for (const [s, list] of samples)
    for (const f of list)
      if (s !== 'ours-empty' && f.keys !== KEYS) throw new Error(`${s} loaded ${f.keys} keys, expected ${KEYS}`);

  const best = (s: Scenario) => {
    const list = samples.get(s);
    return list === undefined ? null : list.reduce((a, b) => (b.readyMs < a.readyMs ? b : a));
  };
  const missed: [Scenario, string][] = [];
  const versus = (ours: Scenario, redis: Scenario) => {
    const o = best(ours);
    const b = best(redis);
    if (o === null || b === null) return null;
    // The target is on loading; the time to answer adds our process start-up (Node, the TypeScript loader).
    const loadRatio = round(o.loadMs / Math.max(b.loadMs, 1), 2);
    if (loadRatio > LOAD_MAX_RATIO && !missed.some(([s]) => s === ours)) missed.push([ours, redis]);
    return {
      loadRatio,
      readyRatio: round(o.readyMs / b.readyMs, 2),
      cpuRatio: round(o.cpuMs / Math.max(b.cpuMs, 1), 2),
    };
  };
  const comparisons = {
    logVsRedisLog: versus('ours-log', 'redis-log'),
    snapshotVsRedisRewriteRdb: versus('ours-snapshot', 'redis-rewrite-rdb'),
    snapshotVsRedisRewriteAof: versus('ours-snapshot', 'redis-rewrite-aof'),
  };
  for (const [s] of missed) {
    const profileDir = join(work, `profile-${s}`);
    const source = s === 'ours-log' ? dirs.ourLog : dirs.ourSnapshot;
    const { figures, profile } = await restartOurs(source, work, profileDir);
    loadProfiles.push({
      scenario: `restart from ${s === 'ours-log' ? 'the command log' : 'the snapshot'}: ready in ${figures.readyMs} ms under the profiler (load ${figures.loadMs} ms)`,
      ...(profile as ProfileSummary),
    });
  }

  // --- 3. report ----------------------------------------------------------------------------------------
  const date = new Date();
  const day = date.toISOString().slice(0, 10);
  const machine = {
    ...describeMachine(),
    loadAverage1mBefore: loadBefore,
    loadAverage1mAfter: round(loadavg()[0] ?? 0, 2),
  };
  const restart = Object.fromEntries(
    [...samples].map(([s, list]) => [s, { best: best(s), samples: list.map((f) => f.readyMs) }]),
  );
  const report = {
    date: date.toISOString(),
    commit: gitCommit(),
    machine,
    settings: {
      writes: {
        connections: CONNECTIONS,
        warmupSeconds: WARMUP_S,
        durationSeconds: DURATION_S,
        rounds: WRITE_ROUNDS,
        load: 'autocannon, POST / alternating ["SET","key:<random of 1M>",<40 bytes>] and ["INCR","counter"], base64',
        servers: 'our CLI in its own child process; the load generator shares the same cores',
      },
      restart: {
        rounds: ROUNDS,
        dataset,
        redis: binary === undefined ? null : execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim(),
        note: 'files freshly written, so read from the page cache; every run on a fresh copy of its directory',
      },
    },
    writes,
    autoRewritesDuringWrites: autoRewrites,
    restart,
    prepared,
    comparisons,
    targets: { everysecMaxCost: EVERYSEC_MAX_COST, loadMaxRatio: LOAD_MAX_RATIO },
    profiles: { writes: writeProfile, restart: loadProfiles },
  };
  writeFileSync(`${RESULTS}persistence-${day}.json`, `${JSON.stringify(report, null, 2)}\n`);

  const pct = (n: number) => `${round(n * 100, 1)} %`;
  const count = (n: number) => n.toLocaleString('en-US');
  const maxBusy = Math.max(
    ...writes.flatMap((w) => w.rounds.map((f) => f.othersBusyShare)),
    ...[...samples.values()].flat().map((f) => f.othersBusyShare),
  );
  const dash = (v: number | null | undefined) => (v === null || v === undefined ? '–' : String(v));
  const writeTable = [
    "| persistence | req/s | p50 / p99 ms | µs CPU/req | req/s cost | CPU cost | fdatasyncs | req per fdatasync | others' CPU |",
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...writes.map(
      (w) =>
        `| ${w.policy === 'off' ? 'off (--no-persistence)' : `appendfsync ${w.policy}`} | ${w.requestsPerSecond} | ` +
        `${w.p50Ms} / ${w.p99Ms} | ${w.cpuMicrosPerRequest} | ${w.policy === 'off' ? '–' : pct(w.rpsCost)} | ` +
        `${w.policy === 'off' ? '–' : pct(w.cpuCost)} | ${dash(w.fdatasyncs)} | ${dash(w.requestsPerFdatasync)} | ` +
        `${pct(w.othersBusyShareDuring)} |`,
    ),
  ].join('\n');
  const LABELS: Record<Scenario, string> = {
    'ours-empty': 'redstash, empty data dir (process start-up alone)',
    'ours-log': 'redstash, command log',
    'ours-snapshot': 'redstash, after SAVE (snapshot)',
    'redis-log': 'redis-server, same command log as AOF',
    'redis-rewrite-rdb': 'redis-server, after BGREWRITEAOF (RDB preamble, default)',
    'redis-rewrite-aof': 'redis-server, after BGREWRITEAOF (aof-use-rdb-preamble no)',
  };
  const restartTable = [
    '| start from | ready ms (best) | all runs ms | load ms (own log) | CPU ms until ready | keys | RSS MiB |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...[...samples].map(([s, list]) => {
      const b = best(s) as RestartFigures;
      return `| ${LABELS[s]} | ${b.readyMs} | ${list.map((f) => f.readyMs).join(', ')} | ${b.loadMs} | ${b.cpuMs} | ${b.keys} | ${b.rssMiB} |`;
    }),
  ].join('\n');
  const ratio = (c: { readyRatio: number; loadRatio: number; cpuRatio: number } | null) =>
    c === null
      ? 'skipped (no redis-server)'
      : `load ${c.loadRatio}× (${c.loadRatio <= LOAD_MAX_RATIO ? 'target met' : 'target missed'}), ready ${c.readyRatio}×, ` +
        `CPU until ready ${c.cpuRatio}×`;
  const ratios = [
    `- command log vs Redis on the same log: ${ratio(comparisons.logVsRedisLog)}`,
    `- snapshot vs Redis after its rewrite (RDB preamble): ${ratio(comparisons.snapshotVsRedisRewriteRdb)}`,
    `- snapshot vs Redis after its rewrite (commands, no preamble): ${ratio(comparisons.snapshotVsRedisRewriteAof)}`,
  ].join('\n');
  const sizes =
    `Data: ${count(dataset.commands)} commands, ${mib(dataset.bytes)} MiB of log; SAVE (in the foreground: the server answers nothing ` +
    `meanwhile) took ${prepared.ourSaveMs} ms and wrote ` +
    `${mib(prepared.ourSnapshotBytes ?? 0)} MiB` +
    (binary === undefined
      ? '.'
      : `; Redis's BGREWRITEAOF took ${prepared.redisRewriteRdbMs} ms for ${mib(prepared.redisRewriteRdbBytes ?? 0)} MiB ` +
        `(RDB preamble) and ${prepared.redisRewriteAofMs} ms for ${mib(prepared.redisRewriteAofBytes ?? 0)} MiB (commands).`);
  const rows = (list: SelfTime[]) => list.map((f) => `| \`${f.name}\` | ${f.selfMs} | ${round(f.share * 100, 1)} % |`);
  const missedProfiles = [...(writeProfile === null ? [] : [writeProfile]), ...loadProfiles];
  // The console gets areas and the top functions; the README the busiest functions only (the JSON has it all).
  const profileText = (p: ProfileSummary & { scenario: string }, brief: boolean) =>
    [
      `Profile (\`--cpu-prof\`), ${p.scenario}; idle ${round(p.idleShare * 100, 1)} % of the window. ` +
        `${brief ? 'T' : 'Busy time by area, then t'}he top functions by self time (share of busy time):`,
      '',
      ...(brief ? [] : ['| area | self ms | share |', '| --- | ---: | ---: |', ...rows(p.areas), '']),
      '| function | self ms | share |',
      '| --- | ---: | ---: |',
      ...rows(brief ? p.top.slice(0, 6) : p.top),
    ].join('\n');
  const profiles = (brief: boolean) => missedProfiles.map((p) => profileText(p, brief)).join('\n\n');
  console.log(
    `\n${writeTable}\n\n${restartTable}\n\n${ratios}\n\n${sizes}\n${missedProfiles.length === 0 ? '' : `\n${profiles(false)}\n`}`,
  );

  const section = `## Persistence (\`npm run bench:persistence\`)

Latest run: ${day}, commit \`${report.commit.slice(0, 12)}\`, ${machine.cpu} × ${machine.cpus}, Node ${machine.node},
load average (1 min) ${machine.loadAverage1mBefore} before and ${machine.loadAverage1mAfter} after the run (the machine is shared: before each
measurement the run waited, up to 60 s, for the others to quiet down; the most CPU they still used right before one was
${pct(maxBusy)}). Full figures: \`persistence-${day}.json\`.

**Writes.** Our CLI (\`packages/server/bin/redstash.js\`), one child process per setting, each with a temporary
\`--data-dir\` on the local ext4 disk; autocannon in the benchmark's process, ${CONNECTIONS} connections, POST / alternating SET of
a random key (of 1M) and INCR, every request a write. After a ${WARMUP_S} s warm-up each, ${WRITE_ROUNDS} rounds of ${DURATION_S} s rotating
between the settings; req/s and CPU per request are medians, latencies those of the median round. The
load generator shares the ${machine.cpus} cores with the server, so req/s are bounded by both; the server's CPU per request
is the cleaner cost figure. "others' CPU" is the share of the machine other processes used during the measured window
(anything above a few % skews that row). fdatasync calls are counted in the server by a preloaded module
(\`bench/persistence/count-syncs.mjs\`). Target: everysec costs ≤ ${EVERYSEC_MAX_COST * 100} % of the req/s without persistence.
A negative cost means the setting ran faster than without persistence: on this shared machine the gap between off, no
and everysec moved by about ±20 % from one run to the next, so smaller differences are noise (every round is in the JSON).

${writeTable}

**Restart with ${count(KEYS)} keys.** ${count(dataset.mix.string)} strings (16–64-byte values) and ${count(dataset.mix.hash)} each of hashes, lists, sets and
sorted sets of ${dataset.elementsPerAggregate} elements, each element its own command. Time from the spawn until the server answers
(\`/healthz\` for ours, PING → PONG for Redis, which answers -LOADING until loaded); best of ${ROUNDS}, every run on a fresh
copy of its directory, files in the page cache. ${sizes} Target: loading (the servers' own load time) ≤ ${LOAD_MAX_RATIO}× Redis;
the time to answer adds our process start-up (Node and the TypeScript loader: the empty-directory row).

${restartTable}

${ratios}
${missedProfiles.length === 0 ? '' : `\n${profiles(true)}\n`}`;
  const readme = `${RESULTS}README.md`;
  writeSection(readme, '## Persistence', section);
} finally {
  rmSync(work, { recursive: true, force: true });
}
