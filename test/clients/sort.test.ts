/**
 * @upstash/redis has no SORT or OBJECT methods, so these go through `eval` (redis.call), which is how its
 * users reach them; the list and hash they read are written with the client's own methods.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startTestServer } from '@redstash/server/testing';
import { Redis } from '@upstash/redis';

test('SORT, SORT_RO and OBJECT ENCODING through @upstash/redis eval', async () => {
  const srv = await startTestServer();
  try {
    const r = new Redis({ url: srv.url, token: srv.token, enableTelemetry: false, retry: false });
    await r.rpush('ids', 3, 1, 2);
    await r.hset('o_1', { name: 'one' });
    await r.hset('o_2', { name: 'two' });
    const sorted = await r.eval("return redis.call('SORT', KEYS[1], 'DESC')", ['ids'], []);
    assert.deepEqual(sorted, [3, 2, 1]);
    const names = await r.eval("return redis.call('SORT_RO', KEYS[1], 'GET', 'o_*->name')", ['ids'], []);
    assert.deepEqual(names, ['one', 'two', null]);
    const stored = await r.eval("return redis.call('SORT', KEYS[1], 'STORE', KEYS[2])", ['ids', 'dst'], []);
    assert.equal(stored, 3);
    assert.deepEqual(await r.lrange('dst', 0, -1), [1, 2, 3]);
    assert.equal(await r.eval("return redis.call('OBJECT', 'ENCODING', KEYS[1])", ['o_1'], []), 'listpack');
  } finally {
    await srv.close();
  }
});
