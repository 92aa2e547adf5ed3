/**
 * The `redstash` binary as a child process on 127.0.0.1, for tests that kill it: a crash of the real
 * process (its file descriptors, its pending timers) is what these tests are about, so no in-process server.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../packages/server/bin/redstash.js', import.meta.url));
export const TOKEN = 'durability-test-token';
const READONLY_TOKEN = 'durability-test-readonly';
/** Start-up includes compiling the sources through tsx, which is slow on a busy machine. */
const START_TIMEOUT_MS = 30_000;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** Its pino log so far, one JSON object a line. */
  stderr(): string;
  exit: Promise<Exit>;
}

/** Servers a failed test left running are killed when the file ends, so the test process can exit. */
const live = new Set<ChildProcess>();
after(() => {
  for (const child of live) child.kill('SIGKILL');
});

/** `extra`: more command-line flags (e.g. `--admin-key`). */
export async function startServer(
  dataDir: string,
  fsync: 'always' | 'everysec' | 'no',
  extra: readonly string[] = [],
): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    [
      BIN,
      ...['--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir, '--appendfsync', fsync],
      ...['--token', TOKEN, '--readonly-token', READONLY_TOKEN],
      ...extra,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  live.add(child);
  child.once('exit', () => live.delete(child));
  let out = '';
  let err = '';
  const exit = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the server did not start within ${START_TIMEOUT_MS} ms:\n${err}`));
    }, START_TIMEOUT_MS);
    // Ready once it has both printed its URL and logged that it listens (stdout and stderr race).
    const check = () => {
      const m = /UPSTASH_REDIS_REST_URL="([^"]+)"/.exec(out);
      if (m !== null && err.includes('"msg":"redstash is listening"')) {
        clearTimeout(timer);
        resolve(m[1] as string);
      }
    };
    child.stdout?.on('data', (d) => {
      out += d;
      check();
    });
    child.stderr?.on('data', (d) => {
      err += d;
      check();
    });
    void exit.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code ?? signal}) before listening:\n${err}`));
    });
  });
  return { child, url, stderr: () => err, exit };
}

/** The fields of the server's start-up log line "data loaded". */
export function loadedReport(stderr: string): { records: number; keys: number; tornBytes: number } {
  for (const line of stderr.split('\n')) {
    if (!line.includes('"msg":"data loaded"')) continue;
    const { records, keys, tornBytes } = JSON.parse(line) as { records: number; keys: number; tornBytes: number };
    return { records, keys, tornBytes };
  }
  throw new Error(`no "data loaded" line in the server's log:\n${stderr}`);
}

/** One REST call with the full-access token; the reply body parsed. */
export async function rest(url: string, body: unknown, path = '/'): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

/** SIGTERM, then the exit must be clean (code 0); a server that already exited is left alone. */
export async function stopCleanly(srv: ServerProcess): Promise<void> {
  if (srv.child.exitCode !== null || srv.child.signalCode !== null) return;
  srv.child.kill('SIGTERM');
  const { code } = await srv.exit;
  assert.equal(code, 0, srv.stderr());
}
