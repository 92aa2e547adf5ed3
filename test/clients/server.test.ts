/**
 * The generic and server commands upstash-redis.test.ts leaves out, through the real `@upstash/redis`
 * client with auto-pipelining on and off: CLIENT SETINFO, Upstash's SCAN WITHTYPE, PUBLISH without
 * subscribers, and how the client's JSON parsing treats keys and echoes that look like numbers or JSON.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { client, withServer } from './support.ts';

/** Every item of a SCAN iteration. */
async function scanAll<T>(step: (cursor: string | number) => Promise<[string | number, T[]]>): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | number = 0;
  for (let rounds = 0; rounds < 1000; rounds++) {
    const [next, items] = await step(cursor);
    out.push(...items);
    cursor = next;
    if (String(cursor) === '0') return out;
  }
  assert.fail('the scan did not end');
}

const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

for (const autoPipeline of [true, false]) {
  describe(`@upstash/redis server and generic commands (auto-pipelining ${autoPipeline ? 'on' : 'off'})`, () => {
    test('clientSetinfo', () =>
      withServer(async (srv) => {
        const r = client(srv, autoPipeline);
        assert.equal(await r.clientSetinfo('LIB-NAME', 'redstash-tests'), 'OK');
        assert.equal(await r.clientSetinfo('lib-ver', '1.39.0'), 'OK');
        await assert.rejects(
          r.clientSetinfo('LIB-NAME', 'has space'),
          /ERR LIB-NAME cannot contain spaces, newlines or special characters\./,
        );
        await assert.rejects(
          client(srv, autoPipeline, { token: srv.readonlyToken }).clientSetinfo('lib-ver', '1'),
          /NOPERM/,
        );
      }));

    test('scan with withType, type, match and count', () =>
      withServer(async (srv) => {
        const r = client(srv, autoPipeline);
        await r.set('s:1', 'v');
        await r.set('s:2', 'v');
        await r.hset('h:1', { f: 1 });
        await r.rpush('l:1', 'a');
        await r.sadd('set:1', 'a');
        await r.zadd('z:1', { score: 1, member: 'a' });
        const typed = await scanAll((c) => r.scan(c, { withType: true, count: 2 }));
        assert.deepEqual(typed.sort(byKey), [
          { key: 'h:1', type: 'hash' },
          { key: 'l:1', type: 'list' },
          { key: 's:1', type: 'string' },
          { key: 's:2', type: 'string' },
          { key: 'set:1', type: 'set' },
          { key: 'z:1', type: 'zset' },
        ]);
        const typedMatch = await scanAll((c) => r.scan(c, { withType: true, match: 's*' }));
        assert.deepEqual(typedMatch.sort(byKey), [
          { key: 's:1', type: 'string' },
          { key: 's:2', type: 'string' },
          { key: 'set:1', type: 'set' },
        ]);
        assert.deepEqual(await scanAll((c) => r.scan(c, { type: 'zset' })), ['z:1']);
        assert.deepEqual(await scanAll((c) => r.scan(c, { type: 'hash', match: 'h*', count: 100 })), ['h:1']);
        assert.deepEqual(await scanAll((c) => r.scan(c, { type: 'stream' })), []);
        const [cursor, first] = await r.scan(0, { count: 100 });
        assert.equal(String(cursor), '0', 'a small keyspace scans in one call');
        assert.equal(first.length, 6);
      }));

    test('the client parses keys and echoes that look like numbers or JSON', () =>
      withServer(async (srv) => {
        const r = client(srv, autoPipeline);
        await r.set('123', 'v');
        await r.set('{"a":1}', 'v');
        const keys: unknown[] = await r.keys('*');
        assert.deepEqual(
          keys.map((k) => JSON.stringify(k)).sort(),
          ['123', '{"a":1}'],
          'KEYS replies go through JSON.parse',
        );
        assert.ok(keys.includes(123));
        const scanned: unknown[] = await scanAll((c) => r.scan(c));
        assert.deepEqual(scanned.map((k) => JSON.stringify(k)).sort(), ['123', '{"a":1}'], 'so do SCAN keys');
        assert.equal(await r.echo('42'), 42);
        assert.equal(await r.echo('007'), '007', 'a number that does not print back the same stays a string');
        assert.equal(await r.echo('9007199254740993'), '9007199254740993');
        assert.deepEqual(await r.echo('[1,"x"]'), [1, 'x']);
        assert.equal(await r.echo('null'), null);
        assert.equal(await r.echo('true'), true);
        assert.equal(await r.ping(['x y']), 'x y');
        assert.equal(await r.ping(['12']), 12);
      }));

    test('publish with no subscribers, in a transaction, and refused to the read-only token', () =>
      withServer(async (srv) => {
        const r = client(srv, autoPipeline);
        assert.equal(await r.publish('news', 'hello'), 0);
        assert.equal(await r.publish('news', { json: true }), 0);
        const tx = r.multi();
        tx.publish('a', 'x');
        tx.publish('b', 'y');
        assert.deepEqual(await tx.exec(), [0, 0]);
        await assert.rejects(client(srv, autoPipeline, { token: srv.readonlyToken }).publish('news', 'x'), /NOPERM/);
      }));

    test('time, dbsize, flushdb and flushall on an empty and a filled keyspace', () =>
      withServer(async (srv, { clock }) => {
        const r = client(srv, autoPipeline);
        const [sec, micro] = await r.time();
        assert.equal(sec, Math.floor(clock.now() / 1000));
        assert.ok(Number.isInteger(micro) && micro >= 0 && micro < 1_000_000);
        assert.equal(await r.dbsize(), 0);
        assert.equal(await r.flushdb(), 'OK');
        await r.mset({ a: 1, b: 2, c: 3 });
        await r.set('e', 1, { px: 10 });
        assert.equal(await r.dbsize(), 4);
        assert.equal(await r.flushall({ async: true } as never), 'OK');
        assert.equal(await r.dbsize(), 0);
      }));
  });
}
