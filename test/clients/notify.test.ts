/**
 * Keyspace notifications through the REST server: `@upstash/redis`'s psubscribe on the keyspace and keyevent
 * channels receives what the writes of another client report, once CONFIG SET turns them on.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Redis } from '@upstash/redis';
import { type RestServer, startRestServer, until } from '../support/rest-server.ts';

const TOKEN = 'notify-test-token';

for (const enableAutoPipelining of [false, true]) {
  describe(`keyspace notifications through @upstash/redis (auto-pipelining ${enableAutoPipelining})`, () => {
    let srv: RestServer;
    let url: string;
    before(async () => {
      srv = await startRestServer({ token: TOKEN });
      url = srv.url;
    });
    after(() => srv.close());

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
      await until('registry empty', () => srv.engine.pubsub.size === 0);
      assert.equal(await redis.exec(['CONFIG', 'SET', 'notify-keyspace-events', '']), 'OK');
    });
  });
}
