/**
 * The rate-limit guard over the real `@upstash/ratelimit` and `@upstash/redis`, against an in-process
 * Redstash. The library computes windows from `Date.now()` and the server expires keys on its own clock, so
 * both are pinned to the same manual time: the windows start exactly at the clock's start.
 */
import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import { createGuard, type Guard, type LimiterLike } from '@redstash/ai/guard';
import { createScriptingTestEngine } from '@redstash/engine/testing';
import { startTestServer } from '@redstash/server/testing';
import { Ratelimit } from '@upstash/ratelimit';
import { Redis } from '@upstash/redis';

interface Ctx {
  guard: Guard;
  start: number;
  advance(ms: number): void;
}

async function withGuard(t: TestContext, fn: (ctx: Ctx) => Promise<void>): Promise<void> {
  const { engine, clock } = await createScriptingTestEngine();
  const server = await startTestServer({ engine });
  try {
    const redis = new Redis({ url: server.url, token: server.token, enableTelemetry: false, retry: false });
    const start = clock.now();
    t.mock.timers.enable({ apis: ['Date'], now: start });
    const limiter = (prefix: string, tokens: number, window: '1 m' | '1 d'): LimiterLike =>
      new Ratelimit({ redis, limiter: Ratelimit.fixedWindow(tokens, window), prefix });
    const guard = createGuard({
      user: limiter('chat:user', 10, '1 m'),
      ip: limiter('chat:ip', 10, '1 m'),
      tokens: limiter('chat:tokens', 1000, '1 d'),
    });
    await fn({
      guard,
      start,
      advance(ms) {
        clock.advance(ms);
        t.mock.timers.tick(ms);
      },
    });
  } finally {
    await server.close();
    engine.close();
  }
}

const req = (headers: Record<string, string> = {}) => new Request('http://app.test/api/chat', { headers });

async function refusal(res: Response | null) {
  assert.ok(res, 'expected a 429 Response');
  const names = ['content-type', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'retry-after'];
  return {
    status: res.status,
    body: await res.json(),
    headers: Object.fromEntries(names.map((n) => [n, res.headers.get(n)])),
  };
}

const limited = (limit: number, reset: number, retryAfter: number) => ({
  status: 429,
  body: { error: 'Too many requests' },
  headers: {
    'content-type': 'application/json',
    'x-ratelimit-limit': String(limit),
    'x-ratelimit-remaining': '0',
    'x-ratelimit-reset': String(reset),
    'retry-after': String(retryAfter),
  },
});

test('10 requests a minute per user: the 11th is a 429 with the headers, other users still pass', (t) =>
  withGuard(t, async ({ guard, start, advance }) => {
    const windowEnd = Math.floor(start / 60_000) * 60_000 + 60_000;
    for (let i = 1; i <= 10; i++) assert.equal(await guard.check(req(), { userId: 'alice' }), null, `request ${i}`);
    advance(15_000);
    assert.deepEqual(
      await refusal(await guard.check(req(), { userId: 'alice' })),
      limited(10, windowEnd, Math.ceil((windowEnd - start - 15_000) / 1000)),
    );
    assert.equal(await guard.check(req(), { userId: 'bob' }), null);
    // A known user is never limited by address: alice's refusals did not touch this IP's bucket.
    assert.equal(await guard.check(req({ 'x-forwarded-for': '1.2.3.4' })), null);
    // The library's in-memory block list still refuses at exactly `reset`, one millisecond later it lets go.
    advance(windowEnd + 1 - Date.now());
    assert.equal(await guard.check(req(), { userId: 'alice' }), null);
  }));

test('anonymous callers are limited by the first X-Forwarded-For entry, else X-Real-IP', (t) =>
  withGuard(t, async ({ guard, start }) => {
    assert.deepEqual(guard.identify(req({ 'x-forwarded-for': ' 1.2.3.4 , 10.0.0.1', 'x-real-ip': '9.9.9.9' })), {
      limiter: 'ip',
      identifier: '1.2.3.4',
    });
    assert.deepEqual(guard.identify(req(), { userId: 'u1' }), { limiter: 'user', identifier: 'u1' });
    // Both headers name the same client, so they share one bucket.
    for (let i = 1; i <= 5; i++) assert.equal(await guard.check(req({ 'x-forwarded-for': '1.2.3.4, 10.0.0.1' })), null);
    for (let i = 6; i <= 10; i++) assert.equal(await guard.check(req({ 'x-real-ip': '1.2.3.4' })), null);
    const windowEnd = Math.floor(start / 60_000) * 60_000 + 60_000;
    assert.deepEqual(
      await refusal(await guard.check(req({ 'x-real-ip': '1.2.3.4' }))),
      limited(10, windowEnd, Math.ceil((windowEnd - start) / 1000)),
    );
    assert.equal(await guard.check(req({ 'x-forwarded-for': '5.6.7.8' })), null);
    // No address at all: one shared bucket, not a free pass.
    assert.deepEqual(guard.identify(req()), { limiter: 'ip', identifier: 'unknown' });
  }));

test('token budget: spends count per user per day, the crossing spend is refused, the next day resets', (t) =>
  withGuard(t, async ({ guard, start, advance }) => {
    const dayEnd = Math.floor(start / 86_400_000) * 86_400_000 + 86_400_000;
    assert.equal(await guard.spendTokens('alice', 600), null);
    assert.equal(await guard.spendTokens('alice', 400), null);
    assert.equal(await guard.spendTokens('alice', 0), null, 'exactly at the budget is still within it');
    assert.deepEqual(
      await refusal(await guard.spendTokens('alice', 1)),
      limited(1000, dayEnd, Math.ceil((dayEnd - start) / 1000)),
    );
    assert.notEqual(await guard.spendTokens('alice', 0), null, 'once crossed, the pre-call check refuses');
    assert.equal(await guard.spendTokens('bob', 999), null);
    await assert.rejects(guard.spendTokens('bob', -1), RangeError);
    advance(dayEnd + 1 - start);
    assert.equal(await guard.spendTokens('alice', 500), null);
  }));

test('spendTokens without a tokens limiter is a programming error', async () => {
  const never: LimiterLike = { limit: () => Promise.reject(new Error('unreachable')) };
  await assert.rejects(createGuard({ user: never, ip: never }).spendTokens('u', 1), /needs a `tokens` limiter/);
});
