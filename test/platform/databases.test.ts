/**
 * Issue 6's "must show" for databases: two databases created through the management API and used with the
 * real @upstash/redis client — isolation, read-only tokens, rotation, deletion — plus the API's shapes.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ADMIN, createDb, startPlatform } from './support.ts';

test('two databases through the management API are isolated; FLUSHALL on one leaves the other', async () => {
  const srv = await startPlatform();
  try {
    const a = await createDb(srv, 'alpha');
    const b = await createDb(srv, 'beta', { plan: 'payg' });
    assert.notEqual(a.id, b.id);
    assert.match(a.id, /^[0-9a-f-]{36}$/);
    assert.equal(a.body.database_name, 'alpha');
    assert.equal(a.body.type, 'free');
    assert.equal(b.body.type, 'payg');
    assert.equal(a.body.endpoint, '127.0.0.1');
    assert.equal(a.body.rest_url, srv.app.url);
    assert.equal(a.body.state, 'active');
    assert.equal(a.body.db_request_limit, 10_000);
    assert.equal(a.body.db_disk_threshold, 256 * 1024 * 1024);
    for (const autoPipeline of [false, true]) {
      const ra = srv.redis(a.token, autoPipeline);
      const rb = srv.redis(b.token, autoPipeline);
      await ra.set('shared-name', 'from-alpha');
      await rb.set('shared-name', 'from-beta');
      await ra.set('only-alpha', '1');
      assert.equal(await ra.get('shared-name'), 'from-alpha');
      assert.equal(await rb.get('shared-name'), 'from-beta');
      assert.equal(await rb.get('only-alpha'), null);
      assert.deepEqual((await ra.keys('*')).sort(), ['only-alpha', 'shared-name']);
      assert.deepEqual(await rb.keys('*'), ['shared-name']);
      assert.equal(await ra.flushall(), 'OK');
      assert.equal(await ra.dbsize(), 0);
      assert.equal(await rb.get('shared-name'), 'from-beta', 'FLUSHALL on alpha leaves beta');
      await rb.flushall();
    }
    // The default database is its own too.
    const def = srv.redis('default-token');
    await def.set('k', 'default');
    assert.equal(await srv.redis(a.token).get('k'), null);
    assert.equal(await def.get('k'), 'default');
  } finally {
    await srv.close();
  }
});

test('read-only tokens read their own database and are refused writes', async () => {
  const srv = await startPlatform();
  try {
    const a = await createDb(srv, 'alpha');
    const b = await createDb(srv, 'beta');
    await srv.redis(a.token).set('k', 'a');
    await srv.redis(b.token).set('k', 'b');
    const ro = srv.redis(a.readonlyToken);
    assert.equal(await ro.get('k'), 'a');
    await assert.rejects(ro.set('k', 'x'), /NOPERM this user has no permissions to run the 'set' command/);
    assert.equal(await srv.redis(b.readonlyToken).get('k'), 'b');
  } finally {
    await srv.close();
  }
});

test('reset-password refuses the old tokens at once and the new ones work', async () => {
  const srv = await startPlatform();
  try {
    const a = await createDb(srv, 'alpha');
    await srv.redis(a.token).set('k', 'v');
    const { status, body } = await srv.api('POST', `reset-password/${a.id}`);
    assert.equal(status, 200);
    assert.notEqual(body.rest_token, a.token);
    assert.notEqual(body.read_only_rest_token, a.readonlyToken);
    await assert.rejects(srv.redis(a.token).get('k'), /WRONGPASS invalid or missing auth token/);
    await assert.rejects(srv.redis(a.readonlyToken).get('k'), /WRONGPASS/);
    assert.equal(await srv.redis(body.rest_token).get('k'), 'v');
    assert.equal(await srv.redis(body.read_only_rest_token).get('k'), 'v');
    // A GET never shows tokens: only their digests are kept.
    const got = await srv.api('GET', `database/${a.id}`);
    assert.equal(got.body.rest_token, undefined);
  } finally {
    await srv.close();
  }
});

test('delete removes the data and refuses the token; the registry survives a restart', async () => {
  const first = await startPlatform({ persist: true });
  const dataDir = first.dataDir as string;
  let a: Awaited<ReturnType<typeof createDb>>;
  let b: Awaited<ReturnType<typeof createDb>>;
  try {
    a = await createDb(first, 'alpha');
    b = await createDb(first, 'beta');
    await first.redis(a.token).set('k', 'a');
    await first.redis(b.token).set('k', 'b');
    const dir = join(dataDir, 'databases', a.id);
    assert.ok(existsSync(dir), 'alpha has its own data directory');
    const del = await first.api('DELETE', `database/${a.id}`);
    assert.deepEqual(del, { status: 200, body: 'OK' });
    assert.ok(!existsSync(dir), "alpha's data is gone");
    await assert.rejects(first.redis(a.token).get('k'), /WRONGPASS/);
    assert.equal((await first.api('GET', `database/${a.id}`)).status, 404);
    assert.equal(await first.redis(b.token).get('k'), 'b');
  } finally {
    await first.app.close({ force: true });
  }
  // Same data directory: beta and its data come back, alpha stays deleted.
  const second = await startPlatform({ dataDir });
  try {
    const list = await second.api('GET', 'databases');
    assert.deepEqual(list.body.map((d: { database_name: string }) => d.database_name).sort(), ['beta', 'default']);
    assert.equal(await second.redis(b.token).get('k'), 'b');
    await assert.rejects(second.redis(a.token).get('k'), /WRONGPASS/);
  } finally {
    await second.close();
    const { rmSync } = await import('node:fs');
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('rename, eviction, change-plan, stats; bad input and bad credentials', async () => {
  const srv = await startPlatform();
  try {
    const a = await createDb(srv, 'alpha');
    const renamed = await srv.api('POST', `rename/${a.id}`, { name: 'gamma' });
    assert.equal(renamed.body.database_name, 'gamma');
    const info = async () => String(await srv.redis(a.token).exec(['INFO', 'memory']));
    assert.match(await info(), /maxmemory:268435456\r\n[\s\S]*maxmemory_policy:noeviction\r\n/);
    assert.deepEqual(await srv.api('POST', `enable-eviction/${a.id}`), { status: 200, body: 'OK' });
    assert.match(await info(), /maxmemory_policy:volatile-ttl\r\n/);
    assert.equal((await srv.api('GET', `database/${a.id}`)).body.eviction, true);
    assert.deepEqual(await srv.api('POST', `disable-eviction/${a.id}`), { status: 200, body: 'OK' });
    assert.deepEqual(await srv.api('POST', `change-plan/${a.id}`, { plan_name: 'pro-2k' }), {
      status: 200,
      body: 'OK',
    });
    assert.equal((await srv.api('GET', `database/${a.id}`)).body.type, 'pro-2k');
    assert.deepEqual(await srv.api('POST', `${a.id}/change-plan`, { plan_name: 'payg' }), { status: 200, body: 'OK' });
    assert.equal((await srv.api('GET', `database/${a.id}`)).body.type, 'payg');
    const badPlan = await srv.api('POST', `change-plan/${a.id}`, { plan_name: 'gold' });
    assert.equal(badPlan.status, 400);
    assert.match(badPlan.body.error, /unknown plan gold/);
    assert.equal((await srv.api('POST', 'database', { database_name: 'gamma' })).status, 400, 'names are unique');
    assert.equal((await srv.api('POST', 'database', { database_name: '' })).status, 400);
    assert.equal((await srv.api('GET', 'stats/nope')).status, 404);
    const def = (await srv.api('GET', 'databases')).body.find((d: { default: boolean }) => d.default);
    const refused = await srv.api('DELETE', `database/${def.database_id}`);
    assert.equal(refused.status, 400);

    const r = srv.redis(a.token);
    await r.set('a', '1');
    await r.get('a');
    await r.get('missing');
    await r.ping();
    const stats = await srv.api('GET', `stats/${a.id}`);
    assert.equal(stats.status, 200);
    assert.equal(stats.body.daily_net_commands, 3, 'SET, GET, GET; PING is free');
    assert.equal(stats.body.daily_read_requests, 2);
    assert.equal(stats.body.daily_write_requests, 1);
    assert.equal(stats.body.total_monthly_requests, 3);
    assert.deepEqual(stats.body.top_commands, [
      { command: 'GET', count: 2 },
      { command: 'SET', count: 1 },
    ]);
    assert.equal(stats.body.keyspace_hits, 1);
    assert.equal(stats.body.keyspace_misses, 1);
    assert.ok(stats.body.total_monthly_bandwidth > 0);
    assert.ok(stats.body.latency_p99_ms > 0);
    assert.equal(stats.body.dailyrequests.at(-1).x, '2026-11-27 00:00:00 +0000 UTC');

    const noAuth = await fetch(`${srv.app.url}/v2/redis/databases`);
    assert.equal(noAuth.status, 401);
    const wrong = await fetch(`${srv.app.url}/v2/redis/databases`, {
      headers: { authorization: `Basic ${Buffer.from(`${ADMIN.user}:wrong-key`).toString('base64')}` },
    });
    assert.equal(wrong.status, 401);
    // A database token is not an admin credential.
    const bearer = await fetch(`${srv.app.url}/v2/redis/databases`, {
      headers: { authorization: `Bearer ${a.token}` },
    });
    assert.equal(bearer.status, 401);

    const metrics = await fetch(`${srv.app.url}/metrics`, {
      headers: { authorization: `Basic ${Buffer.from(`${ADMIN.user}:${ADMIN.key}`).toString('base64')}` },
    });
    const text = await metrics.text();
    assert.match(text, new RegExp(`redstash_commands_today\\{database_id="${a.id}",database_name="gamma"\\} 3`));
    assert.match(text, /redstash_keys\{database_id="[^"]+",database_name="default"\} 0/);
    // A path that only starts like /metrics is answered 404, not left hanging.
    const near = await fetch(`${srv.app.url}/metricsx`, { signal: AbortSignal.timeout(5000) });
    assert.equal(near.status, 404);
  } finally {
    await srv.close();
  }
});
