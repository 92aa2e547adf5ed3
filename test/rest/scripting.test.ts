/**
 * Scripting over REST with the real `@upstash/redis` client: EVAL and friends, the script cache,
 * `createScript` (EVALSHA first, EVAL on NOSCRIPT), scripts inside `/multi-exec` and `/pipeline`, and the
 * read-only token, which may run read-only scripts only.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { sha1hex } from '@redstash/engine';
import { startTestServer, type TestServer } from '@redstash/server/testing';
import { Redis } from '@upstash/redis';

let srv: TestServer;
let redis: Redis;
let readonly: Redis;

const connect = (token: string, autoPipeline = false) =>
  new Redis({ url: srv.url, token, enableAutoPipelining: autoPipeline, enableTelemetry: false, retry: false });

before(async () => {
  srv = await startTestServer();
  redis = connect(srv.token);
  readonly = connect(srv.readonlyToken);
});
after(() => srv.close());
beforeEach(async () => {
  await redis.flushall();
  await redis.scriptFlush();
});

/** The error a call rejects with: its message. */
async function rejection(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return (err as Error).message;
  }
  assert.fail('expected the call to fail');
}

/** One raw REST call: status and JSON body. */
async function post(path: string, body: unknown, token = srv.token) {
  const res = await fetch(srv.url + path, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as unknown };
}

const WRITE = "return redis.call('set', KEYS[1], ARGV[1])";
const READ = "return redis.call('get', KEYS[1])";

describe('scripts through @upstash/redis', () => {
  test('eval, evalsha and their read-only forms', async () => {
    assert.equal(await redis.eval(WRITE, ['k'], ['v']), 'OK');
    assert.equal(await redis.eval(READ, ['k'], []), 'v');
    assert.deepEqual(await redis.eval('return {1, 2, {3}, KEYS[1], ARGV[1]}', ['a'], ['b']), [1, 2, [3], 'a', 'b']);
    assert.equal(await redis.eval('return nil', [], []), null);
    assert.equal(await redis.evalsha(sha1hex(READ), ['k'], []), 'v');
    assert.equal(await redis.evalRo(READ, ['k'], []), 'v');
    assert.equal(await redis.evalshaRo(sha1hex(READ), ['k'], []), 'v');
    assert.match(
      await rejection(redis.evalRo(WRITE, ['k'], ['w'])),
      /Write commands are not allowed from read-only scripts/,
    );
    assert.match(await rejection(redis.eval("error('boom')", [], [])), /ERR user_script:1: boom script: [0-9a-f]{40}/);
    assert.match(await rejection(redis.eval('return +', [], [])), /Error compiling script/);
    assert.equal(await redis.get('k'), 'v');
  });

  test('scriptLoad, scriptExists, scriptFlush and NOSCRIPT', async () => {
    const sha = await redis.scriptLoad(READ);
    assert.equal(sha, sha1hex(READ));
    assert.deepEqual(await redis.scriptExists(sha, sha1hex('return 0')), [1, 0]);
    await redis.set('k', 'v');
    assert.equal(await redis.evalsha(sha, ['k'], []), 'v');
    assert.equal(await redis.scriptFlush(), 'OK');
    assert.deepEqual(await redis.scriptExists(sha), [0]);
    assert.match(await rejection(redis.evalsha(sha, ['k'], [])), /^NOSCRIPT No matching script/);
    assert.equal(await redis.scriptFlush({ async: true }), 'OK');
  });

  test('createScript runs EVALSHA, and EVAL when the server answers NOSCRIPT', async () => {
    const script = redis.createScript<number>("return redis.call('incr', KEYS[1])");
    const sha = sha1hex("return redis.call('incr', KEYS[1])");
    assert.deepEqual(await redis.scriptExists(sha), [0]);
    assert.equal(await script.exec(['n'], []), 1);
    // The fallback EVAL cached the script: EVALSHA alone works now.
    assert.deepEqual(await redis.scriptExists(sha), [1]);
    assert.equal(await script.evalsha(['n'], []), 2);
    await redis.scriptFlush();
    assert.equal(await script.exec(['n'], []), 3);
    assert.equal(await script.eval(['n'], []), 4);
    // The read-only kind: EVALSHA_RO, and EVAL_RO on NOSCRIPT.
    await redis.scriptFlush();
    const ro = redis.createScript<string, true>(READ, { readonly: true });
    await redis.set('k', 'v');
    assert.equal(await ro.exec(['k'], []), 'v');
    assert.equal(await ro.evalshaRo(['k'], []), 'v');
  });

  test('EVAL inside /multi-exec and /pipeline', async () => {
    const tx = redis.multi();
    tx.eval(WRITE, ['a'], ['1']);
    tx.eval("return redis.call('incr', KEYS[1])", ['a'], []);
    tx.get('a');
    assert.deepEqual(await tx.exec(), ['OK', 2, 2]);

    const p = redis.pipeline();
    p.eval(READ, ['a'], []);
    p.evalsha(sha1hex('return 7'), [], []);
    p.eval('return 7', [], []);
    p.evalsha(sha1hex('return 7'), [], []);
    const results = await p.exec({ keepErrors: true });
    assert.deepEqual(
      results.map((r) => r.error ?? r.result),
      [2, 'NOSCRIPT No matching script. Please use EVAL.', 7, 7],
    );

    // A failing script inside a transaction fails alone: the other commands run.
    const raw = await post('/multi-exec', [
      ['EVAL', "redis.call('set', 'b', '1') return redis.call('nosuch')", '0'],
      ['GET', 'b'],
    ]);
    assert.equal(raw.status, 200);
    const [first, second] = raw.json as { result?: unknown; error?: string }[];
    assert.match(first?.error ?? '', /Unknown Redis command called from script/);
    assert.deepEqual(second, { result: '1' });
  });
});

describe('the read-only token', () => {
  test('EVAL and EVALSHA are refused with NOPERM; nothing is written', async () => {
    assert.match(await rejection(readonly.eval(WRITE, ['k'], ['v'])), /NOPERM/);
    assert.match(await rejection(readonly.eval('return 1', [], [])), /NOPERM/);
    await redis.scriptLoad(WRITE);
    assert.match(await rejection(readonly.evalsha(sha1hex(WRITE), ['k'], ['v'])), /NOPERM/);
    const raw = await post('/', ['EVAL', WRITE, '1', 'k', 'v'], srv.readonlyToken);
    assert.ok(raw.status >= 400 && raw.status < 500, `status ${raw.status}`);
    assert.match((raw.json as { error: string }).error, /^NOPERM/);
    assert.equal(await redis.exists('k'), 0);
  });

  test('EVAL_RO runs, and a write inside it is refused', async () => {
    await redis.set('k', 'v');
    assert.equal(await readonly.evalRo(READ, ['k'], []), 'v');
    assert.equal(await readonly.evalshaRo(sha1hex(READ), ['k'], []), 'v');
    assert.match(await rejection(readonly.evalRo(WRITE, ['k'], ['changed'])), /NOPERM|Write commands are not allowed/);
    assert.match(await rejection(readonly.scriptFlush()), /NOPERM/);
    // createScript's read-only kind works with this token, from an empty cache.
    assert.equal(await readonly.createScript<string, true>(READ, { readonly: true }).exec(['k'], []), 'v');
    assert.equal(await redis.get('k'), 'v');
  });

  test('a transaction or pipeline hiding a write script', async () => {
    const tx = await post(
      '/multi-exec',
      [
        ['GET', 'k'],
        ['EVAL', WRITE, '1', 'k', 'v'],
      ],
      srv.readonlyToken,
    );
    assert.ok(tx.status >= 400 && tx.status < 500, `status ${tx.status}`);
    assert.match(JSON.stringify(tx.json), /NOPERM|EXECABORT/);
    const pipe = await post(
      '/pipeline',
      [
        ['EVAL_RO', 'return 1', '0'],
        ['EVAL', WRITE, '1', 'k', 'v'],
      ],
      srv.readonlyToken,
    );
    const answers = pipe.json as { result?: unknown; error?: string }[];
    assert.deepEqual(answers[0], { result: 1 });
    assert.match(answers[1]?.error ?? '', /^NOPERM/);
    assert.equal(await redis.exists('k'), 0);
  });
});
