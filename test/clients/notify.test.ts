/**
 * Keyspace notifications through the REST server: `@upstash/redis`'s psubscribe on the keyspace and keyevent
 * channels receives what the writes of another client report, once CONFIG SET turns them on.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import type { Engine } from '@redstash/engine';
import { createTestEngine } from '@redstash/engine/testing';
import { createRestHandler, tokenAuthenticator } from '@redstash/rest';
import { Redis } from '@upstash/redis';

const TOKEN = 'notify-test-token';

/** Waits for a condition that a network event will make true; fails rather than hangs. */
async function until(what: string, cond: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

for (const enableAutoPipelining of [false, true]) {
  describe(`keyspace notifications through @upstash/redis (auto-pipelining ${enableAutoPipelining})`, () => {
    let engine: Engine;
    let server: Server;
    let url: string;
    before(async () => {
      engine = createTestEngine().engine;
      const handler = createRestHandler({
        authenticate: tokenAuthenticator({ token: TOKEN, engine }),
        logger: { warn: () => {}, error: () => {} },
        streamKeepAliveMs: 0,
      });
      server = createServer(handler);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const address = server.address();
      assert.ok(address !== null && typeof address === 'object');
      url = `http://127.0.0.1:${address.port}`;
    });
    after(async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    const client = () => new Redis({ url, token: TOKEN, enableTelemetry: false, retry: false, enableAutoPipelining });
    // Event names and key names are not JSON, which the client otherwise parses every message as.
    const subscriber = () =>
      new Redis({ url, token: TOKEN, enableTelemetry: false, retry: false, automaticDeserialization: false });

    test("psubscribe('__keyspace@0__:*') and a keyevent pattern receive the writes' events", async () => {
      const redis = client();
      assert.equal(await redis.exec(['CONFIG', 'SET', 'notify-keyspace-events', 'KEA']), 'OK');
      const space = subscriber().psubscribe<unknown>(['__keyspace@0__:*']);
      const event = subscriber().psubscribe<unknown>(['__keyevent@0__:*']);
      const gotSpace: unknown[] = [];
      const gotEvent: unknown[] = [];
      let confirmed = 0;
      space.on('psubscribe', () => confirmed++);
      event.on('psubscribe', () => confirmed++);
      space.on('pmessage', (e) => gotSpace.push([e.channel, e.message]));
      event.on('pmessage', (e) => gotEvent.push([e.channel, e.message]));
      await until('both confirmations', () => confirmed === 2);

      await redis.set('user:1', 'x', { ex: 100 });
      await redis.hset('h', { f: 'v' });
      await redis.del('user:1', 'nosuch');
      await until('the events', () => gotSpace.length === 4 && gotEvent.length === 4);
      assert.deepEqual(gotSpace, [
        ['__keyspace@0__:user:1', 'set'],
        ['__keyspace@0__:user:1', 'expire'],
        ['__keyspace@0__:h', 'hset'],
        ['__keyspace@0__:user:1', 'del'],
      ]);
      assert.deepEqual(gotEvent, [
        ['__keyevent@0__:set', 'user:1'],
        ['__keyevent@0__:expire', 'user:1'],
        ['__keyevent@0__:hset', 'h'],
        ['__keyevent@0__:del', 'user:1'],
      ]);
      await space.unsubscribe();
      await event.unsubscribe();
      await until('registry empty', () => engine.pubsub.size === 0);
      assert.equal(await redis.exec(['CONFIG', 'SET', 'notify-keyspace-events', '']), 'OK');
    });
  });
}
