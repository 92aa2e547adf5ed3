/**
 * The two servers the REST benchmark compares, each started in its own child process by run.ts:
 *   bare     — node:http answering `{"result":"OK"}` to everything: the ceiling for any node:http server;
 *   redstash — the real composition root (REST handler + engine), key `k` preset.
 * Usage (from run.ts): servers.ts <bare|redstash> <token>. The child reports its port over IPC, answers CPU
 * time queries, and serves until killed.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startApp } from '@redstash/server';

const [kind, token = ''] = process.argv.slice(2);
let port: number;
if (kind === 'bare') {
  const body = '{"result":"OK"}';
  // The least a node:http server can do: answer at once (node drains any request body itself).
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
} else if (kind === 'redstash') {
  const app = await startApp({ host: '127.0.0.1', port: 0, token });
  app.engine.exec(app.engine.createClient(), ['SET', 'k', 'a value of moderate length, 40 bytes....']);
  port = Number(new URL(app.url).port);
} else {
  throw new Error(`unknown server kind: ${kind}`);
}
process.send?.({ port });
// run.ts asks for this process's CPU time around each measurement: CPU per request is the server's cost,
// whatever the load generator could deliver.
process.on('message', () => {
  const { user, system } = process.cpuUsage();
  process.send?.({ cpuMicros: user + system });
});
