/**
 * Hash field expiration and Redis 8's HGETDEL / HGETEX / HSETEX through the real `@upstash/redis` client,
 * over the REST server. Server time is the engine's ManualClock, so expiry happens when the test says.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestEngine } from '@redstash/engine/testing';
import { startTestServer } from '@redstash/server/testing';
import { client } from './support.ts';

test('@upstash/redis hexpire family, httl family, hpersist, hgetdel, hgetex and hsetex', async () => {
  const { engine, clock } = createTestEngine();
  const srv = await startTestServer({ engine });
  try {
    for (const autoPipeline of [true, false]) {
      const r = client(srv, autoPipeline);
      await r.flushall();
      const now = clock.now();
      await r.hset('h', { a: 'x', b: 'y', c: 'z', d: 'w' });
      assert.deepEqual(await r.hexpire('h', ['a', 'missing'], 100), [1, -2]);
      assert.deepEqual(await r.hexpire('h', 'a', 50, 'NX'), [0]);
      assert.deepEqual(await r.hpexpire('h', 'b', 1500), [1]);
      assert.deepEqual(await r.hexpireat('h', 'c', Math.floor(now / 1000) + 200), [1]);
      assert.deepEqual(await r.hpexpireat('h', ['d'], now + 2500, 'GT'), [0]);
      assert.deepEqual(await r.httl('h', ['a', 'b', 'd', 'missing']), [100, 2, -1, -2]);
      assert.deepEqual(await r.hpttl('h', 'b'), [1500]);
      assert.deepEqual(await r.hexpiretime('h', 'c'), [Math.floor(now / 1000) + 200]);
      assert.deepEqual(await r.hpexpiretime('h', ['a', 'b']), [now + 100_000, now + 1500]);
      assert.deepEqual(await r.hpersist('h', ['c', 'd']), [1, -1]);
      clock.advance(1500);
      assert.equal(await r.hget('h', 'b'), null);
      assert.equal(await r.hlen('h'), 3);

      assert.deepEqual(await r.hgetex('h', { ex: 10 }, 'c', 'missing'), { c: 'z', missing: null });
      assert.deepEqual(await r.httl('h', 'c'), [10]);
      assert.deepEqual(await r.hgetex('h', { persist: true }, 'c'), { c: 'z' });
      assert.deepEqual(await r.httl('h', 'c'), [-1]);
      assert.deepEqual(await r.hgetex('h', { pxat: clock.now() + 10 }, 'd'), { d: 'w' });
      assert.equal(await r.hgetex('h', { px: 10 }, 'nope'), null);

      assert.equal(await r.hsetex('g', { expiration: { ex: 60 } }, { f1: 'one', f2: 'two' }), 1);
      assert.deepEqual(await r.httl('g', ['f1', 'f2']), [60, 60]);
      assert.equal(await r.hsetex('g', { conditional: 'FNX' }, { f1: 'again' }), 0);
      assert.equal(await r.hsetex('g', { conditional: 'FXX', expiration: { keepttl: true } }, { f1: 'kept' }), 1);
      assert.deepEqual(await r.httl('g', 'f1'), [60]);
      assert.equal(await r.hsetex('g', { expiration: { px: 5 } }, { f3: 'three' }), 1);
      assert.equal(await r.hsetex('g', { expiration: { pxat: clock.now() + 5 } }, { f4: 'four' }), 1);
      assert.equal(await r.hsetex('g', { expiration: { exat: Math.floor(clock.now() / 1000) + 60 } }, { f5: 'v' }), 1);
      assert.deepEqual(await r.hgetdel('g', 'f1', 'missing'), { f1: 'kept', missing: null });
      assert.equal(await r.hgetdel('g', 'missing'), null);

      clock.advance(10);
      assert.deepEqual(await r.hgetall('h'), { a: 'x', c: 'z' });
      // Small hashes with TTLs keep Redis's listpackex order: earliest TTL first.
      assert.deepEqual(await r.hkeys('g'), ['f5', 'f2']);
      await assert.rejects(r.hexpire('h', 'a', -1), /invalid expire time, must be >= 0/);
    }
  } finally {
    await srv.close();
  }
});
