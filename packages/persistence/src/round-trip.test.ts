import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { EMITTERS, REWRITE_BATCH } from '@redstash/engine';
import { createScriptingTestEngine, type TestEngine } from '@redstash/engine/testing';
import { readLog } from './log-reader.ts';
import { readManifest } from './manifest.ts';
import { Persistence } from './persistence.ts';
import { dumpState, plain, reopen, tempDir } from './test-support.ts';

const ALL_BYTES = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join('');
const BIG = 3 * REWRITE_BATCH + 7;
/** Keys with this TTL (ms) are gone after DOWNTIME; the others outlive it. */
const SHORT_TTL = 5_000;
const DOWNTIME = 60_000;

function ok(t: TestEngine, ...argv: string[]): void {
  const reply = t.raw(...argv);
  assert.ok(
    !(reply !== null && typeof reply === 'object' && 'message' in reply),
    `${argv.join(' ')}: ${String((reply as { message?: string })?.message)}`,
  );
}

const range = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));

/**
 * How to fill each type the engine has: normal and binary contents, collections larger than one rewrite
 * command, and the same with a TTL that outlives the downtime and one that does not. A type the engine
 * gains must be added here (the first test fails until it is).
 */
const FILL: Record<string, (t: TestEngine, p: string) => void> = {
  string(t, p) {
    ok(t, 'SET', `${p}s:plain`, 'hello');
    ok(t, 'SET', `${p}s:${ALL_BYTES}`, ALL_BYTES);
    ok(t, 'SET', `${p}s:empty`, '');
    ok(t, 'SET', `${p}s:big`, 'x'.repeat(100_000));
    ok(t, 'INCRBY', `${p}s:counter`, '41');
    ok(t, 'INCR', `${p}s:counter`);
    ok(t, 'INCRBYFLOAT', `${p}s:float`, '1.5e-3');
    ok(t, 'APPEND', `${p}s:append`, 'a\r\n');
    ok(t, 'APPEND', `${p}s:append`, '\0b');
    ok(t, 'SET', `${p}s:ttl`, 'long', 'PX', String(10 * DOWNTIME));
    ok(t, 'SET', `${p}s:short`, 'gone', 'EX', String(SHORT_TTL / 1000));
    ok(t, 'SET', `${p}s:persisted`, 'v', 'EX', '1');
    ok(t, 'PERSIST', `${p}s:persisted`);
  },
  hash(t, p) {
    ok(t, 'HSET', `${p}h:small`, 'f', 'v', 'g', '');
    ok(t, 'HSET', `${p}h:big`, ...range(BIG, (i) => [`field${i}`, `value${i}`]).flat());
    ok(t, 'HSET', `${p}h:bin`, ALL_BYTES, ALL_BYTES, 'crlf\r\n', '\r\n\0');
    ok(t, 'HINCRBY', `${p}h:small`, 'n', '-5');
    ok(t, 'HSET', `${p}h:ttl`, 'a', '1');
    ok(t, 'PEXPIRE', `${p}h:ttl`, String(10 * DOWNTIME));
    ok(t, 'HSET', `${p}h:short`, 'a', '1');
    ok(t, 'PEXPIRE', `${p}h:short`, String(SHORT_TTL));
    // Field TTLs: one outlives the downtime, one does not (the field is gone after reload).
    ok(t, 'HSET', `${p}h:fields`, 'keep', '1', 'long', '2', 'brief', '3');
    ok(t, 'HPEXPIRE', `${p}h:fields`, String(10 * DOWNTIME), 'FIELDS', '1', 'long');
    ok(t, 'HPEXPIRE', `${p}h:fields`, String(SHORT_TTL), 'FIELDS', '1', 'brief');
  },
  stream(t, p) {
    ok(t, 'XADD', `${p}x:big`, '1-1', 'f', 'v');
    for (let i = 0; i < BIG; i++) ok(t, 'XADD', `${p}x:big`, '*', 'n', String(i), 'bin', ALL_BYTES);
    ok(t, 'XDEL', `${p}x:big`, '1-1');
    ok(t, 'XGROUP', 'CREATE', `${p}x:big`, 'g1', '0');
    ok(t, 'XREADGROUP', 'GROUP', 'g1', 'alice', 'COUNT', '5', 'STREAMS', `${p}x:big`, '>');
    ok(t, 'XREADGROUP', 'GROUP', 'g1', 'bob', 'COUNT', '3', 'STREAMS', `${p}x:big`, '>');
    ok(t, 'XGROUP', 'CREATECONSUMER', `${p}x:big`, 'g1', 'carol');
    ok(t, 'XGROUP', 'CREATE', `${p}x:big`, 'g2', '$');
    ok(t, 'XADD', `${p}x:ttl`, '5-0', 'a', '1');
    ok(t, 'PEXPIRE', `${p}x:ttl`, String(10 * DOWNTIME));
    ok(t, 'XADD', `${p}x:short`, '*', 'a', '1');
    ok(t, 'PEXPIRE', `${p}x:short`, String(SHORT_TTL));
    ok(t, 'XADD', `${p}x:empty`, '7-7', 'a', '1');
    ok(t, 'XDEL', `${p}x:empty`, '7-7');
  },
  'ReJSON-RL'(t, p) {
    ok(
      t,
      'JSON.SET',
      `${p}j:doc`,
      '$',
      '{"a":[1,2.5,"three",null,true],"b":{"c":"\\u00e9\\u0000","d":12345678901234567890}}',
    );
    ok(t, 'JSON.NUMINCRBY', `${p}j:doc`, '$.a[0]', '41');
    ok(t, 'JSON.ARRAPPEND', `${p}j:doc`, '$.a', '{"x":1}');
    ok(t, 'JSON.SET', `${p}j:scalar`, '$', '"text"');
    ok(t, 'JSON.SET', `${p}j:ttl`, '$', '[1]');
    ok(t, 'PEXPIRE', `${p}j:ttl`, String(10 * DOWNTIME));
    ok(t, 'JSON.SET', `${p}j:short`, '$', '{}');
    ok(t, 'PEXPIRE', `${p}j:short`, String(SHORT_TTL));
  },
  list(t, p) {
    ok(t, 'RPUSH', `${p}l:big`, ...range(BIG, (i) => `item${i}`));
    ok(t, 'LPUSH', `${p}l:big`, 'head1', 'head2');
    ok(t, 'RPUSH', `${p}l:bin`, ALL_BYTES, '', '\r\n', 'dup', 'dup');
    ok(t, 'RPUSH', `${p}l:ttl`, 'a', 'b');
    ok(t, 'EXPIRE', `${p}l:ttl`, String((10 * DOWNTIME) / 1000));
    ok(t, 'RPUSH', `${p}l:short`, 'a');
    ok(t, 'EXPIRE', `${p}l:short`, String(SHORT_TTL / 1000));
  },
  set(t, p) {
    ok(t, 'SADD', `${p}S:big`, ...range(BIG, (i) => `m${i}`));
    ok(t, 'SADD', `${p}S:ints`, ...range(BIG, (i) => String(i * 7 - 100)));
    ok(t, 'SADD', `${p}S:bin`, ALL_BYTES, '', '\r\n');
    ok(t, 'SADD', `${p}S:ttl`, 'a');
    ok(t, 'PEXPIREAT', `${p}S:ttl`, String(Date.UTC(2030, 0, 1)));
    ok(t, 'SADD', `${p}S:short`, 'a');
    ok(t, 'PEXPIRE', `${p}S:short`, String(SHORT_TTL));
  },
  zset(t, p) {
    ok(t, 'ZADD', `${p}z:scores`, '-inf', 'neginf', 'inf', 'posinf', '-0', 'negzero', '0', 'zero', '1e-300', 'tiny');
    ok(t, 'ZADD', `${p}z:scores`, '0.1', 'tenth', '-2.25', 'neg', '3.141592653589793', 'pi', '1e300', 'huge');
    ok(t, 'ZADD', `${p}z:scores`, '5e-324', 'denormal', '9007199254740993', 'past2^53', '0.30000000000000004', 'sum');
    ok(t, 'ZADD', `${p}z:scores`, '1', 'tie-b', '1', 'tie-a', '1', ALL_BYTES);
    ok(t, 'ZINCRBY', `${p}z:scores`, '0.2', 'tenth');
    ok(t, 'ZADD', `${p}z:big`, ...range(BIG, (i) => [String(i / 3), `m${i}`]).flat());
    ok(t, 'ZADD', `${p}z:ttl`, '1', 'a');
    ok(t, 'PEXPIRE', `${p}z:ttl`, String(10 * DOWNTIME));
    ok(t, 'ZADD', `${p}z:short`, '1', 'a');
    ok(t, 'PEXPIRE', `${p}z:short`, String(SHORT_TTL));
  },
};

const LIB = (name: string, body = 'return 1') =>
  `#!lua name=${name}\nredis.register_function('${name}_f', function(keys, args) ${body} end)`;

function fillAll(t: TestEngine, prefix: string): void {
  for (const fill of Object.values(FILL)) fill(t, prefix);
}

function changeSome(t: TestEngine, prefix: string): void {
  ok(t, 'SET', `${prefix}s:plain`, 'changed');
  ok(t, 'DEL', `${prefix}s:empty`);
  ok(t, 'HDEL', `${prefix}h:big`, 'field0', 'field1');
  ok(t, 'LPOP', `${prefix}l:big`, '3');
  ok(t, 'SREM', `${prefix}S:big`, 'm5');
  ok(t, 'ZREM', `${prefix}z:big`, 'm7');
  ok(t, 'ZADD', `${prefix}z:scores`, '-0.5', 'tenth');
  ok(t, 'PERSIST', `${prefix}s:ttl`);
  ok(t, 'RENAME', `${prefix}l:bin`, `${prefix}l:renamed`);
  ok(t, 'INCR', `${prefix}s:counter`);
}

/** A reload happens DOWNTIME later; the reference state is the old engine read at that time too. */
async function reloadAndCompare(dir: string, before: TestEngine): Promise<TestEngine> {
  before.clock.advance(DOWNTIME);
  const expected = dumpState(before);
  const { t, p } = await reopen(dir, before.clock.now());
  try {
    const actual = dumpState(t);
    assert.deepEqual(
      actual.keys.map((k) => k.key),
      expected.keys.map((k) => k.key),
    );
    for (let i = 0; i < expected.keys.length; i++) assert.deepEqual(actual.keys[i], expected.keys[i]);
    assert.deepEqual(actual.functions, expected.functions);
    for (const k of actual.keys) assert.ok(!k.key.includes(':short'), `${k.key} outlived its TTL`);
    return t;
  } finally {
    p.close();
    t.engine.close();
  }
}

describe('round trip through the data directory', () => {
  test('every type the engine has is covered here', () => {
    const types = Object.keys(EMITTERS);
    assert.ok(types.length >= 5);
    for (const type of types) assert.ok(type in FILL, `no round-trip fill for the type '${type}': add one to FILL`);
  });

  test('the fill really makes every type, with TTLs short and long', async () => {
    const t = await createScriptingTestEngine();
    fillAll(t, '');
    const { keys } = dumpState(t);
    assert.deepEqual([...new Set(keys.map((k) => k.type))].sort(), Object.keys(EMITTERS).sort());
    for (const type of Object.keys(EMITTERS)) {
      const ofType = keys.filter((k) => k.type === type);
      assert.ok(
        ofType.some((k) => k.key.endsWith(':short') && typeof k.pttl === 'number' && k.pttl > 0),
        `${type}: short TTL`,
      );
      assert.ok(
        ofType.some((k) => typeof k.pttl === 'number' && k.pttl > DOWNTIME),
        `${type}: TTL past the downtime`,
      );
      assert.ok(
        ofType.some((k) => k.pttl === -1),
        `${type}: no TTL`,
      );
    }
    t.engine.close();
  });

  test('through the log only', async (t) => {
    const dir = tempDir(t);
    const a = await createScriptingTestEngine();
    const p = Persistence.open(a.engine, { dataDir: dir, fsync: 'no' });
    fillAll(a, '');
    ok(a, 'FUNCTION', 'LOAD', LIB('libone'));
    ok(a, 'FUNCTION', 'LOAD', LIB('libtwo', "return redis.call('GET', keys[1])"));
    ok(a, 'FUNCTION', 'DELETE', 'libone');
    changeSome(a, '');
    p.close();
    assert.equal(readManifest(join(dir, 'aof'))?.base, null, 'no snapshot was taken');
    const b = await reloadAndCompare(dir, a);
    assert.equal(b.engine.db.size > 0, true);
    a.engine.close();
  });

  test('through a snapshot (SAVE) and the log after it', async (t) => {
    const dir = tempDir(t);
    const a = await createScriptingTestEngine();
    const p = Persistence.open(a.engine, { dataDir: dir, fsync: 'no' });
    fillAll(a, '');
    ok(a, 'FUNCTION', 'LOAD', LIB('libone'));
    ok(a, 'FUNCTION', 'LOAD', LIB('libtwo'));
    ok(a, 'SAVE');
    const manifest = readManifest(join(dir, 'aof'));
    assert.ok(manifest?.base, 'SAVE wrote a snapshot');
    // The snapshot cuts big collections into commands of at most REWRITE_BATCH elements.
    let longest = 0;
    let commands = 0;
    readLog(join(dir, 'aof', manifest.base), (argv) => {
      commands++;
      longest = Math.max(longest, argv.length);
    });
    assert.ok(commands > 5 * 4, `${commands} commands`);
    assert.ok(longest <= 2 + 2 * REWRITE_BATCH, `a command of ${longest} arguments`);
    fillAll(a, 'after:');
    changeSome(a, '');
    ok(a, 'FUNCTION', 'DELETE', 'libone');
    ok(a, 'FUNCTION', 'LOAD', LIB('libthree'));
    p.close();
    await reloadAndCompare(dir, a);
    a.engine.close();
  });

  test('a snapshot taken twice in a row, with nothing logged after it, loads alone', async (t) => {
    const dir = tempDir(t);
    const a = await createScriptingTestEngine();
    const p = Persistence.open(a.engine, { dataDir: dir, fsync: 'no' });
    fillAll(a, '');
    ok(a, 'SAVE');
    ok(a, 'SAVE');
    p.close();
    await reloadAndCompare(dir, a);
    a.engine.close();
  });

  test('a key that expired and was written again keeps only the new value', async (t) => {
    const dir = tempDir(t);
    const a = await createScriptingTestEngine();
    const p = Persistence.open(a.engine, { dataDir: dir, fsync: 'no' });
    ok(a, 'SET', 'k', 'old', 'PX', '10');
    ok(a, 'HSET', 'h', 'old', '1');
    ok(a, 'PEXPIRE', 'h', '10');
    ok(a, 'SET', 'untouched', 'v', 'PX', '10');
    a.clock.advance(20);
    ok(a, 'APPEND', 'k', 'new'); // meets the expired key: a fresh string
    ok(a, 'HSET', 'h', 'new', '2');
    p.close();
    const first = await reopen(dir, a.clock.now());
    assert.deepEqual(dumpState(first.t).keys, [
      { key: 'h', type: 'hash', value: [['new', '2', -1]], pttl: -1 },
      { key: 'k', type: 'string', value: 'new', pttl: -1 },
    ]);
    // Purged at load; a write to it afterwards must not revive the old value on the next load.
    ok(first.t, 'SET', 'k2', 'old', 'PX', '10');
    first.p.close();
    const second = await reopen(dir, a.clock.now() + 20);
    assert.equal(plain(second.t.run('GET', 'k2')), null);
    ok(second.t, 'APPEND', 'k2', 'new');
    second.p.close();
    const third = await reopen(dir, a.clock.now() + 40);
    assert.equal(plain(third.t.run('GET', 'k2')), 'new');
    third.p.close();
    for (const e of [a, first.t, second.t, third.t]) e.engine.close();
  });

  test('a key written again after its logged expiry stays expired after a late reload', async (t) => {
    // A fixed-window rate limiter: INCR, PEXPIRE on the first hit, more INCRs in the window.
    const dir = tempDir(t);
    const a = await createScriptingTestEngine();
    const p = Persistence.open(a.engine, { dataDir: dir, fsync: 'no' });
    ok(a, 'INCR', 'rl');
    ok(a, 'PEXPIRE', 'rl', '1000');
    ok(a, 'INCR', 'rl');
    ok(a, 'SET', 'k', 'v', 'PX', '1000');
    ok(a, 'APPEND', 'k', 'x');
    ok(a, 'RPUSH', 'l', 'a');
    ok(a, 'EXPIRE', 'l', '1');
    ok(a, 'RPUSH', 'l', 'b');
    p.close();
    const { t: b, p: q } = await reopen(dir, a.clock.now() + DOWNTIME);
    assert.deepEqual(dumpState(b).keys, []);
    q.close();
    a.engine.close();
    b.engine.close();
  });
});
