/** Flow control: parallelism and rate per key, and the key's API (get, list, pause, pin, resetRate). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestEngine } from '@redstash/engine/testing';
import { DEFAULT_LIMITS, engineQueueDb, parsePublishConfig, Queue, Signer } from '@redstash/queue';
import { api, type Receiver_, withServer } from './support.ts';

/** Holds every response open until released (bounded: the receiver's waitFor times out). */
function holdResponses(rcv: Receiver_): { release(): void; held(): number } {
  const pending: (() => void)[] = [];
  rcv.respond = () =>
    new Promise((resolve) => {
      pending.push(() => resolve({ status: 200 }));
    });
  return { release: () => pending.shift()?.(), held: () => pending.length };
}

test('parallelism 2: never more than 2 deliveries of a key in flight', async () => {
  await withServer(async (srv, rcv) => {
    const gate = holdResponses(rcv);
    for (let i = 0; i < 5; i++)
      await srv.client.publish({
        url: `${rcv.url}/p${i}`,
        body: `b${i}`,
        flowControl: { key: 'fk', parallelism: 2 },
      });
    await srv.app.qstash?.queue.tick();
    await rcv.waitFor(2);
    const info = await srv.client.flowControl.get('fk');
    assert.equal(info.parallelismMax, 2);
    assert.equal(info.parallelismCount, 2);
    assert.equal(info.waitListSize, 3);
    for (let done = 1; done <= 3; done++) {
      gate.release();
      await rcv.waitFor(2 + done);
      assert.equal(rcv.inFlight, 2);
    }
    gate.release();
    gate.release();
    await srv.settle();
    assert.equal(rcv.deliveries.length, 5);
    assert.equal(rcv.maxInFlight, 2);
    const after = await srv.client.flowControl.get('fk');
    assert.equal(after.parallelismCount, 0);
    assert.equal(after.waitListSize, 0);
  });
});

test('rate 3 per 10 s: three now, the rest when the window ends (injected clock)', async () => {
  await withServer(async (srv, rcv) => {
    // Off a 10 s boundary: the window starts at the first delivery, not on a grid.
    await srv.advance(4321);
    for (let i = 0; i < 5; i++)
      await srv.client.publish({ url: rcv.url, body: `r${i}`, flowControl: { key: 'rk', rate: 3, period: '10s' } });
    await srv.settle();
    assert.equal(rcv.deliveries.length, 3);
    const info = await srv.client.flowControl.get('rk');
    assert.equal(info.rateMax, 3);
    assert.equal(info.rateCount, 3);
    assert.equal(info.ratePeriod, 10);
    assert.equal(info.ratePeriodStart, Math.floor(srv.clock.now() / 1000));
    assert.equal(info.waitListSize, 2);
    await srv.advance(9999);
    assert.equal(rcv.deliveries.length, 3);
    await srv.advance(1);
    assert.equal(rcv.deliveries.length, 5);
    assert.deepEqual(rcv.deliveries.map((d) => d.body.toString()).sort(), ['r0', 'r1', 'r2', 'r3', 'r4']);
  });
});

test('FlowControlInfo has exactly the documented fields; GET /v2/flowControl lists keys (search)', async () => {
  await withServer(async (srv, rcv) => {
    await srv.client.publish({
      url: rcv.url,
      body: 'x',
      flowControl: { key: 'shape-key', parallelism: 4, rate: 7, period: '1d' },
    });
    await srv.client.publish({ url: rcv.url, body: 'y', flowControl: { key: 'other', parallelism: 1 } });
    await srv.settle();
    const info = await srv.client.flowControl.get('shape-key');
    assert.deepEqual(info, {
      flowControlKey: 'shape-key',
      waitListSize: 0,
      parallelismMax: 4,
      parallelismCount: 0,
      rateMax: 7,
      rateCount: 1,
      ratePeriod: 86_400,
      ratePeriodStart: Math.floor(srv.clock.now() / 1000),
      isPaused: false,
      isPinnedParallelism: false,
      isPinnedRate: false,
    });
    const list = await api(srv, 'GET', '/v2/flowControl');
    assert.equal(list.status, 200);
    assert.deepEqual((list.json as { flowControlKey: string }[]).map((i) => i.flowControlKey).sort(), [
      'other',
      'shape-key',
    ]);
    const searched = await api(srv, 'GET', '/v2/flowControl?search=shape');
    assert.deepEqual(
      (searched.json as { flowControlKey: string }[]).map((i) => i.flowControlKey),
      ['shape-key'],
    );
    await assert.rejects(srv.client.flowControl.get('missing'), (err: Error & { status?: number }) => {
      assert.equal(err.status, 404);
      return true;
    });
    // The message's own view of its flow control.
    const { messageId } = await srv.client.publish({
      url: rcv.url,
      body: 'z',
      delay: 60,
      flowControl: { key: 'shape-key', rate: 2, period: 90 },
    });
    const m = await srv.client.messages.get(messageId);
    assert.equal(m.flowControlKey, 'shape-key');
    assert.equal(m.rate, 2);
    assert.equal(m.period, 90);
  });
});

test('pause holds deliveries of the key; resume releases them', async () => {
  await withServer(async (srv, rcv) => {
    await srv.client.publish({ url: rcv.url, body: 'first', flowControl: { key: 'pk', parallelism: 5 } });
    await srv.settle();
    await srv.client.flowControl.pause('pk');
    assert.equal((await srv.client.flowControl.get('pk')).isPaused, true);
    await srv.client.publish({ url: rcv.url, body: 'a', flowControl: { key: 'pk', parallelism: 5 } });
    await srv.client.publish({ url: rcv.url, body: 'b', flowControl: { key: 'pk', parallelism: 5 } });
    await srv.settle();
    await srv.advance(60_000);
    assert.equal(rcv.deliveries.length, 1);
    assert.equal((await srv.client.flowControl.get('pk')).waitListSize, 2);
    await srv.client.flowControl.resume('pk');
    await srv.settle();
    assert.equal(rcv.deliveries.length, 3);
    assert.equal((await srv.client.flowControl.get('pk')).isPaused, false);
  });
});

test('pin overrides message settings until unpinned; resetRate starts a new window now', async () => {
  await withServer(async (srv, rcv) => {
    const publish = (body: string) =>
      srv.client.publish({ url: rcv.url, body, flowControl: { key: 'pin', rate: 1, period: 60, parallelism: 1 } });
    await publish('a');
    await srv.settle();
    await srv.client.flowControl.pin('pin', { parallelism: 3, rate: 2, period: 30 });
    let info = await srv.client.flowControl.get('pin');
    assert.equal(info.isPinnedParallelism, true);
    assert.equal(info.isPinnedRate, true);
    assert.equal(info.parallelismMax, 3);
    assert.equal(info.rateMax, 2);
    assert.equal(info.ratePeriod, 30);
    assert.equal(info.rateCount, 0);
    // A new message's settings do not change a pinned key.
    await publish('b');
    await publish('c');
    await publish('d');
    await srv.settle();
    info = await srv.client.flowControl.get('pin');
    assert.equal(info.parallelismMax, 3);
    assert.equal(info.rateMax, 2);
    assert.equal(rcv.deliveries.length, 3);
    await srv.client.flowControl.resetRate('pin');
    await srv.settle();
    assert.equal(rcv.deliveries.length, 4);
    assert.equal((await srv.client.flowControl.get('pin')).rateCount, 1);

    await srv.client.flowControl.unpin('pin', { parallelism: true, rate: false });
    info = await srv.client.flowControl.get('pin');
    assert.equal(info.isPinnedParallelism, false);
    assert.equal(info.isPinnedRate, true);
    await publish('e');
    info = await srv.client.flowControl.get('pin');
    assert.equal(info.parallelismMax, 1);
    assert.equal(info.rateMax, 2);
    await srv.client.flowControl.unpin('pin', { parallelism: false, rate: true });
    await publish('f');
    info = await srv.client.flowControl.get('pin');
    assert.equal(info.isPinnedRate, false);
    assert.equal(info.rateMax, 1);
    assert.equal(info.ratePeriod, 60);
    assert.equal((await api(srv, 'POST', '/v2/flowControl/pin/pin?parallelism=0')).status, 400);
    assert.equal((await api(srv, 'POST', '/v2/flowControl/pin/pin?rate=abc')).status, 400);
    assert.equal((await api(srv, 'POST', '/v2/flowControl/missing/pause')).status, 404);
    assert.equal((await api(srv, 'POST', '/v2/flowControl/missing/resetRate')).status, 404);
  });
});

test('an invalid flow-control value is refused at publish', async () => {
  await withServer(async (srv, rcv) => {
    for (const value of ['rate=0', 'period=0s', 'parallelism=x', 'speed=3', 'rate=1, period=8d'])
      await assert.rejects(
        srv.client.publish({
          url: rcv.url,
          body: 'x',
          headers: { 'Upstash-Flow-Control-Key': 'bad', 'Upstash-Flow-Control-Value': value },
        }),
        /flow control/,
        value,
      );
  });
});

test('after a restart a key is gettable again while a stored message refers to it', async () => {
  const { engine, clock } = createTestEngine();
  const db = engineQueueDb(engine);
  const make = () =>
    new Queue({
      db,
      clock,
      signer: new Signer({ current: 'sig_a', next: 'sig_b' }),
      limits: DEFAULT_LIMITS,
      timers: false,
    });
  const first = make();
  await first.start();
  const config = parsePublishConfig(
    {
      'upstash-delay': '1h',
      'upstash-flow-control-key': 'durable-key',
      'upstash-flow-control-value': 'parallelism=2, rate=5, period=1m',
    },
    clock.now(),
    DEFAULT_LIMITS,
  );
  assert.ok(typeof config !== 'string');
  await first.publish('http://127.0.0.1:9/never', Buffer.from('x'), config, { callerIp: '127.0.0.1' });
  await first.close();
  const second = make();
  await second.start();
  const info = second.flowInfo('durable-key');
  assert.equal(info?.parallelismMax, 2);
  assert.equal(info?.rateMax, 5);
  assert.equal(info?.ratePeriod, 60);
  // What an operator set survives a restart too: a paused key stays paused, a pin stays pinned.
  await second.setFlowPaused('durable-key', true);
  await second.pinFlow('durable-key', { parallelism: 7 });
  await second.close();
  const third = make();
  await third.start();
  const kept = third.flowInfo('durable-key');
  assert.equal(kept?.isPaused, true);
  assert.equal(kept?.isPinnedParallelism, true);
  assert.equal(kept?.parallelismMax, 7);
  assert.equal(kept?.isPinnedRate, false);
  await third.unpinFlow('durable-key', { parallelism: true, rate: false });
  await third.setFlowPaused('durable-key', false);
  await third.close();
  const fourth = make();
  await fourth.start();
  assert.equal(fourth.flowInfo('durable-key')?.isPaused, false);
  assert.equal(fourth.flowInfo('durable-key')?.isPinnedParallelism, false);
  await fourth.close();
});

test('rate-limited messages count in waitListSize until delivered or cancelled', async () => {
  await withServer(async (srv, rcv) => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push(
        (await srv.client.publish({ url: rcv.url, body: `w${i}`, flowControl: { key: 'wk', rate: 1, period: 60 } }))
          .messageId,
      );
    await srv.settle();
    assert.equal(rcv.deliveries.length, 1);
    assert.equal((await srv.client.flowControl.get('wk')).waitListSize, 2);
    const parked = ids.find((id) => id !== rcv.deliveries[0]?.headers['upstash-message-id']) as string;
    await srv.client.messages.cancel(parked);
    assert.equal((await srv.client.flowControl.get('wk')).waitListSize, 1);
    await srv.client.flowControl.resetRate('wk');
    await srv.settle();
    assert.equal(rcv.deliveries.length, 2);
    assert.equal((await srv.client.flowControl.get('wk')).waitListSize, 0);
    await srv.advance(120_000);
    assert.equal(rcv.deliveries.length, 2);
  });
});

test('a key no message has named for an hour is forgotten; one still named is not', async () => {
  await withServer(async (srv, rcv) => {
    await srv.client.publish({ url: rcv.url, body: 'a', flowControl: { key: 'short-lived', parallelism: 1 } });
    await srv.client.publish({
      url: rcv.url,
      body: 'b',
      delay: 2 * 3600,
      flowControl: { key: 'long-lived', parallelism: 1 },
    });
    await srv.settle();
    assert.equal(rcv.deliveries.length, 1);
    assert.equal((await srv.client.flowControl.get('short-lived')).flowControlKey, 'short-lived');
    await srv.advance(3600_000 + 60_000);
    await assert.rejects(srv.client.flowControl.get('short-lived'), /not found/);
    assert.equal((await srv.client.flowControl.get('long-lived')).flowControlKey, 'long-lived');
  });
});
