/** messages.get and cancel (one, by ids, by filter, all) with the real @upstash/qstash client. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { api, rejectsWith, startQueueServer, startReceiver, withServer } from './support.ts';

test('messages.get: the pending shape with every optional field omitted when absent; 404 after delivery', async () => {
  await withServer(async (srv, rcv) => {
    const now = srv.clock.now();
    const { messageId } = await srv.client.publish({ url: `${rcv.url}/m`, body: 'hello', delay: 10 });
    assert.deepEqual(await srv.client.messages.get(messageId), {
      messageId,
      url: `${rcv.url}/m`,
      method: 'POST',
      header: { 'Content-Type': ['text/plain;charset=UTF-8'] },
      body: 'hello',
      maxRetries: 3,
      notBefore: now + 10_000,
      createdAt: now,
      callerIp: '127.0.0.1',
      // Added by the SDK from topicName and rate.
      urlGroup: undefined,
      ratePerSecond: undefined,
    });
    const raw = await api(srv, 'GET', `/v2/messages/${messageId}`);
    assert.equal(raw.status, 200);
    assert.deepEqual(Object.keys(raw.json as object).sort(), [
      'body',
      'callerIp',
      'createdAt',
      'header',
      'maxRetries',
      'messageId',
      'method',
      'notBefore',
      'url',
    ]);
    await srv.advance(10_000);
    assert.equal(rcv.deliveries.length, 1);
    await rejectsWith(srv.client.messages.get(messageId), 404);
    const gone = await api(srv, 'GET', `/v2/messages/${messageId}`);
    assert.equal(gone.status, 404);
    assert.equal(typeof (gone.json as { error?: unknown }).error, 'string');
  });
});

test('messages.get: optional fields present when configured', async () => {
  await withServer(async (srv, rcv) => {
    const now = srv.clock.now();
    const { messageId } = await srv.client.publishJSON({
      url: `${rcv.url}/full`,
      body: { a: 1 },
      method: 'PUT',
      retries: 2,
      retryDelay: '1000 * (1 + retried)',
      callback: `${rcv.url}/cb`,
      failureCallback: `${rcv.url}/fcb`,
      flowControl: { key: 'fck', parallelism: 2, rate: 5, period: '1m' },
      label: 'lbl',
      delay: 5,
    });
    assert.deepEqual(await srv.client.messages.get(messageId), {
      messageId,
      url: `${rcv.url}/full`,
      method: 'PUT',
      header: { 'Content-Type': ['application/json'] },
      body: '{"a":1}',
      maxRetries: 2,
      retryDelayExpression: '1000 * (1 + retried)',
      notBefore: now + 5_000,
      createdAt: now,
      callback: `${rcv.url}/cb`,
      failureCallback: `${rcv.url}/fcb`,
      callerIp: '127.0.0.1',
      flowControlKey: 'fck',
      parallelism: 2,
      rate: 5,
      period: 60,
      label: 'lbl',
      labels: ['lbl'],
      urlGroup: undefined,
      ratePerSecond: 5,
    });
    // A paused queue keeps its message pending, so the shape can be read.
    const mq = srv.client.queue({ queueName: 'mq' });
    await mq.upsert({ paused: true });
    const queued = await mq.enqueue({ url: `${rcv.url}/q`, body: 'x' });
    assert.deepEqual(await srv.client.messages.get(queued.messageId), {
      messageId: queued.messageId,
      url: `${rcv.url}/q`,
      method: 'POST',
      header: { 'Content-Type': ['text/plain;charset=UTF-8'] },
      body: 'x',
      maxRetries: 3,
      notBefore: now,
      createdAt: now,
      queueName: 'mq',
      callerIp: '127.0.0.1',
      urlGroup: undefined,
      ratePerSecond: undefined,
    });
  });
});

test('cancel one: {cancelled:1}, 404 the second time; a retrying message can be cancelled; events CANCEL_REQUESTED then CANCELLED', async () => {
  await withServer(async (srv, rcv) => {
    const { messageId } = await srv.client.publish({ url: `${rcv.url}/c`, body: 'x', delay: 60 });
    assert.deepEqual(await srv.client.messages.cancel(messageId), { cancelled: 1 });
    await rejectsWith(srv.client.messages.cancel(messageId), 404);
    await rejectsWith(srv.client.messages.get(messageId), 404);
    await srv.advance(60_000);
    assert.equal(rcv.deliveries.length, 0);
    const { logs } = await srv.client.logs({ messageIds: [messageId] });
    assert.deepEqual(
      logs.map((l) => l.state),
      ['CANCELLED', 'CANCEL_REQUESTED', 'CREATED'],
    );

    rcv.respond = () => ({ status: 500, body: 'down' });
    const failing = await srv.client.publish({ url: `${rcv.url}/f`, body: 'y', retries: 3, retryDelay: '5000' });
    await srv.settle();
    assert.equal(rcv.deliveries.length, 1);
    const retrying = await srv.client.messages.get(failing.messageId);
    assert.equal(retrying.messageId, failing.messageId);
    await srv.client.messages.delete(failing.messageId);
    await srv.advance(60_000);
    assert.equal(rcv.deliveries.length, 1);
    const dlq = await srv.client.dlq.listMessages();
    assert.equal(dlq.messages.length, 0);
  });
});

test('bulk cancel by ids counts only the pending ones', async () => {
  await withServer(async (srv, rcv) => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push((await srv.client.publish({ url: `${rcv.url}/b${i}`, body: 'x', delay: 60 })).messageId);
    assert.deepEqual(await srv.client.messages.cancel([ids[0] as string, ids[1] as string, 'msg_unknown']), {
      cancelled: 2,
    });
    assert.deepEqual(await srv.client.messages.cancel([]), { cancelled: 0 });
    assert.equal(await srv.client.messages.deleteMany([ids[2] as string]), 1);
    await srv.advance(60_000);
    assert.equal(rcv.deliveries.length, 0);
  });
});

test('bulk cancel by filter: url, label, queueName, urlGroup, host/path; AND across fields; count ignored', async () => {
  await withServer(async (srv, rcv) => {
    const other = await startReceiver(srv.clock);
    try {
      const pub = (url: string, label?: string) =>
        srv.client.publish({ url, body: 'x', delay: 60, ...(label === undefined ? {} : { label }) });
      await pub(`${rcv.url}/a`, 'red');
      await pub(`${rcv.url}/a`, 'blue');
      await pub(`${rcv.url}/b`, 'red');
      await pub(`${other.url}/a`, 'red');
      await srv.client.queue({ queueName: 'cq' }).upsert({ paused: true });
      await srv.client.queue({ queueName: 'cq' }).enqueue({ url: `${rcv.url}/q1`, body: 'x' });
      await srv.client.queue({ queueName: 'cq' }).enqueue({ url: `${rcv.url}/q2`, body: 'x' });
      await srv.client.urlGroups.addEndpoints({
        name: 'cg',
        endpoints: [{ url: `${rcv.url}/g1` }, { url: `${rcv.url}/g2` }],
      });
      await srv.client.publish({ urlGroup: 'cg', body: 'x', delay: 60 });

      assert.deepEqual(await srv.client.messages.cancel({ filter: { url: `${rcv.url}/a`, label: 'red' } }), {
        cancelled: 1,
      });
      assert.deepEqual(await srv.client.messages.cancel({ filter: { queueName: 'cq' } }), { cancelled: 2 });
      assert.equal((await srv.client.queue({ queueName: 'cq' }).get()).lag, 0);
      assert.deepEqual(await srv.client.messages.cancel({ filter: { urlGroup: 'cg' } }), { cancelled: 2 });
      // The SDK sends count (default 100); a filter-based cancel still takes every match.
      assert.deepEqual(await srv.client.messages.cancel({ filter: { label: ['red', 'blue'] }, count: 1 }), {
        cancelled: 3,
      });
      assert.deepEqual(await srv.client.messages.cancel({ all: true }), { cancelled: 0 });

      await pub(`${rcv.url}/p/x`);
      await pub(`${other.url}/p/y`);
      const host = new URL(other.url).host;
      assert.deepEqual(await srv.client.messages.cancel({ filter: { host } }), { cancelled: 1 });
      assert.deepEqual(await srv.client.messages.cancel({ filter: { path: '/p/x' } }), { cancelled: 1 });
      const bad = await api(srv, 'DELETE', '/v2/messages?nonsense=1');
      assert.ok(bad.status >= 400 && bad.status < 500, String(bad.status));
      await srv.advance(60_000);
      assert.equal(rcv.deliveries.length + other.deliveries.length, 0);
    } finally {
      await other.close();
    }
  });
});

test('cancel({all:true}) and DELETE /v2/messages without parameters cancel everything', async () => {
  await withServer(async (srv, rcv) => {
    for (let i = 0; i < 4; i++) await srv.client.publish({ url: `${rcv.url}/x${i}`, body: 'x', delay: 60 });
    assert.deepEqual(await srv.client.messages.cancel({ all: true }), { cancelled: 4 });
    for (let i = 0; i < 3; i++) await srv.client.publish({ url: `${rcv.url}/y${i}`, body: 'x', delay: 60 });
    const raw = await api(srv, 'DELETE', '/v2/messages');
    assert.deepEqual(raw, { status: 200, json: { cancelled: 3 } });
    assert.equal(await srv.client.messages.deleteAll(), 0);
    await srv.advance(60_000);
    assert.equal(rcv.deliveries.length, 0);
  });
});

test('DELETE /v2/workflows/runs/{id}?cancel=true cancels the pending messages of that run', async () => {
  const srv = await startQueueServer();
  const rcv = await startReceiver(srv.clock);
  try {
    const inRun = await srv.client.publish({
      url: `${rcv.url}/step`,
      body: 'x',
      delay: 60,
      headers: { 'Upstash-Workflow-RunId': 'wfr_1' },
    });
    const other = await srv.client.publish({ url: `${rcv.url}/other`, body: 'y', delay: 60 });
    const res = await fetch(`${srv.app.url}/v2/workflows/runs/wfr_1?cancel=true`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${srv.token}` },
    });
    assert.equal(res.status, 200);
    await assert.rejects(srv.client.messages.get(inRun.messageId), /not found/);
    assert.equal((await srv.client.messages.get(other.messageId)).messageId, other.messageId);
  } finally {
    await rcv.close();
    await srv.close();
  }
});
