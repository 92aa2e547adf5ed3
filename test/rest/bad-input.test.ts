/**
 * Bad and hostile input over HTTP: every case must get a clear answer (or a clean hang-up), never crash the
 * server, and after each one the server must still answer PING.
 */
import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '@redstash/server/testing';

let srv: TestServer;
let port: number;

before(async () => {
  srv = await startTestServer();
  port = Number(new URL(srv.url).port);
});
after(() => srv.close());

interface Answer {
  status: number;
  headers: Headers;
  bytes: Buffer;
  json: unknown;
}

async function call(
  path: string,
  init: { method?: string; body?: string | Buffer; headers?: Record<string, string> } = {},
) {
  const res = await fetch(srv.url + path, {
    method: init.method ?? 'POST',
    headers: { authorization: `Bearer ${srv.token}`, ...init.headers },
    ...(init.body === undefined ? {} : { body: init.body }),
  });
  const bytes = Buffer.from(await res.arrayBuffer());
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {}
  return { status: res.status, headers: res.headers, bytes, json } satisfies Answer;
}
const post = (path: string, value: unknown, headers: Record<string, string> = {}) =>
  call(path, { body: JSON.stringify(value), headers });
const errorOf = (a: Answer) => (a.json as { error: string }).error;
const B64 = { 'upstash-encoding': 'base64' };

async function assertAlive(): Promise<void> {
  const r = await post('/', ['PING']);
  assert.equal(r.status, 200);
  assert.deepEqual(r.json, { result: 'PONG' });
}

describe('malformed requests get a clear 400', () => {
  test('malformed JSON, non-array bodies, empty commands', async () => {
    for (const body of ['', '[', '{"cmd":"get"}', '"PING"', '42', 'null', '[]', '["PING"] trailing', '\xff\xfe']) {
      const r = await call('/', { body });
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.match(errorOf(r), /^ERR /);
    }
    assert.match(errorOf(await call('/', { body: '[' })), /invalid JSON/);
    assert.match(errorOf(await call('/', { body: '{}' })), /must be a JSON array/);
    assert.match(errorOf(await call('/', { body: '[]' })), /empty command/);
    await assertAlive();
  });

  test('wrong arity and unknown commands answer with Redis words', async () => {
    const arity = await post('/', ['GET']);
    assert.equal(arity.status, 400);
    assert.equal(errorOf(arity), "ERR wrong number of arguments for 'get' command");
    const unknown = await post('/', ['NOSUCHCMD', 'a', 'b']);
    assert.equal(unknown.status, 400);
    assert.equal(errorOf(unknown), "ERR unknown command 'NOSUCHCMD', with args beginning with: 'a' 'b' ");
    const pipe = await post('/pipeline', [['GET'], ['NOSUCHCMD'], ['PING']]);
    assert.equal(pipe.status, 200);
    assert.deepEqual(
      (pipe.json as { result?: unknown; error?: string }[]).map((x) => x.error ?? x.result),
      [
        "ERR wrong number of arguments for 'get' command",
        "ERR unknown command 'NOSUCHCMD', with args beginning with: ",
        'PONG',
      ],
    );
    await assertAlive();
  });

  test('null, objects and nested arrays as arguments', async () => {
    for (const bad of [['SET', 'k', null], ['SET', { k: 1 }, 'v'], ['SET', 'k', ['v']], [null], [['PING']]]) {
      const r = await post('/', bad);
      assert.equal(r.status, 400, JSON.stringify(bad));
      assert.match(errorOf(r), /^ERR invalid argument at position \d: /);
    }
    const pipe = await post('/pipeline', [['SET', 'k', null], 'PING', ['PING'], {}]);
    assert.equal(pipe.status, 200);
    const items = pipe.json as { result?: unknown; error?: string }[];
    assert.match(items[0]?.error ?? '', /position 2: null/);
    assert.match(items[1]?.error ?? '', /must be a JSON array/);
    assert.deepEqual(items[2], { result: 'PONG' });
    assert.match(items[3]?.error ?? '', /must be a JSON array/);
    const tx = await post('/multi-exec', [
      ['SET', 'k', 'v'],
      ['SET', 'k', {}],
    ]);
    assert.equal(tx.status, 400);
    assert.match(errorOf(tx), /^EXECABORT .*position 2: object/);
    assert.deepEqual((await post('/', ['GET', 'k'])).json, { result: null }, 'the refused transaction wrote nothing');
    await assertAlive();
  });

  test('a million-deep array is a bad argument, not a stack overflow', async () => {
    const deep = `["PING",${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}]`;
    assert.match(errorOf(await call('/', { body: deep })), /position 1: an array/);
    const pipe = await call('/pipeline', { body: `[${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}]` });
    assert.equal(pipe.status, 200);
    assert.match((pipe.json as { error: string }[])[0]?.error ?? '', /position 0: an array/);
    await assertAlive();
  });

  test('bad headers, methods and escapes', async () => {
    assert.equal((await post('/', ['PING'], { 'upstash-encoding': 'gzip' })).status, 400);
    assert.equal((await post('/', ['PING'], { 'upstash-response-format': 'resp3' })).status, 400);
    assert.equal((await call('/', { method: 'DELETE' })).status, 405);
    assert.equal((await call('/get/%ZZ', { method: 'GET' })).status, 400);
    assert.equal((await call('/get/%', { method: 'GET' })).status, 400);
    await post('/', ['SET', 'keep', 'me']);
    // fetch would normalise these paths itself (WHATWG URL), so they go out raw through node:http.
    for (const path of ['/get/%2e%2e/flushall', '/get/../flushall', '/get/./flushall']) {
      const status = await new Promise<number>((resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port, path, headers: { authorization: `Bearer ${srv.token}` } },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end();
      });
      assert.equal(status, 400, `${path}: three arguments to GET, never a FLUSHALL`);
    }
    assert.deepEqual((await post('/', ['GET', 'keep'])).json, { result: 'me' });
    await assertAlive();
  });
});

describe('binary safety', () => {
  const bytes = Buffer.from([0x00, 0x6b, 0xff, 0xfe, 0x80, 0xc3, 0x28, 0x00]);
  const pct = [...bytes].map((b) => `%${b.toString(16).padStart(2, '0').toUpperCase()}`).join('');

  test('NUL and invalid UTF-8 in keys and values round-trip byte-exact via path style and base64', async () => {
    assert.deepEqual((await call(`/set/${pct}/${pct}`, { method: 'GET' })).json, { result: 'OK' });
    const got = await call(`/get/${pct}`, { method: 'GET', headers: B64 });
    assert.deepEqual(Buffer.from((got.json as { result: string }).result, 'base64'), bytes);
    const piped = await post(
      '/pipeline',
      [
        ['GET', 'missing'],
        ['ECHO', 'a\u0000b'],
      ],
      B64,
    );
    assert.deepEqual(
      (piped.json as { result: string | null }[]).map((x) => x.result),
      [null, Buffer.from('a\0b').toString('base64')],
    );
    const resp2 = await call(`/get/${pct}`, { method: 'GET', headers: { 'upstash-response-format': 'resp2' } });
    assert.deepEqual(resp2.bytes, Buffer.concat([Buffer.from('$8\r\n'), bytes, Buffer.from('\r\n')]));
    await assertAlive();
  });

  test('a raw POST body keeps its bytes; without base64 invalid UTF-8 reads as U+FFFD', async () => {
    assert.deepEqual((await call('/set/rawkey', { body: bytes })).json, { result: 'OK' });
    const got = await post('/', ['GET', 'rawkey'], B64);
    assert.deepEqual(Buffer.from((got.json as { result: string }).result, 'base64'), bytes);
    const text = await post('/', ['GET', 'rawkey']);
    assert.equal((text.json as { result: string }).result, '\u0000k\ufffd\ufffd\ufffd\ufffd(\u0000');
    assert.deepEqual((await post('/', ['SET', 'nul\u0000key', 'v\u0000'])).json, { result: 'OK' });
    assert.deepEqual((await post('/', ['GET', 'nul\u0000key'])).json, { result: 'v\u0000' });
    await assertAlive();
  });
});

describe('size and load', () => {
  test('a real 50 MB body is drained and answered 413; the server keeps serving', async () => {
    const body = Buffer.alloc(50 * 1024 * 1024, 0x61);
    const r = await call('/set/big', { body });
    assert.equal(r.status, 413);
    assert.deepEqual(r.json, { error: 'ERR max request size exceeded' });
    const json = await call('/', { body: `["SET","big","${'x'.repeat(11 * 1024 * 1024)}"]` });
    assert.equal(json.status, 413);
    assert.deepEqual((await post('/', ['GET', 'big'])).json, { result: null });
    await assertAlive();
  });

  test('a lying Content-Length or an unfinished chunked body is dropped without harm', async () => {
    for (const raw of [
      `POST / HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${srv.token}\r\nContent-Length: 1000\r\n\r\n["PING"]`,
      `POST /pipeline HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${srv.token}\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n[["PI`,
      'GARBAGE\r\n\r\n',
    ]) {
      await new Promise<void>((resolve) => {
        const sock = connect(port, '127.0.0.1', () => {
          sock.write(raw);
          setTimeout(() => sock.destroy(), 50);
        });
        sock.on('data', () => {});
        sock.on('error', () => {});
        sock.on('close', () => resolve());
      });
    }
    await assertAlive();
  });

  test('a huge reply: a 200k-element list read whole', async () => {
    const batch = 10_000;
    const commands: string[][] = [];
    for (let i = 0; i < 200_000; i += batch) {
      commands.push(['RPUSH', 'huge', ...Array.from({ length: batch }, (_, j) => `element-${i + j}`)]);
    }
    const pushed = await post('/pipeline', commands);
    assert.equal(pushed.status, 200);
    assert.deepEqual((pushed.json as { result: number }[]).at(-1), { result: 200_000 });
    const r = await post('/', ['LRANGE', 'huge', 0, -1], B64);
    assert.equal(r.status, 200);
    const list = (r.json as { result: string[] }).result;
    assert.equal(list.length, 200_000);
    assert.equal(Buffer.from(list[199_999] as string, 'base64').toString(), 'element-199999');
    await assertAlive();
  });

  test('a pipeline of 100,000 commands', async () => {
    const r = await post(
      '/pipeline',
      Array.from({ length: 100_000 }, (_, i) => ['ECHO', String(i)]),
    );
    const items = r.json as { result: string }[];
    assert.equal(items.length, 100_000);
    assert.deepEqual(items[99_999], { result: '99999' });
    await assertAlive();
  });

  test('10,000 concurrent requests through a bounded socket pool all get their own answer', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 64 });
    const send = (path: string, body: string | undefined) =>
      new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port,
            path,
            agent,
            method: body === undefined ? 'GET' : 'POST',
            headers: { authorization: `Bearer ${srv.token}` },
          },
          (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (d) => {
              text += d;
            });
            res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    const jobs: Promise<void>[] = [];
    for (let i = 0; i < 10_000; i++) {
      const kind = i % 3;
      const job =
        kind === 0
          ? send('/', JSON.stringify(['SET', `c:${i}`, `v${i}`])).then((r) => assert.equal(r.text, '{"result":"OK"}'))
          : kind === 1
            ? send(
                '/pipeline',
                JSON.stringify([
                  ['SET', `c:${i}`, `v${i}`],
                  ['GET', `c:${i}`],
                ]),
              ).then((r) => assert.equal(r.text, `[{"result":"OK"},{"result":"v${i}"}]`))
            : send(`/set/c:${i}/v${i}`, undefined).then((r) => assert.equal(r.status, 200));
      jobs.push(job);
    }
    await Promise.all(jobs);
    agent.destroy();
    for (const i of [0, 1, 2, 9_999]) assert.deepEqual((await post('/', ['GET', `c:${i}`])).json, { result: `v${i}` });
    assert.ok(((await post('/', ['DBSIZE'])).json as { result: number }).result >= 10_000);
    await assertAlive();
  });
});
