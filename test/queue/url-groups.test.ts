/** URL groups (topics) with the real @upstash/qstash client: endpoints, shapes, fan-out. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { QstashError } from '@upstash/qstash';
import { api, rejectsWith, withServer } from './support.ts';

test('addEndpoints creates the group and upserts by url; get/list shapes; removeEndpoints; delete', async () => {
  await withServer(async (srv, rcv) => {
    const groups = srv.client.urlGroups;
    assert.deepEqual(await groups.list(), []);
    const t0 = srv.clock.now();
    await groups.addEndpoints({
      name: 'news',
      endpoints: [{ url: `${rcv.url}/a` }, { name: 'bee', url: `${rcv.url}/b` }],
    });
    assert.deepEqual(await groups.get('news'), {
      name: 'news',
      createdAt: t0,
      updatedAt: t0,
      endpoints: [{ url: `${rcv.url}/a` }, { name: 'bee', url: `${rcv.url}/b` }],
    });
    srv.clock.advance(1_000);
    await groups.addEndpoints({
      name: 'news',
      endpoints: [{ name: 'ay', url: `${rcv.url}/a` }, { url: `${rcv.url}/c` }],
    });
    assert.deepEqual(await groups.get('news'), {
      name: 'news',
      createdAt: t0,
      updatedAt: t0 + 1_000,
      endpoints: [{ name: 'ay', url: `${rcv.url}/a` }, { name: 'bee', url: `${rcv.url}/b` }, { url: `${rcv.url}/c` }],
    });
    await groups.addEndpoints({ name: 'other', endpoints: [{ url: `${rcv.url}/o` }] });
    assert.deepEqual((await groups.list()).map((g) => [g.name, g.endpoints.length]).sort(), [
      ['news', 3],
      ['other', 1],
    ]);
    await groups.removeEndpoints({ name: 'news', endpoints: [{ name: 'bee' }, { url: `${rcv.url}/c` }] });
    assert.deepEqual((await groups.get('news')).endpoints, [{ name: 'ay', url: `${rcv.url}/a` }]);
    // Removing the last endpoint removes the group.
    await groups.removeEndpoints({ name: 'news', endpoints: [{ url: `${rcv.url}/a` }] });
    await rejectsWith(groups.get('news'), 404);
    await groups.delete('other');
    await rejectsWith(groups.get('other'), 404);
    await rejectsWith(groups.delete('other'), 404);
    assert.deepEqual(await groups.list(), []);
    await rejectsWith(groups.addEndpoints({ name: 'bad', endpoints: [{ url: 'not-a-url' }] }), 400);
    await rejectsWith(groups.addEndpoints({ name: 'bad name', endpoints: [{ url: `${rcv.url}/x` }] }), 400);
    const raw = await api(srv, 'GET', '/v2/topics');
    assert.deepEqual(raw, { status: 200, json: [] });
  });
});

test('publish to a group fans out: an array, one message per endpoint with Upstash-Topic-Name', async () => {
  await withServer(async (srv, rcv) => {
    await srv.client.urlGroups.addEndpoints({
      name: 'fan',
      endpoints: [{ name: 'one', url: `${rcv.url}/1` }, { url: `${rcv.url}/2?q=x` }],
    });
    const res = await srv.client.publishJSON({ urlGroup: 'fan', body: { hi: 1 }, delay: 2 });
    assert.ok(Array.isArray(res));
    assert.equal(res.length, 2);
    assert.deepEqual(
      res.map((r) => r.url),
      [`${rcv.url}/1`, `${rcv.url}/2?q=x`],
    );
    assert.notEqual(res[0]?.messageId, res[1]?.messageId);
    const first = await srv.client.messages.get(res[0]?.messageId as string);
    assert.equal(first.topicName, 'fan');
    assert.equal(first.urlGroup, 'fan');
    assert.equal(first.endpointName, 'one');
    const second = await srv.client.messages.get(res[1]?.messageId as string);
    assert.equal(second.topicName, 'fan');
    assert.equal('endpointName' in second, false);
    await srv.advance(2_000);
    assert.deepEqual(rcv.deliveries.map((d) => d.path).sort(), ['/1', '/2?q=x']);
    for (const d of rcv.deliveries) {
      assert.equal(d.headers['upstash-topic-name'], 'fan');
      assert.equal(d.body.toString(), '{"hi":1}');
      const url = `${rcv.url}${d.path}`;
      assert.equal(
        await srv.receiver.verify({ signature: d.headers['upstash-signature'] as string, body: '{"hi":1}', url }),
        true,
      );
    }
    const ids = new Set(rcv.deliveries.map((d) => d.headers['upstash-message-id']));
    assert.deepEqual(ids, new Set(res.map((r) => r.messageId)));
    // The legacy `topic` name reaches the same group.
    const legacy = await srv.client.publish({ topic: 'fan', body: 'x' } as never);
    assert.ok(Array.isArray(legacy));
    // Each endpoint's message is independent: one failing endpoint does not hold the other.
    rcv.respond = (d) => (d.path === '/1' ? { status: 500 } : { status: 200 });
    await srv.client.publish({ urlGroup: 'fan', body: 'y', retries: 0 });
    await srv.settle();
    const dlq = await srv.client.dlq.listMessages();
    assert.deepEqual(
      dlq.messages.map((m) => [m.url, m.topicName]),
      [[`${rcv.url}/1`, 'fan']],
    );
  });
});

test('publishing to an unknown group is an error and stores nothing', async () => {
  await withServer(async (srv) => {
    await assert.rejects(srv.client.publish({ urlGroup: 'nobody', body: 'x' }), (err: unknown) => {
      assert.ok(err instanceof QstashError);
      assert.ok((err.status ?? 0) >= 400 && (err.status ?? 0) < 500, String(err.status));
      return true;
    });
    // A batch naming an unknown group stores none of its items (a retry of it must not duplicate them).
    await assert.rejects(
      srv.client.batch([
        { url: 'https://example.com/ok', body: 'x' },
        { urlGroup: 'nobody', body: 'x' },
      ]),
      QstashError,
    );
    const { logs } = await srv.client.logs();
    assert.deepEqual(logs, []);
  });
});
