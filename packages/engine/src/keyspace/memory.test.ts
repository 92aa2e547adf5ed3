/**
 * `usedBytes` is maintained incrementally (collection counters, per-entry accounting, re-measuring the keys
 * a write named). Every test compares it with a recount from scratch that walks every entry and element,
 * so any path that forgets to account shows up as a difference.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Engine } from '../engine.ts';
import { createScriptingTestEngine, createTestEngine, seededRandom, type TestEngine } from '../testing/index.ts';
import type { Hash } from '../types/hash.ts';
import { ELEMENT_OVERHEAD } from '../types/index.ts';
import { type JsonDoc, sizeOf } from '../types/json.ts';
import type { List } from '../types/list.ts';
import type { RSet } from '../types/set.ts';
import type { Stream } from '../types/stream.ts';
import type { ZSet } from '../types/zset.ts';
import { ENTRY_OVERHEAD, type Entry } from './keyspace.ts';

/** A zset member's score counts as a double. */
const SCORE_BYTES = 8;

function elementBytes(entry: Entry): number {
  const v = entry.value;
  let n = 0;
  switch (entry.type) {
    case 'string':
      return (v as string).length;
    case 'hash':
      (v as Hash).forEach((value, field) => {
        n += field.length + value.length + ELEMENT_OVERHEAD;
      });
      return n;
    case 'list':
      for (const x of (v as List).values()) n += x.length + ELEMENT_OVERHEAD;
      return n;
    case 'set':
      for (const x of (v as RSet).values()) n += x.length + ELEMENT_OVERHEAD;
      return n;
    case 'zset':
      for (const m of (v as ZSet).scanOrder()) n += m.length + SCORE_BYTES + ELEMENT_OVERHEAD;
      return n;
    case 'ReJSON-RL':
      return sizeOf((v as JsonDoc).root);
    case 'stream':
      return (v as Stream).recount();
  }
}

function recount(engine: Engine): number {
  let total = 0;
  for (const [key, entry] of engine.db.entries()) total += key.length + elementBytes(entry) + ENTRY_OVERHEAD;
  return total;
}

/** Runs each command line (split on spaces) and checks the accounting after every one. */
function check(t: TestEngine, lines: string): void {
  for (const line of lines.trim().split('\n')) {
    const argv = line.trim().split(/\s+/);
    t.run(...argv);
    assert.equal(t.engine.db.usedBytes, recount(t.engine), `after ${line.trim()}`);
  }
}

describe('usedBytes equals a recount from scratch', () => {
  test('is 0 on a new engine and exact for one string', () => {
    const t = createTestEngine();
    assert.equal(t.engine.db.usedBytes, 0);
    t.run('SET', 'key', 'value');
    assert.equal(t.engine.db.usedBytes, 3 + 5 + ENTRY_OVERHEAD);
    t.run('DEL', 'key');
    assert.equal(t.engine.db.usedBytes, 0);
  });

  test('strings: overwrite, APPEND, SETRANGE, INCR, MSET, GETDEL, binary values', () => {
    const t = createTestEngine();
    check(
      t,
      `
      SET s hello
      SET s a-much-longer-value-than-before
      SET s x KEEPTTL
      APPEND s tail
      APPEND fresh new
      SETRANGE s 20 padded
      SETRANGE other 3 abc
      INCR n
      INCRBY n 123456789
      INCRBYFLOAT f 1.5
      DECR n
      MSET a 1 b 22 c 333
      MSETNX a 9 d 4
      GETSET a 4444
      GETDEL b
      SETNX c zzz
      GETEX c PERSIST
      `,
    );
    t.raw('SET', '\x00\xff', '\x80'.repeat(100));
    assert.equal(t.engine.db.usedBytes, recount(t.engine));
  });

  test('hashes: HSET, HDEL, HINCRBY, HINCRBYFLOAT, HSETNX, emptying', () => {
    const t = createTestEngine();
    check(
      t,
      `
      HSET h a 1 b 2 c 3
      HSET h a one-longer b 2
      HDEL h c missing
      HINCRBY h n 5
      HINCRBY h n 99999
      HINCRBYFLOAT h fl 0.25
      HSETNX h a ignored
      HSETNX h z new
      HMSET h q 1 r 2
      HDEL h a b n fl z q r
      HSET h2 f v
      `,
    );
    assert.equal(t.engine.db.has('h'), false);
  });

  test('lists: pushes, pops, LTRIM, LREM, LSET, LINSERT, LMOVE, LMPOP', () => {
    const t = createTestEngine();
    check(
      t,
      `
      RPUSH l a b c d e f g h a b a
      LPUSH l front1 front2
      LPOP l
      RPOP l 2
      LSET l 0 replaced-with-longer
      LSET l 1 x
      LINSERT l BEFORE c inserted
      LINSERT l AFTER missing nothing
      LREM l 0 a
      LREM l -1 b
      LTRIM l 1 4
      LMOVE l l2 LEFT RIGHT
      RPOPLPUSH l l2
      LPUSHX l2 pushed
      RPUSHX nolist x
      LMPOP 2 l l2 LEFT COUNT 2
      LTRIM l2 5 1
      RPUSH l3 only
      LPOP l3
      `,
    );
    assert.equal(t.engine.db.has('l3'), false);
  });

  test('sets: SADD, SREM, SPOP, SMOVE and the *STORE forms', () => {
    const t = createTestEngine();
    check(
      t,
      `
      SADD s 1 2 3 four five six
      SADD s 1 seven
      SREM s 2 missing
      SPOP s
      SPOP s 2
      SMOVE s t 3
      SMOVE s t four
      SADD u x y 3
      SINTERSTORE dst s u
      SUNIONSTORE dst s t u
      SDIFFSTORE dst s u
      SDIFFSTORE dst nothing
      SPOP t 100
      `,
    );
  });

  test('sorted sets: ZADD, ZINCRBY, ZREM, ZREMRANGEBY*, ZPOPMIN/MAX, ZMPOP, the *STORE forms', () => {
    const t = createTestEngine();
    check(
      t,
      `
      ZADD z 1 a 2 b 3 c 4 d 5 e 6 f 7 g
      ZADD z 10 a 11 longer-member
      ZADD z XX CH 0 b 0 new
      ZINCRBY z 2.5 c
      ZINCRBY z 1 fresh
      ZREM z d missing
      ZREMRANGEBYRANK z 0 1
      ZREMRANGEBYSCORE z 5 6
      ZREMRANGEBYLEX z [a [b
      ZPOPMIN z
      ZPOPMAX z 2
      ZADD y 1 p 2 q
      ZUNIONSTORE u 2 z y
      ZINTERSTORE i 2 u y
      ZDIFFSTORE d 2 u y
      ZRANGESTORE r u 0 -1
      ZMPOP 2 z y MIN COUNT 10
      ZREMRANGEBYRANK u 0 -1
      `,
    );
  });

  test('keyspace moves: RENAME, RENAMENX, COPY, DEL, UNLINK, PERSIST', () => {
    const t = createTestEngine();
    check(
      t,
      `
      HSET h f v g w
      RENAME h a-much-longer-name
      RENAME a-much-longer-name h
      RENAME h h
      SET target something
      RENAME h target
      RPUSH l a b c
      RENAMENX l target
      RENAMENX l l2
      COPY l2 l3
      RPUSH l3 d
      COPY target l3 REPLACE
      COPY l2 target
      ZADD z 1 m
      COPY z z2
      ZADD z2 2 n
      SADD s m
      COPY s s2
      SADD s2 n
      DEL l2 l3 missing
      UNLINK target z
      EXPIRE z2 100
      PERSIST z2
      `,
    );
  });

  test('expiry, lazy and active, via the manual clock', () => {
    const t = createTestEngine();
    check(
      t,
      `
      SET a 1 PX 100
      HSET h f v
      PEXPIRE h 200
      SADD s x
      EXPIRE s 10
      SET keep forever
      `,
    );
    t.clock.advance(150);
    check(t, 'GET a');
    assert.equal(t.engine.db.has('a'), false);
    t.clock.advance(100);
    t.engine.activeExpire();
    assert.equal(t.engine.db.usedBytes, recount(t.engine));
    assert.equal(t.engine.db.has('h'), false);
    check(t, 'EXPIRE keep 0');
    assert.equal(t.engine.db.has('keep'), false);
    check(t, 'EXPIREAT s 1');
    assert.equal(t.engine.db.usedBytes, 0);
  });

  test('FLUSHALL and FLUSHDB bring it back to 0', () => {
    const t = createTestEngine();
    check(
      t,
      `
      SET a 1
      HSET h f v
      RPUSH l x
      SADD s m
      ZADD z 1 m
      FLUSHALL
      `,
    );
    assert.equal(t.engine.db.usedBytes, 0);
    check(t, 'SET b 2\nFLUSHDB ASYNC');
    assert.equal(t.engine.db.usedBytes, 0);
  });

  test('MULTI/EXEC and the /multi-exec transaction path', () => {
    const t = createTestEngine();
    check(
      t,
      `
      MULTI
      HSET h f v
      RPUSH l a b
      ZADD z 1 m
      SADD s x
      LPOP l
      EXEC
      `,
    );
    t.engine.transaction(t.client, [
      ['HSET', 'h', 'g', 'longer value'],
      ['HDEL', 'h', 'f'],
      ['INCR', 'h'], // fails with WRONGTYPE; the others stay applied
      ['SREM', 's', 'x'],
    ]);
    assert.equal(t.engine.db.usedBytes, recount(t.engine));
  });

  test('a failed write that changed nothing leaves it as it was', () => {
    const t = createTestEngine();
    check(t, 'SET s v\nHSET s f v\nLPUSH s x\nZADD s 1 m\nSADD s m\nRENAME missing x');
    assert.equal(t.engine.db.usedBytes, 1 + 1 + ENTRY_OVERHEAD);
  });

  test('random command mixes on every type', () => {
    const t = createTestEngine();
    const rnd = seededRandom(7);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
    const keys = ['k1', 'k2', 'a-longer-key-name'];
    const vals = ['', 'v', 'value-two', 'x'.repeat(70), '12'];
    const ops: (() => string[])[] = [
      () => ['SET', pick(keys), pick(vals)],
      () => ['APPEND', pick(keys), pick(vals)],
      () => ['SETRANGE', pick(keys), String(Math.floor(rnd() * 10)), pick(vals) || 'q'],
      () => ['HSET', pick(keys), pick(vals), pick(vals)],
      () => ['HDEL', pick(keys), pick(vals)],
      () => ['RPUSH', pick(keys), pick(vals), pick(vals)],
      () => ['LPOP', pick(keys)],
      () => ['LREM', pick(keys), String(Math.floor(rnd() * 3) - 1), pick(vals)],
      () => ['LTRIM', pick(keys), '1', '-2'],
      () => ['LSET', pick(keys), '0', pick(vals)],
      () => ['SADD', pick(keys), pick(vals), pick(vals)],
      () => ['SPOP', pick(keys)],
      () => ['ZADD', pick(keys), String(Math.floor(rnd() * 5)), pick(vals)],
      () => ['ZPOPMIN', pick(keys), '2'],
      () => ['ZREMRANGEBYRANK', pick(keys), '0', '0'],
      () => ['RENAME', pick(keys), pick(keys)],
      () => ['COPY', pick(keys), pick(keys), 'REPLACE'],
      () => ['DEL', pick(keys)],
      () => ['PEXPIRE', pick(keys), '5'],
    ];
    for (let i = 0; i < 3000; i++) {
      const argv = pick(ops)();
      t.run(...argv);
      if (i % 100 === 0) t.clock.advance(10);
      assert.equal(t.engine.db.usedBytes, recount(t.engine), `step ${i}: ${argv.join(' ')}`);
    }
  });

  test('writes a script makes, and writes replayed from the log, are accounted', async () => {
    const t = await createScriptingTestEngine();
    try {
      t.run('EVAL', "redis.call('HSET', KEYS[1], 'f', ARGV[1]); redis.call('RPUSH', 'other', 'x')", '1', 'h', 'v');
      assert.equal(t.engine.db.usedBytes, recount(t.engine));
      t.run('EVAL', "redis.call('HSET', KEYS[1], 'f', string.rep('y', 50))", '1', 'h');
      assert.equal(t.engine.db.usedBytes, recount(t.engine));
      t.engine.replay(['SADD', 'replayed', 'a', 'b']);
      t.engine.replay(['HDEL', 'h', 'f']);
      assert.equal(t.engine.db.usedBytes, recount(t.engine));
      assert.equal(t.engine.db.has('h'), false);
    } finally {
      t.engine.close();
    }
  });

  test('INFO memory reports it as used_memory_dataset', () => {
    const t = createTestEngine();
    t.run('RPUSH', 'l', 'a', 'b');
    const info = t.run('INFO', 'memory') as string;
    assert.match(info, new RegExp(`\\r\\nused_memory_dataset:${t.engine.db.usedBytes}\\r\\n`));
    assert.ok(t.engine.db.usedBytes > 0);
  });
});
