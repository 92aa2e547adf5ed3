/**
 * EVAL and friends through the real `@upstash/redis` client with auto-pipelining on and off. The REST
 * suite (test/rest/scripting.test.ts) covers the script cache, NOSCRIPT and the tokens with one client;
 * this one checks the Lua-to-reply conversions as the client hands them back (it parses JSON-looking
 * strings), and that every scripting method works through the auto-pipeline, a pipeline and a transaction.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sha1hex } from '@redstash/engine';
import { client, withServer } from './support.ts';

/** These tests run scripts: the server's engine has Lua. */
const withLua = (fn: Parameters<typeof withServer>[0]) => withServer(fn, { scripting: true });

const INCR = "return redis.call('incrby', KEYS[1], ARGV[1])";
const READ = "return redis.call('get', KEYS[1])";

for (const autoPipeline of [true, false]) {
  describe(`@upstash/redis scripting (auto-pipelining ${autoPipeline ? 'on' : 'off'})`, () => {
    test('eval: Lua values become Redis replies, then the client parses them', () =>
      withLua(async (srv) => {
        const r = client(srv, autoPipeline);
        assert.equal(await r.eval('return 3.99', [], []), 3, 'Lua numbers truncate to integers');
        assert.equal(await r.eval("return '3.99'", [], []), 3.99, 'a numeric string is parsed by the client');
        assert.equal(await r.eval('return true', [], []), 1);
        assert.equal(await r.eval('return false', [], []), null);
        assert.equal(await r.eval("return {ok='FINE'}", [], []), 'FINE');
        assert.deepEqual(
          await r.eval("return {1, 'two', {3, nil, 4}, 5}", [], []),
          [1, 'two', [3], 5],
          'a nil ends the inner table only',
        );
        assert.deepEqual(await r.eval("return {'[1,2]', 'x'}", [], []), [[1, 2], 'x']);
        assert.deepEqual(await r.eval('return {KEYS[1], KEYS[2], ARGV[1], #ARGV}', ['k1', 'k2'], ['a', 'b']), [
          'k1',
          'k2',
          'a',
          2,
        ]);
        assert.equal(await r.eval("return redis.sha1hex('')", [], []), 'da39a3ee5e6b4b0d3255bfef95601890afd80709');
        await assert.rejects(r.eval("return {err='MYERR custom'}", [], []), /MYERR custom/);
        await assert.rejects(r.eval("return redis.call('incr', 'nope', 'x')", [], []), /ERR Wrong number of args/);
        assert.equal(await r.eval(INCR, ['n'], [5]), 5);
        assert.equal(await r.eval(INCR, ['n'], [-2]), 3);
        assert.equal(await r.get('n'), 3);
      }));

    test('evalRo, evalsha, evalshaRo, scriptLoad, scriptExists and scriptFlush', () =>
      withLua(async (srv) => {
        const r = client(srv, autoPipeline);
        await r.set('k', { a: [1] });
        assert.deepEqual(await r.evalRo(READ, ['k'], []), { a: [1] });
        await assert.rejects(r.evalRo(INCR, ['n'], [1]), /ERR Write commands are not allowed from read-only scripts/);
        assert.equal(await r.scriptLoad(INCR), sha1hex(INCR));
        assert.equal(await r.scriptLoad(READ), sha1hex(READ));
        assert.deepEqual(await r.scriptExists(sha1hex(INCR), sha1hex('return 0'), sha1hex(READ)), [1, 0, 1]);
        assert.equal(await r.evalsha(sha1hex(INCR), ['n'], [7]), 7);
        assert.equal(await r.evalsha(sha1hex(INCR).toUpperCase(), ['n'], [1]), 8, 'the SHA is case-insensitive');
        assert.equal(await r.evalshaRo(sha1hex(READ), ['n'], []), 8);
        await assert.rejects(r.evalshaRo(sha1hex(INCR), ['n'], [1]), /ERR Write commands are not allowed/);
        assert.equal(await r.scriptFlush({ sync: true }), 'OK');
        assert.deepEqual(await r.scriptExists(sha1hex(INCR)), [0]);
        await assert.rejects(r.evalsha(sha1hex(INCR), ['n'], [1]), /NOSCRIPT No matching script/);
        await assert.rejects(r.evalshaRo(sha1hex(READ), ['n'], []), /NOSCRIPT No matching script/);
        assert.equal(await r.scriptFlush(), 'OK');
        assert.equal(await r.get('n'), 8);
      }));

    test('createScript: exec falls back to EVAL on NOSCRIPT, the read-only kind to EVAL_RO', () =>
      withLua(async (srv) => {
        const r = client(srv, autoPipeline);
        const script = r.createScript<number>(INCR);
        assert.equal(await script.exec(['n'], ['2']), 2);
        assert.equal(await script.evalsha(['n'], ['3']), 5);
        assert.equal(await script.eval(['n'], ['4']), 9);
        const ro = r.createScript<number, true>(READ, { readonly: true });
        await r.scriptFlush();
        assert.equal(await ro.exec(['n'], []), 9);
        assert.equal(await ro.evalshaRo(['n'], []), 9);
        assert.equal(await ro.evalRo(['n'], []), 9);
      }));

    test('scripts in a pipeline and a transaction', () =>
      withLua(async (srv) => {
        const r = client(srv, autoPipeline);
        const p = r.pipeline();
        p.scriptLoad(INCR);
        p.evalsha(sha1hex(INCR), ['n'], [1]);
        p.evalRo(READ, ['n'], []);
        p.evalshaRo(sha1hex(INCR), ['n'], [1]);
        p.scriptExists(sha1hex(INCR));
        const out = await p.exec({ keepErrors: true });
        assert.deepEqual(
          out.map((x) => x.error ?? x.result),
          [
            sha1hex(INCR),
            1,
            1,
            'ERR Write commands are not allowed from read-only scripts. script: ' +
              sha1hex(INCR) +
              ', on @user_script:1.',
            [1],
          ],
        );
        const tx = r.multi();
        tx.eval(INCR, ['n'], [10]);
        tx.evalsha(sha1hex(INCR), ['n'], [100]);
        tx.scriptFlush();
        tx.scriptExists(sha1hex(INCR));
        assert.deepEqual(await tx.exec(), [11, 111, 'OK', [0]]);
      }));
  });
}
