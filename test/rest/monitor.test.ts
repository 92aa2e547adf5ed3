/**
 * `POST /monitor` over SSE: the stream a raw fetch reads while another client sends commands, keep-alive,
 * cleanup when the client goes, and the slow-consumer bound shared with subscribe streams.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { describe, test } from 'node:test';
import { Redis } from '@upstash/redis';
import { type RestServer, startRestServer, until } from '../support/rest-server.ts';

const TOKEN = 'monitor-test-token';

type Srv = RestServer;

const start = (options: { keepAliveMs?: number; maxStreamBufferBytes?: number } = {}) =>
  startRestServer({ token: TOKEN, readonlyToken: 'ro', ...options });
const stop = (srv: Srv) => srv.close();

function openMonitor(srv: Srv, signal: AbortSignal): Promise<Response> {
  return fetch(`${srv.url}/monitor`, {
    method: 'POST',
    body: '[]',
    headers: { authorization: `Bearer ${TOKEN}`, accept: 'text/event-stream' },
    signal,
  });
}

describe('POST /monitor', () => {
  test("streams each command another client runs, in Redis's line format", async () => {
    const srv = await start({ keepAliveMs: 20 });
    try {
      srv.clock.set(1721284005242.5);
      const controller = new AbortController();
      const res = await openMonitor(srv, controller.signal);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'text/event-stream');
      assert.equal(srv.engine.monitors.size, 1);
      const redis = new Redis({ url: srv.url, token: TOKEN, enableTelemetry: false, retry: false });
      await redis.set('k', 'a "quoted"\nline');
      await redis.get('k');
      const reader = (res.body as ReadableStream<Uint8Array>).getReader();
      const decoder = new TextDecoder();
      let text = '';
      while (!(text.includes('"get" "k"\n\n') && text.includes(': keep-alive'))) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
      }
      const events = text.split('\n\n').filter((e) => e.startsWith('data: '));
      assert.deepEqual(events, [
        'data: "OK"',
        'data: 1721284005.242500 [0 0.0.0.0:0] "set" "k" "a \\"quoted\\"\\nline"',
        'data: 1721284005.242500 [0 0.0.0.0:0] "get" "k"',
      ]);
      controller.abort();
      await until('monitor removed', () => srv.engine.monitors.size === 0);
      assert.equal(srv.engine.monitors.active, false);
      // Commands still run, unwatched.
      assert.equal(await redis.get('k'), 'a "quoted"\nline');
    } finally {
      await stop(srv);
    }
  });

  test('a monitor that stops reading is dropped, not buffered without bound', async () => {
    const srv = await start({ maxStreamBufferBytes: 64 * 1024 });
    try {
      const { port } = new URL(srv.url);
      const socket = connect(Number(port), '127.0.0.1');
      await new Promise<void>((resolve) => socket.once('connect', resolve));
      socket.write(
        `POST /monitor HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${TOKEN}\r\ncontent-length: 2\r\n\r\n[]`,
      );
      socket.pause(); // never read again: the server's send buffer fills up
      await until('monitoring', () => srv.engine.monitors.size === 1);
      const client = srv.engine.createClient();
      const value = 'x'.repeat(256 * 1024);
      for (let i = 0; i < 1024 && srv.engine.monitors.size > 0; i++) {
        srv.engine.exec(client, ['SET', 'big', value]);
        await new Promise((resolve) => setImmediate(resolve));
      }
      assert.equal(srv.engine.monitors.size, 0);
      assert.ok(srv.warnings.some((w) => w.includes('not reading fast enough')));
      socket.destroy();
    } finally {
      await stop(srv);
    }
  });
});
