/** Callbacks and failure callbacks: signed messages to the callback URL describing each attempt. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Delivery, type Receiver_, withServer } from './support.ts';

const at = (rcv: Receiver_, path: string): Delivery[] => rcv.deliveries.filter((d) => d.path === path);
const payload = (d: Delivery | undefined) => JSON.parse(d?.body.toString() ?? 'null') as Record<string, unknown>;

test('a callback after a successful delivery: QStash body shape, signed for the callback URL, forward headers', async () => {
  await withServer(async (srv, rcv) => {
    rcv.respond = (d) =>
      d.path === '/ok'
        ? { status: 201, headers: { 'X-Resp': 'yes', 'Content-Type': 'text/plain' }, body: 'fine' }
        : { status: 200 };
    const start = srv.clock.now();
    const { messageId } = await srv.client.publishJSON({
      url: `${rcv.url}/ok`,
      body: { job: 7 },
      headers: { 'Test-Header': 'src', 'Upstash-Callback-Forward-Cb-Token': 'abc' },
      callback: `${rcv.url}/cb`,
      retries: 2,
    });
    await srv.settle();
    assert.equal(at(rcv, '/ok').length, 1);
    const cbs = at(rcv, '/cb');
    assert.equal(cbs.length, 1);
    const cb = cbs[0] as Delivery;
    assert.equal(cb.method, 'POST');
    assert.equal(cb.headers['content-type'], 'application/json');
    assert.equal(cb.headers['cb-token'], 'abc');
    assert.equal(cb.headers['test-header'], undefined);
    assert.match(String(cb.headers['upstash-message-id']), /^msg_/);
    assert.notEqual(cb.headers['upstash-message-id'], messageId);
    assert.equal(
      await srv.receiver.verify({
        signature: String(cb.headers['upstash-signature']),
        body: cb.body.toString(),
        url: `${rcv.url}/cb`,
      }),
      true,
    );
    const p = payload(cb);
    assert.deepEqual(Object.keys(p).sort(), [
      'body',
      'callerIP',
      'createdAt',
      'header',
      'maxRetries',
      'method',
      'notBefore',
      'retried',
      'sourceBody',
      'sourceHeader',
      'sourceMessageId',
      'status',
      'url',
    ]);
    assert.equal(p.status, 201);
    assert.equal(Buffer.from(String(p.body), 'base64').toString(), 'fine');
    assert.deepEqual((p.header as Record<string, string[]>)['X-Resp'], ['yes']);
    assert.deepEqual((p.header as Record<string, string[]>)['Content-Type'], ['text/plain']);
    assert.equal(p.retried, 0);
    assert.equal(p.maxRetries, 2);
    assert.equal(p.sourceMessageId, messageId);
    assert.equal(p.url, `${rcv.url}/ok`);
    assert.equal(p.method, 'POST');
    assert.deepEqual(p.sourceHeader, { 'Content-Type': ['application/json'], 'Test-Header': ['src'] });
    assert.equal(Buffer.from(String(p.sourceBody), 'base64').toString(), '{"job":7}');
    assert.equal(p.notBefore, start);
    assert.equal(p.createdAt, start);
    assert.equal(p.callerIP, '127.0.0.1');
  });
});

test('a callback after every attempt, and one failure callback after the last with the dlqId', async () => {
  await withServer(async (srv, rcv) => {
    rcv.respond = (d) => (d.path === '/fail' ? { status: 500, body: 'nope' } : { status: 200 });
    const { messageId } = await srv.client.publish({
      url: `${rcv.url}/fail`,
      body: 'payload',
      retries: 1,
      callback: `${rcv.url}/cb`,
      failureCallback: `${rcv.url}/fcb`,
      headers: { 'Upstash-Failure-Callback-Forward-Who': 'failure' },
    });
    await srv.settle();
    assert.equal(at(rcv, '/cb').length, 1);
    assert.equal(at(rcv, '/fcb').length, 0);
    await srv.advance(12_000);
    assert.equal(at(rcv, '/fail').length, 2);
    const cbs = at(rcv, '/cb').map(payload);
    assert.deepEqual(
      cbs.map((p) => [p.status, p.retried, p.sourceMessageId]),
      [
        [500, 0, messageId],
        [500, 1, messageId],
      ],
    );
    assert.equal(Buffer.from(String(cbs[0]?.body), 'base64').toString(), 'nope');
    const fcbs = at(rcv, '/fcb');
    assert.equal(fcbs.length, 1);
    const f = fcbs[0] as Delivery;
    assert.equal(f.headers.who, 'failure');
    assert.equal(
      await srv.receiver.verify({
        signature: String(f.headers['upstash-signature']),
        body: f.body.toString(),
        url: `${rcv.url}/fcb`,
      }),
      true,
    );
    const fp = payload(f);
    assert.equal(fp.status, 500);
    assert.equal(fp.retried, 1);
    assert.equal(fp.maxRetries, 1);
    assert.equal(fp.sourceMessageId, messageId);
    assert.equal(Buffer.from(String(fp.sourceBody), 'base64').toString(), 'payload');
    const [dlq] = (await srv.client.dlq.listMessages()).messages;
    assert.equal(dlq?.messageId, messageId);
    assert.equal(fp.dlqId, dlq?.dlqId);
    // Nothing else fires later.
    await srv.advance(86_400_000);
    assert.equal(at(rcv, '/cb').length, 2);
    assert.equal(at(rcv, '/fcb').length, 1);
  });
});

test('a failing callback URL is retried like any message', async () => {
  await withServer(async (srv, rcv) => {
    rcv.respond = (d) => (d.path === '/cbfail' ? { status: 500 } : { status: 200 });
    await srv.client.publish({ url: `${rcv.url}/ok`, body: 'x', retries: 2, callback: `${rcv.url}/cbfail` });
    await srv.settle();
    assert.equal(at(rcv, '/cbfail').length, 1);
    await srv.advance(12_000);
    assert.equal(at(rcv, '/cbfail').length, 2);
    await srv.advance(148_000);
    const attempts = at(rcv, '/cbfail');
    assert.deepEqual(
      attempts.map((d) => d.headers['upstash-retried']),
      ['0', '1', '2'],
    );
    assert.equal(new Set(attempts.map((d) => d.headers['upstash-message-id'])).size, 1);
    // The source was delivered once; a callback does not beget callbacks.
    assert.equal(at(rcv, '/ok').length, 1);
    assert.equal(rcv.deliveries.length, 4);
  });
});

test('Upstash-Callback-Retries and -Method configure the callback message', async () => {
  await withServer(async (srv, rcv) => {
    rcv.respond = (d) => (d.path === '/cbfail' ? { status: 500 } : { status: 200 });
    await srv.client.publish({
      url: `${rcv.url}/ok`,
      body: 'x',
      retries: 3,
      callback: `${rcv.url}/cbfail`,
      headers: { 'Upstash-Callback-Retries': '0', 'Upstash-Callback-Method': 'PUT' },
    });
    await srv.settle();
    await srv.advance(86_400_000);
    const attempts = at(rcv, '/cbfail');
    assert.equal(attempts.length, 1);
    assert.equal(attempts[0]?.method, 'PUT');
  });
});

test('Upstash-Callback-Delay and -Retry-Delay: the callback waits, and its retries follow its own expression', async () => {
  await withServer(async (srv, rcv) => {
    let cbFailures = 1;
    rcv.respond = (d) => {
      if (d.path === '/cb' && cbFailures > 0) {
        cbFailures--;
        return { status: 500 };
      }
      return { status: 200 };
    };
    await srv.client.publish({
      url: `${rcv.url}/ok`,
      body: 'x',
      callback: `${rcv.url}/cb`,
      headers: { 'Upstash-Callback-Delay': '30s', 'Upstash-Callback-Retry-Delay': '5000' },
    });
    await srv.settle();
    assert.equal(at(rcv, '/cb').length, 0);
    await srv.advance(29_999);
    assert.equal(at(rcv, '/cb').length, 0);
    await srv.advance(1);
    assert.equal(at(rcv, '/cb').length, 1);
    await srv.advance(4999);
    assert.equal(at(rcv, '/cb').length, 1);
    await srv.advance(1);
    assert.deepEqual(
      at(rcv, '/cb').map((d) => d.headers['upstash-retried']),
      ['0', '1'],
    );
  });
});
