/**
 * The real `@upstash/ratelimit`, unchanged, against Redstash through the real `@upstash/redis` client: the
 * newest release (2.2.0, whose scripts carry the `#!lua flags=allow-key-locking` shebang) and the newest 1.x
 * (1.2.1, which loads scripts with SCRIPT LOAD) run the same suite.
 *
 * The library reads `Date.now()` on the client side and the scripts' PEXPIREs run on the server's clock, so
 * time is driven, not waited for: only `Date` is mocked (fetch and timers stay real) and the server's engine
 * has a manual clock; `advance` moves both. Expected counts are worked out from each version's scripts and
 * client code; where the two versions differ on purpose (1.x quirks), the difference is named in `quirks`.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, type TestContext, test } from 'node:test';
import type { Engine } from '@redstash/engine';
import { createScriptingTestEngine, type ManualClock } from '@redstash/engine/testing';
import { startTestServer, type TestServer } from '@redstash/server/testing';
import * as V2 from '@upstash/ratelimit';
import * as V1 from '@upstash/ratelimit-v1';
import { Redis } from '@upstash/redis';

type Window = `${number} ${'ms' | 's' | 'm' | 'h'}`;
type Algo =
  | { kind: 'fixedWindow' | 'slidingWindow' | 'cachedFixedWindow'; tokens: number; window: Window }
  | { kind: 'tokenBucket'; refillRate: number; interval: Window; maxTokens: number };
type MultiAlgo = { kind: 'fixedWindow' | 'slidingWindow'; tokens: number; window: Window };

interface Options {
  prefix: string;
  /** Left out: the library's default in-memory cache (single region) or none (multi-region). */
  ephemeralCache?: Map<string, number> | false;
  analytics?: boolean;
  enableProtection?: boolean;
  dynamicLimits?: boolean;
  timeout?: number;
  /** 1.x only: false sends plain EVAL instead of SCRIPT LOAD + EVALSHA. */
  cacheScripts?: boolean;
}
interface LimitRequest {
  rate?: number;
  ip?: string;
  userAgent?: string;
  country?: string;
}
interface Outcome {
  success: boolean;
  limit: number;
  remaining: number;
  reset: number;
  pending: Promise<unknown>;
  reason?: string | undefined;
  deniedValue?: string | undefined;
}
/** 2.x answers getRemaining with an object; 1.x with the bare number, which lands in `remaining`. */
interface Remaining {
  remaining: number;
  reset?: number;
  limit?: number;
}
interface Limiter {
  limit(id: string, req?: LimitRequest): Promise<Outcome>;
  getRemaining(id: string): Promise<Remaining>;
  resetUsedTokens(id: string): Promise<void>;
  blockUntilReady(id: string, timeoutMs: number): Promise<Outcome>;
  setDynamicLimit?(limit: number | false): Promise<void>;
  getDynamicLimit?(): Promise<{ dynamicLimit: number | null }>;
}
interface AnalyticsReads {
  getUsage(): Promise<unknown>;
  getUsageOverTime(timestampCount: number, groupby: 'identifier' | 'success'): Promise<unknown>;
  getMostAllowedBlocked(timestampCount: number): Promise<unknown>;
}
interface Lib {
  label: string;
  region(redis: Redis, algo: Algo, options: Options): Limiter;
  multi(redis: Redis[], algo: MultiAlgo, options: Options): Limiter;
  analytics(redis: Redis, prefix: string): AnalyticsReads;
  disableIpDenyList(redis: Redis, prefix: string): Promise<unknown>;
  /** Why a 2.x-only feature is skipped here, or false when the version has it. */
  lacks: { dynamicLimits: string | false; refund: string | false };
  /** How the version sends a script the server does not know yet. */
  scriptPath: 'evalsha-then-eval' | 'script-load';
  /** 1.x getRemaining answers only the count, without reset and limit. */
  remainingIsBare: boolean;
  quirks: {
    /** 1.x tokenBucket passes the script's -1 through as `remaining` when refusing. */
    tokenBucketRefusedRemaining: number;
    /** 1.x cachedFixedWindow refuses on a cache hit when the count reaches the limit (`<`, not `<=`). */
    cachedFixedWindowAllowed: number;
    /** 1.x multi-region fixedWindow refuses when nothing remains (`remaining > 0`), so it allows one less. */
    multiFixedWindowAllowed: (tokens: number) => number;
    /** 1.x tokenBucket only refuses at exactly 0 tokens, so a large rate drives the bucket negative. */
    tokenBucketRateSteps: [boolean, number][];
  };
}

function v2Algo(a: Algo): V2.Algorithm<V2RegionContext> {
  switch (a.kind) {
    case 'fixedWindow':
      return V2.Ratelimit.fixedWindow(a.tokens, a.window);
    case 'slidingWindow':
      return V2.Ratelimit.slidingWindow(a.tokens, a.window);
    case 'cachedFixedWindow':
      return V2.Ratelimit.cachedFixedWindow(a.tokens, a.window);
    case 'tokenBucket':
      return V2.Ratelimit.tokenBucket(a.refillRate, a.interval, a.maxTokens);
  }
}
// The libraries do not export their context types; recover them from a limiter factory's return type.
type V2RegionContext = ReturnType<typeof V2.Ratelimit.fixedWindow> extends V2.Algorithm<infer C> ? C : never;
type V1RegionContext = ReturnType<typeof V1.Ratelimit.fixedWindow> extends V1.Algorithm<infer C> ? C : never;

function v1Algo(a: Algo): V1.Algorithm<V1RegionContext> {
  switch (a.kind) {
    case 'fixedWindow':
      return V1.Ratelimit.fixedWindow(a.tokens, a.window);
    case 'slidingWindow':
      return V1.Ratelimit.slidingWindow(a.tokens, a.window);
    case 'cachedFixedWindow':
      return V1.Ratelimit.cachedFixedWindow(a.tokens, a.window);
    case 'tokenBucket':
      return V1.Ratelimit.tokenBucket(a.refillRate, a.interval, a.maxTokens);
  }
}

/**
 * The ratelimit packages ship CommonJS typings, which see @upstash/redis's `.d.ts` where this ESM file sees
 * its `.d.mts`: one runtime class declared twice, so TypeScript calls them unrelated where the full client
 * type is asked for (multi-region, analytics, the IP deny list, and everything in 1.x).
 */
type RedisAsRequired = import('@upstash/redis', { with: { 'resolution-mode': 'require' }}).Redis;
const cjs = (redis: Redis): RedisAsRequired => redis as unknown as RedisAsRequired;

const cacheOption = (o: Options) => (o.ephemeralCache === undefined ? {} : { ephemeralCache: o.ephemeralCache });
const multiCacheOption = (o: Options) => (o.ephemeralCache instanceof Map ? { ephemeralCache: o.ephemeralCache } : {});

const v2: Lib = {
  label: '2.2.0',
  region(redis, algo, o) {
    const rl = new V2.Ratelimit({
      redis,
      limiter: v2Algo(algo),
      prefix: o.prefix,
      analytics: o.analytics ?? false,
      enableProtection: o.enableProtection ?? false,
      dynamicLimits: o.dynamicLimits ?? false,
      timeout: o.timeout ?? 5000,
      enableTelemetry: false,
      ...cacheOption(o),
    });
    return {
      limit: (id, req) => rl.limit(id, req),
      getRemaining: (id) => rl.getRemaining(id),
      resetUsedTokens: (id) => rl.resetUsedTokens(id),
      blockUntilReady: (id, ms) => rl.blockUntilReady(id, ms),
      setDynamicLimit: (limit) => rl.setDynamicLimit({ limit }),
      getDynamicLimit: () => rl.getDynamicLimit(),
    };
  },
  multi(redis, algo, o) {
    const limiter =
      algo.kind === 'fixedWindow'
        ? V2.MultiRegionRatelimit.fixedWindow(algo.tokens, algo.window)
        : V2.MultiRegionRatelimit.slidingWindow(algo.tokens, algo.window);
    const rl = new V2.MultiRegionRatelimit({
      redis: redis.map(cjs),
      limiter,
      prefix: o.prefix,
      timeout: o.timeout ?? 5000,
      enableTelemetry: false,
      ...multiCacheOption(o),
    });
    return {
      limit: (id, req) => rl.limit(id, req),
      getRemaining: (id) => rl.getRemaining(id),
      resetUsedTokens: (id) => rl.resetUsedTokens(id),
      blockUntilReady: (id, ms) => rl.blockUntilReady(id, ms),
    };
  },
  analytics(redis, prefix) {
    const a = new V2.Analytics({ redis: cjs(redis), prefix });
    return {
      getUsage: () => a.getUsage(),
      getUsageOverTime: (n, groupby) => a.getUsageOverTime(n, groupby),
      getMostAllowedBlocked: (n) => a.getMostAllowedBlocked(n),
    };
  },
  disableIpDenyList: (redis, prefix) => V2.IpDenyList.disableIpDenyList(cjs(redis), prefix),
  lacks: { dynamicLimits: false, refund: false },
  scriptPath: 'evalsha-then-eval',
  remainingIsBare: false,
  quirks: {
    tokenBucketRefusedRemaining: 0,
    cachedFixedWindowAllowed: 3,
    multiFixedWindowAllowed: (tokens) => tokens,
    tokenBucketRateSteps: [
      [true, 6],
      [true, 1],
      [false, 0],
      [true, 0],
    ],
  },
};

const v1: Lib = {
  label: '1.2.1',
  region(redis, algo, o) {
    const rl = new V1.Ratelimit({
      redis: cjs(redis),
      limiter: v1Algo(algo),
      prefix: o.prefix,
      analytics: o.analytics ?? false,
      enableProtection: o.enableProtection ?? false,
      timeout: o.timeout ?? 5000,
      cacheScripts: o.cacheScripts ?? true,
      ...cacheOption(o),
    });
    return {
      limit: (id, req) => rl.limit(id, req),
      getRemaining: async (id) => ({ remaining: await rl.getRemaining(id) }),
      resetUsedTokens: (id) => rl.resetUsedTokens(id),
      blockUntilReady: (id, ms) => rl.blockUntilReady(id, ms),
    };
  },
  multi(redis, algo, o) {
    const limiter =
      algo.kind === 'fixedWindow'
        ? V1.MultiRegionRatelimit.fixedWindow(algo.tokens, algo.window)
        : V1.MultiRegionRatelimit.slidingWindow(algo.tokens, algo.window);
    const rl = new V1.MultiRegionRatelimit({
      redis: redis.map(cjs),
      limiter,
      prefix: o.prefix,
      timeout: o.timeout ?? 5000,
      cacheScripts: o.cacheScripts ?? true,
      ...multiCacheOption(o),
    });
    return {
      limit: (id, req) => rl.limit(id, req),
      getRemaining: async (id) => ({ remaining: await rl.getRemaining(id) }),
      resetUsedTokens: (id) => rl.resetUsedTokens(id),
      blockUntilReady: (id, ms) => rl.blockUntilReady(id, ms),
    };
  },
  analytics(redis, prefix) {
    const a = new V1.Analytics({ redis: cjs(redis), prefix });
    return {
      getUsage: () => a.getUsage(),
      getUsageOverTime: (n, groupby) => a.getUsageOverTime(n, groupby),
      getMostAllowedBlocked: (n) => a.getMostAllowedBlocked(n),
    };
  },
  disableIpDenyList: (redis, prefix) => V1.IpDenyList.disableIpDenyList(cjs(redis), prefix),
  lacks: {
    dynamicLimits: '1.2.1 has no dynamicLimits option nor setDynamicLimit/getDynamicLimit (added in 2.x)',
    refund: '1.2.1 clamps the rate with Math.max(1, rate), so a negative rate counts as 1: no refunds',
  },
  scriptPath: 'script-load',
  remainingIsBare: true,
  quirks: {
    tokenBucketRefusedRemaining: -1,
    cachedFixedWindowAllowed: 2,
    multiFixedWindowAllowed: (tokens) => tokens - 1,
    tokenBucketRateSteps: [
      [true, 6],
      [true, 1],
      [false, -1],
      [false, -2],
    ],
  },
};

// ---------------------------------------------------------------------------------------------------------
// Servers, clocks and the request recorder

interface Region {
  clock: ManualClock;
  engine: Engine;
  srv: TestServer;
  redis: Redis;
}
interface Env {
  regions: Region[];
  /** The first region's client. */
  redis: Redis;
  /** The clocks' start: 2026-01-01T00:00:00Z, so every window here starts exactly at `start`. */
  start: number;
  /** Moves the client's `Date` and every server clock forward together. */
  advance(ms: number): void;
}

function client(srv: { url: string; token: string }): Redis {
  return new Redis({ url: srv.url, token: srv.token, enableTelemetry: false, retry: false });
}

async function withClock(t: TestContext, fn: (env: Env) => Promise<void>, servers = 1): Promise<void> {
  const regions: Region[] = [];
  try {
    for (let i = 0; i < servers; i++) {
      const { engine, clock } = await createScriptingTestEngine();
      const srv = await startTestServer({ engine });
      regions.push({ clock, engine, srv, redis: client(srv) });
    }
    const first = regions[0]!;
    const start = first.clock.now();
    t.mock.timers.enable({ apis: ['Date'], now: start });
    await fn({
      regions,
      redis: first.redis,
      start,
      advance(ms) {
        for (const r of regions) r.clock.advance(ms);
        t.mock.timers.tick(ms);
      },
    });
  } finally {
    for (const r of regions) {
      await r.srv.close();
      r.engine.close();
    }
  }
}

interface Sent {
  /** Upper-cased, with SCRIPT's subcommand: `EVALSHA`, `SCRIPT LOAD`. */
  command: string;
  args: string[];
  error?: string;
}
interface Recorder {
  sent: Sent[];
  /** The `upstash-sync-token` of every response, in order. */
  syncTokens: string[];
  ipListDownloads: string[];
  /** Returns what was sent since the last call and forgets it. */
  drain(): Sent[];
}

const realFetch = globalThis.fetch;
const IP_LIST_URL = 'https://raw.githubusercontent.com/stamparm/ipsum/master/levels/';

/**
 * Wraps global fetch for this test: requests to the test servers pass through and are recorded; the
 * library's IP deny-list download is answered with `ipList` (or fails the test when none is given); any
 * other destination is refused, so nothing leaves 127.0.0.1. `hang` leaves server requests unanswered.
 */
function recordRequests(t: TestContext, opts: { ipList?: string[]; hang?: boolean } = {}): Recorder {
  const rec: Recorder = {
    sent: [],
    syncTokens: [],
    ipListDownloads: [],
    drain() {
      return rec.sent.splice(0);
    },
  };
  const fake = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = input instanceof Request ? input.url : String(input);
    if (url.startsWith(IP_LIST_URL)) {
      rec.ipListDownloads.push(url);
      if (opts.ipList === undefined) throw new Error(`unexpected IP deny-list download: ${url}`);
      return new Response(`${opts.ipList.join('\n')}\n`);
    }
    if (!url.startsWith('http://127.0.0.1:')) throw new Error(`unexpected fetch: ${url}`);
    if (opts.hang) return new Promise<Response>(() => {});
    const res = await realFetch(input, init);
    const body: unknown = JSON.parse(String(init?.body));
    const path = new URL(url).pathname;
    const batch = (path === '/pipeline' || path === '/multi-exec' ? body : [body]) as unknown[][];
    const reply: unknown = await res.clone().json();
    const replies = (Array.isArray(reply) ? reply : [reply]) as { error?: string }[];
    batch.forEach((cmd, i) => {
      const [name, ...rest] = cmd.map(String);
      const upper = (name ?? '').toUpperCase();
      const command = upper === 'SCRIPT' ? `SCRIPT ${(rest[0] ?? '').toUpperCase()}` : upper;
      const error = replies[i]?.error ?? (res.ok ? undefined : replies[0]?.error);
      rec.sent.push(error === undefined ? { command, args: rest } : { command, args: rest, error });
    });
    rec.syncTokens.push(res.headers.get('upstash-sync-token') ?? '');
    return res;
  };
  t.mock.method(globalThis, 'fetch', fake);
  return rec;
}

/** The shape of what was sent, for comparing sequences: `EVALSHA`, `EVALSHA !NOSCRIPT`, `SCRIPT LOAD`. */
const shape = (sent: Sent[]): string[] =>
  sent.map((s) => (s.error === undefined ? s.command : `${s.command} !${s.error.split(' ')[0]}`));

type Step = [success: boolean, remaining: number];

/** Calls `limit` n times in a row, waiting for each call's background work. */
async function take(rl: Limiter, id: string, n: number, req?: LimitRequest): Promise<Outcome[]> {
  const out: Outcome[] = [];
  for (let i = 0; i < n; i++) {
    const res = await rl.limit(id, req);
    await res.pending;
    out.push(res);
  }
  return out;
}

const view = (rs: Outcome[]) =>
  rs.map(({ success, remaining, limit, reset, reason }) =>
    reason === undefined ? { success, remaining, limit, reset } : { success, remaining, limit, reset, reason },
  );
const steps = (ss: Step[], limit: number, reset: number) =>
  ss.map(([success, remaining]) => ({ success, remaining, limit, reset }));
/** n allowed requests counting remaining down from `limit - 1`, then `refused` refusals. */
function countdown(limit: number, allowed: number, refused: number, refusedRemaining = 0): Step[] {
  const out: Step[] = [];
  for (let i = 1; i <= allowed; i++) out.push([true, limit - i]);
  for (let i = 0; i < refused; i++) out.push([false, refusedRemaining]);
  return out;
}

/** What getRemaining answers in this version. */
const remainingOf = (lib: Lib, remaining: number, reset: number, limit: number): Remaining =>
  lib.remainingIsBare ? { remaining } : { remaining, reset, limit };

// ---------------------------------------------------------------------------------------------------------

function suite(lib: Lib): void {
  const v = lib.label;

  test('fixedWindow: N allowed, the N+1th refused, allowed again in the next window', (t) =>
    withClock(t, async ({ redis, start, advance }) => {
      const rl = lib.region(
        redis,
        { kind: 'fixedWindow', tokens: 3, window: '10 s' },
        { prefix: 'fw', ephemeralCache: false },
      );
      const bucket = start / 10_000;
      assert.deepEqual(view(await take(rl, 'u1', 4)), steps(countdown(3, 3, 1), 3, start + 10_000));
      assert.deepEqual(await rl.getRemaining('u1'), remainingOf(lib, 0, start + 10_000, 3));
      // The window's counter counts refused requests too and expires with the window.
      assert.equal(await redis.get(`fw:u1:${bucket}`), 4);
      assert.equal(await redis.pttl(`fw:u1:${bucket}`), 10_000);
      assert.deepEqual(view(await take(rl, 'u2', 1)), steps([[true, 2]], 3, start + 10_000));

      advance(9_999);
      assert.deepEqual(view(await take(rl, 'u1', 1)), steps([[false, 0]], 3, start + 10_000));
      advance(1);
      assert.deepEqual(view(await take(rl, 'u1', 4)), steps(countdown(3, 3, 1), 3, start + 20_000));
      assert.equal(await redis.exists(`fw:u1:${bucket}`), 0);
    }));

  test('slidingWindow: weighs the previous window by the time left in it', (t) =>
    withClock(t, async ({ redis, start, advance }) => {
      const rl = lib.region(
        redis,
        { kind: 'slidingWindow', tokens: 4, window: '10 s' },
        { prefix: 'sw', ephemeralCache: false },
      );
      const w = start / 10_000;
      assert.deepEqual(view(await take(rl, 'u1', 5)), steps(countdown(4, 4, 1), 4, start + 10_000));
      assert.equal(await redis.pttl(`sw:u1:${w}`), 21_000, 'twice the window plus a second');
      assert.deepEqual(await rl.getRemaining('u1'), remainingOf(lib, 0, start + 10_000, 4));

      // A quarter into the next window, 3 of the previous window's 4 still count: one more passes.
      advance(12_500);
      assert.deepEqual(
        view(await take(rl, 'u1', 2)),
        steps(
          [
            [true, 0],
            [false, 0],
          ],
          4,
          start + 20_000,
        ),
      );
      assert.deepEqual(await rl.getRemaining('u1'), remainingOf(lib, 0, start + 20_000, 4));

      // At the start of the window after, the previous window (1 request) counts in full.
      advance(7_500);
      assert.deepEqual(
        view(await take(rl, 'u1', 4)),
        steps(
          [
            [true, 2],
            [true, 1],
            [true, 0],
            [false, 0],
          ],
          4,
          start + 30_000,
        ),
      );
      assert.deepEqual(await rl.getRemaining('u2'), remainingOf(lib, 4, start + 30_000, 4));
    }));

  test('tokenBucket: drains, refuses, refills by refillRate per interval', (t) =>
    withClock(t, async ({ redis, start, advance }) => {
      const rl = lib.region(
        redis,
        { kind: 'tokenBucket', refillRate: 2, interval: '10 s', maxTokens: 5 },
        { prefix: 'tb', ephemeralCache: false },
      );
      const refused = lib.quirks.tokenBucketRefusedRemaining;
      assert.deepEqual(view(await take(rl, 'u1', 6)), steps(countdown(5, 5, 1, refused), 5, start + 10_000));
      assert.deepEqual(await redis.hgetall('tb:u1'), { refilledAt: start, tokens: 0 });
      assert.equal(await redis.pttl('tb:u1'), 30_000, 'until the bucket is full again');
      assert.deepEqual(await rl.getRemaining('u1'), remainingOf(lib, 0, start + 10_000, 5));

      advance(10_000);
      assert.deepEqual(
        view(await take(rl, 'u1', 3)),
        steps(
          [
            [true, 1],
            [true, 0],
            [false, refused],
          ],
          5,
          start + 20_000,
        ),
      );
      // Two intervals later (the bucket has not expired yet), 4 tokens are back.
      advance(25_000);
      assert.deepEqual(view(await take(rl, 'u1', 1)), steps([[true, 3]], 5, start + 40_000));
      assert.deepEqual(await rl.getRemaining('u1'), remainingOf(lib, 3, start + 40_000, 5));
    }));

  test('cachedFixedWindow: the local count decides, the server count is kept in the background', (t) =>
    withClock(t, async ({ redis, start, advance }) => {
      const algo: Algo = { kind: 'cachedFixedWindow', tokens: 3, window: '10 s' };
      const rl = lib.region(redis, algo, { prefix: 'cfw' });
      const key = `cfw:u1:${start / 10_000}`;
      const allowed = lib.quirks.cachedFixedWindowAllowed;
      const ran = await take(rl, 'u1', 4);
      assert.deepEqual(
        ran.map((r) => [r.success, r.remaining]),
        [
          [true, 2],
          [true, 1],
          [allowed === 3, 0],
          [false, -1],
        ],
      );
      assert.ok(ran.every((r) => r.reset === start + 10_000 && r.limit === 3));
      assert.equal(await redis.get(key), allowed, 'every allowed request reached the server');
      // The script compares INCRBY's number with the ARGV string, so on Redis its PEXPIRE never runs.
      assert.equal(await redis.pttl(key), -1);

      // A second instance has no local count: its first request asks the server.
      const fresh = await take(lib.region(redis, algo, { prefix: 'cfw' }), 'u1', 1);
      assert.deepEqual(
        fresh.map((r) => [r.success, r.remaining]),
        [[3 - (allowed + 1) >= 0, 3 - (allowed + 1)]],
      );
      assert.deepEqual(
        await lib.region(redis, algo, { prefix: 'cfw' }).getRemaining('u1'),
        remainingOf(lib, 0, start + 10_000, 3),
      );

      advance(10_000);
      assert.deepEqual(
        (await take(rl, 'u1', 1)).map((r) => [r.success, r.remaining, r.reset]),
        [[true, 2, start + 20_000]],
      );
      assert.equal(await redis.get(`cfw:u1:${start / 10_000 + 1}`), 1);
    }));

  test('ephemeral cache on: a refused identifier is answered locally (cacheBlock) until reset', (t) =>
    withClock(t, async ({ redis, start, advance }) => {
      const rec = recordRequests(t);
      const rl = lib.region(redis, { kind: 'fixedWindow', tokens: 2, window: '10 s' }, { prefix: 'cache' });
      assert.deepEqual(view(await take(rl, 'u1', 3)), steps(countdown(2, 2, 1), 2, start + 10_000));
      rec.drain();
      assert.deepEqual(view(await take(rl, 'u1', 2)), [
        { success: false, remaining: 0, limit: 2, reset: start + 10_000, reason: 'cacheBlock' },
        { success: false, remaining: 0, limit: 2, reset: start + 10_000, reason: 'cacheBlock' },
      ]);
      assert.deepEqual(rec.drain(), [], 'no request reached the server');
      assert.equal(await redis.get(`cache:u1:${start / 10_000}`), 3);

      advance(10_001);
      assert.deepEqual(view(await take(rl, 'u1', 1)), steps([[true, 1]], 2, start + 20_000));
    }));

  test('rate: a request can consume several tokens', (t) =>
    withClock(t, async ({ redis, start }) => {
      const opts = { prefix: 'rate', ephemeralCache: false } as const;
      const fixed = lib.region(redis, { kind: 'fixedWindow', tokens: 10, window: '10 s' }, opts);
      const sliding = lib.region(redis, { kind: 'slidingWindow', tokens: 10, window: '10 s' }, opts);
      const bucket = lib.region(redis, { kind: 'tokenBucket', refillRate: 5, interval: '10 s', maxTokens: 10 }, opts);
      const run = async (rl: Limiter, id: string, rates: number[]) => {
        const out: Step[] = [];
        for (const rate of rates) {
          const r = await rl.limit(id, { rate });
          await r.pending;
          out.push([r.success, r.remaining]);
        }
        return out;
      };
      // fixedWindow counts the refused request's 2 as well: the counter stands at 11.
      assert.deepEqual(await run(fixed, 'f', [4, 5, 2]), [
        [true, 6],
        [true, 1],
        [false, 0],
      ]);
      assert.equal(await redis.get(`rate:f:${start / 10_000}`), 11);
      // slidingWindow checks before adding, so the 2 is added and then found over the limit.
      assert.deepEqual(await run(sliding, 's', [4, 5, 2, 1]), [
        [true, 6],
        [true, 1],
        [false, 0],
        [false, 0],
      ]);
      assert.equal(await redis.get(`rate:s:${start / 10_000}`), 11);
      assert.deepEqual(await run(bucket, 'b', [4, 5, 2, 1]), lib.quirks.tokenBucketRateSteps);
    }));

  test('negative rate refunds tokens', { skip: lib.lacks.refund }, (t) =>
    withClock(t, async ({ redis, start }) => {
      const opts = { prefix: 'refund', ephemeralCache: false } as const;
      const fixed = lib.region(redis, { kind: 'fixedWindow', tokens: 3, window: '10 s' }, opts);
      const reset = start + 10_000;
      assert.deepEqual(view(await take(fixed, 'f', 4)), steps(countdown(3, 3, 1), 3, reset));
      assert.deepEqual(view(await take(fixed, 'f', 1, { rate: -2 })), steps([[true, 1]], 3, reset));
      assert.deepEqual(
        view(await take(fixed, 'f', 2)),
        steps(
          [
            [true, 0],
            [false, 0],
          ],
          3,
          reset,
        ),
      );

      const sliding = lib.region(redis, { kind: 'slidingWindow', tokens: 3, window: '10 s' }, opts);
      assert.deepEqual(view(await take(sliding, 's', 4)), steps(countdown(3, 3, 1), 3, reset));
      assert.deepEqual(view(await take(sliding, 's', 1, { rate: -1 })), steps([[true, 1]], 3, reset));
      assert.deepEqual(
        view(await take(sliding, 's', 2)),
        steps(
          [
            [true, 0],
            [false, 0],
          ],
          3,
          reset,
        ),
      );

      const bucket = lib.region(redis, { kind: 'tokenBucket', refillRate: 1, interval: '10 s', maxTokens: 3 }, opts);
      assert.deepEqual(view(await take(bucket, 'b', 4)), steps(countdown(3, 3, 1), 3, reset));
      assert.deepEqual(view(await take(bucket, 'b', 1, { rate: -1 })), steps([[true, 1]], 3, reset));
      assert.deepEqual(
        view(await take(bucket, 'b', 2)),
        steps(
          [
            [true, 0],
            [false, 0],
          ],
          3,
          reset,
        ),
      );

      // With the cache on, a refund also lifts the local block.
      const cached = lib.region(redis, { kind: 'fixedWindow', tokens: 1, window: '10 s' }, { prefix: 'refund-c' });
      assert.deepEqual(
        (await take(cached, 'c', 3)).map((r) => r.reason ?? r.success),
        [true, false, 'cacheBlock'],
      );
      assert.deepEqual(
        (await take(cached, 'c', 1, { rate: -1 })).map((r) => r.reason ?? r.success),
        [true],
      );
      assert.deepEqual(await redis.get(`refund-c:c:${start / 10_000}`), 1);
    }),
  );

  test('getRemaining does not consume, resetUsedTokens clears one identifier only', (t) =>
    withClock(t, async ({ redis, start }) => {
      const opts = { prefix: 'rs', ephemeralCache: false } as const;
      const rl = lib.region(redis, { kind: 'fixedWindow', tokens: 2, window: '10 s' }, opts);
      const reset = start + 10_000;
      assert.deepEqual(await rl.getRemaining('a'), remainingOf(lib, 2, reset, 2));
      assert.deepEqual(await rl.getRemaining('a'), remainingOf(lib, 2, reset, 2));
      await take(rl, 'a', 3);
      await take(rl, 'ab', 1);
      assert.deepEqual(await rl.getRemaining('a'), remainingOf(lib, 0, reset, 2));
      await rl.resetUsedTokens('a');
      assert.deepEqual(await rl.getRemaining('a'), remainingOf(lib, 2, reset, 2));
      assert.deepEqual(view(await take(rl, 'a', 1)), steps([[true, 1]], 2, reset));
      assert.equal(await redis.get(`rs:ab:${start / 10_000}`), 1, '`a:*` does not match `ab:…`');

      const tb = lib.region(redis, { kind: 'tokenBucket', refillRate: 1, interval: '1 h', maxTokens: 2 }, opts);
      await take(tb, 'b', 2);
      assert.equal(await redis.exists('rs:b'), 1);
      await tb.resetUsedTokens('b');
      assert.equal(await redis.exists('rs:b'), 0);
      assert.deepEqual(
        (await take(tb, 'b', 1)).map((r) => [r.success, r.remaining]),
        [[true, 1]],
      );
      assert.equal(await redis.get(`rs:ab:${start / 10_000}`), 1);
    }));

  test('analytics: ZINCRBY events, and the cjson/unpack reads (getUsage, getUsageOverTime, getMostAllowedBlocked)', (t) =>
    withClock(t, async ({ redis, start }) => {
      const rl = lib.region(
        redis,
        { kind: 'fixedWindow', tokens: 2, window: '10 s' },
        { prefix: 'an', ephemeralCache: false, analytics: true },
      );
      await take(rl, 'u1', 3);
      await take(rl, 'u2', 1);
      const events = await redis.zrange(`an:events:${start}`, 0, -1, { withScores: true });
      assert.deepEqual(events, [
        { identifier: 'u1', success: false },
        1,
        { identifier: 'u2', success: true },
        1,
        { identifier: 'u1', success: true },
        2,
      ]);
      assert.equal(await redis.ttl(`an:events:${start}`), -1, 'the library sets no retention');

      const a = lib.analytics(redis, 'an');
      // ZUNION over 256 hourly keys built inside the script with unpack().
      assert.deepEqual(await a.getUsage(), { u1: { success: 2, blocked: 1 }, u2: { success: 1, blocked: 0 } });
      assert.deepEqual(await a.getMostAllowedBlocked(1), {
        allowed: [
          { identifier: 'u1', count: 2 },
          { identifier: 'u2', count: 1 },
        ],
        ratelimited: [{ identifier: 'u1', count: 1 }],
        denied: [],
      });
      // cjson.decode of each member; a `false` key comes back as nil inside the reply.
      assert.deepEqual(await a.getUsageOverTime(2, 'identifier'), [
        { time: start, identifier: { u1: 3, u2: 1 } },
        { time: start - 3_600_000 },
      ]);
      assert.deepEqual(await a.getUsageOverTime(1, 'success'), [{ time: start, success: { true: 3, false: 1 } }]);
    }));

  test('deny list: denied identifiers, IPs, user agents and countries (IP list disabled)', (t) =>
    withClock(t, async ({ redis }) => {
      const rec = recordRequests(t);
      const prefix = 'dl';
      await lib.disableIpDenyList(redis, prefix);
      const bad = { user: `bad-user-${v}`, ip: `10.0.0.1-${v}`, ua: `bad-agent-${v}`, country: `XX-${v}` };
      await redis.sadd(`${prefix}:denyList:all`, bad.user, bad.ip, bad.ua, bad.country);
      const rl = lib.region(
        redis,
        { kind: 'fixedWindow', tokens: 5, window: '10 s' },
        { prefix, ephemeralCache: false, enableProtection: true, analytics: true },
      );
      const denied = async (id: string, req?: LimitRequest) => {
        const r = await rl.limit(id, req);
        await r.pending;
        return [r.success, r.reason, r.deniedValue];
      };
      assert.deepEqual(await denied(bad.user), [false, 'denyList', bad.user]);
      assert.deepEqual(await denied(`ok-${v}`, { ip: bad.ip }), [false, 'denyList', bad.ip]);
      assert.deepEqual(await denied(`ok-${v}`, { userAgent: bad.ua }), [false, 'denyList', bad.ua]);
      assert.deepEqual(await denied(`ok-${v}`, { country: bad.country }), [false, 'denyList', bad.country]);
      assert.deepEqual(await denied(`ok-${v}`, { ip: '192.0.2.1', userAgent: 'curl', country: 'DE' }), [
        true,
        undefined,
        undefined,
      ]);
      // A denied value is then blocked locally for a minute: no script runs for it.
      rec.drain();
      assert.deepEqual(await denied(bad.user), [false, 'denyList', bad.user]);
      assert.deepEqual(
        rec.drain().map((s) => s.command),
        ['ZINCRBY'],
      );
      assert.equal(await redis.ttl(`${prefix}:ipDenyListStatus`), -1, 'the IP list stays disabled');
      assert.deepEqual(rec.ipListDownloads, []);
      assert.deepEqual(
        ((await lib.analytics(redis, prefix).getMostAllowedBlocked(1)) as { denied: unknown }).denied,
        // Highest score first; ties in reverse member order ('b' > 'X' > '1').
        [
          { identifier: bad.user, count: 2 },
          { identifier: bad.ua, count: 1 },
          { identifier: bad.country, count: 1 },
          { identifier: bad.ip, count: 1 },
        ],
      );
    }));

  test('deny list: the IP list is fetched (stubbed) and stored with MULTI/EXEC when its status expires', (t) =>
    withClock(t, async ({ redis, start }) => {
      const ips = [`203.0.113.7-${v}`, `198.51.100.9-${v}`];
      const rec = recordRequests(t, { ipList: ips });
      const prefix = 'ipdl';
      const rl = lib.region(
        redis,
        { kind: 'fixedWindow', tokens: 5, window: '10 s' },
        { prefix, ephemeralCache: false, enableProtection: true },
      );
      const first = await rl.limit(`someone-${v}`);
      assert.equal(first.success, true);
      await first.pending;
      assert.deepEqual(rec.ipListDownloads, [`${IP_LIST_URL}6.txt`]);
      assert.ok(
        rec.sent.some((s) => s.command === 'SDIFFSTORE'),
        'the update ran as a transaction',
      );
      assert.deepEqual((await redis.smembers(`${prefix}:denyList:ipDenyList`)).sort(), [...ips].sort());
      assert.deepEqual((await redis.smembers(`${prefix}:denyList:all`)).sort(), [...ips].sort());
      assert.equal(await redis.get(`${prefix}:ipDenyListStatus`), 'valid');
      // Valid until the next 02:00 UTC; the clock starts at midnight.
      assert.equal(await redis.pttl(`${prefix}:ipDenyListStatus`), 2 * 3_600_000);
      assert.equal(start % 86_400_000, 0);

      const r = await rl.limit(`other-${v}`, { ip: ips[0]! });
      assert.deepEqual([r.success, r.reason, r.deniedValue], [false, 'denyList', ips[0]]);
      await r.pending;
      assert.equal(rec.ipListDownloads.length, 1, 'downloaded once');
    }));

  test(
    'dynamic limits: setDynamicLimit/getDynamicLimit override the configured limit',
    { skip: lib.lacks.dynamicLimits },
    (t) =>
      withClock(t, async ({ redis, start }) => {
        const opts = { prefix: 'dyn', ephemeralCache: false, dynamicLimits: true } as const;
        const fixed = lib.region(redis, { kind: 'fixedWindow', tokens: 5, window: '10 s' }, opts);
        const reset = start + 10_000;
        assert.deepEqual(await fixed.getDynamicLimit?.(), { dynamicLimit: null });
        await fixed.setDynamicLimit?.(2);
        assert.deepEqual(await fixed.getDynamicLimit?.(), { dynamicLimit: 2 });
        assert.equal(await redis.get('dyn:dynamic:global'), 2);
        assert.deepEqual(view(await take(fixed, 'f', 3)), steps(countdown(2, 2, 1), 2, reset));
        assert.deepEqual(await fixed.getRemaining('f'), { remaining: 0, reset, limit: 2 });

        const sliding = lib.region(redis, { kind: 'slidingWindow', tokens: 5, window: '10 s' }, opts);
        assert.deepEqual(view(await take(sliding, 's', 3)), steps(countdown(2, 2, 1), 2, reset));
        const bucket = lib.region(redis, { kind: 'tokenBucket', refillRate: 1, interval: '10 s', maxTokens: 5 }, opts);
        assert.deepEqual(view(await take(bucket, 'b', 1)), steps([[true, 1]], 2, reset));
        assert.deepEqual(await bucket.getRemaining('b'), { remaining: 1, reset, limit: 2 });

        await fixed.setDynamicLimit?.(false);
        assert.deepEqual(await fixed.getDynamicLimit?.(), { dynamicLimit: null });
        assert.deepEqual(view(await take(fixed, 'f', 1)), steps([[true, 1]], 5, reset));
      }),
  );

  test('MultiRegionRatelimit fixedWindow over two servers: counts and request ids synced to both', (t) =>
    withClock(
      t,
      async ({ regions, start, advance }) => {
        const [a, b] = regions as [Region, Region];
        const rl = lib.multi([a.redis, b.redis], { kind: 'fixedWindow', tokens: 3, window: '10 s' }, { prefix: 'mf' });
        const key = `mf:u1:${start / 10_000}`;
        const allowed = lib.quirks.multiFixedWindowAllowed(3);
        // Multi-region limiters always get the library's local cache (its constructor passes no
        // `ephemeralCache` to the base class), so after the server's refusal the rest are blocked locally.
        const expected = [1, 2, 3, 4].map((i) =>
          i <= allowed ? [true, 3 - i] : i === allowed + 1 ? [false, 3 - i] : [false, 0, 'cacheBlock'],
        );
        const ran = await take(rl, 'u1', 4);
        assert.deepEqual(
          ran.map((r) => (r.reason === undefined ? [r.success, r.remaining] : [r.success, r.remaining, r.reason])),
          expected,
        );
        assert.ok(ran.every((r) => r.reset === start + 10_000 && r.limit === 3));
        assert.equal(await a.redis.hlen(key), allowed + 1, 'every request the server saw is stored');
        assert.deepEqual(await b.redis.hgetall(key), await a.redis.hgetall(key));
        assert.equal(await b.redis.pttl(key), 10_000);
        assert.deepEqual(await rl.getRemaining('u1'), remainingOf(lib, 0, start + 10_000, 3));

        // Requests only one region saw are copied to the other once a request's background sync runs.
        const key2 = `mf:u2:${start / 10_000}`;
        await a.redis.hset(key2, { seenOnlyByA1: 1, seenOnlyByA2: 1 });
        const r = await rl.limit('u2');
        await r.pending;
        assert.equal(await a.redis.hlen(key2), 3);
        assert.deepEqual(await b.redis.hgetall(key2), await a.redis.hgetall(key2));

        // The local block holds through its reset millisecond, so step one past it.
        advance(10_001);
        assert.deepEqual(
          (await take(rl, 'u1', 1)).map((x) => [x.success, x.remaining, x.reset]),
          [[true, 2, start + 20_000]],
        );
      },
      2,
    ));

  test('MultiRegionRatelimit slidingWindow over two servers', (t) =>
    withClock(
      t,
      async ({ regions, start, advance }) => {
        const [a, b] = regions as [Region, Region];
        const rl = lib.multi(
          [a.redis, b.redis],
          { kind: 'slidingWindow', tokens: 4, window: '10 s' },
          { prefix: 'ms' },
        );
        const w = start / 10_000;
        assert.deepEqual(view(await take(rl, 'u1', 5)), steps(countdown(4, 4, 1), 4, start + 10_000));
        for (const r of [a, b]) {
          assert.equal(await r.redis.hlen(`ms:u1:${w}`), 4, 'only allowed requests are stored');
          assert.equal(await r.redis.pttl(`ms:u1:${w}`), 21_000);
        }
        assert.deepEqual(await rl.getRemaining('u1'), remainingOf(lib, 0, start + 10_000, 4));

        advance(12_500);
        assert.deepEqual(
          view(await take(rl, 'u1', 2)),
          steps(
            [
              [true, 0],
              [false, 0],
            ],
            4,
            start + 20_000,
          ),
        );
        assert.deepEqual(await b.redis.hgetall(`ms:u1:${w + 1}`), await a.redis.hgetall(`ms:u1:${w + 1}`));
        assert.equal(await a.redis.hlen(`ms:u1:${w + 1}`), 1);
      },
      2,
    ));

  test('MultiRegionRatelimit: a region that is down does not stop the others from answering', (t) =>
    withClock(t, async ({ redis }) => {
      const down = client({ url: 'http://127.0.0.1:1', token: 'unused' });
      const rl = lib.multi([redis, down], { kind: 'fixedWindow', tokens: 3, window: '10 s' }, { prefix: 'md' });
      const r = await rl.limit('u1');
      assert.deepEqual([r.success, r.remaining], [true, 2]);
      await assert.rejects(Promise.resolve(r.pending), 'the background sync reports the dead region');
    }));

  test('scripts: EVALSHA, NOSCRIPT after SCRIPT FLUSH, then the library re-sends the script', (t) =>
    withClock(t, async ({ redis }) => {
      const rec = recordRequests(t);
      // 1.x announces the reload on the console.
      t.mock.method(console, 'log', () => {});
      const rl = lib.region(
        redis,
        { kind: 'fixedWindow', tokens: 5, window: '10 s' },
        { prefix: 'sc', ephemeralCache: false },
      );
      await take(rl, 'u', 1);
      if (lib.scriptPath === 'script-load') assert.deepEqual(shape(rec.drain()), ['SCRIPT LOAD', 'EVALSHA']);
      assert.equal(await redis.scriptFlush(), 'OK');
      rec.drain();
      await take(rl, 'u', 1);
      const sent = rec.drain();
      if (lib.scriptPath === 'evalsha-then-eval') {
        assert.deepEqual(shape(sent), ['EVALSHA !NOSCRIPT', 'EVAL']);
        // The hard-coded hash is the SHA1 of the script text, shebang included, and EVAL cached it.
        const [evalsha, evalCmd] = sent as [Sent, Sent];
        assert.equal(evalsha.args[0], createHash('sha1').update(evalCmd.args[0]!).digest('hex'));
        assert.ok(evalCmd.args[0]!.startsWith('#!lua flags=allow-key-locking\n'));
        assert.deepEqual(await redis.scriptExists(evalsha.args[0]!), [1]);
      } else {
        assert.deepEqual(shape(sent), ['EVALSHA !NOSCRIPT', 'SCRIPT LOAD', 'EVALSHA']);
        const [, load] = sent as [Sent, Sent];
        assert.deepEqual(await redis.scriptExists(createHash('sha1').update(load.args[1]!).digest('hex')), [1]);
      }
      assert.equal(await redis.get(`sc:u:${Date.now() / 10_000}`), 2, 'the retried request counted once');
      rec.drain();
      await take(rl, 'u', 1);
      assert.deepEqual(shape(rec.drain()), ['EVALSHA']);
    }));

  test('scripts: every algorithm script and the reset script run by hash once the server knows them', (t) =>
    withClock(t, async ({ redis }) => {
      const rec = recordRequests(t);
      t.mock.method(console, 'log', () => {});
      const opts = { prefix: 'all', ephemeralCache: false } as const;
      // One region keeps every request awaited: with two, getRemaining returns on the first answer.
      const round = async () => {
        const single: Limiter[] = [
          lib.region(redis, { kind: 'fixedWindow', tokens: 5, window: '10 s' }, opts),
          lib.region(redis, { kind: 'slidingWindow', tokens: 5, window: '10 s' }, opts),
          lib.region(redis, { kind: 'tokenBucket', refillRate: 1, interval: '10 s', maxTokens: 5 }, opts),
          lib.region(redis, { kind: 'cachedFixedWindow', tokens: 5, window: '10 s' }, { prefix: 'all' }),
        ];
        const multi: Limiter[] = [
          lib.multi([redis], { kind: 'fixedWindow', tokens: 5, window: '10 s' }, opts),
          lib.multi([redis], { kind: 'slidingWindow', tokens: 5, window: '10 s' }, opts),
        ];
        for (const [i, rl] of [...single, ...multi].entries()) {
          await rl.getRemaining(`id${i}`);
          await take(rl, `id${i}`, 1);
          // The library does not await multi-region resets; the reset script is the same one.
          if (i < single.length) await rl.resetUsedTokens(`id${i}`);
        }
        return rec.drain().filter((s) => s.command.startsWith('EVAL') || s.command.startsWith('SCRIPT'));
      };
      await redis.scriptFlush();
      const first = await round();
      assert.ok(first.some((s) => s.error?.startsWith('NOSCRIPT') || s.command === 'SCRIPT LOAD'));
      assert.deepEqual(
        first.filter((s) => s.error !== undefined && !s.error.startsWith('NOSCRIPT')),
        [],
        'no script failed',
      );
      // 2.x: 13 scripts, each EVALSHA, NOSCRIPT, EVAL. 1.x: each new instance loads its scripts first.
      const scripts = new Set(first.filter((s) => s.command === 'EVALSHA').map((s) => s.args[0]));
      assert.equal(scripts.size, 13);
      const second = await round();
      const byHash = second.filter((s) => s.command === 'EVALSHA');
      assert.deepEqual(
        second.filter((s) => s.error !== undefined || (s.command !== 'EVALSHA' && s.command !== 'SCRIPT LOAD')),
        [],
        'the second round needs no script text',
      );
      assert.deepEqual(new Set(byHash.map((s) => s.args[0])), scripts);
    }));

  if (lib.scriptPath === 'script-load') {
    test('scripts: cacheScripts: false sends plain EVAL', (t) =>
      withClock(t, async ({ redis, start }) => {
        const rec = recordRequests(t);
        const rl = lib.region(
          redis,
          { kind: 'fixedWindow', tokens: 1, window: '10 s' },
          { prefix: 'nc', ephemeralCache: false, cacheScripts: false },
        );
        assert.deepEqual(view(await take(rl, 'u', 2)), steps(countdown(1, 1, 1), 1, start + 10_000));
        assert.deepEqual(shape(rec.drain()), ['EVAL', 'EVAL']);
      }));
  }

  test('the sync token advances with script writes (read-your-writes)', (t) =>
    withClock(t, async ({ redis }) => {
      const rec = recordRequests(t);
      const rl = lib.region(
        redis,
        { kind: 'fixedWindow', tokens: 5, window: '10 s' },
        { prefix: 'st', ephemeralCache: false },
      );
      await redis.get('nothing');
      const before = Number(rec.syncTokens.at(-1));
      await take(rl, 'u', 1);
      const afterWrite = Number(rec.syncTokens.at(-1));
      assert.ok(afterWrite > before, `${before} -> ${afterWrite}`);
      await rl.getRemaining('u');
      assert.equal(Number(rec.syncTokens.at(-1)), afterWrite, 'a read-only script does not advance it');
      await take(rl, 'u', 1);
      assert.ok(Number(rec.syncTokens.at(-1)) > afterWrite);
    }));

  test('timeout: the library fails open when the server does not answer in time', (t) =>
    withClock(t, async ({ redis }) => {
      recordRequests(t, { hang: true });
      const rl = lib.region(
        redis,
        { kind: 'fixedWindow', tokens: 1, window: '10 s' },
        { prefix: 'to', ephemeralCache: false, timeout: 30 },
      );
      const r = await rl.limit('u');
      assert.deepEqual(view([r]), [{ success: true, remaining: 0, limit: 0, reset: 0, reason: 'timeout' }]);
    }));

  test('blockUntilReady waits for the next token, and gives up at its timeout (real clock, < 1 s)', async () => {
    const srv = await startTestServer();
    try {
      const redis = client(srv);
      const quick = lib.region(
        redis,
        { kind: 'tokenBucket', refillRate: 1, interval: '300 ms', maxTokens: 1 },
        { prefix: 'bur', ephemeralCache: false },
      );
      const first = await quick.limit('u');
      assert.equal(first.success, true);
      const t0 = Date.now();
      const ready = await quick.blockUntilReady('u', 1_500);
      assert.equal(ready.success, true);
      assert.ok(Date.now() >= first.reset, 'it waited for the refill');
      assert.ok(Date.now() - t0 < 1_500);

      const slow = lib.region(
        redis,
        { kind: 'tokenBucket', refillRate: 1, interval: '1 h', maxTokens: 1 },
        { prefix: 'bus', ephemeralCache: false },
      );
      assert.equal((await slow.limit('u')).success, true);
      const t1 = Date.now();
      const gaveUp = await slow.blockUntilReady('u', 150);
      assert.equal(gaveUp.success, false);
      assert.ok(Date.now() - t1 >= 150);
    } finally {
      await srv.close();
    }
  });
}

for (const lib of [v2, v1]) describe(`@upstash/ratelimit ${lib.label}`, () => suite(lib));
