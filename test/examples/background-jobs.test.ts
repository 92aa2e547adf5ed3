/**
 * examples/background-jobs against Redstash's queue: the recipe's code is the example's (checked here, so
 * the guide cannot drift), a failing first attempt is retried after the delay the recipe sets, and an
 * unsigned request is refused by the worker.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { ManualClock } from '@redstash/engine/testing';
import { startApp } from '@redstash/server';
import { Client } from '@upstash/qstash';
import { createWorker, enqueueSummary, type Job } from '../../examples/background-jobs/jobs.ts';

const root = new URL('../../', import.meta.url);

test('the background-jobs guide shows the example code as it is', () => {
  const guide = readFileSync(new URL('docs/recipes/background-jobs.md', root), 'utf8');
  const source = readFileSync(new URL('examples/background-jobs/jobs.ts', root), 'utf8');
  const blocks = [...guide.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] as string);
  assert.equal(blocks.length, 2);
  for (const block of blocks) assert.ok(source.includes(block), `not in jobs.ts as written:\n${block}`);
});

test('a job is enqueued, its failing first attempt retried a second later, and done once', async () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 27, 12));
  const app = await startApp({ host: '127.0.0.1', port: 0, token: 'redis-token', clock, qstash: { timers: false } });
  const qstash = app.qstash;
  assert.ok(qstash !== undefined);
  const keys = qstash.credentials();
  const done: Job[] = [];
  let attempts = 0;
  const worker = createWorker(keys, async (job) => {
    attempts++;
    if (attempts === 1) throw new Error('the model timed out');
    done.push(job);
  });
  await new Promise<void>((resolve) => worker.listen(0, '127.0.0.1', () => resolve()));
  const workerUrl = `http://127.0.0.1:${(worker.address() as AddressInfo).port}/jobs/summarise`;
  try {
    const client = new Client({ baseUrl: app.url, token: keys.token, retry: false });
    const id = await enqueueSummary(client, workerUrl, { documentId: 'doc-42' });
    assert.match(id, /^msg_/);
    await qstash.queue.idle();
    assert.equal(attempts, 1, 'first attempt made, and failed');
    assert.deepEqual(done, []);
    clock.advance(999);
    await qstash.queue.idle();
    assert.equal(attempts, 1, 'not retried before the delay');
    clock.advance(1);
    await qstash.queue.idle();
    assert.equal(attempts, 2);
    assert.deepEqual(done, [{ documentId: 'doc-42' }]);
    // Anyone else calling the worker is refused: only the queue's signature opens it.
    const forged = await fetch(workerUrl, { method: 'POST', body: JSON.stringify({ documentId: 'x' }) });
    assert.equal(forged.status, 401);
    assert.equal(attempts, 2);
  } finally {
    worker.close();
    await app.close({ force: true });
  }
});
