/** Queues with the real @upstash/qstash client: CRUD and shape, FIFO, parallelism, pause/resume, delete. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Answer, type QueueServer, rejectsWith, withServer } from './support.ts';

function queueOf(srv: QueueServer) {
  const q = srv.app.qstash?.queue;
  assert.ok(q !== undefined);
  return q;
}

test('upsert/get/list/pause/resume/delete with the exact Queue shape; a fresh tenant lists none', async () => {
  await withServer(async (srv) => {
    assert.deepEqual(await srv.client.queue().list(), []);
    const t0 = srv.clock.now();
    const q = srv.client.queue({ queueName: 'orders' });
    await q.upsert({ parallelism: 2 });
    assert.deepEqual(await q.get(), {
      name: 'orders',
      parallelism: 2,
      paused: false,
      lag: 0,
      createdAt: t0,
      updatedAt: t0,
    });
    srv.clock.advance(1_000);
    await q.upsert({});
    assert.deepEqual(await q.get(), {
      name: 'orders',
      parallelism: 1,
      paused: false,
      lag: 0,
      createdAt: t0,
      updatedAt: t0 + 1_000,
    });
    await q.pause();
    assert.equal((await q.get()).paused, true);
    await q.resume();
    assert.equal((await q.get()).paused, false);
    await srv.client.queue({ queueName: 'other.q-1_x' }).upsert({ paused: true });
    const list = await srv.client.queue().list();
    assert.deepEqual(list.map((x) => [x.name, x.parallelism, x.paused, x.lag]).sort(), [
      ['orders', 1, false, 0],
      ['other.q-1_x', 1, true, 0],
    ]);
    await rejectsWith(srv.client.queue({ queueName: 'missing' }).get(), 404);
    await rejectsWith(srv.client.queue({ queueName: 'bad name!' }).upsert({}), 400);
    await q.delete();
    await srv.client.queue({ queueName: 'other.q-1_x' }).delete();
    await rejectsWith(q.get(), 404);
    assert.deepEqual(await srv.client.queue().list(), []);
  });
});

test('enqueue auto-creates the queue with parallelism 1; enqueueJSON keeps FIFO order', async () => {
  await withServer(async (srv, rcv) => {
    const q = srv.client.queue({ queueName: 'auto' });
    for (let i = 0; i < 10; i++) {
      const r = await q.enqueueJSON({ url: `${rcv.url}/m${i}`, body: { i } });
      assert.deepEqual(r, { messageId: r.messageId, url: `${rcv.url}/m${i}` });
    }
    await srv.settle();
    assert.deepEqual(
      rcv.deliveries.map((d) => d.body.toString()),
      Array.from({ length: 10 }, (_, i) => JSON.stringify({ i })),
    );
    const info = await q.get();
    assert.equal(info.parallelism, 1);
    assert.equal(info.lag, 0);
  });
});

test('parallelism 1: the next message waits for every retry of the failing head', async () => {
  await withServer(async (srv, rcv) => {
    rcv.respond = (d) => (d.path === '/head' ? { status: 500, body: 'no' } : { status: 200, body: 'ok' });
    const q = srv.client.queue({ queueName: 'fifo' });
    await q.upsert({ paused: true });
    const head = await q.enqueue({ url: `${rcv.url}/head`, body: 'h', retries: 2, retryDelay: '2000' });
    await q.enqueue({ url: `${rcv.url}/second`, body: 's' });
    await q.enqueueJSON({ url: `${rcv.url}/third`, body: { t: 3 } });
    assert.equal((await q.get()).lag, 3);
    await q.resume();
    await srv.settle();
    assert.deepEqual(
      rcv.deliveries.map((d) => d.path),
      ['/head'],
    );
    assert.equal((await q.get()).lag, 2);
    await srv.advance(1_999);
    assert.equal(rcv.deliveries.length, 1);
    await srv.advance(1);
    assert.deepEqual(
      rcv.deliveries.map((d) => d.path),
      ['/head', '/head'],
    );
    assert.equal(rcv.deliveries[1]?.headers['upstash-retried'], '1');
    await srv.advance(2_000);
    assert.deepEqual(
      rcv.deliveries.map((d) => d.path),
      ['/head', '/head', '/head', '/second', '/third'],
    );
    const dlq = await srv.client.dlq.listMessages();
    assert.deepEqual(
      dlq.messages.map((m) => [m.messageId, m.queueName]),
      [[head.messageId, 'fifo']],
    );
  });
});

test('parallelism 3: three deliveries in flight at once, the fourth starts when one finishes', async () => {
  await withServer(async (srv, rcv) => {
    const held: ((a: Answer) => void)[] = [];
    rcv.respond = () => new Promise<Answer>((resolve) => held.push(resolve));
    const queue = queueOf(srv);
    const q = srv.client.queue({ queueName: 'wide' });
    await q.upsert({ parallelism: 3 });
    for (let i = 0; i < 5; i++) await q.enqueue({ url: `${rcv.url}/p${i}`, body: String(i) });
    await queue.tick();
    await rcv.waitFor(3);
    await queue.tick();
    assert.equal(queue.inFlightCount, 3);
    assert.deepEqual(rcv.deliveries.map((d) => d.path).sort(), ['/p0', '/p1', '/p2']);
    assert.equal((await q.get()).lag, 2);
    held.shift()?.({ status: 200 });
    await rcv.waitFor(4);
    assert.equal(rcv.deliveries[3]?.path, '/p3');
    rcv.respond = () => ({ status: 200 });
    for (const release of held.splice(0)) release({ status: 200 });
    await srv.settle();
    assert.equal(rcv.deliveries.length, 5);
    assert.equal(rcv.deliveries[4]?.path, '/p4');
    assert.equal(rcv.maxInFlight, 3);
  });
});

test('a paused queue accepts but does not deliver; resume continues from the earliest', async () => {
  await withServer(async (srv, rcv) => {
    const q = srv.client.queue({ queueName: 'held' });
    await q.enqueue({ url: `${rcv.url}/first`, body: '1' });
    await srv.settle();
    await q.pause();
    for (const name of ['a', 'b', 'c']) await q.enqueue({ url: `${rcv.url}/${name}`, body: name });
    await srv.advance(60_000);
    assert.deepEqual(
      rcv.deliveries.map((d) => d.path),
      ['/first'],
    );
    const info = await q.get();
    assert.equal(info.paused, true);
    assert.equal(info.lag, 3);
    await q.resume();
    await srv.settle();
    assert.deepEqual(
      rcv.deliveries.map((d) => d.path),
      ['/first', '/a', '/b', '/c'],
    );
    assert.equal((await q.get()).lag, 0);
  });
});

test('deleting a queue with pending messages is allowed; they are not delivered', async () => {
  await withServer(async (srv, rcv) => {
    const q = srv.client.queue({ queueName: 'doomed' });
    await q.upsert({ paused: true });
    const a = await q.enqueue({ url: `${rcv.url}/a`, body: 'a' });
    await q.enqueue({ url: `${rcv.url}/b`, body: 'b' });
    assert.equal((await q.get()).lag, 2);
    await q.delete();
    await rejectsWith(q.get(), 404);
    await rejectsWith(srv.client.messages.get(a.messageId), 404);
    await srv.advance(60_000);
    assert.equal(rcv.deliveries.length, 0);
    assert.deepEqual(await srv.client.queue().list(), []);
    // The name can be used again.
    await q.enqueue({ url: `${rcv.url}/again`, body: 'x' });
    await srv.settle();
    assert.deepEqual(
      rcv.deliveries.map((d) => d.path),
      ['/again'],
    );
  });
});

test('parallelism 1: the next message also waits for the callbacks of the current one, retries included', async () => {
  await withServer(async (srv, rcv) => {
    let cbFailures = 1;
    rcv.respond = (d) => {
      if (d.path === '/cb' && cbFailures > 0) {
        cbFailures--;
        return { status: 500 };
      }
      return { status: d.path === '/bad' ? 500 : 200 };
    };
    const q = srv.client.queue({ queueName: 'cbq' });
    await q.upsert({ paused: true });
    await q.enqueue({ url: `${rcv.url}/a`, body: 'a', callback: `${rcv.url}/cb`, retries: 1 });
    await q.enqueue({ url: `${rcv.url}/b`, body: 'b' });
    await q.enqueue({
      url: `${rcv.url}/bad`,
      body: 'c',
      retries: 0,
      callback: `${rcv.url}/cb2`,
      failureCallback: `${rcv.url}/fcb`,
    });
    await q.enqueue({ url: `${rcv.url}/d`, body: 'd' });
    await q.resume();
    await srv.settle();
    assert.deepEqual(
      rcv.deliveries.map((d) => d.path),
      ['/a', '/cb'],
    );
    await srv.advance(60_000);
    const paths = rcv.deliveries.map((d) => d.path);
    assert.deepEqual(paths.slice(0, 5), ['/a', '/cb', '/cb', '/b', '/bad']);
    assert.deepEqual(paths.slice(5, 7).sort(), ['/cb2', '/fcb']);
    assert.deepEqual(paths.slice(7), ['/d']);
  });
});
