/**
 * Scripting in-process, for what a comparison with redis-server cannot show: that the sandbox holds
 * (no way out to the host, nothing carried from one script to the next), that runaway and memory-hungry
 * scripts end in an error while the engine keeps serving, what a script's writes propagate, the
 * read-only client rules, the function library life cycle and the EVAL cache's bound.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inspect } from 'node:util';
import type { Argv } from '../command/table.ts';
import type { Engine, EngineOptions } from '../engine.ts';
import { ErrorReply, MapReply, type Reply, SimpleString } from '../reply.ts';
import { createScriptingTestEngine, type TestEngine } from '../testing/index.ts';
import { sha1hex } from './sha1.ts';

/** A scripting engine closed when the test ends. */
async function setup(t: { after(fn: () => void): void }, options: Partial<EngineOptions> = {}): Promise<TestEngine> {
  const s = await createScriptingTestEngine(options);
  t.after(() => s.engine.close());
  return s;
}

function errorText(r: Reply): string {
  assert.ok(r instanceof ErrorReply, `expected an error reply, got ${inspect(r)}`);
  return r.message;
}

/** The engine still answers: a plain command and a script. */
function assertServing(s: TestEngine): void {
  assert.deepEqual(s.run('PING'), new SimpleString('PONG'));
  assert.equal(s.run('EVAL', "return redis.call('echo', 'alive')", 0), 'alive');
}

const eval0 = (s: TestEngine, script: string) => s.run('EVAL', script, 0);

describe('sandbox', () => {
  test('os, io, require, dofile, loadfile, print, debug, package and utf8 are absent', async (t) => {
    const s = await setup(t);
    for (const name of ['os', 'io', 'require', 'dofile', 'loadfile', 'print', 'debug', 'package', 'utf8']) {
      assert.equal(eval0(s, `return type(rawget(_G, '${name}'))`), 'nil', name);
      assert.match(errorText(eval0(s, `return ${name}`)), /nonexistent global variable/, name);
    }
    // Nor reachable through what is left.
    assert.equal(eval0(s, "return type(rawget(string, 'dump'))"), 'function');
    assert.equal(
      eval0(s, 'for k, v in pairs(_G) do if k == "os" or k == "debug" then return k end end return "none"'),
      'none',
    );
  });

  test('bytecode is never loaded: loadstring and load take text only', async (t) => {
    const s = await setup(t);
    const dump = 'string.dump(function() return 1 end)';
    const [f, e] = eval0(s, `local f, e = loadstring(${dump}) return {tostring(f), e}`) as string[];
    assert.equal(f, 'nil');
    assert.match(e as string, /binary chunk/);
    for (const call of [`load(${dump})`, `load(${dump}, 'x', 'b')`, `load(${dump}, 'x', 'bt', {})`]) {
      const r = eval0(s, `local f, e = ${call} return {tostring(f), e}`) as string[];
      assert.equal(r[0], 'nil', call);
      assert.match(r[1] as string, /binary chunk/, call);
    }
    // A reader function handing over bytecode piece by piece is refused the same way.
    const pieces = eval0(
      s,
      `local b, done = ${dump}, false
       local f, e = load(function() if done then return nil end done = true return b end)
       return {tostring(f), e}`,
    ) as string[];
    assert.equal(pieces[0], 'nil');
    // Text still loads, and runs in the sandbox.
    assert.equal(eval0(s, "return loadstring('return 2 + 3')()"), 5);
    assert.match(errorText(eval0(s, "return loadstring('return os')()")), /nonexistent global variable 'os'/);
  });

  test('globals and library tables are read-only, including the indirect ways in', async (t) => {
    const s = await setup(t);
    const attempts = [
      'x = 1',
      '_G.x = 1',
      '_G._G = nil',
      'redis = nil',
      'redis.call = nil',
      'redis.x = 1',
      'string.upper = nil',
      'table.insert = nil',
      'math.floor = nil',
      'coroutine.wrap = nil',
      'cjson.encode = nil',
      'cmsgpack.pack = nil',
      'struct.pack = nil',
      'bit.band = nil',
      "rawset(_G, 'x', 1)",
      "rawset(redis, 'call', nil)",
      "rawset(string, 'upper', nil)",
      'setmetatable(_G, nil)',
      'setmetatable(redis, {})',
      'setmetatable(string, nil)',
      'getmetatable(_G).__index = {}',
      "getmetatable('').__index = {}",
      "getmetatable('').__index.upper = nil",
      "rawset(getmetatable(''), '__index', {})",
      "setmetatable(getmetatable(''), nil)",
      'local s = string s.rep = nil',
      'for _, lib in pairs({redis, string, cjson, bit}) do lib.injected = 1 end',
    ];
    for (const statement of attempts) {
      const text = errorText(eval0(s, `${statement} return 'changed'`));
      assert.match(text, /Attempt to modify a readonly table|nonexistent global/, statement);
    }
    // Everything is as before.
    assert.deepEqual(
      eval0(
        s,
        "return {('abc'):upper(), redis.call('ping').ok, type(string.rep), type(redis.call), type(cjson.encode), tostring(rawget(_G, 'x')), tostring(rawget(redis, 'injected'))}",
      ),
      ['ABC', 'PONG', 'function', 'function', 'function', 'nil', 'nil'],
    );
    assert.equal(eval0(s, 'return getmetatable(redis)'), null);
  });

  test('nothing a script does reaches the next one', async (t) => {
    const s = await setup(t);
    assert.deepEqual(s.run('EVAL', "ARGV[5] = 'extra' table.insert(KEYS, 'more') return #KEYS", 1, 'k', 'a'), 2);
    assert.deepEqual(s.run('EVAL', 'return {#KEYS, #ARGV, tostring(ARGV[5])}', 0), [0, 0, 'nil']);
    eval0(s, "pcall(function() _G.leak = 1 end) pcall(rawset, _G, 'leak', 1) local function helper() end");
    assert.equal(eval0(s, "return tostring(rawget(_G, 'leak'))"), 'nil');
    assert.match(errorText(eval0(s, 'return helper')), /nonexistent global variable 'helper'/);
    // A table-level metatable a script sets is its own; the shared string metatable is untouched.
    eval0(s, "local t = setmetatable({}, {__index = function() return 'meta' end}) return t.anything");
    assert.equal(eval0(s, "return ('x'):rep(3)"), 'xxx');
    // Functions run in their own state: a library sees none of the EVAL state, and EVAL none of the library's.
    s.run(
      'FUNCTION',
      'LOAD',
      "#!lua name=lib\nlocal n = 0\nredis.register_function('count', function() n = n + 1 return n end)",
    );
    assert.equal(s.run('FCALL', 'count', 0), 1);
    assert.equal(s.run('FCALL', 'count', 0), 2);
    assert.match(errorText(eval0(s, 'return n')), /nonexistent global variable 'n'/);
  });

  test('a __gc finalizer never runs (Lua 5.1 has none for tables, and it would run out of the time limit)', async (t) => {
    const s = await setup(t, { scriptTimeLimitMs: 20, elapsed: fakeClock() });
    const script = [
      "local mt = {__gc = function() redis.call('set', 'finalized', '1') end}",
      'setmetatable({}, mt)',
      'local late = setmetatable({}, {__gc = false}) getmetatable(late)',
      'collectgarbage() collectgarbage()',
      'return type(mt.__gc)',
    ].join('\n');
    assert.equal(eval0(s, script), 'function');
    eval0(s, 'collectgarbage() collectgarbage() return 1');
    assert.equal(s.run('EXISTS', 'finalized'), 0);
  });
});

/** A monotonic clock for the time limit that moves 1 ms each time it is read. */
function fakeClock(): () => number {
  let ms = 0;
  return () => ++ms;
}

describe('runaway scripts', () => {
  const LIMIT = 20;
  const killed = (script: string) =>
    `ERR Script killed after running longer than the script time limit (${LIMIT} ms) script: ${sha1hex(script)}`;

  test('loops, loops under pcall/xpcall and loops in coroutines are stopped', async (t) => {
    const s = await setup(t, { scriptTimeLimitMs: LIMIT, elapsed: fakeClock() });
    const scripts = [
      'while true do end',
      'local i = 0 repeat i = i + 1 until false',
      'while true do pcall(function() while true do end end) end',
      'while true do pcall(error, "again") end',
      // A handler that loops would run with hooks off if the kill reached it.
      'xpcall(function() while true do end end, function() while true do end end)',
      "xpcall(function() error('first') end, function() while true do end end)",
      'while true do coroutine.resume(coroutine.create(function() while true do end end)) end',
      'coroutine.wrap(function() while true do end end)()',
      'local function f() return pcall(f) end while true do f() end',
    ];
    for (const script of scripts) {
      assert.equal(errorText(eval0(s, script)), killed(script), script);
      assertServing(s);
    }
  });

  test('a script that wrote before looping keeps and propagates its write', async (t) => {
    const s = await setup(t, { scriptTimeLimitMs: LIMIT, elapsed: fakeClock() });
    const batches: Argv[][] = [];
    s.engine.onPropagate = (batch) => batches.push(batch);
    const script = "redis.call('set', 'a', '1') redis.call('incr', 'n') while true do end";
    assert.equal(errorText(eval0(s, script)), killed(script));
    assert.equal(s.run('GET', 'a'), '1');
    assert.deepEqual(batches, [
      [
        ['set', 'a', '1'],
        ['incr', 'n'],
      ],
    ]);
    assertServing(s);
  });

  test('functions and library loading are stopped too', async (t) => {
    const s = await setup(t, { scriptTimeLimitMs: LIMIT, elapsed: fakeClock() });
    assert.equal(
      errorText(s.run('FUNCTION', 'LOAD', '#!lua name=spin\nwhile true do end')),
      'ERR Error registering functions: ERR FUNCTION LOAD timeout',
    );
    assert.equal(
      s.run('FUNCTION', 'LOAD', "#!lua name=spin\nredis.register_function('spin', function() while true do end end)"),
      'spin',
    );
    assert.equal(
      errorText(s.run('FCALL', 'spin', 0)),
      `ERR Script killed after running longer than the script time limit (${LIMIT} ms) script: spin`,
    );
    assertServing(s);
  });
});

describe('memory', () => {
  const options = { scriptMemoryLimit: 8 * 1024 * 1024, scriptTimeLimitMs: 5000 };

  test('allocations past the limit fail as script errors, and the engine keeps working', async (t) => {
    const s = await setup(t, options);
    const hungry: [string, RegExp][] = [
      ["return string.rep('x', 2^28)", /not enough memory/],
      ["local s = 'x' while true do s = s .. s end", /not enough memory/],
      ['local t = {} for i = 1, 1e8 do t[i] = i end return #t', /not enough memory/],
      ["local t = {} for i = 1, 1e7 do t[i] = 'v' .. i end return #t", /not enough memory/],
      ['return unpack({}, 1, 1e8)', /too many results to unpack/],
      ['return #{unpack({1, 2, 3}, 1, 2^31)}', /too many results to unpack/],
      ['local function f() return 1 + f() end return f()', /not enough memory|stack overflow/],
      ['local function f(n) return f(n + 1) + 1 end return f(1)', /not enough memory|stack overflow/],
    ];
    for (const [script, expected] of hungry) {
      assert.match(errorText(eval0(s, script)), expected, script);
      assertServing(s);
    }
    // pcall catches it like any error; the memory is back for the next script.
    assert.deepEqual(eval0(s, "return {pcall(string.rep, 'x', 2^28)}"), [null, 'not enough memory']);
    assert.equal(eval0(s, "return #string.rep('x', 1024 * 1024)"), 1024 * 1024);
    const used = s.engine.scripting?.usedMemory().scripts ?? 0;
    assert.ok(used > 0 && used < options.scriptMemoryLimit, `Lua holds ${used} bytes`);
  });

  test('recursion through pcall ends at the C-stack limit', async (t) => {
    const s = await setup(t, options);
    // Each level catches the overflow of the one below, so the script itself succeeds.
    assert.equal(eval0(s, 'local function f() return pcall(f) end return f()'), 1);
    const deep =
      'local function f(n) local ok, e = pcall(f, n + 1) if not ok then error(e, 0) end return e end return f(1)';
    assert.match(errorText(eval0(s, deep)), /stack overflow|error in error handling|not enough memory/);
    assertServing(s);
  });

  test('a table that contains itself is returned as nested arrays ending in an error', async (t) => {
    const s = await setup(t, options);
    let reply = eval0(s, 'local t = {} t[1] = t return t');
    let depth = 0;
    while (Array.isArray(reply)) {
      assert.equal(reply.length, 1);
      reply = reply[0] as Reply;
      depth++;
    }
    assert.ok(depth >= 100, `nested ${depth} deep`);
    assert.equal(errorText(reply), 'ERR reached lua stack limit');
    // Two tables referring to each other, and a self-reference inside a map.
    assert.ok(Array.isArray(eval0(s, 'local a, b = {}, {} a[1] = b b[1] = a return a')));
    assert.ok(eval0(s, 'local t = {} t.map = {x = t} return t') instanceof MapReply);
    assertServing(s);
  });
});

describe('effects', () => {
  async function recording(t: { after(fn: () => void): void }) {
    const s = await setup(t);
    const batches: Argv[][] = [];
    s.engine.onPropagate = (batch) => batches.push(batch);
    return { s, batches };
  }

  test("a script's writes propagate as the commands it ran, one batch per EVAL", async (t) => {
    const { s, batches } = await recording(t);
    const script =
      "redis.call('set', KEYS[1], ARGV[1]) redis.call('get', KEYS[1]) redis.call('incrby', 'n', 5) return 1";
    const seq = s.engine.writeSeq;
    assert.equal(s.run('EVAL', script, 1, 'k', 'v'), 1);
    assert.equal(s.engine.writeSeq, seq + 1);
    assert.equal(s.run('EVALSHA', sha1hex(script), 1, 'k2', 'w'), 1);
    assert.equal(s.engine.writeSeq, seq + 2);
    assert.deepEqual(batches, [
      [
        ['set', 'k', 'v'],
        ['incrby', 'n', '5'],
      ],
      [
        ['set', 'k2', 'w'],
        ['incrby', 'n', '5'],
      ],
    ]);
  });

  test('read-only scripts and failed writes propagate nothing', async (t) => {
    const { s, batches } = await recording(t);
    s.run('RPUSH', 'l', 'x');
    batches.length = 0;
    const seq = s.engine.writeSeq;
    eval0(s, "return redis.call('get', 'l')");
    s.run('EVAL_RO', "return redis.call('lrange', 'l', 0, -1)", 0);
    eval0(s, "return redis.pcall('incr', 'l')");
    eval0(s, 'return 1');
    assert.deepEqual(batches, []);
    assert.equal(s.engine.writeSeq, seq);
  });

  test('redis.set_repl(redis.REPL_NONE) suppresses the writes after it', async (t) => {
    const { s, batches } = await recording(t);
    eval0(
      s,
      [
        "redis.call('set', 'a', '1')",
        'redis.set_repl(redis.REPL_NONE)',
        "redis.call('set', 'b', '2')",
        'redis.set_repl(redis.REPL_ALL)',
        "redis.call('set', 'c', '3')",
      ].join('\n'),
    );
    assert.deepEqual(batches, [
      [
        ['set', 'a', '1'],
        ['set', 'c', '3'],
      ],
    ]);
    // Unlogged, but written.
    assert.equal(s.run('GET', 'b'), '2');
    // A script that only writes unlogged propagates no batch.
    batches.length = 0;
    eval0(s, "redis.set_repl(redis.REPL_NONE) redis.call('set', 'd', '4')");
    assert.deepEqual(batches, []);
  });

  test('an error keeps the writes made before it, caught or not', async (t) => {
    const { s, batches } = await recording(t);
    eval0(s, "redis.call('set', 'a', '1') pcall(function() redis.call('set', 'b', '2') error('x') end) return 1");
    errorText(eval0(s, "redis.call('set', 'c', '3') error('late')"));
    errorText(eval0(s, "redis.call('set', 'd', '4') redis.call('nosuch')"));
    assert.deepEqual(batches, [
      [
        ['set', 'a', '1'],
        ['set', 'b', '2'],
      ],
      [['set', 'c', '3']],
      [['set', 'd', '4']],
    ]);
    assert.deepEqual(s.run('MGET', 'a', 'b', 'c', 'd'), ['1', '2', '3', '4']);
  });

  test('FUNCTION LOAD, DELETE, FLUSH and RESTORE propagate as themselves; FCALL as its commands', async (t) => {
    const { s, batches } = await recording(t);
    const code =
      "#!lua name=lib\nredis.register_function('put', function(keys, args) return redis.call('set', keys[1], args[1]) end)";
    s.run('FUNCTION', 'LOAD', code);
    s.run('FCALL', 'put', 1, 'k', 'v');
    const dump = s.run('FUNCTION', 'DUMP') as string;
    s.run('FUNCTION', 'DELETE', 'lib');
    s.raw('FUNCTION', 'RESTORE', dump);
    s.run('FUNCTION', 'FLUSH');
    assert.deepEqual(batches, [
      [['FUNCTION', 'LOAD', code]],
      [['set', 'k', 'v']],
      [['FUNCTION', 'DELETE', 'lib']],
      [['FUNCTION', 'RESTORE', dump]],
      [['FUNCTION', 'FLUSH']],
    ]);
  });
});

describe('read-only clients', () => {
  test('EVAL is refused; EVAL_RO runs, and refuses writes inside', async (t) => {
    const s = await setup(t);
    s.run('SET', 'a', 'v');
    const ro = s.engine.createClient({ readonly: true });
    const exec = (...argv: string[]) => s.engine.exec(ro, argv);
    assert.match(errorText(exec('EVAL', 'return 1', '0')), /^NOPERM .*'eval'/);
    assert.match(errorText(exec('EVALSHA', sha1hex('return 1'), '0')), /^NOPERM .*'evalsha'/);
    assert.equal(exec('EVAL_RO', "return redis.call('get', 'a')", '0'), 'v');
    const write = "return redis.call('set', 'a', 'changed')";
    assert.match(errorText(exec('EVAL_RO', write, '0')), /^(NOPERM|ERR Write commands are not allowed)/);
    assert.match(errorText(exec('EVAL_RO', "return redis.call('flushall')", '0')), /^(NOPERM|ERR Write commands)/);
    assert.equal(s.run('GET', 'a'), 'v');
    // Loaded by a writer, run read-only by SHA.
    s.run('SCRIPT', 'LOAD', "return redis.call('get', 'a')");
    assert.equal(exec('EVALSHA_RO', sha1hex("return redis.call('get', 'a')"), '0'), 'v');
    assert.match(errorText(exec('SCRIPT', 'FLUSH')), /^NOPERM/);
    assert.match(errorText(exec('FUNCTION', 'FLUSH')), /^NOPERM/);
  });

  test('FCALL_RO runs no-writes functions only; FCALL is refused', async (t) => {
    const s = await setup(t);
    s.run(
      'FUNCTION',
      'LOAD',
      [
        '#!lua name=lib',
        "redis.register_function{function_name='reader', callback=function(k) return redis.call('get', k[1]) end, flags={'no-writes'}}",
        "redis.register_function('writer', function(k) return redis.call('set', k[1], 'x') end)",
        "redis.register_function{function_name='liar', callback=function(k) return redis.call('set', k[1], 'x') end, flags={'no-writes'}}",
      ].join('\n'),
    );
    s.run('SET', 'a', 'v');
    const ro = s.engine.createClient({ readonly: true });
    const exec = (...argv: string[]) => s.engine.exec(ro, argv);
    assert.equal(exec('FCALL_RO', 'reader', '1', 'a'), 'v');
    assert.equal(
      errorText(exec('FCALL_RO', 'writer', '1', 'a')),
      'ERR Can not execute a script with write flag using *_ro command.',
    );
    assert.match(errorText(exec('FCALL_RO', 'liar', '1', 'a')), /^(NOPERM|ERR Write commands are not allowed)/);
    assert.match(errorText(exec('FCALL', 'reader', '1', 'a')), /^NOPERM .*'fcall'/);
    assert.match(
      errorText(exec('FUNCTION', 'LOAD', '#!lua name=x\nredis.register_function("y", function() end)')),
      /^NOPERM/,
    );
    assert.equal(s.run('GET', 'a'), 'v');
  });

  test('redis.acl_check_cmd answers for the calling client', async (t) => {
    const s = await setup(t);
    const check = "return {redis.acl_check_cmd('set', 'a', 'b'), redis.acl_check_cmd('get', 'a')}";
    assert.deepEqual(s.run('EVAL_RO', check, 0), [1, 1]);
    const ro = s.engine.createClient({ readonly: true });
    assert.deepEqual(s.engine.exec(ro, ['EVAL_RO', check, '0']), [null, 1]);
    assert.match(errorText(s.engine.exec(ro, ['EVAL_RO', "return redis.acl_check_cmd('nosuch')", '0'])), /ERR/);
  });
});

describe('functions', () => {
  const lib = (name: string, fn: string, body = `return 'from ${name}'`) =>
    `#!lua name=${name}\nredis.register_function('${fn}', function(keys, args) ${body} end)`;

  test('load, replace, delete, flush and list', async (t) => {
    const s = await setup(t);
    assert.equal(s.run('FUNCTION', 'LOAD', lib('alpha', 'fa')), 'alpha');
    assert.equal(s.run('FUNCTION', 'LOAD', lib('beta', 'fb')), 'beta');
    assert.equal(errorText(s.run('FUNCTION', 'LOAD', lib('alpha', 'fa'))), "ERR Library 'alpha' already exists");
    assert.equal(s.run('FUNCTION', 'LOAD', 'REPLACE', lib('alpha', 'fa2')), 'alpha');
    // The replaced library's old function is gone with it.
    assert.equal(errorText(s.run('FCALL', 'fa', 0)), 'ERR Function not found');
    assert.equal(s.run('FCALL', 'fa2', 0), 'from alpha');
    // A function name belongs to one library.
    assert.equal(errorText(s.run('FUNCTION', 'LOAD', lib('gamma', 'fb'))), 'ERR Function fb already exists');

    const names = (r: Reply) => (r as { items: Reply[] }[]).map((l) => l.items[1]).sort();
    assert.deepEqual(names(s.run('FUNCTION', 'LIST')), ['alpha', 'beta']);
    assert.deepEqual(names(s.run('FUNCTION', 'LIST', 'LIBRARYNAME', 'b*')), ['beta']);
    assert.deepEqual(names(s.run('FUNCTION', 'LIST', 'LIBRARYNAME', 'B?TA')), ['beta']);
    const withCode = (s.run('FUNCTION', 'LIST', 'WITHCODE', 'LIBRARYNAME', 'beta') as { items: Reply[] }[])[0];
    assert.deepEqual(withCode?.items.slice(-2), ['library_code', lib('beta', 'fb')]);
    const stats = JSON.stringify(s.run('FUNCTION', 'STATS'));
    assert.match(stats, /"libraries_count",2,"functions_count",2/);

    assert.deepEqual(s.run('FUNCTION', 'DELETE', 'beta'), new SimpleString('OK'));
    assert.equal(errorText(s.run('FUNCTION', 'DELETE', 'beta')), 'ERR Library not found');
    assert.equal(errorText(s.run('FCALL', 'fb', 0)), 'ERR Function not found');
    assert.deepEqual(s.run('FUNCTION', 'FLUSH'), new SimpleString('OK'));
    assert.deepEqual(s.run('FUNCTION', 'LIST'), []);
    assert.equal(errorText(s.run('FCALL', 'fa2', 0)), 'ERR Function not found');
  });

  test("a function's errors name it and its line", async (t) => {
    const s = await setup(t);
    s.run(
      'FUNCTION',
      'LOAD',
      "#!lua name=errs\nlocal x = 1\nredis.register_function('boom', function()\n  error('bad')\nend)\nredis.register_function('call', function() return redis.call('nosuch') end)",
    );
    assert.equal(errorText(s.run('FCALL', 'boom', 0)), 'ERR user_function:4: bad script: boom, on @user_function:4.');
    assert.equal(
      errorText(s.run('FCALL', 'call', 0)),
      'ERR Unknown Redis command called from script script: call, on @user_function:6.',
    );
  });

  test('dump and restore with APPEND, REPLACE and FLUSH, all or nothing', async (t) => {
    const source = await setup(t);
    source.run('FUNCTION', 'LOAD', lib('one', 'f1'));
    source.run('FUNCTION', 'LOAD', lib('two', 'f2'));
    const payload = source.run('FUNCTION', 'DUMP') as string;

    const s = await setup(t);
    const restore = (...policy: string[]) => s.raw('FUNCTION', 'RESTORE', payload, ...policy);
    const libraries = () => (s.run('FUNCTION', 'LIST') as { items: Reply[] }[]).map((l) => l.items[1]).sort();

    assert.deepEqual(restore(), new SimpleString('OK'));
    assert.deepEqual(libraries(), ['one', 'two']);
    assert.equal(s.run('FCALL', 'f2', 0), 'from two');

    // APPEND onto a library of the same name: refused, and nothing of the payload is added.
    s.run('FUNCTION', 'DELETE', 'one');
    assert.equal(errorText(restore('APPEND')), 'ERR Library two already exists');
    assert.deepEqual(libraries(), ['two']);

    // A payload function whose name another library holds: refused whatever the order, nothing changes.
    s.run('FUNCTION', 'FLUSH');
    s.run('FUNCTION', 'LOAD', lib('other', 'f2', "return 'other'"));
    assert.equal(errorText(restore('REPLACE')), 'ERR Function f2 already exists');
    assert.deepEqual(libraries(), ['other']);
    assert.equal(s.run('FCALL', 'f2', 0), 'other');

    // REPLACE swaps same-named libraries; FLUSH drops everything else first.
    s.run('FUNCTION', 'LOAD', 'REPLACE', lib('other', 'g', "return 'g'"));
    s.run('FUNCTION', 'LOAD', lib('two', 'old', "return 'old two'"));
    assert.deepEqual(restore('REPLACE'), new SimpleString('OK'));
    assert.deepEqual(libraries(), ['one', 'other', 'two']);
    assert.equal(errorText(s.run('FCALL', 'old', 0)), 'ERR Function not found');
    assert.deepEqual(restore('FLUSH'), new SimpleString('OK'));
    assert.deepEqual(libraries(), ['one', 'two']);

    assert.equal(
      errorText(restore('NOPE')),
      'ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.',
    );
    assert.equal(
      errorText(s.raw('FUNCTION', 'RESTORE', payload.slice(0, -1))),
      'ERR DUMP payload version or checksum are wrong',
    );
    assert.deepEqual(libraries(), ['one', 'two']);
  });

  test('a failed FUNCTION LOAD writes and propagates nothing', async (t) => {
    const s = await setup(t);
    const effects: string[] = [];
    const engine: Engine = s.engine;
    engine.onPropagate = (batch) => effects.push(...batch.map((argv) => argv[0] as string));
    assert.match(
      errorText(s.run('FUNCTION', 'LOAD', "#!lua name=x\nredis.call('set', 'a', 'b')")),
      /^ERR Error registering functions: .*nonexistent global variable 'call'/,
    );
    assert.equal(errorText(s.run('FUNCTION', 'LOAD', '#!lua name=x\nlocal v = 1')), 'ERR No functions registered');
    assert.deepEqual(effects, []);
    assert.equal(s.run('EXISTS', 'a'), 0);
  });
});

describe('EVAL script cache', () => {
  test("past 500 EVAL'd scripts the least recently used are forgotten; SCRIPT LOAD'ed ones stay", async (t) => {
    const s = await setup(t);
    const script = (i: number) => `return ${i}`;
    const exists = (i: number) => s.run('SCRIPT', 'EXISTS', sha1hex(script(i)));
    assert.equal(s.run('SCRIPT', 'LOAD', script(-1)), sha1hex(script(-1)));
    assert.equal(eval0(s, script(0)), 0);
    // Loading an EVAL'd script pins it.
    s.run('SCRIPT', 'LOAD', script(0));
    for (let i = 1; i <= 500; i++) {
      assert.equal(eval0(s, script(i)), i);
      // Running script 1 again keeps it recent.
      if (i % 100 === 0) eval0(s, script(1));
    }
    assert.deepEqual(exists(1), [1]);
    eval0(s, script(501));
    assert.deepEqual(exists(2), [0]);
    assert.deepEqual(exists(1), [1]);
    assert.deepEqual(exists(501), [1]);
    assert.deepEqual(exists(0), [1]);
    assert.deepEqual(exists(-1), [1]);
    assert.equal(errorText(s.run('EVALSHA', sha1hex(script(2)), 0)), 'NOSCRIPT No matching script. Please use EVAL.');
    assert.ok((s.engine.scripting?.scriptCount ?? 0) <= 502);
    // A forgotten script simply compiles again.
    assert.equal(eval0(s, script(2)), 2);
  });
});

describe('binary safety', () => {
  test('NUL and high bytes round-trip through KEYS, ARGV, redis.call and the reply', async (t) => {
    const s = await setup(t);
    const key = 'k\x00\x80\xff';
    const value = '\x00\xfe\xff\r\n\x7f\x80';
    const script =
      "redis.call('set', KEYS[1], ARGV[1]) return {KEYS[1], ARGV[1], redis.call('get', KEYS[1]), #ARGV[1]}";
    assert.deepEqual(s.raw('EVAL', script, '1', key, value), [key, value, value, value.length]);
    assert.equal(s.raw('GET', key), value);
    // Bytes inside the script's own text, and hashed by redis.sha1hex.
    assert.equal(s.raw('EVAL', "return '\x00\xc3\xa9\xff'", '0'), '\x00\xc3\xa9\xff');
    assert.equal(s.raw('EVAL', 'return redis.sha1hex(ARGV[1])', '0', value), sha1hex(value));
    assert.equal(s.raw('SCRIPT', 'LOAD', "return '\xff'"), sha1hex("return '\xff'"));
    assert.equal(s.raw('EVALSHA', sha1hex("return '\xff'"), '0'), '\xff');
    // Through a function library too.
    s.raw(
      'FUNCTION',
      'LOAD',
      "#!lua name=bin\nredis.register_function('echo', function(k, a) return {k[1], a[1]} end)",
    );
    assert.deepEqual(s.raw('FCALL', 'echo', '1', key, value), [key, value]);
  });
});
