/** Publishing with the real @upstash/qstash client; deliveries to a local receiver, verified by its Receiver. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { rejectsWith, withServer } from './support.ts';

test('publishJSON delivers once, signed so that Receiver.verify accepts it, with forwarded headers', async () => {
  await withServer(async (srv, rcv) => {
    const res = await srv.client.publishJSON({
      url: `${rcv.url}/hook?x=1&y=two`,
      body: { hello: 'world' },
      headers: { 'Test-Header': 'value-uppercase, value-lowercase' },
    });
    assert.match(res.messageId, /^msg_/);
    assert.deepEqual(res, { messageId: res.messageId, url: `${rcv.url}/hook?x=1&y=two` });
    await srv.settle();
    assert.equal(rcv.deliveries.length, 1);
    const d = rcv.deliveries[0];
    assert.ok(d !== undefined);
    assert.equal(d.method, 'POST');
    assert.equal(d.path, '/hook?x=1&y=two');
    assert.equal(d.body.toString(), '{"hello":"world"}');
    assert.equal(d.headers['content-type'], 'application/json');
    assert.equal(d.headers['test-header'], 'value-uppercase, value-lowercase');
    assert.equal(d.headers['upstash-message-id'], res.messageId);
    assert.equal(d.headers['upstash-retried'], '0');
    assert.equal(d.headers['user-agent'], 'Upstash-QStash');
    assert.equal(d.headers.authorization, undefined);
    const signature = d.headers['upstash-signature'] as string;
    assert.equal(
      await srv.receiver.verify({ signature, body: d.body.toString(), url: `${rcv.url}/hook?x=1&y=two` }),
      true,
    );
    await assert.rejects(srv.receiver.verify({ signature, body: '{"hello":"tampered"}' }), /body hash/i);
    // Delivered: no longer a pending message.
    await rejectsWith(srv.client.messages.get(res.messageId), 404);
  });
});

test('the destination is taken raw: https://, trailing slash, query string; a comma-joined header stays one value', async () => {
  await withServer(async (srv, rcv) => {
    const url = 'https://example.com/123/?asdasd=ooo&b=%2F';
    const res = await srv.client.publish({
      url,
      body: 'x',
      delay: 60,
      headers: { 'Test-Header': 'value-uppercase, value-lowercase', 'bypass-tunnel-reminder': '1' },
    });
    assert.deepEqual(res, { messageId: res.messageId, url });
    const m = await srv.client.messages.get(res.messageId);
    assert.equal(m.url, url);
    assert.deepEqual(m.header, {
      'Test-Header': ['value-uppercase, value-lowercase'],
      'Bypass-Tunnel-Reminder': ['1'],
      'Content-Type': ['text/plain;charset=UTF-8'],
    });
    assert.deepEqual(await srv.client.messages.cancel(res.messageId), { cancelled: 1 });
    // Double slashes, escapes and an empty query value reach the destination untouched.
    const odd = `${rcv.url}//double//slash/a%2Fb%20c?x=%20y&empty=&x=2`;
    const r2 = await srv.client.publish({ url: odd, body: 'y' });
    assert.equal(r2.url, odd);
    await srv.settle();
    assert.equal(rcv.deliveries[0]?.path, '//double//slash/a%2Fb%20c?x=%20y&empty=&x=2');
  });
});

test('Upstash-Method GET/PUT/DELETE: delivered with that method, GET without a body', async () => {
  await withServer(async (srv, rcv) => {
    for (const method of ['GET', 'PUT', 'DELETE', 'PATCH'] as const) {
      await srv.client.publish({ url: `${rcv.url}/${method.toLowerCase()}`, body: 'payload', method });
      await srv.settle();
    }
    assert.deepEqual(
      rcv.deliveries.map((d) => [d.method, d.path, d.body.toString()]),
      [
        ['GET', '/get', ''],
        ['PUT', '/put', 'payload'],
        ['DELETE', '/delete', 'payload'],
        ['PATCH', '/patch', 'payload'],
      ],
    );
    const get = rcv.deliveries[0];
    assert.ok(get !== undefined);
    // The signature covers the bytes actually sent: none.
    assert.equal(await srv.receiver.verify({ signature: get.headers['upstash-signature'] as string, body: '' }), true);
  });
});

test('delay: 10 waits ten seconds on the injected clock; notBefore (unix seconds) likewise', async () => {
  await withServer(async (srv, rcv) => {
    const start = srv.clock.now();
    const delayed = await srv.client.publish({ url: `${rcv.url}/delay`, body: 'a', delay: 10 });
    const m = await srv.client.messages.get(delayed.messageId);
    assert.equal(m.createdAt, start);
    assert.equal(m.notBefore, start + 10_000);
    await srv.settle();
    assert.equal(rcv.deliveries.length, 0);
    await srv.advance(9_999);
    assert.equal(rcv.deliveries.length, 0);
    await srv.advance(1);
    assert.equal(rcv.deliveries.length, 1);
    assert.equal(rcv.deliveries[0]?.at, start + 10_000);

    const at = Math.floor(srv.clock.now() / 1000) + 30;
    const nb = await srv.client.publish({ url: `${rcv.url}/nb`, body: 'b', notBefore: at, delay: 1 });
    assert.equal((await srv.client.messages.get(nb.messageId)).notBefore, at * 1000);
    await srv.advance(at * 1000 - srv.clock.now() - 1);
    assert.equal(rcv.deliveries.length, 1);
    await srv.advance(1);
    assert.deepEqual(
      rcv.deliveries.map((d) => d.path),
      ['/delay', '/nb'],
    );
    const string = await srv.client.publish({ url: `${rcv.url}/s`, body: 'c', delay: '1m30s' as `${bigint}s` });
    assert.equal((await srv.client.messages.get(string.messageId)).notBefore, srv.clock.now() + 90_000);
  });
});

test('labels, Content-Type passthrough, and forwarded headers replaced (not merged) by the server', async () => {
  await withServer(async (srv, rcv) => {
    const res = await srv.client.publish({
      url: `${rcv.url}/l`,
      body: '<a/>',
      label: ['first', 'second'],
      headers: {
        'Content-Type': 'application/xml; charset=latin1',
        'User-Agent': 'my-agent',
        'Upstash-Forward-Upstash-Message-Id': 'msg_forged',
        'Upstash-Forward-Upstash-Retried': '7',
        'Upstash-Forward-Upstash-Signature': 'forged.jwt.value',
        'X-Kept': 'yes',
      },
      delay: 1,
    });
    const m = await srv.client.messages.get(res.messageId);
    assert.equal(m.label, 'first');
    assert.deepEqual(m.labels, ['first', 'second']);
    assert.deepEqual(m.header?.['Content-Type'], ['application/xml; charset=latin1']);
    await srv.advance(1_000);
    const d = rcv.deliveries[0];
    assert.ok(d !== undefined);
    assert.equal(d.headers['content-type'], 'application/xml; charset=latin1');
    assert.equal(d.headers['user-agent'], 'Upstash-QStash');
    assert.equal(d.headers['upstash-message-id'], res.messageId);
    assert.equal(d.headers['upstash-retried'], '0');
    assert.equal(d.headers['x-kept'], 'yes');
    const signature = d.headers['upstash-signature'] as string;
    assert.doesNotMatch(signature, /forged/);
    assert.equal(await srv.receiver.verify({ signature, body: '<a/>', url: `${rcv.url}/l` }), true);
  });
});

test('a non-UTF-8 body is stored exactly: messages.get shows bodyBase64, the destination gets the bytes', async () => {
  await withServer(async (srv, rcv) => {
    const bytes = Buffer.from([0xff, 0xfe, 0x00, 0x80, 0x41]);
    const res = await srv.client.publish({
      url: `${rcv.url}/bin`,
      body: new Blob([bytes]),
      headers: { 'Content-Type': 'application/octet-stream' },
      delay: 5,
    });
    const m = await srv.client.messages.get(res.messageId);
    assert.equal(m.bodyBase64, bytes.toString('base64'));
    assert.equal(m.body, undefined);
    assert.equal('body' in m, false);
    await srv.advance(5_000);
    assert.deepEqual(rcv.deliveries[0]?.body, bytes);
    // The SDK's Receiver hashes a string body as UTF-8, so the claim is checked against the raw bytes here.
    const jwt = rcv.deliveries[0]?.headers['upstash-signature'] as string;
    const claims = JSON.parse(Buffer.from(jwt.split('.')[1] as string, 'base64url').toString()) as { body: string };
    assert.equal(claims.body.replace(/=+$/, ''), createHash('sha256').update(bytes).digest('base64url'));
  });
});

test('redact: body and named headers show as REDACTED:<sha256> through the API, delivered in clear', async () => {
  await withServer(async (srv, rcv) => {
    const res = await srv.client.publish({
      url: `${rcv.url}/r`,
      body: 'secret body',
      headers: { Authorization: 'Bearer s3cret', 'X-Public': 'visible' },
      redact: { body: true, header: ['Authorization'] },
      delay: 1,
    });
    const m = await srv.client.messages.get(res.messageId);
    const sha = (s: string) => `REDACTED:${createHash('sha256').update(s).digest('hex')}`;
    assert.equal(m.body, sha('secret body'));
    assert.deepEqual(m.header?.Authorization, [sha('Bearer s3cret')]);
    assert.deepEqual(m.header?.['X-Public'], ['visible']);
    const all = await srv.client.publish({
      url: `${rcv.url}/r2`,
      body: 'b',
      headers: { 'X-A': 'a' },
      redact: { header: true },
      delay: 1,
    });
    const m2 = await srv.client.messages.get(all.messageId);
    assert.equal(m2.body, 'b');
    for (const values of Object.values(m2.header ?? {}))
      for (const v of values) assert.match(v, /^REDACTED:[0-9a-f]{64}$/);
    await srv.advance(1_000);
    const d = rcv.deliveries.find((x) => x.path === '/r');
    assert.equal(d?.body.toString(), 'secret body');
    assert.equal(d?.headers.authorization, 'Bearer s3cret');
  });
});

test('batch and batchJSON: one element per item, a single item still an array, URL-group items nested, queue items', async () => {
  await withServer(async (srv, rcv) => {
    const one = await srv.client.batch([{ url: `${rcv.url}/b1`, body: 'one' }]);
    assert.ok(Array.isArray(one));
    assert.equal(one.length, 1);
    assert.deepEqual(one[0], { messageId: (one[0] as { messageId: string }).messageId, url: `${rcv.url}/b1` });
    await srv.client.urlGroups.addEndpoints({
      name: 'grp',
      endpoints: [{ url: `${rcv.url}/g1` }, { url: `${rcv.url}/g2` }],
    });
    // Paused, so the queued item can still be read as pending.
    await srv.client.queue({ queueName: 'bq' }).upsert({ paused: true });
    const mixed = await srv.client.batchJSON([
      { url: `${rcv.url}/b2`, body: { n: 2 }, headers: { 'X-N': '2' }, delay: 3 },
      { urlGroup: 'grp', body: { n: 3 } },
      { url: `${rcv.url}/b4`, body: { n: 4 }, queueName: 'bq' },
    ]);
    assert.equal(mixed.length, 3);
    assert.ok(!Array.isArray(mixed[0]));
    assert.ok(Array.isArray(mixed[1]));
    assert.deepEqual(
      (mixed[1] as unknown as { url: string }[]).map((r) => r.url),
      [`${rcv.url}/g1`, `${rcv.url}/g2`],
    );
    const first = mixed[0] as { messageId: string };
    const m = await srv.client.messages.get(first.messageId);
    assert.equal(m.body, '{"n":2}');
    assert.deepEqual(m.header, { 'Content-Type': ['application/json'], 'X-N': ['2'] });
    assert.equal(m.notBefore, srv.clock.now() + 3_000);
    const queued = await srv.client.messages.get((mixed[2] as { messageId: string }).messageId);
    assert.equal(queued.queueName, 'bq');
    await srv.client.queue({ queueName: 'bq' }).resume();
    await srv.advance(3_000);
    assert.deepEqual(rcv.deliveries.map((d) => d.path).sort(), ['/b1', '/b2', '/b4', '/g1', '/g2']);
  });
});

test('deduplicationId: the second publish answers 202 with the first id, nothing more is delivered; the window expires', async () => {
  await withServer(async (srv, rcv) => {
    const first = await srv.client.publish({ url: `${rcv.url}/d`, body: 'a', deduplicationId: 'dedup-1' });
    assert.deepEqual(first, { messageId: first.messageId, url: `${rcv.url}/d` });
    const second = await srv.client.publish({ url: `${rcv.url}/d`, body: 'different', deduplicationId: 'dedup-1' });
    assert.deepEqual(second, { messageId: first.messageId, url: `${rcv.url}/d`, deduplicated: true });
    const raw = await fetch(`${srv.app.url}/v2/publish/${rcv.url}/d`, {
      method: 'POST',
      headers: { authorization: `Bearer ${srv.token}`, 'upstash-deduplication-id': 'dedup-1' },
      body: 'a',
    });
    assert.equal(raw.status, 202);
    assert.deepEqual(await raw.json(), { messageId: first.messageId, url: `${rcv.url}/d`, deduplicated: true });
    await srv.settle();
    assert.equal(rcv.deliveries.length, 1);
    await srv.advance(10 * 60_000 + 1);
    const third = await srv.client.publish({ url: `${rcv.url}/d`, body: 'a', deduplicationId: 'dedup-1' });
    assert.notEqual(third.messageId, first.messageId);
    assert.equal(third.deduplicated, undefined);
    await srv.settle();
    assert.equal(rcv.deliveries.length, 2);
  });
});

test('contentBasedDeduplication: same destination, body and headers deduplicate; any difference does not', async () => {
  await withServer(async (srv, rcv) => {
    const p = (body: string, path = '/c', headers: Record<string, string> = {}) =>
      srv.client.publish({ url: `${rcv.url}${path}`, body, headers, contentBasedDeduplication: true });
    const a = await p('same');
    const b = await p('same');
    assert.deepEqual(b, { messageId: a.messageId, url: `${rcv.url}/c`, deduplicated: true });
    const c = await p('other');
    const d = await p('same', '/c2');
    const e = await p('same', '/c', { 'X-H': '1' });
    assert.equal(new Set([a.messageId, c.messageId, d.messageId, e.messageId]).size, 4);
    for (const r of [c, d, e]) assert.equal(r.deduplicated, undefined);
    await srv.settle();
    assert.equal(rcv.deliveries.length, 4);
  });
});

test('auth: a wrong token is 401 with a JSON error; ?qstash_token= works and never reaches the destination', async () => {
  await withServer(async (srv, rcv) => {
    const wrong = await fetch(`${srv.app.url}/v2/publish/${rcv.url}/a`, {
      method: 'POST',
      headers: { authorization: 'Bearer wrong' },
      body: 'x',
    });
    assert.equal(wrong.status, 401);
    assert.match(wrong.headers.get('content-type') ?? '', /application\/json/);
    const err = (await wrong.json()) as { error?: unknown };
    assert.equal(typeof err.error, 'string');
    const missing = await fetch(`${srv.app.url}/v2/queues`);
    assert.equal(missing.status, 401);
    const { Client } = await import('@upstash/qstash');
    const bad = new Client({ baseUrl: srv.app.url, token: 'nope', retry: false });
    await rejectsWith(bad.queue().list(), 401);

    const ok = await fetch(
      `${srv.app.url}/v2/publish/${rcv.url}/q?a=1&qstash_token=${encodeURIComponent(srv.token)}&b=2`,
      { method: 'POST', body: 'x' },
    );
    assert.equal(ok.status, 200);
    const { messageId, url } = (await ok.json()) as { messageId: string; url: string };
    assert.equal(url, `${rcv.url}/q?a=1&b=2`);
    await srv.settle();
    assert.equal(rcv.deliveries[0]?.path, '/q?a=1&b=2');
    assert.equal(rcv.deliveries[0]?.headers['upstash-message-id'], messageId);
    const list = await fetch(`${srv.app.url}/v2/queues?qstash_token=${encodeURIComponent(srv.token)}`);
    assert.equal(list.status, 200);
    assert.deepEqual(await list.json(), []);
  });
});
