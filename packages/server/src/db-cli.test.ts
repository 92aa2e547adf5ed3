/** `redstash db …` against an in-process server with its management API on. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Redis } from '@upstash/redis';
import { startApp } from './app.ts';
import { dbCommand } from './db-cli.ts';

const KEY = 'db-cli-admin-key-0123456789';

async function cli(url: string, args: string[], env: Record<string, string> = { REDSTASH_ADMIN_KEY: KEY }) {
  let out = '';
  let err = '';
  const code = await dbCommand([...args, '--url', url], {
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
    env,
    fetch,
  });
  return { code, out, err };
}

test('db create, list, token, usage and delete drive the management API', async () => {
  const app = await startApp({
    host: '127.0.0.1',
    port: 0,
    token: 'default-token',
    admin: { user: 'admin', key: KEY },
  });
  try {
    const created = await cli(app.url, ['create', 'chat-cache', '--plan', 'payg']);
    assert.equal(created.code, 0, created.err);
    assert.match(created.out, /^# database chat-cache \([0-9a-f-]{36}\), plan payg, eviction off$/m);
    const token = /UPSTASH_REDIS_REST_TOKEN="([^"]+)"/.exec(created.out)?.[1] as string;
    assert.match(created.out, new RegExp(`UPSTASH_REDIS_REST_URL="${app.url}"`));
    const redis = new Redis({ url: app.url, token, enableTelemetry: false, retry: false });
    await redis.set('a', 'b');
    await redis.get('a');

    const listed = await cli(app.url, ['list']);
    assert.equal(listed.code, 0);
    assert.match(listed.out, /^ID +NAME +PLAN +EVICTION$/m);
    assert.match(listed.out, /chat-cache +payg +off/);
    assert.match(listed.out, /default +unlimited +off/);

    const usage = await cli(app.url, ['usage', 'chat-cache']);
    assert.equal(usage.code, 0, usage.err);
    assert.match(usage.out, /^commands today +2 \(reads 1, writes 1\)$/m);
    assert.match(usage.out, /^cost this month +\$0\.00$/m);
    assert.match(usage.out, /^top commands +GET 1, SET 1$/m);

    const rotated = await cli(app.url, ['token', 'chat-cache']);
    assert.equal(rotated.code, 0);
    const fresh = /UPSTASH_REDIS_REST_TOKEN="([^"]+)"/.exec(rotated.out)?.[1] as string;
    assert.notEqual(fresh, token);
    await assert.rejects(redis.get('a'), /WRONGPASS/);

    const deleted = await cli(app.url, ['delete', 'chat-cache']);
    assert.equal(deleted.code, 0);
    assert.match(deleted.out, /^deleted [0-9a-f-]{36}$/m);
    const gone = await cli(app.url, ['usage', 'chat-cache']);
    assert.equal(gone.code, 1);
    assert.match(gone.err, /no database with id or name 'chat-cache'/);
  } finally {
    await app.close({ force: true });
  }
});

test('db reports a missing key, a wrong key, an unknown command and a server without the API', async () => {
  const app = await startApp({ host: '127.0.0.1', port: 0, token: 'default-token' });
  try {
    assert.equal((await cli(app.url, ['list'], {})).code, 2);
    const off = await cli(app.url, ['list']);
    assert.equal(off.code, 1);
    assert.match(off.err, /the management API is off: start the server with --admin-key/);
    const unknown = await cli(app.url, ['frobnicate']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /unknown command 'frobnicate'/);
  } finally {
    await app.close({ force: true });
  }
  const app2 = await startApp({ host: '127.0.0.1', port: 0, token: 't', admin: { user: 'admin', key: KEY } });
  try {
    const wrong = await cli(app2.url, ['list'], { REDSTASH_ADMIN_KEY: 'not-the-admin-key-at-all' });
    assert.equal(wrong.code, 1);
    assert.match(wrong.err, /invalid or missing admin credential/);
  } finally {
    await app2.close({ force: true });
  }
});
