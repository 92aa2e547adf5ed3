/**
 * SUBSCRIBE/PSUBSCRIBE over SSE through the real `@upstash/redis` client (and raw HTTP for the wire
 * details), against the REST handler on 127.0.0.1 with tunable keep-alive and slow-consumer limits.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Redis } from '@upstash/redis';
import { type RestServer, startRestServer, until } from '../support/rest-server.ts';

const TOKEN = 'pubsub-test-token';
const RO_TOKEN = 'pubsub-test-readonly';

type Srv = RestServer;

const start = (options: { keepAliveMs?: number; maxStreamBufferBytes?: number } = {}) =>
  startRestServer({ token: TOKEN, readonlyToken: RO_TOKEN, ...options });
const stop = (srv: Srv) => srv.close();

function client(srv: Srv, token = TOKEN): Redis {
  return new Redis({ url: srv.url, token, enableTelemetry: false, retry: false });
}

describe('pub/sub through @upstash/redis', () => {
  let srv: Srv;
  before(async () => {
    srv = await start();
  });
  after(() => stop(srv));

  test('subscribe confirms with 1 per stream, receives messages, and unsubscribe cleans up', async () => {
    const publisher = client(srv);
    const a = client(srv).subscribe<unknown>(['news']);
    const b = client(srv).subscribe<unknown>(['news']);
    const counts: number[] = [];
    const gotA: unknown[] = [];
    const gotB: unknown[] = [];
    a.on('subscribe', (n) => counts.push(n as number));
    b.on('subscribe', (n) => counts.push(n as number));
    a.on('message', (e) => gotA.push([e.channel, e.message]));
    b.on('message:news', (e) => gotB.push(e.message));
    await until('two confirmations', () => counts.length === 2);
    assert.deepEqual(counts, [1, 1]);
    assert.equal(await publisher.publish('news', { headline: 'hi' }), 2);
    assert.equal(await publisher.publish('news', 'plain text'), 2);
    await until('both messages at both', () => gotA.length === 2 && gotB.length === 2);
    assert.deepEqual(gotA, [
      ['news', { headline: 'hi' }],
      ['news', 'plain text'],
    ]);
    assert.deepEqual(gotB, [{ headline: 'hi' }, 'plain text']);
    await a.unsubscribe();
    await until('one stream left', () => srv.engine.pubsub.numsub('news') === 1);
    await b.unsubscribe();
    await until('registry empty', () => srv.engine.pubsub.size === 0);
    assert.equal(await publisher.publish('news', 'nobody'), 0);
  });

  test('psubscribe receives pmessage with its pattern; PUBSUB sees the subscription', async () => {
    const publisher = client(srv);
    const sub = client(srv).psubscribe<unknown>(['user:*']);
    const got: unknown[] = [];
    let confirmed = 0;
    sub.on('psubscribe', (n) => {
      confirmed = n as number;
    });
    sub.on('pmessage', (e) => got.push([e.pattern, e.channel, e.message]));
    await until('confirmation', () => confirmed === 1);
    assert.deepEqual(await publisher.exec(['PUBSUB', 'NUMPAT']), 1);
    assert.equal(await publisher.publish('user:42', 7), 1);
    assert.equal(await publisher.publish('order:1', 8), 0);
    await until('message', () => got.length === 1);
    assert.deepEqual(got, [['user:*', 'user:42', 7]]);
    await sub.unsubscribe();
    await until('registry empty', () => srv.engine.pubsub.size === 0);
  });

  test('a read-only token may subscribe but not publish', async () => {
    const sub = client(srv, RO_TOKEN).subscribe<unknown>(['ro']);
    const got: unknown[] = [];
    sub.on('message', (e) => got.push(e.message));
    await until('subscribed', () => srv.engine.pubsub.numsub('ro') === 1);
    await assert.rejects(client(srv, RO_TOKEN).publish('ro', 'x'), /NOPERM/);
    assert.equal(await client(srv).publish('ro', 'ok'), 1);
    await until('message', () => got.length === 1);
    assert.deepEqual(got, ['ok']);
    await sub.unsubscribe();
    await until('registry empty', () => srv.engine.pubsub.size === 0);
  });
});

describe('pub/sub SSE wire details', () => {
  test('event lines, raw payloads, path decoding, keep-alive and auth', async () => {
    const srv = await start({ keepAliveMs: 20 });
    try {
      const bad = await fetch(`${srv.url}/subscribe/x`, { method: 'POST', headers: { authorization: 'Bearer no' } });
      assert.equal(bad.status, 401);
      const controller = new AbortController();
      const res = await fetch(`${srv.url}/subscribe/a/b%20c`, {
        method: 'POST',
        body: '[]',
        headers: { authorization: `Bearer ${TOKEN}`, accept: 'text/event-stream', 'upstash-encoding': 'base64' },
        signal: controller.signal,
      });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'text/event-stream');
      assert.equal(srv.engine.pubsub.numsub('a/b c'), 1);
      const reader = (res.body as ReadableStream<Uint8Array>).getReader();
      const decoder = new TextDecoder();
      let text = '';
      srv.engine.exec(srv.engine.createClient(), ['PUBLISH', 'a/b c', 'caf\xc3\xa9,1\nline2']);
      while (!text.includes(': keep-alive')) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
      }
      assert.ok(
        text.startsWith('data: subscribe,a/b c,1\n\ndata: message,a/b c,café,1\ndata: line2\n\n'),
        JSON.stringify(text),
      );
      controller.abort();
      await until('registry empty', () => srv.engine.pubsub.size === 0);
    } finally {
      await stop(srv);
    }
  });

  test('a consumer that stops reading is dropped, not buffered without bound', async () => {
    const srv = await start({ maxStreamBufferBytes: 64 * 1024 });
    try {
      const { port } = new URL(srv.url);
      const socket = connect(Number(port), '127.0.0.1');
      await new Promise<void>((resolve) => socket.once('connect', resolve));
      socket.write(
        `POST /subscribe/slow HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${TOKEN}\r\ncontent-length: 2\r\n\r\n[]`,
      );
      socket.pause(); // never read again: the server's send buffer fills up
      await until('subscribed', () => srv.engine.pubsub.numsub('slow') === 1);
      const publisher = srv.engine.createClient();
      const chunk = 'x'.repeat(1024 * 1024);
      for (let i = 0; i < 256 && srv.engine.pubsub.size > 0; i++) {
        srv.engine.exec(publisher, ['PUBLISH', 'slow', chunk]);
        await new Promise((resolve) => setImmediate(resolve));
      }
      assert.equal(srv.engine.pubsub.size, 0);
      assert.ok(srv.warnings.some((w) => w.includes('not reading fast enough')));
      socket.destroy();
    } finally {
      await stop(srv);
    }
  });
});
