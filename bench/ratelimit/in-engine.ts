/**
 * The rate-limit scripts without any transport: EVALSHA straight into `engine.exec` on an Engine with Lua,
 * and, for reference, the same call sequence to a real redis-server over one pipelined RESP connection.
 * Time is simulated (1 ms per call, fed to the script as `now` and to the engine as its clock), so both
 * run exactly the same sequence of calls whatever their speed.
 */
import { Engine, loadLua, type Reply } from '@redstash/engine';
import type { RedisServer } from '../../test/support/redis-server.ts';
import type { RespReply } from '../../test/support/resp-client.ts';
import { withoutKeyLockingFlag } from './proxy.ts';
import { identifiers, type LimitScript, scriptArgs, USERS } from './workload.ts';

const WARMUP_CALLS = 10_000;
const CALLS_PER_PASS = 50_000;
const PASSES = 3;
const RESP_BATCH = 100;
const STEP_MS = 1;
const START_MS = Date.UTC(2026, 0, 1);
const PREFIX = 'bench';

export interface PassFigures {
  /** Best of the passes. */
  callsPerSecond: number;
  /** Share of calls the limiter allowed (the rest were refused). */
  allowedShare: number;
}

/** Script bodies travel as byte strings (UTF-8 bytes, one char each). */
const bytes = (text: string) => Buffer.from(text, 'utf8').toString('latin1');

function best(passes: { seconds: number; calls: number; allowed: number }[]): PassFigures {
  const fastest = Math.min(...passes.map((p) => p.seconds / p.calls));
  const calls = passes.reduce((n, p) => n + p.calls, 0);
  const allowed = passes.reduce((n, p) => n + p.allowed, 0);
  return { callsPerSecond: Math.round(1 / fastest), allowedShare: allowed / calls };
}

export async function benchEngine(script: LimitScript): Promise<PassFigures> {
  let now = START_MS;
  const engine = new Engine({ clock: { now: () => now }, lua: await loadLua() });
  try {
    const client = engine.createClient();
    const loaded = engine.exec(client, ['SCRIPT', 'LOAD', bytes(script.body)]);
    if (loaded !== script.sha)
      throw new Error(`engine hashed the script as ${String(loaded)}, library sends ${script.sha}`);
    const sha = script.sha;
    let i = 0;
    const run = (calls: number) => {
      let allowed = 0;
      const t0 = performance.now();
      for (let c = 0; c < calls; c++, i++) {
        now += STEP_MS;
        const argv = ['EVALSHA', sha, ...scriptArgs(script.algorithm, PREFIX, identifiers[i % USERS] as string, now)];
        const reply: Reply = engine.exec(client, argv);
        if (!Array.isArray(reply)) throw new Error(`EVALSHA answered ${JSON.stringify(reply)}`);
        if ((reply[0] as number) >= 0) allowed++;
      }
      return { seconds: (performance.now() - t0) / 1000, calls, allowed };
    };
    run(WARMUP_CALLS);
    return best(Array.from({ length: PASSES }, () => run(CALLS_PER_PASS)));
  } finally {
    engine.close();
  }
}

export interface RedisFigures extends PassFigures {
  /** Redis's own time per EVALSHA (INFO commandstats), without the network and the client. */
  serverMicrosPerCall: number;
}

function isAllowed(reply: RespReply): boolean {
  if (reply.type !== 'array') throw new Error(`EVALSHA answered ${JSON.stringify(reply)}`);
  const first = reply.value[0];
  return first?.type === 'integer' && first.value >= 0;
}

export async function benchRedisResp(server: RedisServer, script: LimitScript): Promise<RedisFigures> {
  const conn = await server.connect();
  try {
    await conn.send(['FLUSHALL']);
    // Redis 7.0 refuses the allow-key-locking flag (see proxy.ts).
    const loaded = await conn.send(['SCRIPT', 'LOAD', bytes(withoutKeyLockingFlag(script.body))]);
    if (loaded.type !== 'bulk') throw new Error(`SCRIPT LOAD answered ${JSON.stringify(loaded)}`);
    const sha = loaded.value;
    let now = START_MS;
    let i = 0;
    const run = async (calls: number) => {
      let allowed = 0;
      const t0 = performance.now();
      for (let done = 0; done < calls; done += RESP_BATCH) {
        const batch: string[][] = [];
        for (let c = 0; c < RESP_BATCH; c++, i++) {
          now += STEP_MS;
          batch.push(['EVALSHA', sha, ...scriptArgs(script.algorithm, PREFIX, identifiers[i % USERS] as string, now)]);
        }
        for (const reply of await conn.pipeline(batch)) if (isAllowed(reply)) allowed++;
      }
      return { seconds: (performance.now() - t0) / 1000, calls, allowed };
    };
    await run(WARMUP_CALLS);
    await conn.send(['CONFIG', 'RESETSTAT']);
    const passes = [];
    for (let p = 0; p < PASSES; p++) passes.push(await run(CALLS_PER_PASS));
    const figures = best(passes);
    const stats = await conn.send(['INFO', 'commandstats']);
    const usec = /cmdstat_evalsha:calls=\d+,usec=\d+,usec_per_call=([\d.]+)/.exec(
      stats.type === 'bulk' ? stats.value : '',
    );
    if (usec === null) throw new Error('INFO commandstats has no evalsha line');
    return { ...figures, serverMicrosPerCall: Number(usec[1]) };
  } finally {
    conn.close();
  }
}
