/** Retries on the injected clock: QStash's backoff, `Upstash-Retry-Delay`, retry hints, refused and hanging hosts. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type QueueServer,
  type Receiver_,
  refusedUrl,
  startHangingServer,
  startQueueServer,
  withServer,
} from './support.ts';

/** Not delivered a ms before `waitMs` from now, delivered at it. */
async function expectNextAt(srv: QueueServer, rcv: Receiver_, waitMs: number): Promise<void> {
  const before = rcv.deliveries.length;
  await srv.advance(waitMs - 1);
  assert.equal(rcv.deliveries.length, before, `delivered before ${waitMs} ms`);
  await srv.advance(1);
  assert.equal(rcv.deliveries.length, before + 1, `not delivered at ${waitMs} ms`);
}

test('a failing destination with retries 3 is attempted at 0, +12 s, +2 m 28 s, +30 m 8 s, then dead-lettered', async () => {
  await withServer(async (srv, rcv) => {
    rcv.respond = () => ({ status: 500, body: 'boom' });
    const start = srv.clock.now();
    const { messageId } = await srv.client.publishJSON({ url: `${rcv.url}/fail`, body: { n: 1 }, retries: 3 });
    await srv.settle();
    assert.equal(rcv.deliveries.length, 1);
    await expectNextAt(srv, rcv, 12_000);
    await expectNextAt(srv, rcv, 148_000);
    await expectNextAt(srv, rcv, 1_808_000);
    await srv.advance(86_400_000);
    assert.equal(rcv.deliveries.length, 4);
    assert.deepEqual(
      rcv.deliveries.map((d) => d.headers['upstash-retried']),
      ['0', '1', '2', '3'],
    );
    assert.deepEqual(
      rcv.deliveries.map((d) => d.at - start),
      [0, 12_000, 160_000, 1_968_000],
    );
    for (const d of rcv.deliveries) assert.equal(d.headers['upstash-message-id'], messageId);
    const { messages } = await srv.client.dlq.listMessages();
    assert.equal(messages.length, 1);
    assert.equal(messages[0]?.messageId, messageId);
  });
});

test('the message is visible while retrying, with its retry count', async () => {
  await withServer(async (srv, rcv) => {
    rcv.respond = () => ({ status: 503 });
    const { messageId } = await srv.client.publish({ url: rcv.url, body: 'x', retries: 1 });
    await srv.settle();
    const m = await srv.client.messages.get(messageId);
    assert.equal(m.messageId, messageId);
    assert.equal(m.maxRetries, 1);
    await srv.advance(12_000);
    await assert.rejects(srv.client.messages.get(messageId), /not found/);
  });
});

test('Upstash-Retry-Delay: the expression in ms over `retried` (0 for the first retry)', async () => {
  await withServer(async (srv, rcv) => {
    rcv.respond = () => ({ status: 500 });
    await srv.client.publish({ url: rcv.url, body: 'x', retries: 3, retryDelay: '1000 * (1 + retried)' });
    await srv.settle();
    await expectNextAt(srv, rcv, 1000);
    await expectNextAt(srv, rcv, 2000);
    await expectNextAt(srv, rcv, 3000);
    await srv.advance(86_400_000);
    assert.equal(rcv.deliveries.length, 4);
  });
});

test('Upstash-Retry-Delay with functions; a malformed expression is refused at publish', async () => {
  await withServer(async (srv, rcv) => {
    rcv.respond = () => ({ status: 500 });
    await srv.client.publish({
      url: rcv.url,
      body: 'x',
      retries: 2,
      retryDelay: 'pow(2, retried) * 500 + min(10, 20)',
    });
    await srv.settle();
    await expectNextAt(srv, rcv, 510);
    await expectNextAt(srv, rcv, 1010);
    await assert.rejects(srv.client.publish({ url: rcv.url, body: 'x', retryDelay: 'process.exit(1)' }), /Retry-Delay/);
    await assert.rejects(srv.client.publish({ url: rcv.url, body: 'x', retryDelay: 'constructor(1)' }), /Retry-Delay/);
  });
});

test('Retry-After in seconds sets the next attempt', async () => {
  await withServer(async (srv, rcv) => {
    rcv.respond = () => ({ status: 429, headers: { 'Retry-After': '30' } });
    await srv.client.publish({ url: rcv.url, body: 'x', retries: 1 });
    await srv.settle();
    await expectNextAt(srv, rcv, 30_000);
  });
});

test('Retry-After as an HTTP date sets the next attempt', async () => {
  await withServer(async (srv, rcv) => {
    rcv.respond = () => ({ status: 503, headers: { 'Retry-After': new Date(srv.clock.now() + 45_000).toUTCString() } });
    await srv.client.publish({ url: rcv.url, body: 'x', retries: 1 });
    await srv.settle();
    await expectNextAt(srv, rcv, 45_000);
  });
});

test('X-RateLimit-Reset (seconds or a Go duration) sets the next attempt', async () => {
  await withServer(async (srv, rcv) => {
    let n = 0;
    rcv.respond = () => ({ status: 500, headers: { 'X-RateLimit-Reset': n++ === 0 ? '7' : '6m5s' } });
    await srv.client.publish({ url: rcv.url, body: 'x', retries: 2 });
    await srv.settle();
    await expectNextAt(srv, rcv, 7000);
    await expectNextAt(srv, rcv, 365_000);
  });
});

test('a retry hint beyond one day falls back to the default backoff', async () => {
  await withServer(async (srv, rcv) => {
    rcv.respond = () => ({ status: 503, headers: { 'Retry-After': '86401' } });
    await srv.client.publish({ url: rcv.url, body: 'x', retries: 1 });
    await srv.settle();
    await expectNextAt(srv, rcv, 12_000);
  });
});

test('a refused connection is a failed attempt, fails fast and ends in the DLQ', async () => {
  await withServer(async (srv) => {
    const url = await refusedUrl();
    const { messageId } = await srv.client.publish({ url, body: 'x', retries: 1 });
    const t0 = Date.now();
    await srv.settle();
    // Still pending: the failed attempt scheduled a retry 12 s (injected clock) later.
    const m = await srv.client.messages.get(messageId);
    assert.equal(m.messageId, messageId);
    await srv.advance(12_000);
    assert.ok(Date.now() - t0 < 5000, 'refused connections must fail fast');
    const { messages } = await srv.client.dlq.listMessages();
    assert.equal(messages.length, 1);
    assert.equal(messages[0]?.messageId, messageId);
    assert.equal(messages[0]?.url, url);
    assert.equal(messages[0]?.responseStatus, undefined);
    const { events } = await srv.client.events({ filter: { messageId } });
    assert.ok(events.some((e) => e.state === 'ERROR' && /ECONNREFUSED/.test(e.error ?? '')));
  });
});

test('Upstash-Timeout: a destination that does not answer in time is a failed attempt', async () => {
  const srv = await startQueueServer();
  const hang = await startHangingServer();
  try {
    const { messageId } = await srv.client.publish({ url: `${hang.url}/slow`, body: 'x', retries: 1, timeout: 1 });
    const t0 = Date.now();
    await srv.settle();
    const elapsed = Date.now() - t0;
    assert.ok(elapsed >= 900 && elapsed < 5000, `timed out after ${elapsed} ms`);
    assert.ok(hang.connections >= 1);
    const { events } = await srv.client.events({ filter: { messageId } });
    assert.ok(events.some((e) => e.state === 'ERROR' && /timeout/i.test(e.error ?? '')));
    assert.ok(events.some((e) => e.state === 'RETRY'));
    await srv.advance(12_000);
    assert.ok(hang.connections >= 2, `connections ${hang.connections}`);
    const after = await srv.client.events({ filter: { messageId } });
    assert.equal(after.events.filter((e) => e.state === 'ERROR').length, 2);
    assert.ok(after.events.some((e) => e.state === 'FAILED'));
    const { messages } = await srv.client.dlq.listMessages();
    assert.equal(messages.length, 1);
  } finally {
    await hang.close();
    await srv.close();
  }
});
