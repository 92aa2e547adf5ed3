import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createTestEngine } from '@redstash/engine/testing';
import { tokenAuthenticator } from './auth.ts';
import { createRestHandler, type RestHandlerOptions } from './handler.ts';

const TOKEN = 'full';
const RO = 'readonly';
const { engine } = createTestEngine();
let server: Server;
let base: string;
const warnings: object[] = [];

async function listen(options: RestHandlerOptions): Promise<[Server, string]> {
  const srv = createServer(createRestHandler(options));
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  return [srv, `http://127.0.0.1:${(srv.address() as AddressInfo).port}`];
}

before(async () => {
  [server, base] = await listen({
    authenticate: tokenAuthenticator({ token: TOKEN, readonlyToken: RO, engine }),
    maxRequestBytes: 1000,
    logger: { warn: (o) => warnings.push(o), error: (o) => warnings.push(o) },
  });
});
after(() => {
  server.closeAllConnections();
  server.close();
});

interface Call {
  method?: string;
  body?: string | Buffer;
  token?: string | null;
  headers?: Record<string, string>;
}
async function call(path: string, { method = 'POST', body, token = TOKEN, headers = {} }: Call = {}) {
  const h: Record<string, string> = { ...headers };
  if (token !== null) h.authorization = `Bearer ${token}`;
  const res = await fetch(base + path, { method, headers: h, ...(body === undefined ? {} : { body }) });
  const bytes = Buffer.from(await res.arrayBuffer());
  const text = bytes.toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: res.status, headers: res.headers, text, bytes, json };
}
const post = (path: string, value: unknown, extra: Call = {}) => call(path, { body: JSON.stringify(value), ...extra });

describe('POST / runs one command', () => {
  test('result with 200, error with 400, command names in any case', async () => {
    assert.deepEqual((await post('/', ['SET', 'k1', 'v1'])).json, { result: 'OK' });
    assert.deepEqual((await post('/', ['get', 'k1'])).json, { result: 'v1' });
    assert.deepEqual((await post('/', ['GeT', 'missing'])).json, { result: null });
    const bad = await post('/', ['get']);
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.json, { error: "ERR wrong number of arguments for 'get' command" });
  });

  test('numbers and booleans are sent as JS spells them', async () => {
    await post('/', ['set', 'n', 1.5]);
    assert.deepEqual((await post('/', ['get', 'n'])).json, { result: '1.5' });
    await post('/', ['set', 'b', true]);
    assert.deepEqual((await post('/', ['get', 'b'])).json, { result: 'true' });
  });

  test('bad bodies get a clear 400', async () => {
    for (const body of ['{"a":1}', '"get"', '[]', '[null]', '["get",{}]', '["get",["k"]]', '[1', '']) {
      const r = await call('/', { body });
      assert.equal(r.status, 400, body);
      assert.match((r.json as { error: string }).error, /^ERR /, body);
    }
  });

  test('base64 encoding covers status replies too; errors stay text', async () => {
    const h = { 'upstash-encoding': 'base64' };
    assert.deepEqual((await post('/', ['ping'], { headers: h })).json, { result: 'UE9ORw==' });
    assert.deepEqual((await post('/', ['echo', 'hé'], { headers: h })).json, { result: 'aMOp' });
    assert.deepEqual((await post('/', ['get'], { headers: h })).json, {
      error: "ERR wrong number of arguments for 'get' command",
    });
    const foo = await post('/', ['get', 'k1'], { headers: { 'upstash-encoding': 'foo' } });
    assert.equal(foo.status, 400);
  });
});

describe('/pipeline and /multi-exec', () => {
  test('a pipeline is always 200 with one result or error per command', async () => {
    const r = await post('/pipeline', [['set', 'p', 'x'], ['get'], 'nope', [], ['get', 'p']]);
    assert.equal(r.status, 200);
    const items = r.json as { result?: unknown; error?: string }[];
    assert.deepEqual(items[0], { result: 'OK' });
    assert.match(items[1]?.error ?? '', /wrong number of arguments/);
    assert.match(items[2]?.error ?? '', /^ERR each command must be a JSON array/);
    assert.deepEqual(items[3], { error: 'ERR empty command' });
    assert.deepEqual(items[4], { result: 'x' });
    assert.equal((await post('/pipeline', [])).status, 400);
    assert.equal((await post('/pipeline', { a: 1 })).status, 400);
  });

  test('a transaction answers per command, runtime errors in place', async () => {
    const r = await post('/multi-exec', [
      ['set', 't', '1'],
      ['set', 't', '2', 'nx', 'xx'],
      ['get', 't'],
    ]);
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, [{ result: 'OK' }, { error: 'ERR syntax error' }, { result: '1' }]);
  });

  test('a refused transaction is 400 with EXECABORT and the reason, and nothing runs', async () => {
    const r = await post('/multi-exec', [
      ['set', 'never', '1'],
      ['nosuchcommand', 'a'],
    ]);
    assert.equal(r.status, 400);
    assert.match((r.json as { error: string }).error, /^EXECABORT .*: ERR unknown command 'nosuchcommand'/);
    assert.deepEqual((await post('/', ['get', 'never'])).json, { result: null });
    for (const body of [
      [['set', 'never', '1'], ['get']],
      [['set', 'never', '1'], [null]],
      [['multi'], ['exec']],
    ]) {
      const abort = await post('/multi-exec', body);
      assert.equal(abort.status, 400);
      assert.match((abort.json as { error: string }).error, /^EXECABORT /);
    }
    assert.deepEqual((await post('/', ['get', 'never'])).json, { result: null });
  });
});

describe('isolation', () => {
  test('concurrent transactions never interleave', async () => {
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        post('/multi-exec', [
          ['set', 'iso', `v${i}`],
          ['get', 'iso'],
        ]),
      ),
    );
    for (const [i, a] of answers.entries()) assert.deepEqual(a.json, [{ result: 'OK' }, { result: `v${i}` }]);
  });

  test('a MULTI left open in a pipeline does not leak into the next request', async () => {
    const p = await post('/pipeline', [['multi'], ['set', 'leak', '1']]);
    assert.deepEqual(p.json, [{ result: 'OK' }, { result: 'QUEUED' }]);
    assert.deepEqual((await post('/', ['get', 'leak'])).json, { result: null });
  });
});

describe('tokens', () => {
  test('missing, empty and wrong tokens get 401 WRONGPASS', async () => {
    for (const token of [null, '', 'wrong', `${TOKEN}x`]) {
      const r = await post('/', ['ping'], { token });
      assert.equal(r.status, 401);
      assert.deepEqual(r.json, { error: 'WRONGPASS invalid or missing auth token' });
    }
    assert.ok(warnings.length > 0);
    assert.ok(!JSON.stringify(warnings).includes('wrong'), 'tokens are never logged');
  });

  test('?_token= works and is not an argument', async () => {
    const r = await call(`/get/k1?_token=${TOKEN}`, { method: 'GET', token: null });
    assert.deepEqual(r.json, { result: 'v1' });
  });

  test('the read-only token reads but cannot write, even hidden in a transaction', async () => {
    assert.deepEqual((await post('/', ['get', 'k1'], { token: RO })).json, { result: 'v1' });
    const w = await post('/', ['set', 'k1', 'x'], { token: RO });
    assert.equal(w.status, 400);
    assert.match((w.json as { error: string }).error, /^NOPERM /);
    const tx = await post(
      '/multi-exec',
      [
        ['get', 'k1'],
        ['set', 'k1', 'x'],
      ],
      { token: RO },
    );
    assert.equal(tx.status, 400);
    assert.match((tx.json as { error: string }).error, /^EXECABORT .*NOPERM/);
    const p = await post(
      '/pipeline',
      [
        ['set', 'k1', 'x'],
        ['get', 'k1'],
      ],
      { token: RO },
    );
    assert.match((p.json as { error?: string }[])[0]?.error ?? '', /^NOPERM/);
    assert.deepEqual((await post('/', ['get', 'k1'])).json, { result: 'v1' });
  });

  test('an authenticator that throws is a 500, not a crash', async () => {
    const [srv, url] = await listen({
      authenticate: () => {
        throw new Error('boom');
      },
    });
    const r = await fetch(`${url}/get/k`, { headers: { authorization: 'Bearer x' } });
    assert.equal(r.status, 500);
    assert.deepEqual(await r.json(), { error: 'ERR internal server error' });
    srv.closeAllConnections();
    srv.close();
  });
});

describe('path style', () => {
  test('GET, HEAD, POST and PUT; arguments percent-decoded to bytes', async () => {
    assert.deepEqual((await call('/set/p%2Fk/v%20w', { method: 'GET' })).json, { result: 'OK' });
    assert.deepEqual((await post('/', ['get', 'p/k'])).json, { result: 'v w' });
    await call('/set/bin%00%FF/%FE', { method: 'GET' });
    const enc = await call('/get/bin%00%FF', { method: 'GET', headers: { 'upstash-encoding': 'base64' } });
    assert.deepEqual(enc.json, { result: '/g==' });
    const head = await call('/get/p%2Fk', { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.text, '');
    const bad = await call('/get/%ZZ', { method: 'GET' });
    assert.equal(bad.status, 400);
  });

  test('a POST body is the last argument (raw bytes), query parameters follow', async () => {
    const body = Buffer.from([0, 1, 0xff, 0x80]);
    assert.deepEqual((await call('/set/raw?GET', { body })).json, { result: null });
    const r = await call('/get/raw', { method: 'GET', headers: { 'upstash-encoding': 'base64' } });
    assert.deepEqual(r.json, { result: body.toString('base64') });
    assert.deepEqual((await call('/set/raw/x?XX', { method: 'PUT' })).json, { result: 'OK' });
    assert.deepEqual((await call('/set/raw/y?NX', { method: 'PUT' })).json, { result: null });
  });

  test('monitor needs the full-access token and no arguments (streams are in test/rest/monitor.test.ts)', async () => {
    const denied = await call('/monitor', { body: '[]', token: RO });
    assert.equal(denied.status, 400);
    assert.deepEqual(denied.json, {
      error: "NOPERM this user has no permissions to run the 'monitor' command or its subcommand",
    });
    const extra = await call('/MONITOR/x', { body: '[]' });
    assert.equal(extra.status, 400);
    assert.deepEqual(extra.json, { error: "ERR wrong number of arguments for 'monitor' command" });
    assert.equal(engine.monitors.size, 0);
  });
});

describe('HTTP details', () => {
  test('methods: DELETE and PATCH are 405; GET /pipeline is 405', async () => {
    for (const [method, path] of [
      ['DELETE', '/get/k'],
      ['PATCH', '/'],
      ['GET', '/pipeline'],
      ['GET', '/'],
    ] as const) {
      const r = await call(path, { method });
      assert.equal(r.status, 405, `${method} ${path}`);
      assert.match(r.headers.get('allow') ?? '', /POST/);
    }
  });

  test('healthz needs no token', async () => {
    const r = await call('/healthz', { method: 'GET', token: null });
    assert.equal(r.status, 200);
  });

  test('CORS: preflight 204 and headers on answers', async () => {
    const pre = await call('/pipeline', {
      method: 'OPTIONS',
      token: null,
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
    });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get('access-control-allow-origin'), '*');
    const allowed = pre.headers.get('access-control-allow-headers') ?? '';
    for (const h of [
      'authorization',
      'content-type',
      'upstash-encoding',
      'upstash-sync-token',
      'upstash-telemetry-sdk',
    ]) {
      assert.ok(allowed.includes(h), h);
    }
    const r = await post('/', ['ping']);
    assert.equal(r.headers.get('access-control-allow-origin'), '*');
    assert.equal(r.headers.get('access-control-expose-headers'), 'upstash-sync-token');
  });

  test('the sync token changes after a write, not after a read, and the request header is ignored', async () => {
    const a = (await post('/', ['get', 'k1'], { headers: { 'upstash-sync-token': '' } })).headers.get(
      'upstash-sync-token',
    );
    const b = (await post('/', ['get', 'k1'], { headers: { 'upstash-sync-token': 'junk' } })).headers.get(
      'upstash-sync-token',
    );
    assert.ok(a !== null && a.length > 0);
    assert.equal(a, b);
    const c = (await post('/pipeline', [['set', 'k2', 'v']])).headers.get('upstash-sync-token');
    assert.notEqual(c, b);
    const d = (await post('/multi-exec', [['set', 'k2', 'w']])).headers.get('upstash-sync-token');
    assert.notEqual(d, c);
  });

  test('RESP2 response format', async () => {
    const r = await post('/', ['get', 'k1'], { headers: { 'upstash-response-format': 'resp2' } });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/octet-stream');
    assert.equal(r.text, '$2\r\nv1\r\n');
    await call('/set/r2/%FF%00', { method: 'GET' });
    const bytes = await call('/get/r2', { method: 'GET', headers: { 'upstash-response-format': 'RESP2' } });
    assert.deepEqual([...bytes.bytes], [...Buffer.from('$2\r\n\xff\x00\r\n', 'latin1')]);
    const p = await post('/pipeline', [['ping'], ['get']], { headers: { 'upstash-response-format': 'resp2' } });
    assert.equal(p.text, "+PONG\r\n-ERR wrong number of arguments for 'get' command\r\n");
    const e = await post('/', ['get'], { headers: { 'upstash-response-format': 'resp2' } });
    assert.equal(e.status, 400);
    const json = await post('/', ['get', 'k1'], { headers: { 'upstash-response-format': 'json' } });
    assert.deepEqual(json.json, { result: 'v1' });
    for (const headers of [
      { 'upstash-response-format': 'resp3' },
      { 'upstash-response-format': 'resp2', 'upstash-encoding': 'base64' },
    ]) {
      assert.equal((await post('/', ['ping'], { headers })).status, 400);
    }
    assert.equal(
      (await post('/multi-exec', [['ping']], { headers: { 'upstash-response-format': 'resp2' } })).status,
      400,
    );
  });

  test('a body over the limit is drained and answered 413; the connection stays usable', async () => {
    const big = JSON.stringify(['set', 'big', 'x'.repeat(5000)]);
    const r = await call('/', { body: big });
    assert.equal(r.status, 413);
    assert.deepEqual(r.json, { error: 'ERR max request size exceeded' });
    assert.deepEqual((await post('/', ['get', 'big'])).json, { result: null });
    // Chunked (no Content-Length): the limit is counted as the body streams in.
    const stream = new ReadableStream({
      start(c) {
        for (let i = 0; i < 10; i++) c.enqueue(new TextEncoder().encode('x'.repeat(500)));
        c.close();
      },
    });
    const res = await fetch(`${base}/set/big`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    assert.equal(res.status, 413);
    await res.text();
    assert.deepEqual((await post('/', ['ping'])).json, { result: 'PONG' });
  });
});
