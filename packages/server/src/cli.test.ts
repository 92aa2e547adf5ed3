import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Client, Receiver } from '@upstash/qstash';

const BIN = fileURLToPath(new URL('../bin/redstash.js', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'redstash-cli-'));
after(() => rmSync(root, { recursive: true, force: true }));

function start(args: string[]): {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  exit: Promise<number | null>;
} {
  // The queue's variables of the shell running the tests must not leak into the server's configuration.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(QSTASH_|REDSTASH_)/.test(k)));
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
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
  const vars = await printedVars(srv);
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
  assert.equal(vars.QSTASH_URL, url, 'without its own port the queue is on the main URL');
  for (const name of ['QSTASH_TOKEN', 'QSTASH_CURRENT_SIGNING_KEY', 'QSTASH_NEXT_SIGNING_KEY'])
    assert.ok(!srv.err().includes(vars[name] as string), `${name} is never logged`);
  assert.match(srv.err(), /"level":30/);
});

/** The variables of the printed `.env.local` block, once it is complete. */
async function printedVars(srv: ReturnType<typeof start>): Promise<Record<string, string>> {
  for (let i = 0; !srv.out().includes('QSTASH_NEXT_SIGNING_KEY'); i++) {
    assert.ok(i < 800, `no .env block after 20 s: ${srv.err()}`);
    await new Promise((r) => setTimeout(r, 25));
    assert.equal(srv.child.exitCode, null, srv.err());
  }
  return Object.fromEntries(
    srv
      .out()
      .split('\n')
      .filter((l) => l.includes('="'))
      .map((l) => [l.slice(0, l.indexOf('=')), JSON.parse(l.slice(l.indexOf('=') + 1))]),
  ) as Record<string, string>;
}

const QSTASH_VARS = ['QSTASH_TOKEN', 'QSTASH_CURRENT_SIGNING_KEY', 'QSTASH_NEXT_SIGNING_KEY'] as const;

test("the queue's generated credentials are kept in the data dir: the same after a restart, on its own port too", async () => {
  const dataDir = join(root, 'qstash-creds');
  const first = start(['--port', '0', '--data-dir', dataDir]);
  const a = await printedVars(first);
  assert.match(a.QSTASH_CURRENT_SIGNING_KEY as string, /^sig_/);
  assert.notEqual(a.QSTASH_CURRENT_SIGNING_KEY, a.QSTASH_NEXT_SIGNING_KEY);
  assert.notEqual(a.QSTASH_TOKEN, a.UPSTASH_REDIS_REST_TOKEN);
  first.child.kill('SIGTERM');
  assert.equal(await first.exit, 0, first.err());

  const second = start(['--port', '0', '--data-dir', dataDir, '--qstash-port', '0']);
  const b = await printedVars(second);
  try {
    for (const name of QSTASH_VARS) assert.equal(b[name], a[name], `${name} is stable across restarts`);
    assert.notEqual(b.QSTASH_URL, b.UPSTASH_REDIS_REST_URL, 'the queue has its own port');
    const keys = await fetch(`${b.QSTASH_URL}/v2/keys`, { headers: { authorization: `Bearer ${b.QSTASH_TOKEN}` } });
    assert.deepEqual(await keys.json(), { current: b.QSTASH_CURRENT_SIGNING_KEY, next: b.QSTASH_NEXT_SIGNING_KEY });
    const wrong = await fetch(`${b.QSTASH_URL}/v2/keys`, {
      headers: { authorization: `Bearer ${b.UPSTASH_REDIS_REST_TOKEN}` },
    });
    assert.equal(wrong.status, 401, "the Redis token is not the queue's");
    const admin = await fetch(`${b.QSTASH_URL}/v2/redis/databases`);
    assert.equal(admin.status, 404, "the queue's own port serves only the queue");
  } finally {
    second.child.kill('SIGTERM');
    assert.equal(await second.exit, 0);
  }

  // Given credentials win for the run, and are not kept: the generated ones are back after.
  const given = start([
    '--port',
    '0',
    '--data-dir',
    dataDir,
    '--qstash-token',
    'given-token',
    '--qstash-current-signing-key',
    'sig_given_current',
    '--qstash-next-signing-key',
    'sig_given_next',
  ]);
  const c = await printedVars(given);
  given.child.kill('SIGTERM');
  assert.equal(await given.exit, 0);
  assert.equal(c.QSTASH_TOKEN, 'given-token');
  assert.equal(c.QSTASH_CURRENT_SIGNING_KEY, 'sig_given_current');
  assert.equal(c.QSTASH_NEXT_SIGNING_KEY, 'sig_given_next');
  const third = start(['--port', '0', '--data-dir', dataDir]);
  const d = await printedVars(third);
  third.child.kill('SIGTERM');
  assert.equal(await third.exit, 0);
  for (const name of QSTASH_VARS) assert.equal(d[name], a[name]);

  const off = start(['--port', '0', '--data-dir', dataDir, '--no-qstash']);
  for (let i = 0; !off.out().includes('KV_REST_API_READ_ONLY_TOKEN'); i++) {
    assert.ok(i < 800, off.err());
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.ok(!off.out().includes('QSTASH_'), 'no queue variables when the queue is off');
  off.child.kill('SIGTERM');
  assert.equal(await off.exit, 0);
});

/** Whether 127.0.0.1:8080 can be bound right now. */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

test('--qstash-dev: @upstash/qstash in dev mode (QSTASH_DEV=true) reaches the server on 8080, deliveries verify', async (t) => {
  if (!(await portFree(8080))) {
    t.skip('port 8080 is in use on this machine; the dev profile needs it');
    return;
  }
  const srv = start(['--port', '0', '--data-dir', join(root, 'qstash-dev'), '--qstash-dev']);
  const vars = await printedVars(srv);
  const received: { body: string; headers: Record<string, string | string[] | undefined> }[] = [];
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      received.push({ body, headers: req.headers });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  try {
    assert.equal(vars.QSTASH_URL, 'http://127.0.0.1:8080');
    // Dev mode ignores baseUrl and token and uses the SDK's built-in dev server URL and credentials; it
    // finds our server through its health probe (GET /v2/keys), so it downloads nothing.
    const client = new Client({ devMode: true, baseUrl: 'http://127.0.0.1:1', token: 'ignored' });
    const port = (receiver.address() as { port: number }).port;
    const url = `http://127.0.0.1:${port}/dev-hook`;
    const { messageId } = await client.publishJSON({ url, body: { dev: true } });
    assert.match(messageId, /^msg_/);
    for (let i = 0; received.length === 0; i++) {
      assert.ok(i < 400, 'the message was not delivered within 10 s');
      await new Promise((r) => setTimeout(r, 25));
    }
    const d = received[0] as (typeof received)[number];
    assert.equal(d.body, '{"dev":true}');
    const verifier = new Receiver({ devMode: true });
    assert.equal(
      await verifier.verify({ signature: d.headers['upstash-signature'] as string, body: d.body, url }),
      true,
    );
  } finally {
    await new Promise<void>((r) => receiver.close(() => r()));
    srv.child.kill('SIGTERM');
    assert.equal(await srv.exit, 0);
  }
});
