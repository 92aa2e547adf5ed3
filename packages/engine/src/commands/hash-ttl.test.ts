/**
 * Hash field expiration and Redis 8's HGETDEL / HGETEX / HSETEX. The reference redis-server of the
 * differential suite is 7.0, which has none of these commands, so the expected replies come from the
 * redis.io pages' examples and Redis 8's t_hash.c behaviour, written out here.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as E from '../command/errors.ts';
import type { Argv } from '../command/table.ts';
import { rewriteEntry } from '../keyspace/rewrite.ts';
import { dumpValue, RDB_TYPE, restoreValue } from '../rdb/value.ts';
import { MapReply } from '../reply.ts';
import { createTestEngine } from '../testing/index.ts';
import { Hash } from '../types/hash.ts';
import { HFE_MAX_ABS_TIME_MS } from './hash-ttl.ts';

function setup() {
  const t = createTestEngine();
  /** Everything the append-only log would hold: propagated writes and field-expiry HDELs, in order. */
  const log: Argv[] = [];
  t.engine.onPropagate = (batch) => {
    t.effects.push(...batch);
    log.push(...batch);
  };
  t.engine.db.onFieldExpire = (key, fields) => {
    for (const f of fields) log.push(['HDEL', key, f]);
  };
  t.engine.db.onExpire = (key) => log.push(['DEL', key]);
  const events: string[] = [];
  t.engine.pubsub.psubscribe('__keyevent@0__:*', (_kind, channel, message) => {
    events.push(`${channel.slice('__keyevent@0__:'.length)} ${message}`);
  });
  return { ...t, log, events, now: () => t.clock.now() };
}

/** Replays `log` into a fresh engine as the append-only log loader does (expiry off while loading). */
function replayed(log: Argv[]) {
  const t = createTestEngine();
  for (const argv of log) t.engine.replay(argv);
  return t;
}

test('HEXPIRE docs example: set, condition, past time, missing field', () => {
  const { run } = setup();
  run('hset', 'mykey', 'field1', 'hello', 'field2', 'world');
  assert.deepEqual(run('hexpire', 'mykey', 10, 'FIELDS', 3, 'field1', 'field2', 'field3'), [1, 1, -2]);
  assert.deepEqual(run('httl', 'mykey', 'FIELDS', 2, 'field1', 'field2'), [10, 10]);
  assert.deepEqual(run('hexpire', 'mykey', 10, 'NX', 'FIELDS', 1, 'field1'), [0]);
  assert.deepEqual(run('hexpire', 'mykey', 5, 'XX', 'FIELDS', 1, 'field1'), [1]);
  assert.deepEqual(run('hexpire', 'mykey', 3, 'GT', 'FIELDS', 1, 'field1'), [0]);
  assert.deepEqual(run('hexpire', 'mykey', 20, 'GT', 'FIELDS', 1, 'field1'), [1]);
  assert.deepEqual(run('hexpire', 'mykey', 30, 'LT', 'FIELDS', 1, 'field1'), [0]);
  assert.deepEqual(run('hexpire', 'mykey', 3, 'lt', 'FIELDS', 1, 'field1'), [1]);
  assert.deepEqual(run('hexpire', 'mykey', 0, 'FIELDS', 1, 'field2'), [2]);
  assert.deepEqual(run('hgetall', 'mykey'), new MapReply(['field1', 'hello']));
  assert.deepEqual(run('hexpire', 'nokey', 10, 'FIELDS', 2, 'a', 'b'), [-2, -2]);
});

test('conditions on a field without a TTL: XX and GT fail, NX and LT hold', () => {
  const { run } = setup();
  run('hset', 'h', 'a', '1', 'b', '2', 'c', '3', 'd', '4');
  assert.deepEqual(run('hpexpire', 'h', 1000, 'XX', 'FIELDS', 1, 'a'), [0]);
  assert.deepEqual(run('hpexpire', 'h', 1000, 'GT', 'FIELDS', 1, 'b'), [0]);
  assert.deepEqual(run('hpexpire', 'h', 1000, 'NX', 'FIELDS', 1, 'c'), [1]);
  assert.deepEqual(run('hpexpire', 'h', 1000, 'LT', 'FIELDS', 1, 'd'), [1]);
  assert.deepEqual(run('hpexpire', 'h', 1000, 'GT', 'FIELDS', 1, 'd'), [0], 'GT needs strictly later');
  assert.deepEqual(run('hpexpire', 'h', 1000, 'LT', 'FIELDS', 1, 'd'), [0], 'LT needs strictly earlier');
});

test('HEXPIRE family errors, in Redis 8 order', () => {
  const { run } = setup();
  run('hset', 'h', 'a', '1');
  run('set', 's', 'x');
  assert.deepEqual(run('hexpire', 's', 'bad', 'FIELDS', 1, 'a'), E.WRONGTYPE, 'type before arguments');
  assert.deepEqual(run('hexpire', 'h', 'bad', 'FIELDS', 1, 'a'), E.NOT_INTEGER);
  assert.deepEqual(run('hexpire', 'h', -1, 'FIELDS', 1, 'a'), E.HFE_EXPIRE_NEGATIVE);
  assert.deepEqual(run('hexpire', 'h', 10, 'FIELDS', 0, 'a'), E.HFE_NUMFIELDS_NOT_POSITIVE);
  assert.deepEqual(run('hexpire', 'h', 10, 'FIELDS', 'x', 'a'), E.HFE_NUMFIELDS_NOT_POSITIVE);
  assert.deepEqual(run('hexpire', 'h', 10, 'FIELDS', 2, 'a'), E.HFE_NUMFIELDS_MISMATCH);
  assert.deepEqual(run('hexpire', 'h', 10, 'FIELDS', 1, 'a', 'b'), E.HFE_NUMFIELDS_MISMATCH);
  assert.deepEqual(run('hexpire', 'h', 10, 'NX', 'XX', 'FIELDS', 1, 'a'), E.HFE_FIELDS_MISSING);
  assert.deepEqual(run('hexpire', 'h', 10, 'FOO', 1, 'a'), E.HFE_FIELDS_MISSING);
  assert.deepEqual(run('hexpire', 'h', 10, 'FIELDS', 1), E.arity('hexpire'));
  const maxSeconds = Math.floor(HFE_MAX_ABS_TIME_MS / 1000);
  assert.deepEqual(run('hexpireat', 'h', maxSeconds + 1, 'FIELDS', 1, 'a'), E.INVALID_EXPIRE('hexpireat'));
  assert.deepEqual(run('hpexpireat', 'h', HFE_MAX_ABS_TIME_MS + 1, 'FIELDS', 1, 'a'), E.INVALID_EXPIRE('hpexpireat'));
  assert.deepEqual(run('hpexpireat', 'h', HFE_MAX_ABS_TIME_MS, 'FIELDS', 1, 'a'), [1]);
  assert.deepEqual(run('hpexpire', 'h', HFE_MAX_ABS_TIME_MS, 'FIELDS', 1, 'a'), E.INVALID_EXPIRE('hpexpire'));
  assert.deepEqual(run('hexpire', 'h', '99999999999999999999', 'FIELDS', 1, 'a'), E.NOT_INTEGER);
  assert.deepEqual(run('hexpire', 'h', '9223372036854775807', 'FIELDS', 1, 'a'), E.INVALID_EXPIRE('hexpire'));
});

test('HTTL, HPTTL, HEXPIRETIME, HPEXPIRETIME: -2 no field, -1 no TTL, seconds rounded up', () => {
  const { run, now } = setup();
  run('hset', 'h', 'a', '1', 'b', '2');
  const at = now() + 1500;
  assert.deepEqual(run('hpexpireat', 'h', at, 'FIELDS', 1, 'a'), [1]);
  assert.deepEqual(run('httl', 'h', 'FIELDS', 3, 'a', 'b', 'c'), [2, -1, -2]);
  assert.deepEqual(run('hpttl', 'h', 'FIELDS', 3, 'a', 'b', 'c'), [1500, -1, -2]);
  assert.deepEqual(run('hexpiretime', 'h', 'FIELDS', 1, 'a'), [Math.floor((at + 999) / 1000)]);
  assert.deepEqual(run('hpexpiretime', 'h', 'FIELDS', 2, 'a', 'b'), [at, -1]);
  assert.deepEqual(run('httl', 'nokey', 'FIELDS', 2, 'a', 'b'), [-2, -2]);
  assert.deepEqual(run('httl', 'h', 'FIELDS', 0, 'a'), E.HFE_FIELDS_NOT_POSITIVE);
  assert.deepEqual(run('httl', 'h', 'FIELDS', 2, 'a'), E.HFE_NUMFIELDS_MISMATCH);
  assert.deepEqual(run('httl', 'h', 'FOO', 1, 'a'), E.HFE_FIELDS_MISSING);
  run('set', 's', 'x');
  assert.deepEqual(run('hpttl', 's', 'FIELDS', 1, 'a'), E.WRONGTYPE);
});

test('HPERSIST removes TTLs: 1, -1 without one, -2 without the field', () => {
  const { run, events, engine } = setup();
  run('hset', 'h', 'a', '1', 'b', '2');
  run('hexpire', 'h', 100, 'FIELDS', 1, 'a');
  engine.exec(engine.createClient(), ['config', 'set', 'notify-keyspace-events', 'KEA']);
  assert.deepEqual(run('hpersist', 'h', 'FIELDS', 3, 'a', 'b', 'c'), [1, -1, -2]);
  assert.deepEqual(run('httl', 'h', 'FIELDS', 1, 'a'), [-1]);
  assert.deepEqual(run('hpersist', 'h', 'FIELDS', 1, 'a'), [-1]);
  assert.deepEqual(run('hpersist', 'nokey', 'FIELDS', 1, 'a'), [-2]);
  assert.deepEqual(run('hpersist', 'h', 'FIELDS', 0, 'a'), E.HFE_FIELDS_NOT_POSITIVE);
  assert.deepEqual(events, ['hpersist h']);
});

test('HSET drops a field TTL, HSETNX cannot touch it, HDEL forgets it', () => {
  const { run } = setup();
  run('hset', 'h', 'a', '1', 'b', '2', 'c', '3');
  run('hexpire', 'h', 100, 'FIELDS', 3, 'a', 'b', 'c');
  run('hset', 'h', 'a', 'x');
  assert.deepEqual(run('httl', 'h', 'FIELDS', 1, 'a'), [-1]);
  assert.equal(run('hsetnx', 'h', 'b', 'y'), 0);
  assert.deepEqual(run('httl', 'h', 'FIELDS', 1, 'b'), [100]);
  run('hdel', 'h', 'c');
  run('hset', 'h', 'c', 'again');
  assert.deepEqual(run('httl', 'h', 'FIELDS', 1, 'c'), [-1]);
});

test('lazy expiry: every read sees no expired field, and a hash emptied so is gone', () => {
  const { run, clock, engine } = setup();
  run('hset', 'h', 'a', '1', 'b', '2', 'c', '3');
  run('hpexpire', 'h', 100, 'FIELDS', 2, 'a', 'b');
  clock.advance(100);
  assert.equal(run('hget', 'h', 'a'), null);
  assert.equal(run('hlen', 'h'), 1);
  assert.equal(run('hexists', 'h', 'b'), 0);
  assert.equal(run('hstrlen', 'h', 'b'), 0);
  assert.deepEqual(run('hgetall', 'h'), new MapReply(['c', '3']));
  assert.deepEqual(run('hscan', 'h', 0), ['0', ['c', '3']]);
  assert.deepEqual(run('hrandfield', 'h', 5), ['c']);
  assert.equal(engine.db.expiredFields, 2);
  run('hpexpire', 'h', 10, 'FIELDS', 1, 'c');
  clock.advance(10);
  assert.deepEqual(run('type', 'h'), run('type', 'nokey'));
  assert.equal(run('exists', 'h'), 0);
  assert.equal(engine.db.size, 0);
  assert.equal(engine.db.usedBytes, 0);
});

test('active expiry removes due fields within its budget, earliest first', () => {
  const { run, clock, engine, log, events } = setup();
  engine.exec(engine.createClient(), ['config', 'set', 'notify-keyspace-events', 'KEA']);
  for (let i = 0; i < 10; i++) run('hset', 'h', `f${i}`, 'v');
  run('hset', 'g', 'x', '1');
  for (let i = 0; i < 10; i++) run('hpexpire', 'h', 100 + i, 'FIELDS', 1, `f${i}`);
  run('hpexpire', 'g', 50, 'FIELDS', 1, 'x');
  events.length = 0;
  log.length = 0;
  assert.equal(engine.activeExpire(), 0);
  clock.advance(104);
  assert.equal(engine.activeExpire(3), 3);
  assert.deepEqual(log, [
    ['HDEL', 'g', 'x'],
    ['HDEL', 'h', 'f0'],
    ['HDEL', 'h', 'f1'],
  ]);
  assert.deepEqual(events, ['hexpired g', 'del g', 'hexpired h']);
  assert.equal(engine.db.has('g'), false);
  assert.equal(engine.activeExpire(), 3, 'f2..f4 are due, f5.. are not');
  clock.advance(100);
  assert.equal(engine.activeExpire(), 5);
  assert.equal(engine.db.has('h'), false);
  assert.equal(engine.activeExpire(), 0);
  assert.equal(engine.db.usedBytes, 0);
});

test('re-arming: a TTL moved later or removed leaves nothing due early', () => {
  const { run, clock, engine } = setup();
  run('hset', 'h', 'a', '1', 'b', '2');
  run('hpexpire', 'h', 100, 'FIELDS', 1, 'a');
  run('hpexpire', 'h', 1000, 'FIELDS', 1, 'a');
  run('hpexpire', 'h', 50, 'FIELDS', 1, 'b');
  run('hpersist', 'h', 'FIELDS', 1, 'b');
  clock.advance(200);
  assert.equal(engine.activeExpire(), 0);
  assert.equal(engine.db.peek('h') !== undefined, true);
  clock.advance(800);
  assert.equal(engine.activeExpire(), 1);
  assert.deepEqual(run('hkeys', 'h'), ['b']);
});

test('HEXPIRE propagates as HPEXPIREAT with the changed fields; a past time as HDELs', () => {
  const { run, effects, now } = setup();
  run('hset', 'h', 'a', '1', 'b', '2', 'c', '3');
  effects.length = 0;
  run('hexpire', 'h', 10, 'NX', 'FIELDS', 3, 'a', 'nope', 'b');
  run('hexpire', 'h', 20, 'XX', 'FIELDS', 2, 'c', 'a');
  run('hexpire', 'h', 30, 'XX', 'FIELDS', 1, 'c');
  run('hpexpireat', 'h', 1, 'FIELDS', 2, 'b', 'zz');
  run('hpersist', 'h', 'FIELDS', 1, 'c');
  run('hpersist', 'h', 'FIELDS', 1, 'a');
  const t = now();
  assert.deepEqual(effects, [
    ['HPEXPIREAT', 'h', String(t + 10000), 'NX', 'FIELDS', '2', 'a', 'b'],
    ['HPEXPIREAT', 'h', String(t + 20000), 'XX', 'FIELDS', '1', 'a'],
    ['HDEL', 'h', 'b'],
    ['hpersist', 'h', 'FIELDS', '1', 'a'],
  ]);
});

test('keyspace events of the TTL commands', () => {
  const { run, events, engine, clock } = setup();
  engine.exec(engine.createClient(), ['config', 'set', 'notify-keyspace-events', 'KEA']);
  run('hset', 'h', 'a', '1', 'b', '2');
  run('hexpire', 'h', 10, 'FIELDS', 1, 'a');
  run('hexpire', 'h', 10, 'XX', 'FIELDS', 1, 'b');
  run('hexpire', 'h', 0, 'FIELDS', 1, 'a');
  run('hpexpire', 'h', 5, 'FIELDS', 1, 'b');
  clock.advance(5);
  run('hget', 'h', 'b');
  assert.deepEqual(events, ['hset h', 'hexpire h', 'hdel h', 'hexpire h', 'hexpired h', 'del h']);
});

test('HGETDEL returns values, deletes the fields, logs HDEL and removes an emptied key', () => {
  const { run, effects, events, engine } = setup();
  engine.exec(engine.createClient(), ['config', 'set', 'notify-keyspace-events', 'KEA']);
  run('hset', 'h', 'a', '1', 'b', '2', 'c', '3');
  effects.length = 0;
  events.length = 0;
  assert.deepEqual(run('hgetdel', 'h', 'FIELDS', 3, 'a', 'x', 'b'), ['1', null, '2']);
  assert.deepEqual(run('hgetdel', 'h', 'FIELDS', 1, 'x'), [null]);
  assert.deepEqual(run('hgetdel', 'h', 'FIELDS', 1, 'c'), ['3']);
  assert.equal(run('exists', 'h'), 0);
  assert.deepEqual(run('hgetdel', 'h', 'FIELDS', 1, 'c'), [null]);
  assert.deepEqual(effects, [
    ['HDEL', 'h', 'a', 'x', 'b'],
    ['HDEL', 'h', 'c'],
  ]);
  assert.deepEqual(events, ['hdel h', 'hdel h', 'del h']);
  assert.deepEqual(run('hgetdel', 'h', 'FIELDS', 0, 'c'), E.HFE_FIELDS_NOT_POSITIVE);
  assert.deepEqual(run('hgetdel', 'h', 'FIELDS', 2, 'c'), E.HFE_NUMFIELDS_MISMATCH);
  assert.deepEqual(run('hgetdel', 'h', 'FIELD', 1, 'c'), E.HFE_FIELDS_MISSING);
  run('set', 's', 'x');
  assert.deepEqual(run('hgetdel', 's', 'FIELDS', 1, 'c'), E.WRONGTYPE);
});

test('HGETEX: docs example, PERSIST, past time, propagation and errors', () => {
  const { run, effects, events, engine, now } = setup();
  engine.exec(engine.createClient(), ['config', 'set', 'notify-keyspace-events', 'KEA']);
  run('hset', 'mykey', 'field1', 'Hello', 'field2', 'World');
  effects.length = 0;
  events.length = 0;
  assert.deepEqual(run('hgetex', 'mykey', 'EX', 120, 'FIELDS', 1, 'field1'), ['Hello']);
  assert.deepEqual(run('hgetex', 'mykey', 'EX', 100, 'FIELDS', 1, 'field2'), ['World']);
  assert.deepEqual(run('httl', 'mykey', 'FIELDS', 3, 'field1', 'field2', 'field3'), [120, 100, -2]);
  assert.deepEqual(run('hgetex', 'mykey', 'FIELDS', 2, 'field1', 'nope'), ['Hello', null]);
  assert.deepEqual(run('hgetex', 'mykey', 'PERSIST', 'FIELDS', 1, 'field1'), ['Hello']);
  assert.deepEqual(run('hgetex', 'mykey', 'PERSIST', 'FIELDS', 1, 'field1'), ['Hello']);
  assert.deepEqual(run('hgetex', 'mykey', 'PXAT', 1, 'FIELDS', 2, 'field2', 'x'), ['World', null]);
  assert.deepEqual(run('hgetex', 'mykey', 'EXAT', 1, 'FIELDS', 1, 'field1'), ['Hello']);
  assert.equal(run('exists', 'mykey'), 0);
  assert.deepEqual(run('hgetex', 'mykey', 'PX', 10, 'FIELDS', 1, 'a'), [null]);
  const t = now();
  assert.deepEqual(effects, [
    ['HPEXPIREAT', 'mykey', String(t + 120000), 'FIELDS', '1', 'field1'],
    ['HPEXPIREAT', 'mykey', String(t + 100000), 'FIELDS', '1', 'field2'],
    ['HPERSIST', 'mykey', 'FIELDS', '1', 'field1'],
    ['HDEL', 'mykey', 'field2'],
    ['HDEL', 'mykey', 'field1'],
  ]);
  assert.deepEqual(events, [
    'hexpire mykey',
    'hexpire mykey',
    'hpersist mykey',
    'hdel mykey',
    'hdel mykey',
    'del mykey',
  ]);
  run('hset', 'h', 'a', '1');
  assert.deepEqual(run('hgetex', 'h', 'EX', -1, 'FIELDS', 1, 'a'), E.HFE_EXPIRE_NEGATIVE);
  assert.deepEqual(run('hgetex', 'h', 'EX', 'x', 'FIELDS', 1, 'a'), E.NOT_INTEGER);
  assert.deepEqual(run('hgetex', 'h', 'FIELDS', 0, 'a'), E.HFE_FIELDS_NOT_POSITIVE);
  assert.deepEqual(run('hgetex', 'h', 'FIELDS', 2, 'a'), E.HFE_NUMFIELDS_MISMATCH);
  assert.deepEqual(run('hgetex', 'h', 'EX', 10, 'PERSIST', 'FIELDS', 1, 'a'), E.HFE_FIELDS_MISSING);
  assert.deepEqual(run('hgetex', 'h', 'KEEPTTL', 'FIELDS', 1, 'a'), E.HFE_FIELDS_MISSING);
  assert.deepEqual(run('hgetex', 'h', 'EX', 10, 'FIELDS'), E.arity('hgetex'));
});

test('HSETEX: docs example, FNX/FXX, KEEPTTL, past time and propagation', () => {
  const { run, effects, events, engine, now } = setup();
  engine.exec(engine.createClient(), ['config', 'set', 'notify-keyspace-events', 'KEA']);
  assert.equal(run('hsetex', 'mykey', 'EXAT', 1740470400, 'FIELDS', 2, 'field1', 'Hello', 'field2', 'World'), 1);
  // 2025-02-25 is before the test clock (2026), so both fields went at once, logged as HDELs.
  assert.equal(run('exists', 'mykey'), 0);
  assert.equal(run('hsetex', 'mykey', 'EX', 100, 'FIELDS', 2, 'field1', 'Hello', 'field2', 'World'), 1);
  assert.deepEqual(run('httl', 'mykey', 'FIELDS', 2, 'field1', 'field2'), [100, 100]);
  assert.equal(run('hsetex', 'mykey', 'FNX', 'EX', 100, 'FIELDS', 2, 'field3', 'x', 'field1', 'y'), 0);
  assert.equal(run('hsetex', 'mykey', 'FXX', 'EX', 100, 'FIELDS', 2, 'field3', 'x', 'field1', 'y'), 0);
  assert.equal(run('hsetex', 'mykey', 'FXX', 'KEEPTTL', 'FIELDS', 1, 'field1', 'kept'), 1);
  assert.deepEqual(run('httl', 'mykey', 'FIELDS', 1, 'field1'), [100]);
  assert.equal(run('hsetex', 'mykey', 'FIELDS', 1, 'field1', 'plain'), 1);
  assert.deepEqual(run('httl', 'mykey', 'FIELDS', 1, 'field1'), [-1]);
  assert.equal(run('hsetex', 'mykey', 'FNX', 'PXAT', now() + 5, 'FIELDS', 1, 'field3', 'new'), 1);
  assert.equal(run('hsetex', 'nokey', 'FXX', 'FIELDS', 1, 'a', 'b'), 0);
  assert.equal(run('exists', 'nokey'), 0);
  // listpackex order: by TTL, the latest of equal TTLs first, fields without a TTL last.
  assert.deepEqual(run('hgetall', 'mykey'), new MapReply(['field3', 'new', 'field2', 'World', 'field1', 'plain']));
  const t = now();
  assert.deepEqual(effects, [
    ['HDEL', 'mykey', 'field1'],
    ['HDEL', 'mykey', 'field2'],
    ['hsetex', 'mykey', 'PXAT', String(t + 100000), 'FIELDS', '2', 'field1', 'Hello', 'field2', 'World'],
    ['hsetex', 'mykey', 'FXX', 'KEEPTTL', 'FIELDS', '1', 'field1', 'kept'],
    ['hsetex', 'mykey', 'FIELDS', '1', 'field1', 'plain'],
    ['hsetex', 'mykey', 'FNX', 'PXAT', String(t + 5), 'FIELDS', '1', 'field3', 'new'],
  ]);
  assert.deepEqual(events.slice(0, 5), ['hset mykey', 'hdel mykey', 'del mykey', 'hset mykey', 'hexpire mykey']);
});

test('HSETEX argument errors come before the type check', () => {
  const { run } = setup();
  run('set', 's', 'x');
  assert.deepEqual(run('hsetex', 's', 'FIELDS', 1, 'a', 'b'), E.WRONGTYPE);
  assert.deepEqual(run('hsetex', 's', 'EX', 10, 'PX', 10, 'FIELDS', 1, 'a', 'b'), E.HSETEX_ONE_EXPIRY);
  assert.deepEqual(run('hsetex', 's', 'KEEPTTL', 'EX', 10, 'FIELDS', 1, 'a', 'b'), E.HSETEX_ONE_EXPIRY);
  assert.deepEqual(run('hsetex', 's', 'FNX', 'FXX', 'FIELDS', 1, 'a', 'b'), E.HSETEX_FNX_FXX);
  assert.deepEqual(run('hsetex', 's', 'FIELDS', 0, 'a', 'b'), E.HSETEX_BAD_NUMFIELDS);
  assert.deepEqual(run('hsetex', 's', 'FIELDS', 2, 'a', 'b'), E.arity('hsetex'));
  assert.deepEqual(run('hsetex', 's', 'FIELDS', 1, 'a', 'b', 'c'), E.arity('hsetex'));
  assert.deepEqual(run('hsetex', 's', 'NX', 'FIELDS', 1, 'a', 'b'), E.hfeUnknownArgument('NX'));
  assert.deepEqual(run('hsetex', 's', 'EX', -1, 'FIELDS', 1, 'a', 'b'), E.HFE_EXPIRE_NEGATIVE);
  assert.deepEqual(run('hsetex', 's', 'EX', 'z', 'FIELDS', 1, 'a', 'b'), E.NOT_INTEGER);
  assert.deepEqual(run('hsetex', 's', 'FIELDS', 1, 'a'), E.arity('hsetex'));
});

test('HINCRBY and HINCRBYFLOAT keep a field TTL (Redis passes HASH_SET_KEEP_TTL)', () => {
  const { run } = setup();
  run('hset', 'h', 'n', '1');
  run('hexpire', 'h', 100, 'FIELDS', 1, 'n');
  run('hincrby', 'h', 'n', 1);
  assert.deepEqual(run('httl', 'h', 'FIELDS', 1, 'n'), [100]);
  run('hincrbyfloat', 'h', 'n', '0.5');
  assert.deepEqual(run('httl', 'h', 'FIELDS', 1, 'n'), [100]);
  assert.equal(run('hget', 'h', 'n'), '2.5');
});

test('HINCRBYFLOAT is logged as HSETEX KEEPTTL when the field has a TTL, so a replay keeps it', () => {
  const { run, log } = setup();
  run('hset', 'h', 'n', '1', 'm', '1');
  run('hexpire', 'h', 100, 'FIELDS', 1, 'n');
  log.length = 0;
  run('hincrbyfloat', 'h', 'n', '0.5');
  run('hincrbyfloat', 'h', 'm', '0.5');
  assert.deepEqual(log, [
    ['HSETEX', 'h', 'KEEPTTL', 'FIELDS', '1', 'n', '1.5'],
    ['HSET', 'h', 'm', '1.5'],
  ]);
});

test('replaying the log (propagated writes and field-expiry HDELs) rebuilds the same hashes', () => {
  const { run, clock, engine, log } = setup();
  run('hset', 'h', 'a', '1', 'b', '2', 'c', '3', 'd', '4');
  run('hexpire', 'h', 10, 'FIELDS', 2, 'a', 'b');
  run('hpexpire', 'h', 500, 'GT', 'FIELDS', 1, 'a');
  run('hgetex', 'h', 'PX', 300, 'FIELDS', 1, 'c');
  run('hsetex', 'g', 'EX', 5, 'FIELDS', 2, 'x', '1', 'y', '2');
  run('hsetex', 'g', 'KEEPTTL', 'FIELDS', 1, 'x', '10');
  run('hgetdel', 'g', 'FIELDS', 1, 'y');
  clock.advance(400);
  run('hget', 'h', 'c'); // lazily expires c, logged as HDEL
  run('hset', 'h', 'c', 'back');
  run('hgetex', 'h', 'PERSIST', 'FIELDS', 1, 'b');
  clock.advance(5000);
  engine.activeExpire();
  const copy = replayed(log);
  copy.clock.set(clock.now());
  for (const k of ['h', 'g']) {
    assert.deepEqual(copy.run('hgetall', k), run('hgetall', k), k);
    const fields = ['a', 'b', 'c', 'd', 'x', 'y'];
    assert.deepEqual(
      copy.run('hpexpiretime', k, 'FIELDS', fields.length, ...fields),
      run('hpexpiretime', k, 'FIELDS', fields.length, ...fields),
    );
  }
  assert.equal(copy.engine.db.size, engine.db.size);
});

test('COPY, RENAME and RESTORE keep field TTLs; OBJECT ENCODING says listpackex', () => {
  const { run, raw, clock, engine } = setup();
  run('hset', 'h', 'a', '1', 'b', '2');
  assert.equal(run('object', 'encoding', 'h'), 'listpack');
  run('hpexpire', 'h', 100, 'FIELDS', 1, 'a');
  assert.equal(run('object', 'encoding', 'h'), 'listpackex');
  run('copy', 'h', 'h2');
  const dump = run('dump', 'h') as string;
  assert.equal((raw('restore', 'h3', '0', dump) as { value: string }).value, 'OK');
  run('rename', 'h', 'h4');
  for (const k of ['h2', 'h3', 'h4']) assert.deepEqual(run('hpttl', k, 'FIELDS', 2, 'a', 'b'), [100, -1], k);
  run('hset', 'o', 'a', '1', 'b', '2', 'c', '3', 'd', '4');
  run('hpexpire', 'o', 100, 'FIELDS', 3, 'a', 'b', 'd');
  run('hpexpire', 'o', 50, 'FIELDS', 1, 'c');
  assert.deepEqual(run('hkeys', 'o'), ['c', 'd', 'b', 'a']);
  assert.equal((raw('restore', 'o2', '0', run('dump', 'o') as string) as { value: string }).value, 'OK');
  run('copy', 'o', 'o3');
  for (const k of ['o2', 'o3']) assert.deepEqual(run('hkeys', k), ['c', 'd', 'b', 'a'], k);
  run('del', 'o', 'o2', 'o3');
  run('hset', 'big', 'f', 'x'.repeat(100));
  run('hexpire', 'big', 10, 'FIELDS', 1, 'f');
  assert.equal(run('object', 'encoding', 'big'), 'hashtable');
  clock.advance(100);
  assert.equal(engine.activeExpire(), 3);
  for (const k of ['h2', 'h3', 'h4']) assert.deepEqual(run('hgetall', k), new MapReply(['b', '2']), k);
});

test('memory accounting includes field TTLs and returns to the plain figure', () => {
  const { run, engine } = setup();
  run('hset', 'h', 'a', '1', 'b', '2');
  const plain = engine.db.usedBytes;
  run('hexpire', 'h', 100, 'FIELDS', 2, 'a', 'b');
  assert.ok(engine.db.usedBytes > plain);
  run('hpersist', 'h', 'FIELDS', 2, 'a', 'b');
  assert.equal(engine.db.usedBytes, plain);
});

test('the rewrite emitter recreates field TTLs as HPEXPIREAT grouped by instant', () => {
  const { run, now, engine } = setup();
  for (let i = 0; i < 70; i++) run('hset', 'h', `f${i}`, String(i));
  const t = now();
  run('hpexpireat', 'h', t + 1000, 'FIELDS', 2, 'f1', 'f2');
  run('hpexpireat', 'h', t + 2000, 'FIELDS', 1, 'f3');
  const all = Array.from({ length: 66 }, (_, i) => `f${i + 4}`);
  run('hpexpireat', 'h', t + 3000, 'FIELDS', all.length, ...all);
  const out: Argv[] = [];
  for (const [k, entry] of engine.db.entries()) rewriteEntry(k, entry, (argv) => out.push(argv));
  const ttlCommands = out.filter((argv) => argv[0] === 'HPEXPIREAT');
  assert.deepEqual(ttlCommands.slice(0, 2), [
    ['HPEXPIREAT', 'h', String(t + 1000), 'FIELDS', '2', 'f1', 'f2'],
    ['HPEXPIREAT', 'h', String(t + 2000), 'FIELDS', '1', 'f3'],
  ]);
  assert.deepEqual(
    ttlCommands.slice(2).map((argv) => argv[4]),
    ['64', '2'],
    'cut by REWRITE_BATCH',
  );
  const copy = replayed(out);
  copy.clock.set(t);
  const fields = Array.from({ length: 70 }, (_, i) => `f${i}`);
  assert.deepEqual(copy.run('hgetall', 'h'), run('hgetall', 'h'));
  assert.deepEqual(
    copy.run('hpexpiretime', 'h', 'FIELDS', 70, ...fields),
    run('hpexpiretime', 'h', 'FIELDS', 70, ...fields),
  );
});

test('DUMP of a hash with field TTLs uses its own type byte and round-trips; a plain hash keeps type 4', () => {
  const hash = new Hash();
  hash.set('a', '1');
  hash.set('b', '2');
  assert.equal(dumpValue('hash', hash).charCodeAt(0), RDB_TYPE.hash);
  // An instant whose low 32 bits are small: the 64-bit length form must write all eight bytes.
  const at = 2 ** 32 * 500 + 5;
  hash.setExpireAt('b', at);
  const payload = dumpValue('hash', hash);
  assert.equal(payload.charCodeAt(0), RDB_TYPE.hashMetadata);
  const back = restoreValue(payload);
  assert.ok(typeof back === 'object');
  const copy = back.value as Hash;
  assert.equal(copy.get('a'), '1');
  assert.equal(copy.expireAt('a'), 0);
  assert.equal(copy.expireAt('b'), at);
});

test('a small hash reached by a TTL command keeps listpackex order and encoding', () => {
  const { run } = setup();
  run('hset', 'h', 'a', '1', 'b', '2', 'c', '3', 'd', '4');
  assert.deepEqual(run('hexpire', 'h', 100, 'FIELDS', 1, 'nope'), [-2]);
  assert.equal(run('object', 'encoding', 'h'), 'listpackex', 'converted even though no field changed');
  run('hexpire', 'h', 100, 'FIELDS', 2, 'b', 'c');
  assert.deepEqual(run('hkeys', 'h'), ['c', 'b', 'a', 'd']);
  run('hexpire', 'h', 50, 'FIELDS', 1, 'd');
  assert.deepEqual(run('hkeys', 'h'), ['d', 'c', 'b', 'a']);
  run('hpersist', 'h', 'FIELDS', 1, 'c');
  assert.deepEqual(run('hkeys', 'h'), ['d', 'b', 'a', 'c']);
  run('hset', 'h', 'd', 'x');
  assert.deepEqual(run('hkeys', 'h'), ['b', 'a', 'c', 'd']);
  run('hpersist', 'h', 'FIELDS', 1, 'b');
  assert.equal(run('object', 'encoding', 'h'), 'listpackex', 'stays so without TTLs');
  run('hset', 'p', 'a', '1');
  run('hpersist', 'p', 'FIELDS', 1, 'a');
  assert.equal(run('object', 'encoding', 'p'), 'listpack', 'HPERSIST does not convert');
});
