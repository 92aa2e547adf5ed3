/**
 * Redis Functions through the real `@upstash/redis` client (`redis.functions.*`), auto-pipelined and
 * not: FUNCTION LOAD/LIST/DELETE/FLUSH/STATS and FCALL/FCALL_RO, with the shapes the client parses them
 * into, plus the read-only token's limits.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { client, withServer } from './support.ts';

/** These tests run scripts: the server's engine has Lua. */
const withLua = (fn: Parameters<typeof withServer>[0]) => withServer(fn, { scripting: true });

const LIB = [
  '#!lua name=mylib',
  "redis.register_function('echo_arg', function(keys, args) return args[1] end)",
  "redis.register_function{function_name='get_key', callback=function(keys) return redis.call('get', keys[1]) end, flags={'no-writes'}, description='reads a key'}",
  "redis.register_function('set_key', function(keys, args) return redis.call('set', keys[1], args[1]) end)",
].join('\n');
const OTHER = "#!lua name=other\nredis.register_function('one', function() return 1 end)";

for (const autoPipeline of [true, false]) {
  describe(`@upstash/redis functions (auto-pipelining ${autoPipeline ? 'on' : 'off'})`, () => {
    test('load, list (with and without code, by library name), call and callRo', () =>
      withLua(async (srv) => {
        const r = client(srv, autoPipeline);
        assert.equal(await r.functions.load({ code: LIB }), 'mylib');
        await assert.rejects(r.functions.load({ code: LIB }), /ERR Library 'mylib' already exists/);
        assert.equal(await r.functions.load({ code: LIB, replace: true }), 'mylib');
        assert.equal(await r.functions.load({ code: OTHER }), 'other');
        const listed = await r.functions.list();
        const mylib = listed.find((l) => l.libraryName === 'mylib');
        assert.deepEqual(
          { ...mylib, functions: [...(mylib?.functions ?? [])].sort((a, b) => a.name.localeCompare(b.name)) },
          {
            libraryName: 'mylib',
            engine: 'LUA',
            functions: [
              { name: 'echo_arg', description: undefined, flags: [] },
              { name: 'get_key', description: 'reads a key', flags: ['no-writes'] },
              { name: 'set_key', description: undefined, flags: [] },
            ],
            libraryCode: undefined,
          },
        );
        assert.deepEqual(listed.map((l) => l.libraryName).sort(), ['mylib', 'other']);
        const withCode = await r.functions.list({ libraryName: 'oth*', withCode: true });
        assert.deepEqual(withCode, [
          {
            libraryName: 'other',
            engine: 'LUA',
            functions: [{ name: 'one', description: undefined, flags: [] }],
            libraryCode: OTHER,
          },
        ]);
        // The client parses JSON-looking replies: "42" comes back as a number, text stays text.
        assert.equal(await r.functions.call('echo_arg', [], ['hello']), 'hello');
        assert.equal(await r.functions.call('echo_arg', [], ['42']), 42);
        assert.deepEqual(await r.functions.call('echo_arg', undefined, ['{"a":1}']), { a: 1 });
        assert.equal(await r.functions.call('set_key', ['k'], ['v']), 'OK');
        assert.equal(await r.functions.callRo('get_key', ['k']), 'v');
        assert.equal(await r.functions.call('one'), 1);
        await assert.rejects(
          r.functions.callRo('set_key', ['k'], ['w']),
          /ERR Can not execute a script with write flag using \*_ro command\./,
        );
        await assert.rejects(r.functions.call('nosuch', [], []), /ERR Function not found/);
        assert.equal(await r.get('k'), 'v');
      }));

    test('stats, delete and flush', () =>
      withLua(async (srv) => {
        const r = client(srv, autoPipeline);
        assert.deepEqual(await r.functions.stats(), {
          engines: { LUA: { librariesCount: 0, functionsCount: 0 } },
        });
        await r.functions.load({ code: LIB });
        await r.functions.load({ code: OTHER });
        assert.deepEqual(await r.functions.stats(), {
          engines: { LUA: { librariesCount: 2, functionsCount: 4 } },
        });
        assert.equal(await r.functions.delete('other'), 'OK');
        await assert.rejects(r.functions.delete('other'), /ERR Library not found/);
        assert.deepEqual(
          (await r.functions.list()).map((l) => l.libraryName),
          ['mylib'],
        );
        assert.equal(await r.functions.flush(), 'OK');
        assert.deepEqual(await r.functions.list(), []);
        await assert.rejects(r.functions.call('echo_arg', [], ['x']), /ERR Function not found/);
      }));

    test('functions in a pipeline and a transaction', () =>
      withLua(async (srv) => {
        const r = client(srv, autoPipeline);
        const p = r.pipeline();
        p.functions.load({ code: LIB });
        p.functions.call('set_key', ['k'], ['1']);
        p.functions.callRo('get_key', ['k']);
        assert.deepEqual(await p.exec(), ['mylib', 'OK', 1]);
        const tx = r.multi();
        tx.functions.call('set_key', ['k'], ['2']);
        tx.functions.callRo('get_key', ['k']);
        assert.deepEqual(await tx.exec(), ['OK', 2]);
      }));

    // The token policy runs only commands Redis flags `readonly`; FUNCTION LIST carries no such flag.
    test('the read-only token may call no-writes functions and nothing else', () =>
      withLua(async (srv) => {
        const r = client(srv, autoPipeline);
        const ro = client(srv, autoPipeline, { token: srv.readonlyToken });
        await r.functions.load({ code: LIB });
        await r.set('k', 'v');
        assert.equal(await ro.functions.callRo('get_key', ['k']), 'v');
        await assert.rejects(ro.functions.list(), /NOPERM/);
        await assert.rejects(ro.functions.load({ code: OTHER }), /NOPERM/);
        await assert.rejects(ro.functions.flush(), /NOPERM/);
        await assert.rejects(ro.functions.call('set_key', ['k'], ['w']), /NOPERM/);
        assert.equal(await r.get('k'), 'v');
      }));
  });
}
