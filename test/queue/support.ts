/** A server with the queue on a manual clock (no delivery timers), and local receivers on 127.0.0.1. */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { type AddressInfo, createServer as createTcpServer, type Socket } from 'node:net';
import { ManualClock } from '@redstash/engine/testing';
import { type App, startApp } from '@redstash/server';
import { Client, QstashError, Receiver } from '@upstash/qstash';

export interface Delivery {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
  at: number;
}

export interface Receiver_ {
  url: string;
  deliveries: Delivery[];
  /** What to answer the next requests with (default 200 "ok"); a promise holds the response open. */
  respond: (d: Delivery) => Answer | Promise<Answer>;
  /** Requests being answered now, and the most there ever were at once. */
  inFlight: number;
  maxInFlight: number;
  /** Resolves once `n` deliveries arrived (rejects after a bounded real-time wait). */
  waitFor(n: number, ms?: number): Promise<void>;
  close(): Promise<void>;
}

export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export async function startReceiver(clock: { now(): number }): Promise<Receiver_> {
  const r: Receiver_ = {
    url: '',
    deliveries: [],
    respond: () => ({ status: 200, body: 'ok' }),
    inFlight: 0,
    maxInFlight: 0,
    waitFor: (n, ms = 5000) =>
      new Promise((resolve, reject) => {
        if (r.deliveries.length >= n) return resolve();
        const timer = setTimeout(() => reject(new Error(`${r.deliveries.length} deliveries, expected ${n}`)), ms);
        waiters.push({
          n,
          done: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  let waiters: { n: number; done: () => void }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const d: Delivery = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks),
        at: clock.now(),
      };
      r.deliveries.push(d);
      r.inFlight++;
      r.maxInFlight = Math.max(r.maxInFlight, r.inFlight);
      const ready = waiters.filter((w) => r.deliveries.length >= w.n);
      waiters = waiters.filter((w) => r.deliveries.length < w.n);
      for (const w of ready) w.done();
      void Promise.resolve(r.respond(d)).then((answer) => {
        r.inFlight--;
        res.writeHead(answer.status, answer.headers ?? {});
        res.end(answer.body ?? '');
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  server.unref();
  return r;
}

export interface QueueServer {
  app: App;
  clock: ManualClock;
  client: Client;
  receiver: Receiver;
  token: string;
  /** Runs due deliveries until nothing is due now. */
  settle(): Promise<void>;
  /** Moves the clock and runs what became due. */
  advance(ms: number): Promise<void>;
  close(): Promise<void>;
}

export interface QueueServerOptions {
  /** Keep the state in this directory (fsync always), so a second server over it sees the first's. */
  dataDir?: string;
  /** Continue on this clock (a restarted server) instead of a new one. */
  clock?: ManualClock;
  /** Credentials given by configuration (flags or `QSTASH_*` variables). */
  credentials?: { token?: string; currentSigningKey?: string; nextSigningKey?: string };
}

export async function startQueueServer(options: QueueServerOptions = {}): Promise<QueueServer> {
  const clock = options.clock ?? new ManualClock(Date.UTC(2026, 10, 27, 12));
  const app = await startApp({
    host: '127.0.0.1',
    port: 0,
    token: 'redis-token',
    clock,
    qstash: { timers: false, ...options.credentials },
    ...(options.dataDir === undefined ? {} : { persistence: { dataDir: options.dataDir, fsync: 'always' as const } }),
  });
  const qstash = app.qstash;
  if (qstash === undefined) throw new Error('queue is off');
  const creds = qstash.credentials();
  const client = new Client({ baseUrl: app.url, token: creds.token, retry: false });
  const receiver = new Receiver({ currentSigningKey: creds.currentSigningKey, nextSigningKey: creds.nextSigningKey });
  const settle = async () => {
    await qstash.queue.idle();
    await qstash.scheduler.tick();
    await qstash.queue.idle();
  };
  return {
    app,
    clock,
    client,
    receiver,
    token: creds.token,
    settle,
    advance: async (ms) => {
      clock.advance(ms);
      await settle();
    },
    close: () => app.close({ force: true }),
  };
}

/** A destination that accepts connections and never answers (timeouts); close() drops its sockets. */
export async function startHangingServer(): Promise<{ url: string; connections: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createTcpServer((socket) => {
    h.connections++;
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const h = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connections: 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  server.unref();
  return h;
}

/** A URL on 127.0.0.1 where nothing listens (connection refused). */
export async function refusedUrl(): Promise<string> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/gone`;
}

/** A raw request to the queue API (endpoints the SDK does not call). */
export async function api(srv: QueueServer, method: string, path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${srv.app.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${srv.token}`, ...headers },
  });
  const text = await res.text();
  return { status: res.status, json: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

/** Runs `fn` with a fresh queue server and receiver, closing both afterwards. */
export async function withServer(fn: (srv: QueueServer, rcv: Receiver_) => Promise<void>): Promise<void> {
  const srv = await startQueueServer();
  const rcv = await startReceiver(srv.clock);
  try {
    await fn(srv, rcv);
  } finally {
    await rcv.close();
    await srv.close();
  }
}

/** The SDK's error for a non-2xx answer, with its status. */
export async function rejectsWith(p: Promise<unknown>, status: number): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof QstashError, String(err));
    assert.equal(err.status, status);
    return true;
  });
}
