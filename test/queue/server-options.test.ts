/** The server's queue options as startApp takes them from the CLI: deny-private, off, its own port. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { QSTASH_DEV_CREDENTIALS, startApp } from '@redstash/server';
import { Client } from '@upstash/qstash';

test('denyPrivate refuses private and loopback destinations with 400; public ones are accepted', async () => {
  const app = await startApp({
    host: '127.0.0.1',
    port: 0,
    token: 'redis-token',
    qstash: { timers: false, denyPrivate: true, token: 'q-token' },
  });
  try {
    const client = new Client({ baseUrl: app.url, token: 'q-token', retry: false });
    for (const url of ['http://127.0.0.1:9/x', 'http://localhost/x', 'http://10.1.2.3/', 'http://[::1]:80/']) {
      await assert.rejects(
        client.publish({ url, body: 'x' }),
        (err: { status?: number; message: string }) => err.status === 400 && /private address/.test(err.message),
        url,
      );
    }
    // A day away: accepted, and never attempted (tests talk only to 127.0.0.1).
    assert.match(
      (await client.publish({ url: 'https://example.com/hook', body: 'x', delay: 86_400 })).messageId,
      /^msg_/,
    );
  } finally {
    await app.close({ force: true });
  }
});

test('qstash: false turns the queue off; qstashPort serves it alone on its own port', async () => {
  const off = await startApp({ host: '127.0.0.1', port: 0, token: 'redis-token', qstash: false });
  try {
    assert.equal(off.qstash, undefined);
    assert.equal((await fetch(`${off.url}/v2/keys`)).status, 404);
  } finally {
    await off.close({ force: true });
  }
  const app = await startApp({
    host: '127.0.0.1',
    port: 0,
    token: 'redis-token',
    qstash: { timers: false, token: 'q-token' },
    qstashPort: 0,
  });
  try {
    assert.ok(app.qstashUrl !== undefined && app.qstashUrl !== app.url);
    const auth = { authorization: 'Bearer q-token' };
    for (const base of [app.url, app.qstashUrl])
      assert.equal((await fetch(`${base}/v2/keys`, { headers: auth })).status, 200);
    const rest = await fetch(`${app.qstashUrl}/`, {
      method: 'POST',
      body: '["PING"]',
      headers: { authorization: 'Bearer redis-token' },
    });
    assert.equal(rest.status, 404, 'the Redis REST API is not on the queue port');
  } finally {
    await app.close({ force: true });
  }
});

test('the dev credentials on the queue port: an SDK in dev mode with QSTASH_DEV_PORT reaches it', async () => {
  const app = await startApp({
    host: '127.0.0.1',
    port: 0,
    token: 'redis-token',
    qstash: {
      timers: false,
      token: QSTASH_DEV_CREDENTIALS.token,
      currentSigningKey: QSTASH_DEV_CREDENTIALS.currentSigningKey,
      nextSigningKey: QSTASH_DEV_CREDENTIALS.nextSigningKey,
    },
    qstashPort: 0,
  });
  const saved = process.env.QSTASH_DEV_PORT;
  try {
    // The SDK's dev mode builds http://127.0.0.1:<QSTASH_DEV_PORT> and probes GET /v2/keys for its dev keys; our
    // answer makes it use this server (and download nothing).
    process.env.QSTASH_DEV_PORT = new URL(app.qstashUrl as string).port;
    const client = new Client({ devMode: true });
    const { messageId } = await client.publish({ url: 'https://example.com/dev', body: 'x', delay: 86_400 });
    assert.equal((await client.messages.get(messageId)).url, 'https://example.com/dev');
    const keys = await fetch(`${app.qstashUrl}/v2/keys`, {
      headers: { authorization: `Bearer ${QSTASH_DEV_CREDENTIALS.token}` },
    });
    assert.deepEqual(await keys.json(), {
      current: QSTASH_DEV_CREDENTIALS.currentSigningKey,
      next: QSTASH_DEV_CREDENTIALS.nextSigningKey,
    });
  } finally {
    if (saved === undefined) delete process.env.QSTASH_DEV_PORT;
    else process.env.QSTASH_DEV_PORT = saved;
    await app.close({ force: true });
  }
});
