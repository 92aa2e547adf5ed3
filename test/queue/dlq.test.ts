/** The dead-letter queue: what lands there, listing with filters and cursors, delete and retry. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { api, type QueueServer, type Receiver_, withServer } from './support.ts';

/** Publishes `n` messages with retries 0 to a failing path and lets them fail. */
async function failSome(srv: QueueServer, rcv: Receiver_, n: number, path = '/fail', label?: string) {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await srv.client.publish({
      url: `${rcv.url}${path}`,
      body: `m${i}`,
      retries: 0,
      ...(label === undefined ? {} : { label }),
    });
    ids.push(r.messageId);
  }
  await srv.settle();
  return ids;
}

test('after the last retry the message is in the DLQ with the last response and every message field', async () => {
  await withServer(async (srv, rcv) => {
    rcv.respond = (d) => ({
      status: d.path === '/bin' ? 502 : 500,
      headers: { 'X-Why': 'broken' },
      body: d.path === '/bin' ? Buffer.from([0xff, 0xfe, 0x00]) : 'boom',
    });
    const start = srv.clock.now();
    const a = await srv.client.publishJSON({
      url: `${rcv.url}/a?q=1`,
      body: { hello: 'dlq' },
      retries: 2,
      headers: { 'Test-Header': 'v1' },
      label: 'lab',
      retryDelay: '1000',
      callback: `${rcv.url}/cb-never`,
    });
    await srv.settle();
    await srv.advance(1000);
    assert.equal((await srv.client.dlq.listMessages()).messages.length, 0, 'not dead before the last retry');
    await srv.advance(1000);
    assert.equal(rcv.deliveries.filter((d) => d.path === '/a?q=1').length, 3);
    const b = await srv.client.publish({ url: `${rcv.url}/bin`, body: 'raw', retries: 0 });
    await srv.settle();

    const { messages, cursor } = await srv.client.dlq.listMessages();
    assert.equal(cursor, undefined);
    assert.equal(messages.length, 2);
    const [da, db] = messages;
    assert.ok(da !== undefined && db !== undefined);
    assert.equal(da.messageId, a.messageId);
    assert.match(da.dlqId, /^\d+-\d+$/);
    assert.equal(Number(da.dlqId.split('-')[0]), start + 2000);
    assert.equal(da.url, `${rcv.url}/a?q=1`);
    assert.equal(da.method, 'POST');
    assert.equal(da.body, '{"hello":"dlq"}');
    assert.deepEqual(da.header, { 'Content-Type': ['application/json'], 'Test-Header': ['v1'] });
    assert.equal(da.maxRetries, 2);
    assert.equal(da.retryDelayExpression, '1000');
    assert.equal(da.createdAt, start);
    assert.equal(da.notBefore, start);
    assert.equal(da.callback, `${rcv.url}/cb-never`);
    assert.equal(da.label, 'lab');
    assert.deepEqual(da.labels, ['lab']);
    assert.equal(da.callerIp, '127.0.0.1');
    assert.equal(da.responseStatus, 500);
    assert.equal(da.responseBody, 'boom');
    assert.equal(da.responseBodyBase64, undefined);
    assert.deepEqual(da.responseHeader?.['X-Why'], ['broken']);
    assert.equal(db.messageId, b.messageId);
    assert.equal(db.responseStatus, 502);
    assert.equal(db.responseBody, undefined);
    assert.equal(db.responseBodyBase64, Buffer.from([0xff, 0xfe, 0x00]).toString('base64'));
    assert.notEqual(da.dlqId, db.dlqId);

    // The same entry by id over the raw API.
    const one = await api(srv, 'GET', `/v2/dlq/${da.dlqId}`);
    assert.equal(one.status, 200);
    assert.equal((one.json as { messageId: string }).messageId, a.messageId);
    assert.equal((await api(srv, 'GET', '/v2/dlq/1-0')).status, 404);
    // Gone from pending messages.
    await assert.rejects(srv.client.messages.get(a.messageId), /not found/);
  });
});

test('489 with Upstash-NonRetryable-Error goes to the DLQ after one attempt despite retries left', async () => {
  await withServer(async (srv, rcv) => {
    rcv.respond = (d) =>
      d.path === '/plain489'
        ? { status: 489 }
        : { status: 489, headers: { 'Upstash-NonRetryable-Error': 'true' }, body: 'no' };
    const nr = await srv.client.publish({ url: `${rcv.url}/nr`, body: 'x', retries: 3 });
    const plain = await srv.client.publish({ url: `${rcv.url}/plain489`, body: 'x', retries: 3 });
    await srv.settle();
    const { messages } = await srv.client.dlq.listMessages();
    assert.deepEqual(
      messages.map((m) => [m.messageId, m.responseStatus]),
      [[nr.messageId, 489]],
    );
    // A 489 without the header is an ordinary failure: retried.
    assert.equal((await srv.client.messages.get(plain.messageId)).messageId, plain.messageId);
    await srv.advance(12_000);
    assert.equal(rcv.deliveries.filter((d) => d.path === '/nr').length, 1);
    assert.equal(rcv.deliveries.filter((d) => d.path === '/plain489').length, 2);
  });
});

test('listMessages filters: url, responseStatus, label, AND across fields; unknown filter is refused', async () => {
  await withServer(async (srv, rcv) => {
    rcv.respond = (d) => ({ status: d.path === '/x' ? 500 : 404 });
    await failSome(srv, rcv, 2, '/x', 'red');
    await failSome(srv, rcv, 1, '/y', 'blue');
    const list = async (filter: Record<string, unknown>) =>
      (await srv.client.dlq.listMessages({ filter: filter as never })).messages.map((m) => m.body);
    assert.deepEqual(await list({ url: `${rcv.url}/x` }), ['m0', 'm1']);
    assert.deepEqual(await list({ responseStatus: 404 }), ['m0']);
    assert.deepEqual(await list({ label: 'blue' }), ['m0']);
    assert.deepEqual(await list({ label: 'red', responseStatus: 500 }), ['m0', 'm1']);
    assert.deepEqual(await list({ label: 'red', responseStatus: 404 }), []);
    assert.equal((await list({})).length, 3);
    // Dates (ms, inclusive) are when the message failed; messageId and dlqIds pick single entries.
    const t1 = srv.clock.now();
    await srv.advance(5000);
    const late = (await failSome(srv, rcv, 1, '/x', 'red'))[0] as string;
    assert.deepEqual(await list({ fromDate: t1 + 5000 }), ['m0']);
    assert.equal((await list({ toDate: t1 })).length, 3);
    assert.equal((await list({ fromDate: t1 + 1, toDate: t1 + 4999 })).length, 0);
    const byId = (await srv.client.dlq.listMessages({ filter: { messageId: late } })).messages;
    assert.deepEqual(
      byId.map((m) => m.messageId),
      [late],
    );
    const picked = (await srv.client.dlq.listMessages({ dlqIds: [byId[0]?.dlqId ?? ''] })).messages;
    assert.deepEqual(
      picked.map((m) => m.messageId),
      [late],
    );
    await assert.rejects(srv.client.dlq.listMessages({ filter: { bogus: 'x' } as never }), /bogus/);
    assert.equal((await api(srv, 'DELETE', '/v2/dlq?nonsense=1')).status, 400);
  });
});

test('count and cursor page through the DLQ; no cursor on the last page', async () => {
  await withServer(async (srv, rcv) => {
    rcv.respond = () => ({ status: 500 });
    await failSome(srv, rcv, 5);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const r = await srv.client.dlq.listMessages({ count: 2, ...(cursor === undefined ? {} : { cursor }) });
      seen.push(...r.messages.map((m) => m.body ?? ''));
      cursor = r.cursor;
      pages++;
    } while (cursor !== undefined && pages < 10);
    assert.equal(pages, 3);
    assert.deepEqual(seen, ['m0', 'm1', 'm2', 'm3', 'm4']);
  });
});

test('dlq.delete(id) removes an entry; the second time is a 404', async () => {
  await withServer(async (srv, rcv) => {
    rcv.respond = () => ({ status: 500 });
    await failSome(srv, rcv, 1);
    const [entry] = (await srv.client.dlq.listMessages()).messages;
    assert.ok(entry !== undefined);
    assert.deepEqual(await srv.client.dlq.delete(entry.dlqId), { deleted: 1 });
    await assert.rejects(srv.client.dlq.delete(entry.dlqId), (err: Error & { status?: number }) => {
      assert.equal(err.status, 404);
      return true;
    });
    assert.equal((await srv.client.dlq.listMessages()).messages.length, 0);
  });
});

test('bulk delete by ids, by filter, and all (paged with count until no cursor)', async () => {
  await withServer(async (srv, rcv) => {
    rcv.respond = () => ({ status: 500 });
    await failSome(srv, rcv, 3, '/a');
    await failSome(srv, rcv, 2, '/b');
    const all = (await srv.client.dlq.listMessages()).messages;
    assert.equal(all.length, 5);
    const byIds = await srv.client.dlq.delete([all[0]?.dlqId ?? '', all[1]?.dlqId ?? '']);
    assert.deepEqual(byIds, { deleted: 2 });
    const byFilter = await srv.client.dlq.delete({ filter: { url: `${rcv.url}/b` } });
    assert.equal(byFilter.deleted, 2);
    assert.equal(byFilter.cursor, undefined);
    assert.deepEqual(
      (await srv.client.dlq.listMessages()).messages.map((m) => m.dlqId),
      [all[2]?.dlqId],
    );

    await failSome(srv, rcv, 4, '/c');
    let deleted = 0;
    let cursor: string | undefined;
    let calls = 0;
    do {
      const r = await srv.client.dlq.delete({ all: true, count: 2, ...(cursor === undefined ? {} : { cursor }) });
      deleted += r.deleted;
      cursor = r.cursor;
      calls++;
    } while (cursor !== undefined && calls < 10);
    assert.equal(deleted, 5);
    assert.equal((await srv.client.dlq.listMessages()).messages.length, 0);
  });
});

test('dlq.retry publishes a new message that is delivered, and removes the entry', async () => {
  await withServer(async (srv, rcv) => {
    let failing = true;
    rcv.respond = () => ({ status: failing ? 500 : 200 });
    const [orig] = await failSome(srv, rcv, 2);
    const entries = (await srv.client.dlq.listMessages()).messages;
    const first = entries[0];
    assert.ok(first !== undefined);
    failing = false;
    const r = await srv.client.dlq.retry(first.dlqId);
    assert.equal(r.responses.length, 1);
    const newId = r.responses[0]?.messageId;
    assert.ok(newId !== undefined && newId !== orig);
    assert.equal(r.cursor, undefined);
    await srv.settle();
    const last = rcv.deliveries.at(-1);
    assert.equal(last?.headers['upstash-message-id'], newId);
    assert.equal(last?.body.toString(), 'm0');
    assert.equal(last?.headers['upstash-retried'], '0');
    assert.deepEqual(
      (await srv.client.dlq.listMessages()).messages.map((m) => m.dlqId),
      [entries[1]?.dlqId],
    );
    // Retry by filter (all): nothing left afterwards.
    const all = await srv.client.dlq.retry({ all: true });
    assert.equal(all.responses.length, 1);
    await srv.settle();
    assert.equal((await srv.client.dlq.listMessages()).messages.length, 0);
  });
});

test('POST /v2/dlq/retry/{id} and /v2/dlq/retry?dlqIds= with Upstash-Retries overriding the original', async () => {
  await withServer(async (srv, rcv) => {
    rcv.respond = () => ({ status: 500 });
    await failSome(srv, rcv, 2);
    const [e1, e2] = (await srv.client.dlq.listMessages()).messages;
    assert.ok(e1 !== undefined && e2 !== undefined);
    const one = await api(srv, 'POST', `/v2/dlq/retry/${e1.dlqId}`, { 'Upstash-Retries': '2' });
    assert.equal(one.status, 201);
    const id1 = (one.json as { messageId: string }).messageId;
    assert.match(id1, /^msg_/);
    assert.equal((await srv.client.messages.get(id1)).maxRetries, 2);
    assert.equal((await api(srv, 'POST', `/v2/dlq/retry/${e1.dlqId}`)).status, 404);

    const bulk = await api(srv, 'POST', `/v2/dlq/retry?dlqIds=${e2.dlqId}`, { 'Upstash-Retries': '1' });
    assert.equal(bulk.status, 200);
    const r = bulk.json as { responses: { messageId: string }[]; cursor?: string };
    assert.equal(r.cursor, undefined);
    assert.equal(r.responses.length, 1);
    assert.equal((await srv.client.messages.get(r.responses[0]?.messageId ?? '')).maxRetries, 1);
    assert.equal((await srv.client.dlq.listMessages()).messages.length, 0);

    // The retried messages fail again: id1 is attempted 3 times in all, then back in the DLQ.
    await srv.settle();
    await srv.advance(12_000);
    await srv.advance(148_000);
    const again = (await srv.client.dlq.listMessages()).messages;
    assert.equal(again.length, 2);
    assert.equal(rcv.deliveries.filter((d) => d.headers['upstash-message-id'] === id1).length, 3);
  });
});

test('DLQ entries are kept 7 days (QStash pay-as-you-go), then dropped', async () => {
  await withServer(async (srv, rcv) => {
    rcv.respond = () => ({ status: 500 });
    await failSome(srv, rcv, 2);
    assert.equal((await srv.client.dlq.listMessages()).messages.length, 2);
    await srv.advance(7 * 86_400_000 - 1);
    assert.equal((await srv.client.dlq.listMessages()).messages.length, 2, 'still there a ms before');
    await srv.advance(60_001);
    assert.equal((await srv.client.dlq.listMessages()).messages.length, 0);
  });
});
