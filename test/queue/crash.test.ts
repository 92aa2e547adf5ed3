/**
 * kill -9 mid-delivery: the real `redstash` process accepts N messages from the real `@upstash/qstash`
 * Client, all due at one moment a few seconds ahead (`notBefore`), starts delivering them to a local
 * receiver that answers slowly, and is SIGKILLed once a third have arrived: some answered, some in flight,
 * the rest not yet sent; restarted on the same data directory, it must deliver every message it had answered 2xx
 * for (at-least-once, issue 7 §4). Deliveries that were in flight at the kill come again, so duplicates
 * are expected and counted, never failed on. Every delivery's signature is checked with the SDK's Receiver.
 * Real time (child process, real timers): each wait is bounded.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Client, Receiver } from '@upstash/qstash';
import { startServer, stopCleanly } from '../durability/server-process.ts';
import { until } from '../support/wait.ts';

const MESSAGES = 300;
const PUBLISHERS = 10;
/**
 * The receiver holds each delivery 10–400 ms (by its sequence number) before answering 200, so at the kill
 * some are answered and many are in flight.
 */
const answerDelayMs = (seq: number) => 10 + ((seq * 37) % 40) * 10;
/** The kill comes when the receiver has answered this many deliveries. */
const KILL_AFTER = 150;
/** Publishing gets this long before the messages fall due; a slower machine just kills mid-publish. */
const DUE_IN_S = 3;
const DELIVERY_DEADLINE_MS = 60_000;

const QSTASH_TOKEN = 'crash-test-qstash-token';
const CURRENT_KEY = 'sig_crashTestCurrentSigningKey01';
const NEXT_KEY = 'sig_crashTestNextSigningKey00001';
const QSTASH_FLAGS = [
  ...['--qstash-token', QSTASH_TOKEN],
  ...['--qstash-current-signing-key', CURRENT_KEY],
  ...['--qstash-next-signing-key', NEXT_KEY],
];

interface Delivery {
  messageId: string;
  signature: string;
  body: string;
  retried: string;
}

interface SlowReceiver {
  url: string;
  deliveries: Delivery[];
  distinct: Set<string>;
  /** Requests received and not yet answered. */
  pending: number;
  answered: number;
  /** Called after each answer. */
  onAnswered: () => void;
  close(): Promise<void>;
}

async function startSlowReceiver(): Promise<SlowReceiver> {
  const r: SlowReceiver = {
    url: '',
    deliveries: [],
    distinct: new Set(),
    pending: 0,
    answered: 0,
    onAnswered: () => {},
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((req, res) => {
    r.pending++;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const messageId = String(req.headers['upstash-message-id'] ?? '');
      r.deliveries.push({
        messageId,
        signature: String(req.headers['upstash-signature'] ?? ''),
        body: Buffer.concat(chunks).toString('utf8'),
        retried: String(req.headers['upstash-retried'] ?? ''),
      });
      r.distinct.add(messageId);
      const seq = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { seq?: number }).seq ?? 0;
      setTimeout(() => {
        r.pending--;
        // The server may be dead by now: the answer then goes nowhere, which is the point.
        res.on('error', () => {});
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('ok');
        r.answered++;
        r.onAnswered();
      }, answerDelayMs(seq));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return r;
}

test('SIGKILL mid-delivery: every accepted message is delivered after restart, signed; duplicates counted', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'redstash-queue-crash-'));
  const receiver = await startSlowReceiver();
  const verifier = new Receiver({ currentSigningKey: CURRENT_KEY, nextSigningKey: NEXT_KEY });
  const target = `${receiver.url}/hook`;
  let srv = await startServer(dataDir, 'everysec', QSTASH_FLAGS);
  try {
    // ---- publish; the kill lands when KILL_AFTER deliveries have been answered
    const accepted = new Map<string, number>();
    let publishErrors = 0;
    let killed = false;
    let pendingAtKill = 0;
    const victim = srv;
    let arrivedAtKill = 0;
    receiver.onAnswered = () => {
      if (killed || receiver.answered < KILL_AFTER) return;
      killed = true;
      pendingAtKill = receiver.pending;
      arrivedAtKill = receiver.distinct.size;
      victim.child.kill('SIGKILL');
    };
    const client = new Client({ baseUrl: srv.url, token: QSTASH_TOKEN, retry: false });
    const notBefore = Math.ceil(Date.now() / 1000) + DUE_IN_S;
    let next = 0;
    const publisher = async () => {
      while (next < MESSAGES && !killed) {
        const seq = next++;
        try {
          const { messageId } = await client.publishJSON({ url: target, body: { seq }, notBefore });
          accepted.set(messageId, seq);
        } catch {
          // Refused or cut off by the kill: not accepted, so nothing is owed.
          publishErrors++;
        }
      }
    };
    await Promise.all(Array.from({ length: PUBLISHERS }, publisher));
    await until(
      () => `the kill never came: ${receiver.distinct.size} of ${accepted.size} accepted messages arrived`,
      () => killed,
      DELIVERY_DEADLINE_MS,
      20,
    );
    const exit = await srv.exit;
    assert.equal(exit.signal, 'SIGKILL');
    assert.ok(pendingAtKill > 0, 'deliveries were in flight at the kill');
    assert.ok(accepted.size >= KILL_AFTER, `only ${accepted.size} messages were accepted before the kill`);

    // ---- restart on the same directory: everything accepted arrives, at least once
    srv = await startServer(dataDir, 'everysec', QSTASH_FLAGS);
    const missing = () => [...accepted.keys()].filter((id) => !receiver.distinct.has(id));
    await until(
      () => `${missing().length} of ${accepted.size} accepted messages never delivered, e.g. ${missing()[0]}`,
      () => missing().length === 0,
      DELIVERY_DEADLINE_MS,
      20,
    );

    // ---- every delivery is signed for its body and URL, and carries the body that was published
    for (const d of receiver.deliveries) {
      assert.equal(await verifier.verify({ signature: d.signature, body: d.body, url: target }), true);
      const seq = accepted.get(d.messageId);
      if (seq !== undefined) assert.deepEqual(JSON.parse(d.body), { seq });
    }
    await assert.rejects(
      verifier.verify({ signature: receiver.deliveries[0]?.signature ?? '', body: '{"seq":-1}', url: target }),
      /body hash/i,
    );

    // ---- once answered, the restarted server forgets them (no endless redelivery)
    await until(
      () => `${receiver.pending} deliveries still unanswered`,
      () => receiver.pending === 0,
      DELIVERY_DEADLINE_MS,
      20,
    );
    for (const id of accepted.keys()) {
      const deadline = Date.now() + 10_000;
      for (;;) {
        // Plain fetch: the SDK's messages.get logs every 404 to the console.
        const res = await fetch(`${srv.url}/v2/messages/${id}`, {
          headers: { authorization: `Bearer ${QSTASH_TOKEN}` },
        });
        await res.arrayBuffer();
        const gone = res.status === 404;
        if (gone) break;
        assert.ok(Date.now() < deadline, `message ${id} still pending after its delivery`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }

    const ofAccepted = receiver.deliveries.filter((d) => accepted.has(d.messageId));
    const duplicates = ofAccepted.length - accepted.size;
    const unacknowledged = receiver.distinct.size - accepted.size;
    assert.ok(duplicates >= 0);
    t.diagnostic(
      `accepted ${accepted.size} of ${MESSAGES} (${publishErrors} publishes cut off by the kill); ` +
        `at the kill ${arrivedAtKill} had arrived, ${KILL_AFTER} answered, ${pendingAtKill} in flight; ` +
        `after restart all ${accepted.size} delivered, ${duplicates} duplicate deliveries; ` +
        `${unacknowledged} messages delivered whose publish never got its answer; ` +
        `${receiver.deliveries.length} deliveries in all, every signature verified`,
    );
    await stopCleanly(srv);
  } finally {
    srv.child.kill('SIGKILL');
    await receiver.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
