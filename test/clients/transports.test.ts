/**
 * `pipeline()`, `multi()`, raw `exec([...])` and the read-your-writes sync token through the real
 * `@upstash/redis` client, each with auto-pipelining on and off (upstash-redis.test.ts runs each transport
 * with one setting only). Commands from several families share one request, so each reply must keep its
 * own command's deserialisation.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { client, withServer } from './support.ts';

for (const autoPipeline of [true, false]) {
  describe(`@upstash/redis transports (auto-pipelining ${autoPipeline ? 'on' : 'off'})`, () => {
    test('pipeline(): mixed families, per-command parsing, errors kept in place', () =>
      withServer(async (srv) => {
        const r = client(srv, autoPipeline);
        const p = r.pipeline();
        p.set('s', { a: 1 });
        p.hset('h', { f: '2' });
        p.zadd('z', { score: 1.5, member: 'm' });
        p.copy('s', 's2');
        p.zrange('z', 0, -1, { withScores: true });
        p.hgetall('h');
        p.incr('s');
        p.get('s2');
        p.type('z');
        assert.equal(p.length(), 9);
        const results = await p.exec({ keepErrors: true });
        assert.deepEqual(
          results.map((x) => x.error ?? x.result),
          ['OK', 1, 1, 'COPIED', ['m', 1.5], { f: 2 }, 'ERR value is not an integer or out of range', { a: 1 }, 'zset'],
        );
        const failing = r.pipeline();
        failing.get('s');
        failing.incr('s');
        await assert.rejects(failing.exec(), /Command 2 \[ incr \] failed: ERR value is not an integer/);
        await assert.rejects(r.pipeline().exec(), /Pipeline is empty/, 'the client refuses to send an empty pipeline');
      }));

    test('multi(): a runtime error does not roll back, and chaining works', () =>
      withServer(async (srv) => {
        const r = client(srv, autoPipeline);
        const results = await r
          .multi()
          .rpush('l', 'a', 'b')
          .lpop('l')
          .sadd('set', 'x')
          .incr('l')
          .smembers('set')
          .exec({ keepErrors: true });
        assert.deepEqual(
          results.map((x) => x.error ?? x.result),
          [2, 'a', 1, 'WRONGTYPE Operation against a key holding the wrong kind of value', ['x']],
        );
        assert.deepEqual(await r.lrange('l', 0, -1), ['b']);
      }));

    test('raw exec: any command, any reply shape', () =>
      withServer(async (srv) => {
        const r = client(srv, autoPipeline);
        assert.equal(await r.exec(['SET', 'k', '12']), 'OK');
        assert.equal(await r.exec(['GET', 'k']), 12);
        assert.equal(await r.exec(['OBJECT', 'ENCODING', 'k']), 'int');
        await assert.rejects(r.exec(['NOSUCH', 'a']), /ERR unknown command 'NOSUCH', with args beginning with: 'a'/);
        assert.deepEqual(await r.exec(['MGET', 'k', 'none']), [12, null]);
        await assert.rejects(r.exec(['GET']), /ERR wrong number of arguments for 'get' command/);
      }));

    test('readYourWritesSyncToken moves with writes only; readYourWrites: false sends none', () =>
      withServer(async (srv) => {
        const r = client(srv, autoPipeline);
        await r.get('k');
        const t0 = r.readYourWritesSyncToken;
        await r.set('k', 'v');
        const t1 = r.readYourWritesSyncToken;
        assert.ok(t1 !== undefined && t1 !== '' && t1 !== t0);
        await r.exists('k');
        assert.equal(r.readYourWritesSyncToken, t1);
        await r.exec(['DEL', 'k']);
        assert.notEqual(r.readYourWritesSyncToken, t1);
        const other = client(srv, autoPipeline);
        other.readYourWritesSyncToken = r.readYourWritesSyncToken as string;
        assert.equal(await other.get('k'), null, 'a token carried over reads at least that write');
        const off = client(srv, autoPipeline, { readYourWrites: false });
        await off.set('x', 1);
        assert.equal(await off.get('x'), 1);
        assert.equal(off.readYourWritesSyncToken, '', 'without read-your-writes the client keeps no token');
      }));
  });
}
