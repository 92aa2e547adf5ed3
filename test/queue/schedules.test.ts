/**
 * Schedules with the real @upstash/qstash client: create/upsert, the exact Schedule shape, pause/resume (PATCH as
 * the SDK sends it, POST as the OpenAPI documents it), delete, firing on the injected clock, and survival across
 * a restart over the same data directory.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { type QueueServer, startQueueServer, startReceiver } from './support.ts';

const T0 = Date.UTC(2026, 10, 27, 12); // the support clock's start: a minute boundary
const MIN = 60_000;

/** Raw call for what the SDK does not send (POST pause/resume, bad requests). */
function raw(srv: QueueServer, method: string, path: string, headers: Record<string, string> = {}, body?: string) {
  return fetch(`${srv.app.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${srv.token}`, ...headers },
    ...(body === undefined ? {} : { body }),
  });
}

test('create: cron trimmed, the exact Schedule shape (absent fields omitted), list, upsert = full replace', async () => {
  const srv = await startQueueServer();
  const rcv = await startReceiver(srv.clock);
  try {
    const { scheduleId } = await srv.client.schedules.create({
      destination: `${rcv.url}/report?x=1`,
      cron: '*/10 * * * * ',
      body: 'hello',
      method: 'PUT',
      headers: { 'Test-Header': 'a, b' },
      retries: 2,
      delay: 30,
      retryDelay: '1000 * retried',
      callback: `${rcv.url}/cb`,
      failureCallback: `${rcv.url}/fail`,
      timeout: 5,
      label: 'nightly',
    });
    assert.match(scheduleId, /^scd_/);
    const expected = {
      scheduleId,
      cron: '*/10 * * * *',
      destination: `${rcv.url}/report?x=1`,
      method: 'PUT',
      header: { 'Content-Type': ['application/json'], 'Test-Header': ['a, b'] },
      body: 'hello',
      retries: 2,
      delay: 30,
      callback: `${rcv.url}/cb`,
      failureCallback: `${rcv.url}/fail`,
      retryDelayExpression: '1000 * retried',
      label: 'nightly',
      labels: ['nightly'],
      isPaused: false,
      createdAt: T0,
      callerIp: '127.0.0.1',
      nextScheduleTime: T0 + 10 * MIN,
    };
    assert.deepEqual(await srv.client.schedules.get(scheduleId), expected);
    assert.deepEqual(await srv.client.schedules.list(), [expected]);

    // Same id: everything replaced; no body now, so `body` is absent (not "").
    srv.clock.advance(5_000);
    const again = await srv.client.schedules.create({ scheduleId, destination: `${rcv.url}/other`, cron: '0 * * * *' });
    assert.equal(again.scheduleId, scheduleId);
    const replaced = await srv.client.schedules.get(scheduleId);
    assert.deepEqual(replaced, {
      scheduleId,
      cron: '0 * * * *',
      destination: `${rcv.url}/other`,
      method: 'POST',
      header: { 'Content-Type': ['application/json'] },
      retries: 3,
      isPaused: false,
      createdAt: T0,
      callerIp: '127.0.0.1',
      nextScheduleTime: T0 + 60 * MIN,
    });
    assert.equal('body' in replaced, false, 'no body field after an update without body');
    assert.equal((await srv.client.schedules.list()).length, 1);

    // A custom id, a URL group as destination, a queue, flow control.
    await srv.client.urlGroups.addEndpoints({ name: 'grp', endpoints: [{ url: `${rcv.url}/e1` }] });
    const custom = await srv.client.schedules.create({
      scheduleId: 'my.schedule-1',
      destination: 'grp',
      cron: '* * * * *',
      queueName: 'sq',
      flowControl: { key: 'fck', parallelism: 2, rate: 5, period: '1m' },
    });
    assert.equal(custom.scheduleId, 'my.schedule-1');
    const g = await srv.client.schedules.get('my.schedule-1');
    assert.equal(g.destination, 'grp');
    assert.equal(g.queueName, 'sq');
    assert.equal(g.flowControlKey, 'fck');
    assert.equal(g.parallelism, 2);
    assert.equal(g.rate, 5);
    assert.equal(g.period, 60);
    assert.equal((await srv.client.schedules.list()).length, 2);
  } finally {
    await rcv.close();
    await srv.close();
  }
});

test('CRON_TZ prefix: evaluated in that zone; invalid crons and ids are refused with 400', async () => {
  const srv = await startQueueServer();
  try {
    const { scheduleId } = await srv.client.schedules.create({
      destination: 'https://example.com/tz',
      cron: 'CRON_TZ=America/New_York 0 9 * * *',
    });
    const s = await srv.client.schedules.get(scheduleId);
    assert.equal(s.cron, 'CRON_TZ=America/New_York 0 9 * * *');
    // 12:00 UTC is 07:00 in New York (EST, UTC-5): next is 09:00 there, 14:00 UTC.
    assert.equal(s.nextScheduleTime, Date.UTC(2026, 10, 27, 14));
    for (const cron of ['not a cron', '* * * *', '0 0 * * * *', '61 * * * *', 'CRON_TZ=Mars/Olympus 0 9 * * *']) {
      await assert.rejects(
        srv.client.schedules.create({ destination: 'https://example.com/x', cron }),
        (err: { status?: number }) => err.status === 400,
        cron,
      );
    }
    const noCron = await raw(srv, 'POST', '/v2/schedules/https://example.com/x');
    assert.equal(noCron.status, 400);
    assert.match(((await noCron.json()) as { error: string }).error, /Upstash-Cron/);
    await assert.rejects(
      srv.client.schedules.create({ destination: 'https://example.com/x', cron: '* * * * *', scheduleId: 'bad id!' }),
      (err: { status?: number }) => err.status === 400,
    );
    assert.equal((await srv.client.schedules.list()).length, 1);
    await assert.rejects(srv.client.schedules.get('scd_missing'), (err: { status?: number }) => err.status === 404);
    await assert.rejects(srv.client.schedules.delete('scd_missing'), (err: { status?: number }) => err.status === 404);
  } finally {
    await srv.close();
  }
});

test('firing on the clock: one message per minute with Upstash-Schedule-Id; pause skips; resume; delete', async () => {
  const srv = await startQueueServer();
  const rcv = await startReceiver(srv.clock);
  try {
    const { scheduleId } = await srv.client.schedules.create({
      destination: `${rcv.url}/tick`,
      cron: '* * * * *',
      body: '{"n":1}',
    });
    await srv.advance(59_999);
    assert.equal(rcv.deliveries.length, 0, 'nothing before the minute');
    await srv.advance(1);
    assert.equal(rcv.deliveries.length, 1);
    const d = rcv.deliveries[0] as (typeof rcv.deliveries)[number];
    assert.equal(d.headers['upstash-schedule-id'], scheduleId);
    assert.equal(d.path, '/tick');
    assert.equal(d.body.toString(), '{"n":1}');
    assert.equal(d.headers['content-type'], 'application/json');
    const signature = d.headers['upstash-signature'] as string;
    assert.equal(await srv.receiver.verify({ signature, body: '{"n":1}', url: `${rcv.url}/tick` }), true);
    const msgId = d.headers['upstash-message-id'] as string;
    let s = await srv.client.schedules.get(scheduleId);
    assert.equal(s.lastScheduleTime, T0 + MIN);
    assert.equal(s.nextScheduleTime, T0 + 2 * MIN);
    assert.deepEqual(s.lastScheduleStates, { [msgId]: 'SUCCESS' });

    // Jumping three minutes fires once, not once per missed minute.
    await srv.advance(3 * MIN);
    assert.equal(rcv.deliveries.length, 2);
    s = await srv.client.schedules.get(scheduleId);
    assert.equal(s.lastScheduleTime, T0 + 2 * MIN);
    assert.equal(s.nextScheduleTime, T0 + 5 * MIN);

    // Pause as the SDK does it (PATCH): firings are skipped, the next time still moves on.
    await srv.client.schedules.pause({ schedule: scheduleId });
    assert.equal((await srv.client.schedules.get(scheduleId)).isPaused, true);
    await srv.advance(MIN);
    await srv.advance(MIN);
    assert.equal(rcv.deliveries.length, 2, 'a paused schedule does not fire');
    s = await srv.client.schedules.get(scheduleId);
    assert.equal(s.nextScheduleTime, T0 + 7 * MIN);
    assert.equal(s.lastScheduleTime, T0 + 2 * MIN);

    // Resume with POST (the OpenAPI's verb), pause with POST and resume with PATCH again.
    assert.equal((await raw(srv, 'POST', `/v2/schedules/${scheduleId}/resume`)).status, 200);
    assert.equal((await srv.client.schedules.get(scheduleId)).isPaused, false);
    await srv.advance(MIN);
    assert.equal(rcv.deliveries.length, 3);
    assert.equal((await raw(srv, 'POST', `/v2/schedules/${scheduleId}/pause`)).status, 200);
    assert.equal((await srv.client.schedules.get(scheduleId)).isPaused, true);
    await srv.client.schedules.resume({ schedule: scheduleId });
    assert.equal((await srv.client.schedules.get(scheduleId)).isPaused, false);
    assert.equal((await raw(srv, 'GET', `/v2/schedules/${scheduleId}/pause`)).status, 405);
    await assert.rejects(
      srv.client.schedules.pause({ schedule: 'scd_missing' }),
      (e: { status?: number }) => e.status === 404,
    );

    await srv.client.schedules.delete(scheduleId);
    await assert.rejects(srv.client.schedules.get(scheduleId), (err: { status?: number }) => err.status === 404);
    assert.deepEqual(await srv.client.schedules.list(), []);
    await srv.advance(5 * MIN);
    assert.equal(rcv.deliveries.length, 3, 'a deleted schedule does not fire');
  } finally {
    await rcv.close();
    await srv.close();
  }
});

test('a firing: delay on each message, a failing destination shows FAIL, URL groups fan out, queues enqueue', async () => {
  const srv = await startQueueServer();
  const rcv = await startReceiver(srv.clock);
  try {
    const delayed = await srv.client.schedules.create({
      destination: `${rcv.url}/late`,
      cron: '* * * * *',
      delay: '30s',
    });
    await srv.advance(MIN);
    assert.equal(rcv.deliveries.length, 0, 'the delay applies to the produced message');
    const states = (await srv.client.schedules.get(delayed.scheduleId)).lastScheduleStates ?? {};
    const [pending] = Object.keys(states);
    assert.ok(pending !== undefined);
    assert.deepEqual(states, { [pending]: 'IN_PROGRESS' });
    const m = await srv.client.messages.get(pending);
    assert.equal(m.notBefore, T0 + MIN + 30_000);
    assert.equal(m.scheduleId, delayed.scheduleId);
    await srv.advance(30_000);
    assert.equal(rcv.deliveries.length, 1);
    assert.equal(rcv.deliveries[0]?.at, T0 + MIN + 30_000);
    await srv.client.schedules.delete(delayed.scheduleId);

    // No retries and a 500: the firing's message fails for good.
    rcv.respond = (d) => (d.path === '/broken' ? { status: 500 } : { status: 200 });
    const broken = await srv.client.schedules.create({
      destination: `${rcv.url}/broken`,
      cron: '* * * * *',
      retries: 0,
    });
    await srv.advance(MIN);
    const failed = (await srv.client.schedules.get(broken.scheduleId)).lastScheduleStates ?? {};
    assert.deepEqual(Object.values(failed), ['FAIL']);
    await srv.client.schedules.delete(broken.scheduleId);

    // The firing's message carries the schedule's callback: a signed callback with the source's ids.
    const withCallback = await srv.client.schedules.create({
      destination: `${rcv.url}/job`,
      cron: '* * * * *',
      callback: `${rcv.url}/job-done`,
    });
    await srv.advance(MIN);
    const job = rcv.deliveries.find((d) => d.path === '/job');
    const done = rcv.deliveries.find((d) => d.path === '/job-done');
    assert.ok(job !== undefined && done !== undefined);
    const payload = JSON.parse(done.body.toString()) as Record<string, unknown>;
    assert.equal(payload.sourceMessageId, job.headers['upstash-message-id']);
    assert.equal(payload.scheduleId, withCallback.scheduleId);
    assert.equal(payload.status, 200);
    assert.deepEqual(
      Object.values((await srv.client.schedules.get(withCallback.scheduleId)).lastScheduleStates ?? {}),
      ['SUCCESS'],
    );
    await srv.client.schedules.delete(withCallback.scheduleId);

    // A URL group: one message per endpoint per firing, each with the schedule id and the topic name.
    await srv.client.urlGroups.addEndpoints({
      name: 'fan',
      endpoints: [{ url: `${rcv.url}/a` }, { url: `${rcv.url}/b` }],
    });
    const fan = await srv.client.schedules.create({ destination: 'fan', cron: '* * * * *', body: 'x' });
    const before = rcv.deliveries.length;
    await srv.advance(MIN);
    const fanned = rcv.deliveries.slice(before);
    assert.deepEqual(fanned.map((d) => d.path).sort(), ['/a', '/b']);
    for (const d of fanned) {
      assert.equal(d.headers['upstash-schedule-id'], fan.scheduleId);
      assert.equal(d.headers['upstash-topic-name'], 'fan');
    }
    assert.equal(Object.keys((await srv.client.schedules.get(fan.scheduleId)).lastScheduleStates ?? {}).length, 2);
    await srv.client.schedules.delete(fan.scheduleId);

    // A queue: the firing enqueues (the queue is created), and a paused queue holds it.
    await srv.client.queue({ queueName: 'sq' }).upsert({ parallelism: 1, paused: true });
    const queued = await srv.client.schedules.create({
      destination: `${rcv.url}/q`,
      cron: '* * * * *',
      queueName: 'sq',
    });
    const n = rcv.deliveries.length;
    await srv.advance(MIN);
    assert.equal(rcv.deliveries.length, n, 'held by the paused queue');
    assert.equal((await srv.client.queue({ queueName: 'sq' }).get()).lag, 1);
    await srv.client.schedules.delete(queued.scheduleId);
    await srv.client.queue({ queueName: 'sq' }).resume();
    await srv.settle();
    assert.equal(rcv.deliveries.length, n + 1);
    assert.equal(rcv.deliveries.at(-1)?.path, '/q');
    assert.equal(rcv.deliveries.at(-1)?.headers['upstash-schedule-id'], queued.scheduleId);
  } finally {
    await rcv.close();
    await srv.close();
  }
});

test('schedules survive a restart over the same data directory; a firing missed while down runs once', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'redstash-schedules-'));
  const rcv = await startReceiver({ now: () => 0 });
  try {
    const first = await startQueueServer({ dataDir });
    await first.client.schedules.create({
      scheduleId: 'kept',
      destination: `${rcv.url}/kept`,
      cron: '*/5 * * * *',
      body: 'still here',
    });
    await first.client.schedules.create({ scheduleId: 'paused', destination: `${rcv.url}/paused`, cron: '* * * * *' });
    await first.client.schedules.pause({ schedule: 'paused' });
    const before = await first.client.schedules.list();
    await first.close();

    // Down across the 12:05 firing: the restarted server fires it once when it starts.
    first.clock.advance(7 * MIN);
    const second = await startQueueServer({ dataDir, clock: first.clock });
    try {
      const after = await second.client.schedules.list();
      const byId = new Map(after.map((s) => [s.scheduleId, s]));
      assert.deepEqual(
        [...byId.keys()].sort(),
        before.map((s) => s.scheduleId),
      );
      const kept = byId.get('kept');
      assert.equal(kept?.body, 'still here');
      assert.equal(kept?.lastScheduleTime, T0 + 5 * MIN);
      assert.equal(kept?.nextScheduleTime, T0 + 10 * MIN);
      assert.equal(byId.get('paused')?.isPaused, true);
      await second.settle();
      assert.deepEqual(
        rcv.deliveries.map((d) => d.path),
        ['/kept'],
      );
      await second.advance(3 * MIN);
      assert.deepEqual(
        rcv.deliveries.map((d) => d.path),
        ['/kept', '/kept'],
      );
    } finally {
      await second.close();
    }
  } finally {
    await rcv.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('deduplication applies to creating a schedule, not to its firings', async () => {
  const srv = await startQueueServer();
  const rcv = await startReceiver(srv.clock);
  try {
    const first = await srv.client.schedules.create({
      destination: `${rcv.url}/dedup`,
      cron: '* * * * *',
      body: 'b',
      headers: { 'Upstash-Deduplication-Id': 'nightly' },
    });
    const again = await srv.client.schedules.create({
      destination: `${rcv.url}/dedup`,
      cron: '* * * * *',
      body: 'b',
      headers: { 'Upstash-Deduplication-Id': 'nightly' },
    });
    assert.equal(again.scheduleId, first.scheduleId, 'the duplicate create answers the first schedule');
    assert.equal((await srv.client.schedules.list()).length, 1);
    await srv.advance(MIN);
    await srv.advance(MIN);
    assert.equal(rcv.deliveries.length, 2, 'each firing is its own message, not a duplicate of the first');
  } finally {
    await rcv.close();
    await srv.close();
  }
});
