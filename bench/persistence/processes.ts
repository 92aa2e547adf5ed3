/**
 * The servers under test, each a real child process started the way a user starts it: our CLI
 * (packages/server/bin/redstash.js) and Debian's redis-server. Start-up is timed from the spawn until the server
 * answers (/healthz for ours, PING → PONG for Redis, which answers -LOADING until its data is in), and the
 * child's CPU time and resident memory are read from /proc, so nothing in the product is instrumented.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import { fileURLToPath } from 'node:url';
import { findRedisServer, freePort } from '../../test/support/redis-server.ts';
import { RespClient } from '../../test/support/resp-client.ts';

export const TOKEN = 'bench-token';
const READONLY_TOKEN = 'bench-readonly-token';
const REDSTASH_BIN = fileURLToPath(new URL('../../packages/server/bin/redstash.js', import.meta.url));
const COUNT_SYNCS = fileURLToPath(new URL('./count-syncs.mjs', import.meta.url));
const READY_TIMEOUT_MS = 300_000;
const POLL_MS = 5;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let clockTick: number | undefined;
/** µs per clock tick, the unit of /proc/<pid>/stat's CPU times. */
export function tickMicros(): number {
  if (clockTick === undefined) {
    try {
      clockTick = 1e6 / Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    } catch {
      clockTick = 10_000;
    }
  }
  return clockTick;
}

/** A started server: its output lines (pino JSON for ours, Redis's log for Redis), CPU time, memory. */
export class ServerProcess {
  readonly child: ChildProcess;
  readonly port: number;
  /** performance.now() just before the spawn. */
  readonly spawnedAt: number;
  readonly lines: string[] = [];
  private readonly exited: Promise<void>;
  private readonly listeners = new Set<() => void>();

  constructor(child: ChildProcess, port: number, spawnedAt: number) {
    this.child = child;
    this.port = port;
    this.spawnedAt = spawnedAt;
    const collect = (stream: NodeJS.ReadableStream | null) => {
      let partial = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        const parts = (partial + chunk).split('\n');
        partial = parts.pop() ?? '';
        this.lines.push(...parts);
        for (const l of this.listeners) l();
      });
    };
    collect(child.stdout);
    collect(child.stderr);
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    const kill = () => child.kill('SIGKILL');
    process.once('exit', kill);
    child.once('exit', () => process.off('exit', kill));
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The first output line from `from` on that `test` accepts, waiting for it if need be. */
  async line(test: (line: string) => boolean, from = 0, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (let i = from; i < this.lines.length; i++) if (test(this.lines[i] as string)) return this.lines[i] as string;
      if (!this.alive) throw new Error(`the server exited before printing the expected line:\n${this.output()}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for a line:\n${this.output()}`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.listeners.delete(wake);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(wake, 100);
        this.listeners.add(wake);
      });
    }
  }

  /** A pino JSON line of ours with this `msg`, parsed. */
  async logEntry(msg: string, from = 0): Promise<Record<string, unknown>> {
    const line = await this.line((l) => l.startsWith('{') && l.includes(`"msg":"${msg}"`), from);
    return JSON.parse(line) as Record<string, unknown>;
  }

  output(): string {
    return this.lines.slice(-20).join('\n');
  }

  /** User + system CPU time so far, in µs. */
  cpuMicros(): number {
    const stat = readFileSync(`/proc/${this.child.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * tickMicros();
  }

  /** Resident memory, in bytes. */
  rssBytes(): number {
    const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN) * 1024;
  }

  /** fdatasync calls so far (only when started with `countSyncs`): asked for by signal, answered on stderr. */
  async fdatasyncs(): Promise<number> {
    const from = this.lines.length;
    this.child.kill('SIGUSR2');
    const line = await this.line((l) => l.startsWith('{"benchFdatasyncs"'), from);
    return (JSON.parse(line) as { benchFdatasyncs: number }).benchFdatasyncs;
  }

  /** SIGTERM (both servers shut down gracefully on it, a --cpu-prof child writes its profile) and wait. */
  async stop(): Promise<void> {
    if (this.alive) this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 60_000);
    await this.exited;
    clearTimeout(timer);
  }
}

export type Durability = 'off' | 'no' | 'everysec' | 'always';

export interface RedstashOptions {
  dataDir: string;
  durability: Durability;
  /** Preload count-syncs.mjs, so `fdatasyncs()` works. */
  countSyncs?: boolean;
  /** Node flags, e.g. --cpu-prof. */
  nodeFlags?: string[];
}

/** Our CLI on a free loopback port; resolves once /healthz answers, with the time that took. */
export async function startRedstash(options: RedstashOptions): Promise<{ server: ServerProcess; readyMs: number }> {
  const port = await freePort();
  const args = [
    ...(options.nodeFlags ?? []),
    ...(options.countSyncs === true ? ['--import', COUNT_SYNCS] : []),
    REDSTASH_BIN,
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--token',
    TOKEN,
    '--readonly-token',
    READONLY_TOKEN,
    '--data-dir',
    options.dataDir,
    ...(options.durability === 'off' ? ['--no-persistence'] : ['--appendfsync', options.durability]),
  ];
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const server = new ServerProcess(child, port, spawnedAt);
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await healthy(port))) {
    if (!server.alive) throw new Error(`redstash exited during start-up:\n${server.output()}`);
    if (Date.now() > deadline) throw new Error(`redstash did not answer /healthz:\n${server.output()}`);
    await sleep(POLL_MS);
  }
  return { server, readyMs: performance.now() - spawnedAt };
}

function healthy(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = get({ host: '127.0.0.1', port, path: '/healthz', agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
  });
}

/** One command to our server over REST (plain JSON replies). */
export async function restCommand(port: number, argv: string[]): Promise<unknown> {
  const res = await fetch(`http://127.0.0.1:${port}/`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify(argv),
  });
  const body = (await res.json()) as { result?: unknown; error?: string };
  if (body.error !== undefined) throw new Error(`${argv[0]}: ${body.error}`);
  return body.result;
}

export const redisBinary = findRedisServer;

/** redis-server with `args` on a free loopback port; resolves once PING answers PONG, with the time that took. */
export async function startRedis(
  binary: string,
  dir: string,
  args: string[],
): Promise<{ server: ServerProcess; readyMs: number; client: RespClient }> {
  const port = await freePort();
  const spawnedAt = performance.now();
  const child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const server = new ServerProcess(child, port, spawnedAt);
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (!server.alive) throw new Error(`redis-server exited during start-up:\n${server.output()}`);
    if (Date.now() > deadline) throw new Error(`redis-server did not answer PING:\n${server.output()}`);
    let client: RespClient | undefined;
    try {
      client = await RespClient.connect(port);
      const reply = await client.send(['PING']);
      if (reply.type === 'status' && reply.value === 'PONG')
        return { server, readyMs: performance.now() - spawnedAt, client };
    } catch {}
    client?.close();
    await sleep(POLL_MS);
  }
}
