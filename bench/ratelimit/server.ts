/**
 * One server under test, alone in a child process started by run.ts, so the load generator in the parent
 * does not run on the server's event loop:
 *   server.ts redstash <token>               — the real composition root (REST handler + engine with Lua)
 *   server.ts proxy <token> <redis port>     — proxy.ts in front of a redis-server the parent started
 * It reports its port over IPC, answers any other message with its CPU time in µs and the HTTP requests it
 * has had, and leaves on 'exit' through process.exit, so a `--cpu-prof` run writes its profile.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startApp } from '@redstash/server';
import { startProxy } from './proxy.ts';

const [kind, token = '', redisPort] = process.argv.slice(2);
let server: Server;
if (kind === 'redstash') {
  server = (await startApp({ host: '127.0.0.1', port: 0, token })).server;
} else if (kind === 'proxy') {
  server = (await startProxy({ redisPort: Number(redisPort), token })).server;
} else {
  throw new Error(`unknown server kind: ${kind}`);
}
// HTTP requests per limit() call show how far the client's auto-pipelining batched the calls.
let requests = 0;
server.on('request', () => requests++);
process.send?.({ port: (server.address() as AddressInfo).port });
process.on('message', (m) => {
  if (m === 'exit') process.exit(0);
  const { user, system } = process.cpuUsage();
  process.send?.({ cpuMicros: user + system, requests });
});
