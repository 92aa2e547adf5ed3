/**
 * The queue benchmark's server, alone in a child process: the real composition root with the queue on
 * (memory only, real clock, delivery timers on). Usage (from run.ts): server.ts. It reports its URL and the
 * queue's credentials over IPC, answers CPU-time queries, and serves until killed.
 */
import { startApp } from '@redstash/server';

const app = await startApp({ host: '127.0.0.1', port: 0, token: 'bench-redis-token', qstash: {} });
const qstash = app.qstash;
if (qstash === undefined) throw new Error('the queue is off');
process.send?.({ url: app.url, credentials: qstash.credentials() });
// A clean exit on SIGTERM, so `--cpu-prof` (BENCH_QUEUE_PROFILE=1) gets to write its profile.
process.on('SIGTERM', () => process.exit(0));
process.on('message', () => {
  const { user, system } = process.cpuUsage();
  process.send?.({ cpuMicros: user + system });
});
