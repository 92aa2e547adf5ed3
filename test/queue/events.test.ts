/** The event log (`logs()`/`events()`, `GET /v2/events` and `/v2/logs`) with the real @upstash/qstash client. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { api, withServer } from './support.ts';

test('a delivered message logs CREATED, ACTIVE, DELIVERED, newest first, with the Log shape', async () => {
  await withServer(async (srv, rcv) => {
    const t0 = srv.clock.now();
    const { messageId } = await srv.client.publish({ url: `${rcv.url}/e`, body: 'x', delay: 5, label: 'tag' });
    await srv.advance(5_000);
    const res = await srv.client.logs({ messageIds: [messageId] });
    assert.equal(res.cursor, undefined);
    assert.deepEqual(res.events, res.logs);
    assert.deepEqual(
      res.logs.map((l) => [l.state, l.time]),
      [
        ['DELIVERED', t0 + 5_000],
        ['ACTIVE', t0 + 5_000],
        ['CREATED', t0],
      ],
    );
    assert.deepEqual(res.logs[2], {
      time: t0,
      messageId,
      state: 'CREATED',
      url: `${rcv.url}/e`,
      method: 'POST',
      maxRetries: 3,
      label: 'tag',
      labels: ['tag'],
      callerIp: '127.0.0.1',
      urlGroup: undefined,
    });
    for (const l of res.logs) {
      assert.equal(l.messageId, messageId);
      assert.equal('topicName' in l, false);
      assert.equal('nextDeliveryTime' in l, false);
    }
    const deprecated = await srv.client.events({ messageIds: [messageId] });
    assert.deepEqual(deprecated, res);
  });
});

test('a failing message logs ERROR and RETRY with nextDeliveryTime, then FAILED', async () => {
  await withServer(async (srv, rcv) => {
    rcv.respond = () => ({ status: 503, body: 'busy' });
    const t0 = srv.clock.now();
    const { messageId } = await srv.client.publish({ url: `${rcv.url}/f`, body: 'x', retries: 1, retryDelay: '3000' });
    await srv.settle();
    await srv.advance(3_000);
    const { logs } = await srv.client.logs({ messageIds: [messageId] });
    assert.deepEqual(
      logs.map((l) => l.state),
      ['FAILED', 'ERROR', 'ACTIVE', 'RETRY', 'ERROR', 'ACTIVE', 'CREATED'],
    );
    const retry = logs[3];
    assert.equal(retry?.nextDeliveryTime, t0 + 3_000);
    const error = logs[4] as unknown as { error: string; responseStatus: number; responseBody: string };
    assert.equal(error.responseStatus, 503);
    assert.equal(Buffer.from(error.responseBody, 'base64').toString(), 'busy');
    assert.equal(typeof error.error, 'string');
  });
});

test('filters: state (IN_PROGRESS = ACTIVE|RETRY|ERROR), url, label, queueName, urlGroup, messageId; AND across', async () => {
  await withServer(async (srv, rcv) => {
    rcv.respond = (d) => (d.path === '/bad' ? { status: 500 } : { status: 200 });
    const ok = await srv.client.publish({ url: `${rcv.url}/ok`, body: 'x', label: 'green' });
    const bad = await srv.client.publish({ url: `${rcv.url}/bad`, body: 'x', label: 'red', retries: 2 });
    const queued = await srv.client.queue({ queueName: 'evq' }).enqueue({ url: `${rcv.url}/ok`, body: 'q' });
    await srv.client.urlGroups.addEndpoints({ name: 'evg', endpoints: [{ url: `${rcv.url}/g` }] });
    const [grouped] = await srv.client.publish({ urlGroup: 'evg', body: 'x' });
    await srv.settle();
    const states = async (filter: Parameters<typeof srv.client.logs>[0]) =>
      (await srv.client.logs(filter)).logs.map((l) => [l.messageId, l.state]);

    assert.deepEqual(await states({ filter: { state: 'DELIVERED', url: `${rcv.url}/ok` } }), [
      [queued.messageId, 'DELIVERED'],
      [ok.messageId, 'DELIVERED'],
    ]);
    assert.deepEqual(await states({ filter: { state: 'IN_PROGRESS', label: 'red' } }), [
      [bad.messageId, 'RETRY'],
      [bad.messageId, 'ERROR'],
      [bad.messageId, 'ACTIVE'],
    ]);
    assert.deepEqual(await states({ filter: { label: ['green', 'red'], state: 'CREATED' } }), [
      [bad.messageId, 'CREATED'],
      [ok.messageId, 'CREATED'],
    ]);
    assert.deepEqual(await states({ filter: { queueName: 'evq', state: 'CREATED' } }), [[queued.messageId, 'CREATED']]);
    const group = (await srv.client.logs({ filter: { urlGroup: 'evg' } })).logs;
    assert.deepEqual(
      group.map((l) => [l.messageId, l.state, l.topicName, l.urlGroup]),
      [
        [grouped?.messageId, 'DELIVERED', 'evg', 'evg'],
        [grouped?.messageId, 'ACTIVE', 'evg', 'evg'],
        [grouped?.messageId, 'CREATED', 'evg', 'evg'],
      ],
    );
    const byId = await api(srv, 'GET', `/v2/events?messageId=${ok.messageId}&state=CREATED`);
    assert.equal(byId.status, 200);
    assert.deepEqual(
      (byId.json as { events: { messageId: string; state: string }[] }).events.map((e) => [e.messageId, e.state]),
      [[ok.messageId, 'CREATED']],
    );
    const csv = await api(srv, 'GET', '/v2/events?state=CREATED,DELIVERED&label=green');
    assert.deepEqual(
      (csv.json as { events: { state: string }[] }).events.map((e) => e.state),
      ['DELIVERED', 'CREATED'],
    );
  });
});

test('count and cursor page through newest first; the last page has no cursor', async () => {
  await withServer(async (srv, rcv) => {
    for (let i = 0; i < 3; i++) {
      await srv.client.publish({ url: `${rcv.url}/p${i}`, body: 'x' });
      await srv.settle();
      srv.clock.advance(1);
    }
    const all = (await srv.client.logs()).logs;
    assert.equal(all.length, 9);
    for (let i = 1; i < all.length; i++) assert.ok((all[i - 1]?.time ?? 0) >= (all[i]?.time ?? 0));
    const seen: string[] = [];
    let cursor: string | undefined;
    const sizes: number[] = [];
    for (let page = 0; page < 10; page++) {
      const res = await srv.client.logs({ count: 4, ...(cursor === undefined ? {} : { cursor }) });
      sizes.push(res.logs.length);
      for (const l of res.logs) seen.push(`${l.messageId}:${l.state}`);
      cursor = res.cursor;
      if (cursor === undefined) break;
      assert.equal(typeof cursor, 'string');
    }
    assert.deepEqual(sizes, [4, 4, 1]);
    assert.deepEqual(
      seen,
      all.map((l) => `${l.messageId}:${l.state}`),
    );
    // Events logged between two pages neither repeat nor shift the next page.
    const first = await srv.client.logs({ count: 4 });
    await srv.client.publish({ url: `${rcv.url}/late`, body: 'x' });
    await srv.settle();
    const rest = await srv.client.logs({ count: 100, cursor: first.cursor as string });
    assert.deepEqual(
      [...first.logs, ...rest.logs].map((l) => `${l.messageId}:${l.state}`),
      all.map((l) => `${l.messageId}:${l.state}`),
    );
    assert.equal(rest.cursor, undefined);
    const exact = await srv.client.logs({ count: 9, filter: { url: all.map((l) => l.url) } });
    assert.equal(exact.cursor, undefined);
    assert.equal(exact.logs.length, 9);
  });
});

test('GET /v2/logs answers `logs`, GET /v2/events answers `events`; an unknown filter is a 4xx', async () => {
  await withServer(async (srv, rcv) => {
    const { messageId } = await srv.client.publish({ url: `${rcv.url}/r`, body: 'x' });
    await srv.settle();
    const logs = await api(srv, 'GET', `/v2/logs?messageIds=${messageId}`);
    assert.equal(logs.status, 200);
    assert.deepEqual(Object.keys(logs.json as object), ['logs']);
    const events = await api(srv, 'GET', `/v2/events?messageIds=${messageId}`);
    assert.deepEqual(Object.keys(events.json as object), ['events']);
    assert.deepEqual((logs.json as { logs: unknown }).logs, (events.json as { events: unknown }).events);
    const paged = await api(srv, 'GET', '/v2/logs?count=1');
    assert.deepEqual(Object.keys(paged.json as object).sort(), ['cursor', 'logs']);
    for (const path of ['/v2/events?bogus=1', '/v2/logs?responseStatus=200']) {
      const bad = await api(srv, 'GET', path);
      assert.ok(bad.status >= 400 && bad.status < 500, `${path}: ${bad.status}`);
      assert.equal(typeof (bad.json as { error?: unknown }).error, 'string');
    }
    const unauthorized = await fetch(`${srv.app.url}/v2/logs`, { headers: { authorization: 'Bearer nope' } });
    assert.equal(unauthorized.status, 401);
    const viaQuery = await fetch(`${srv.app.url}/v2/logs?qstash_token=${encodeURIComponent(srv.token)}`);
    assert.equal(viaQuery.status, 200);
  });
});
