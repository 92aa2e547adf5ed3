/**
 * The ratelimit chat example (examples/ratelimit-chat) over HTTP, against an in-process Redstash whose
 * clock, like the client's `Date`, only moves when told to: the windows start exactly at the clock's start.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type TestContext, test } from 'node:test';
import { createScriptingTestEngine } from '@redstash/engine/testing';
import { startTestServer } from '@redstash/server/testing';
import { Redis } from '@upstash/redis';
import { createChatHandler, createChatLimits } from '../../examples/ratelimit-chat/chat.ts';

interface Chat {
  post(userId: string): Promise<{ status: number; headers: Record<string, string | null> }>;
  start: number;
  advance(ms: number): void;
}

async function withChat(t: TestContext, fn: (chat: Chat) => Promise<void>): Promise<void> {
  const { engine, clock } = await createScriptingTestEngine();
  const redstash = await startTestServer({ engine });
  let app: Server | undefined;
  try {
    const redis = new Redis({ url: redstash.url, token: redstash.token, enableTelemetry: false, retry: false });
    app = createServer(createChatHandler(createChatLimits(redis)));
    await new Promise<void>((resolve) => app?.listen(0, '127.0.0.1', resolve));
    const { port } = app.address() as AddressInfo;
    const start = clock.now();
    t.mock.timers.enable({ apis: ['Date'], now: start });
    await fn({
      start,
      advance(ms) {
        clock.advance(ms);
        t.mock.timers.tick(ms);
      },
      async post(userId) {
        const res = await fetch(`http://127.0.0.1:${port}/api/chat`, {
          method: 'POST',
          headers: { 'x-user-id': userId, 'content-type': 'application/json' },
          body: JSON.stringify({ message: 'hi' }),
        });
        await res.arrayBuffer();
        const names = ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'retry-after'];
        return { status: res.status, headers: Object.fromEntries(names.map((n) => [n, res.headers.get(n)])) };
      },
    });
  } finally {
    app?.closeAllConnections();
    await new Promise((resolve) => app?.close(resolve) ?? resolve(undefined));
    await redstash.close();
    engine.close();
  }
}

const limitHeaders = (limit: number, remaining: number, reset: number, retryAfter: number | null = null) => ({
  'x-ratelimit-limit': String(limit),
  'x-ratelimit-remaining': String(remaining),
  'x-ratelimit-reset': String(reset),
  'retry-after': retryAfter === null ? null : String(retryAfter),
});

test('10 messages a minute per user: the 11th is 429 with Retry-After, other users still pass', (t) =>
  withChat(t, async ({ post, start, advance }) => {
    const minute = start + 60_000;
    for (let i = 1; i <= 10; i++) {
      assert.deepEqual(await post('alice'), { status: 200, headers: limitHeaders(10, 10 - i, minute) });
    }
    assert.deepEqual(await post('alice'), { status: 429, headers: limitHeaders(10, 0, minute, 60) });
    assert.deepEqual(await post('alice'), { status: 429, headers: limitHeaders(10, 0, minute, 60) });
    assert.deepEqual(await post('bob'), { status: 200, headers: limitHeaders(10, 9, minute) });

    // Half-way through the next minute, half of the previous minute's 10 still count.
    advance(90_000);
    assert.deepEqual(await post('alice'), { status: 200, headers: limitHeaders(10, 4, start + 120_000) });
  }));

test('100 messages an hour per IP, whichever users send them', (t) =>
  withChat(t, async ({ post, start }) => {
    const hour = start + 3_600_000;
    for (let i = 1; i <= 100; i++) {
      const res = await post(`user-${i}`);
      assert.equal(res.status, 200, `request ${i}`);
      // The headers show whichever limit is closer to refusing.
      const expected = 100 - i < 9 ? limitHeaders(100, 100 - i, hour) : limitHeaders(10, 9, start + 60_000);
      assert.deepEqual(res.headers, expected, `request ${i}`);
    }
    assert.deepEqual(await post('user-101'), { status: 429, headers: limitHeaders(100, 0, hour, 3600) });
    assert.deepEqual(await post('user-1'), { status: 429, headers: limitHeaders(100, 0, hour, 3600) });
  }));
