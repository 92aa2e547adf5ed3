/**
 * Issue 6's "must show" for metering and quotas, through the real @upstash/redis client: the free plan's
 * daily cap to the command (and its reset at UTC midnight on the injected clock), pay-as-you-go pricing,
 * how scripts and operational commands count, and the 256 MB storage quota with and without eviction.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDb, startPlatform } from './support.ts';

const DAILY =
  'ERR max daily request limit exceeded. Limit: 10000, Usage: 10001. ' +
  'See https://upstash.com/docs/redis/troubleshooting/max_daily_request_limit for details';

test('a free database serves exactly 10,000 commands a day, then refuses with the exact error until UTC midnight', async () => {
  const srv = await startPlatform();
  try {
    const db = await createDb(srv, 'free-db');
    const r = srv.redis(db.token);
    for (let batch = 0; batch < 10; batch++) {
      const p = r.pipeline();
      for (let i = 0; i < 1000; i++) p.incr('n');
      const replies = await p.exec();
      assert.equal(replies.at(-1), (batch + 1) * 1000);
    }
    await assert.rejects(r.incr('n'), (err: Error) => {
      assert.equal(err.message, `${DAILY}, command was: ["incr","n"]`);
      return true;
    });
    // In a pipeline, each refused command gets the error in its place.
    const refused = await fetch(`${srv.app.url}/pipeline`, {
      method: 'POST',
      headers: { authorization: `Bearer ${db.token}` },
      body: JSON.stringify([['GET', 'n'], ['PING']]),
    });
    assert.deepEqual(await refused.json(), [{ error: DAILY }, { result: 'PONG' }]);
    assert.equal((await srv.api('GET', `stats/${db.id}`)).body.daily_net_commands, 10_000);
    // The next UTC day starts a new count.
    srv.clock.set(Date.UTC(2026, 10, 28, 0, 0, 1));
    assert.equal(await r.incr('n'), 10_001);
    const stats = (await srv.api('GET', `stats/${db.id}`)).body;
    assert.equal(stats.daily_net_commands, 1);
    assert.deepEqual(
      stats.dailyrequests.map((p: { x: string; y: number }) => [p.x.slice(0, 10), p.y]),
      [
        ['2026-11-27', 10_000],
        ['2026-11-28', 1],
      ],
    );
    assert.equal(stats.total_monthly_requests, 10_001);
    assert.equal(stats.total_monthly_billing, 0, 'the free plan costs nothing');
  } finally {
    await srv.close();
  }
});

test('a pay-as-you-go database given 100,000 commands costs $0.20; a script of 3 calls counts 4; PING counts 0', async () => {
  const srv = await startPlatform();
  try {
    const db = await createDb(srv, 'payg-db', { plan: 'payg' });
    const r = srv.redis(db.token);
    const count = async () => (await srv.api('GET', `stats/${db.id}`)).body.daily_net_commands as number;

    assert.equal(await r.ping(), 'PONG');
    await r.echo('free?');
    assert.equal(await count(), 1, 'PING is free, ECHO is not');
    await r.eval(
      "redis.call('SET', KEYS[1], 'a'); redis.call('GET', KEYS[1]); return redis.call('DEL', KEYS[1])",
      ['s'],
      [],
    );
    assert.equal(await count(), 5, 'EVAL once plus its three redis.call');
    const tx = r.multi();
    tx.set('t', '1');
    tx.incr('t');
    await tx.exec();
    assert.equal(await count(), 7, 'each command of a transaction counts, MULTI/EXEC do not');

    for (let done = 7; done < 100_000; ) {
      const n = Math.min(2000, 100_000 - done);
      const p = r.pipeline();
      for (let i = 0; i < n; i++) p.set('k', String(i));
      await p.exec();
      done += n;
      // The plan also caps commands per second (10,000): the injected clock moves a second per batch.
      srv.clock.advance(1000);
    }
    const stats = (await srv.api('GET', `stats/${db.id}`)).body;
    assert.equal(stats.total_monthly_requests, 100_000);
    // Reads: ECHO, EVAL (not flagged write) and the script's GET; everything else wrote.
    assert.equal(stats.total_monthly_read_requests, 3);
    assert.equal(stats.total_monthly_write_requests, 99_997);
    assert.equal(stats.total_monthly_billing, 0.2);
    assert.deepEqual(stats.dailybilling.at(-1).y, 0.2);
  } finally {
    await srv.close();
  }
});

test('a full 256 MB database refuses writes with the exact error while GET and DEL work; with eviction on it keeps writing', async () => {
  const srv = await startPlatform();
  try {
    const db = await createDb(srv, 'full-db');
    const r = srv.redis(db.token);
    const value = 'x'.repeat(512 * 1024);
    // Ten keys with a TTL first: eviction must take them before any key without one.
    for (let i = 0; i < 10; i++) await r.set(`ttl:${i}`, value, { ex: 3600 });
    let stored = 10;
    let refusal: Error | undefined;
    for (let i = 0; i < 600 && refusal === undefined; i++) {
      try {
        await r.set(`k:${i}`, value);
        stored++;
      } catch (err) {
        refusal = err as Error;
      }
    }
    assert.ok(refusal !== undefined, 'writes stop before 600 values of 512 KB');
    assert.match(refusal.message, /^ERR DB capacity quota exceeded, command was: \["set","k:\d+"/);
    assert.ok(stored * 512 * 1024 >= 255 * 1024 * 1024, `about 256 MB were stored (${stored} values)`);
    const stats = (await srv.api('GET', `stats/${db.id}`)).body;
    assert.ok(stats.current_storage >= 256 * 1024 * 1024);
    // Reads and deletes still work; a write that cannot grow the data (EXPIRE) too.
    assert.equal((await r.get<string>('k:0'))?.length, value.length);
    assert.equal(await r.expire('k:0', 7200), 1);
    await assert.rejects(r.set('another', 'v'), /ERR DB capacity quota exceeded/);
    assert.equal(await r.del('k:0', 'k:1'), 2);
    assert.equal(await r.set('another', 'v'), 'OK', 'room again after DEL');

    // Eviction on: writes keep succeeding, volatile keys go first, then the oldest.
    assert.equal((await srv.api('POST', `enable-eviction/${db.id}`)).status, 200);
    for (let i = 0; i < 15; i++) assert.equal(await r.set(`new:${i}`, value), 'OK');
    for (let i = 0; i < 10; i++) assert.equal(await r.exists(`ttl:${i}`), 0, `ttl:${i} was evicted first`);
    assert.equal(await r.exists('k:0'), 0, 'k:0 had been given a TTL, so it went too');
    assert.equal(await r.exists('new:14'), 1);
    assert.equal(await r.exists(`k:${stored - 12}`), 1, 'recent keys without a TTL stay');
    assert.ok((await srv.api('GET', `stats/${db.id}`)).body.current_storage < 257 * 1024 * 1024);
  } finally {
    await srv.close();
  }
});

test("size limits answer with Upstash's texts: request, key, member, record", async () => {
  const srv = await startPlatform();
  try {
    const db = await createDb(srv, 'sizes');
    const r = srv.redis(db.token);
    const big = await fetch(srv.app.url, {
      method: 'POST',
      headers: { authorization: `Bearer ${db.token}` },
      body: JSON.stringify(['SET', 'k', 'x'.repeat(1024 * 1024)]),
    });
    assert.equal(big.status, 413);
    assert.deepEqual(await big.json(), { error: 'ERR max request size exceeded' });
    await assert.rejects(
      r.set('k'.repeat(40_000), 'v'),
      /ERR max key size exceeded\. Limit: 32768 bytes, Actual: 40000 bytes/,
    );
    await assert.rejects(
      r.sadd('s', 'm'.repeat(40_000)),
      /ERR max member size exceeded\. Limit: 32768 bytes, Actual: 40000 bytes/,
    );
    await assert.rejects(r.zadd('z', { score: 1, member: 'm'.repeat(32_769) }), /ERR max member size exceeded/);
    // Reads of such keys are not refused: only writes that could store them are.
    assert.equal(await r.get('k'.repeat(40_000)), null);
    // A database on pay-as-you-go takes 10 MB requests (Upstash's current limit).
    const payg = await createDb(srv, 'sizes-payg', { plan: 'payg' });
    const ok = await fetch(srv.app.url, {
      method: 'POST',
      headers: { authorization: `Bearer ${payg.token}` },
      body: JSON.stringify(['SET', 'k', 'x'.repeat(1024 * 1024)]),
    });
    assert.deepEqual(await ok.json(), { result: 'OK' });
    assert.equal(
      (await srv.api('GET', `stats/${db.id}`)).body.daily_net_commands,
      1,
      'refused commands are not billed',
    );
  } finally {
    await srv.close();
  }
});
