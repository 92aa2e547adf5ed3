/**
 * The queue benchmark's destination, alone in a child process so neither the server nor the load generator
 * shares its core: answers 200 at once and records when each message (its body is its sequence number)
 * first arrived, on the wall clock at sub-millisecond resolution (`timeOrigin + now()`), which every process
 * on the machine shares. Usage (from run.ts): receiver.ts. IPC: `{expect: n}` starts a round and is answered
 * with the arrival times once n distinct messages arrived; `'cpu'` with this process's CPU time.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

let arrivals: number[] = [];
let distinct = 0;
let duplicates = 0;
let expected = Number.POSITIVE_INFINITY;

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const at = performance.timeOrigin + performance.now();
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 2 });
    res.end('ok');
    const seq = Number(Buffer.concat(chunks).toString());
    // Baseline load (autocannon) sends no sequence number.
    if (!Number.isInteger(seq) || seq < 0) return;
    if (arrivals[seq] !== undefined) duplicates++;
    else {
      arrivals[seq] = at;
      distinct++;
    }
    if (distinct === expected) {
      expected = Number.POSITIVE_INFINITY;
      process.send?.({ arrivals, duplicates, connections });
    }
  });
});
server.keepAliveTimeout = 60_000;
let connections = 0;
server.on('connection', () => connections++);
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
process.send?.({ port: (server.address() as AddressInfo).port });
process.on('message', (m: { expect?: number } | 'cpu') => {
  if (m === 'cpu') {
    const { user, system } = process.cpuUsage();
    process.send?.({ cpuMicros: user + system });
    return;
  }
  arrivals = [];
  distinct = 0;
  duplicates = 0;
  connections = 0;
  expected = m.expect ?? Number.POSITIVE_INFINITY;
  process.send?.({ ready: true });
});
