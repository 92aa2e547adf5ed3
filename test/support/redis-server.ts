/**
 * A private redis-server for one test file: found on PATH, started on a free loopback port with no
 * persistence, ready once it answers PING, stopped by `stop()` (and by process exit, should a test crash).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { RespClient } from './resp-client.ts';

export const REDIS_MISSING = 'redis-server not installed: apt-get install redis-server';

export interface RedisServer {
  readonly port: number;
  /** A new connection to the server (close it when done). */
  connect(): Promise<RespClient>;
  stop(): Promise<void>;
}

/** The redis-server binary on PATH, or undefined when it is not installed. */
export function findRedisServer(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, 'redis-server');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  return undefined;
}

/** A port free on 127.0.0.1 right now (for child servers that need one before they start). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts a server; undefined when redis-server is not installed (callers skip, saying why). */
export async function startRedisServer(): Promise<RedisServer | undefined> {
  const binary = findRedisServer();
  if (binary === undefined) return undefined;
  let lastError: unknown;
  // A port found free can be taken before redis binds it: try a few.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOn(binary, await freePort());
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}

async function startOn(binary: string, port: number): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'redstash-redis-'));
  const args = ['--save', '', '--appendonly', 'no', '--port', String(port), '--bind', '127.0.0.1', '--dir', dir];
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    process.off('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(3000).then(() => child.kill('SIGKILL'))]);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForPing(child, port, () => output);
  } catch (err) {
    await stop();
    throw err;
  }
  return { port, connect: () => RespClient.connect(port), stop };
}

async function waitForPing(child: ChildProcess, port: number, output: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited (${child.exitCode}): ${output()}`);
    try {
      const client = await RespClient.connect(port);
      try {
        const reply = await client.send(['PING']);
        if (reply.type === 'status' && reply.value === 'PONG') return;
      } finally {
        client.close();
      }
    } catch {}
    await sleep(20);
  }
  throw new Error(`redis-server on port ${port} did not answer PING: ${output()}`);
}
