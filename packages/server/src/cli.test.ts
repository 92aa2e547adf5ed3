import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/redstash.js', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'redstash-cli-'));
after(() => rmSync(root, { recursive: true, force: true }));

function start(args: string[]): {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  exit: Promise<number | null>;
} {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    err += d;
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, out: () => out, err: () => err, exit };
}

test('--help exits 0; a bad flag exits 2 with a message', async () => {
  const help = start(['--help']);
  assert.equal(await help.exit, 0);
  assert.match(help.out(), /--readonly-token/);
  const bad = start(['--port', 'nope']);
  assert.equal(await bad.exit, 2);
  assert.match(bad.err(), /--port must be a port number/);
});

test('the bin serves, prints a paste-ready block without logging tokens, and stops cleanly on SIGTERM', async () => {
  const srv = start(['--port', '0', '--data-dir', join(root, 'data')]);
  while (!srv.out().includes('KV_REST_API_READ_ONLY_TOKEN')) {
    await new Promise((r) => setTimeout(r, 25));
    assert.equal(srv.child.exitCode, null, srv.err());
  }
  const vars = Object.fromEntries(
    srv
      .out()
      .split('\n')
      .filter((l) => l.includes('="'))
      .map((l) => [l.slice(0, l.indexOf('=')), JSON.parse(l.slice(l.indexOf('=') + 1))]),
  ) as Record<string, string>;
  const url = vars.UPSTASH_REDIS_REST_URL as string;
  const token = vars.UPSTASH_REDIS_REST_TOKEN as string;
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const res = await fetch(`${url}/echo/hi`, { headers: { authorization: `Bearer ${token}` } });
  assert.deepEqual(await res.json(), { result: 'hi' });
  const denied = await fetch(`${url}/echo/hi?_token=${token}x`);
  assert.equal(denied.status, 401);

  // A request still sending its body when SIGTERM comes is finished before the process exits.
  const { hostname, port } = new URL(url);
  const inFlight = new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      { host: hostname, port, path: '/', method: 'POST', headers: { authorization: `Bearer ${token}` } },
      (res) => {
        let body = '';
        res.on('data', (d) => {
          body += d;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.write('["ECHO",');
    setTimeout(() => {
      srv.child.kill('SIGTERM');
      setTimeout(() => req.end('"late"]'), 200);
    }, 100);
  });
  assert.deepEqual(await inFlight, { status: 200, body: '{"result":"late"}' });
  assert.equal(await srv.exit, 0);
  assert.ok(!srv.err().includes(token), 'the token is never logged');
  assert.ok(!srv.err().includes(vars.KV_REST_API_READ_ONLY_TOKEN as string));
  assert.match(srv.err(), /"level":30/);
});
