import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as E from '../command/errors.ts';
import { MapReply, OK, type Reply } from '../reply.ts';
import { createTestEngine } from '../testing/index.ts';

function setup() {
  const t = createTestEngine();
  return t;
}

const BIN_FIELD = 'f\x00\x80\xff';
const BIN_VALUE = '\x00v\xfe\x81\x00';

test('HSET adds and updates pairs, counts only new fields, and needs whole pairs', () => {
  const { run, engine } = setup();
  assert.equal(run('hset', 'h', 'a', '1', 'b', '2'), 2);
  assert.equal(run('hset', 'h', 'a', '10', 'c', '3'), 1);
  assert.equal(run('hget', 'h', 'a'), '10');
  assert.equal(run('hset', 'h', 'a', '10'), 0);
  assert.deepEqual(run('hset', 'h', 'a', '1', 'b'), E.arity('hset'));
  assert.deepEqual(run('hset', 'h', 'a'), E.arity('hset'));
  assert.deepEqual(run('hset', 'nokey', 'a', '1', 'b'), E.arity('hset'));
  assert.equal(engine.db.has('nokey'), false);
  run('set', 's', 'x');
  assert.equal(run('hset', 's', 'a', '1'), E.WRONGTYPE);
  assert.deepEqual(run('hset', 's', 'a', '1', 'b'), E.arity('hset'), 'arity is checked before the type');
});

test('HMSET answers OK and has its own arity text', () => {
  const { run } = setup();
  assert.equal(run('hmset', 'h', 'a', '1', 'b', '2'), OK);
  assert.equal(run('hmset', 'h', 'a', '3'), OK);
  assert.deepEqual(run('hmget', 'h', 'a', 'b'), ['3', '2']);
  assert.deepEqual(run('hmset', 'h', 'a', '1', 'b'), E.arity('hmset'));
  run('set', 's', 'x');
  assert.equal(run('hmset', 's', 'a', '1'), E.WRONGTYPE);
});

test('HSETNX sets only a missing field, creating the key', () => {
  const { run } = setup();
  assert.equal(run('hsetnx', 'h', 'a', '1'), 1);
  assert.equal(run('hsetnx', 'h', 'a', '2'), 0);
  assert.equal(run('hget', 'h', 'a'), '1');
  assert.equal(run('hsetnx', 'h', 'b', ''), 1);
  assert.equal(run('hget', 'h', 'b'), '');
  run('set', 's', 'x');
  assert.equal(run('hsetnx', 's', 'a', '1'), E.WRONGTYPE);
});

test('HGET and HMGET: values, nils, missing keys and WRONGTYPE', () => {
  const { run } = setup();
  run('hset', 'h', 'a', '1', 'b', '');
  assert.equal(run('hget', 'h', 'a'), '1');
  assert.equal(run('hget', 'h', 'b'), '');
  assert.equal(run('hget', 'h', 'zz'), null);
  assert.equal(run('hget', 'nokey', 'a'), null);
  assert.deepEqual(run('hmget', 'h', 'a', 'zz', 'b', 'a'), ['1', null, '', '1']);
  assert.deepEqual(run('hmget', 'nokey', 'a', 'b'), [null, null]);
  run('set', 's', 'x');
  assert.equal(run('hget', 's', 'a'), E.WRONGTYPE);
  assert.equal(run('hmget', 's', 'a'), E.WRONGTYPE);
});

test('HGETALL, HKEYS and HVALS keep insertion order; an update keeps the place, a re-add goes last', () => {
  const { run } = setup();
  run('hset', 'h', 'z', '1', 'a', '2', 'm', '3');
  run('hset', 'h', 'a', '20');
  assert.deepEqual(run('hgetall', 'h'), new MapReply(['z', '1', 'a', '20', 'm', '3']));
  run('hdel', 'h', 'z');
  run('hset', 'h', 'z', '9');
  assert.deepEqual(run('hgetall', 'h'), new MapReply(['a', '20', 'm', '3', 'z', '9']));
  assert.deepEqual(run('hkeys', 'h'), ['a', 'm', 'z']);
  assert.deepEqual(run('hvals', 'h'), ['20', '3', '9']);
  assert.deepEqual(run('hgetall', 'nokey'), new MapReply([]));
  assert.deepEqual(run('hkeys', 'nokey'), []);
  assert.deepEqual(run('hvals', 'nokey'), []);
  run('set', 's', 'x');
  assert.equal(run('hgetall', 's'), E.WRONGTYPE);
  assert.equal(run('hkeys', 's'), E.WRONGTYPE);
  assert.equal(run('hvals', 's'), E.WRONGTYPE);
});

test('HDEL counts removed fields (duplicates once) and deletes the emptied key', () => {
  const { run, engine } = setup();
  run('hset', 'h', 'a', '1', 'b', '2', 'c', '3');
  assert.equal(run('hdel', 'h', 'a', 'a', 'zz'), 1);
  assert.equal(run('hdel', 'h', 'zz'), 0);
  assert.equal(run('hdel', 'nokey', 'a'), 0);
  assert.equal(run('hlen', 'h'), 2);
  assert.equal(run('hdel', 'h', 'b', 'c'), 2);
  assert.equal(engine.db.has('h'), false);
  run('set', 's', 'x');
  assert.equal(run('hdel', 's', 'a'), E.WRONGTYPE);
});

test('HLEN, HEXISTS and HSTRLEN', () => {
  const { run, raw } = setup();
  run('hset', 'h', 'a', 'hello', 'b', '');
  raw('hset', 'h', BIN_FIELD, BIN_VALUE);
  assert.equal(run('hlen', 'h'), 3);
  assert.equal(run('hlen', 'nokey'), 0);
  assert.equal(run('hexists', 'h', 'a'), 1);
  assert.equal(run('hexists', 'h', 'b'), 1);
  assert.equal(run('hexists', 'h', 'zz'), 0);
  assert.equal(run('hexists', 'nokey', 'a'), 0);
  assert.equal(run('hstrlen', 'h', 'a'), 5);
  assert.equal(run('hstrlen', 'h', 'b'), 0);
  assert.equal(raw('hstrlen', 'h', BIN_FIELD), 5);
  assert.equal(run('hstrlen', 'h', 'zz'), 0);
  assert.equal(run('hstrlen', 'nokey', 'a'), 0);
  run('set', 's', 'x');
  for (const cmd of [
    ['hlen', 's'],
    ['hexists', 's', 'a'],
    ['hstrlen', 's', 'a'],
  ])
    assert.equal(run(...cmd), E.WRONGTYPE);
});

test('binary fields and values round-trip byte for byte', () => {
  const { raw } = setup();
  assert.equal(raw('hset', 'h', BIN_FIELD, BIN_VALUE, '', '\xff'), 2);
  assert.equal(raw('hget', 'h', BIN_FIELD), BIN_VALUE);
  assert.equal(raw('hget', 'h', 'f'), null, 'a prefix up to NUL is another field');
  assert.equal(raw('hget', 'h', ''), '\xff');
  assert.deepEqual(raw('hgetall', 'h'), new MapReply([BIN_FIELD, BIN_VALUE, '', '\xff']));
  assert.deepEqual(raw('hscan', 'h', '0'), ['0', [BIN_FIELD, BIN_VALUE, '', '\xff']]);
  assert.equal(raw('hdel', 'h', BIN_FIELD), 1);
  assert.deepEqual(raw('hkeys', 'h'), ['']);
});

test('HINCRBY: creates, adds, checks the stored value and int64 overflow', () => {
  const { run, engine } = setup();
  assert.equal(run('hincrby', 'h', 'n', '5'), 5);
  assert.equal(run('hincrby', 'h', 'n', '-7'), -2);
  assert.equal(run('hget', 'h', 'n'), '-2');
  assert.equal(run('hincrby', 'h', 'n', 'x'), E.NOT_INTEGER);
  assert.equal(run('hincrby', 'h', 'n', '1.5'), E.NOT_INTEGER);
  assert.equal(run('hincrby', 'h', 'n', '9223372036854775808'), E.NOT_INTEGER);
  run('hset', 'h', 's', 'abc', 'sp', ' 1', 'z', '010', 'big', '9223372036854775807', 'small', '-9223372036854775808');
  for (const f of ['s', 'sp', 'z']) assert.equal(run('hincrby', 'h', f, '1'), E.HASH_NOT_INTEGER);
  assert.equal(run('hincrby', 'h', 'big', '1'), E.OVERFLOW);
  assert.equal(run('hincrby', 'h', 'small', '-1'), E.OVERFLOW);
  assert.equal(run('hincrby', 'h', 'big', '-1'), 9223372036854775806n);
  assert.equal(run('hget', 'h', 'big'), '9223372036854775806');
  assert.equal(run('hincrby', 'h', 'small', '9223372036854775807'), -1);
  assert.equal(run('hincrby', 'h', 'n', '0'), -2);
  assert.equal(run('hincrby', 'nokey', 'a', 'x'), E.NOT_INTEGER);
  assert.equal(engine.db.has('nokey'), false);
  run('set', 'str', 'x');
  assert.equal(run('hincrby', 'str', 'a', '1'), E.WRONGTYPE);
  assert.equal(run('hincrby', 'str', 'a', 'x'), E.NOT_INTEGER, 'the increment is parsed before the key is read');
});

test('HINCRBYFLOAT computes in long double and propagates HSET of the result', () => {
  const { run, effects } = setup();
  assert.equal(run('hincrbyfloat', 'h', 'f', '10.5'), '10.5');
  assert.equal(run('hincrbyfloat', 'h', 'f', '0.1'), '10.6');
  assert.equal(run('hincrbyfloat', 'h', 'f', '-10.6'), '0');
  assert.equal(run('hincrbyfloat', 'h', 'g', '5.0e3'), '5000');
  assert.equal(run('hincrbyfloat', 'h', 'g', '-1.50'), '4998.5');
  run('hset', 'h', 'i', '7', 'z', '010');
  assert.equal(run('hincrbyfloat', 'h', 'i', '0.25'), '7.25');
  assert.equal(run('hincrbyfloat', 'h', 'z', '1'), '11', 'strtold reads leading zeros');
  assert.deepEqual(effects.slice(-1), [['HSET', 'h', 'z', '11']]);
  assert.deepEqual(effects[0], ['HSET', 'h', 'f', '10.5']);
  assert.equal(run('hget', 'h', 'f'), '0');
  assert.equal(run('hincrbyfloat', 'x', 'f', '0.1'), '0.1');
  assert.equal(run('hincrbyfloat', 'x', 'f', '0.2'), '0.3', 'long double, not 0.30000000000000004');
  assert.equal(run('hincrbyfloat', 'x', 'k', '1.23456789012345678'), '1.23456789012345678');
  assert.equal(run('hincrbyfloat', 'x', 'z', '1'), '1');
  assert.equal(run('hincrbyfloat', 'x', 'z', '0x10'), '17', 'strtold reads hex');
});

test('HINCRBYFLOAT errors in Redis order', () => {
  const { run, effects, engine } = setup();
  run('hset', 'h', 's', 'abc', 'sp', ' 1', 'inf', 'inf', 'n', '1');
  run('set', 'str', 'x');
  const before = effects.length;
  assert.equal(run('hincrbyfloat', 'h', 'n', 'abc'), E.NOT_FLOAT);
  assert.equal(run('hincrbyfloat', 'h', 'n', 'nan'), E.NOT_FLOAT);
  assert.equal(run('hincrbyfloat', 'h', 'n', ' 1'), E.NOT_FLOAT);
  assert.equal(run('hincrbyfloat', 'h', 'n', 'inf'), E.VALUE_NAN_OR_INF);
  assert.equal(run('hincrbyfloat', 'h', 'n', '-inf'), E.VALUE_NAN_OR_INF);
  assert.equal(run('hincrbyfloat', 'str', 'n', 'inf'), E.VALUE_NAN_OR_INF, 'the increment is checked first');
  assert.equal(run('hincrbyfloat', 'str', 'n', '1'), E.WRONGTYPE);
  assert.equal(run('hincrbyfloat', 'h', 's', '1'), E.HASH_NOT_FLOAT);
  assert.equal(run('hincrbyfloat', 'h', 'sp', '1'), E.HASH_NOT_FLOAT);
  assert.equal(run('hincrbyfloat', 'h', 'inf', '1'), E.INCR_NAN_OR_INF);
  assert.equal(run('hget', 'h', 'inf'), 'inf');
  assert.equal(run('hincrbyfloat', 'nokey', 'f', 'x'), E.NOT_FLOAT);
  assert.equal(engine.db.has('nokey'), false);
  assert.equal(effects.length, before, 'failed writes are not propagated');
});

test('HRANDFIELD without a count: one random field, nil when missing', () => {
  const { run } = setup();
  assert.equal(run('hrandfield', 'nokey'), null);
  run('hset', 'h', 'a', '1', 'b', '2', 'c', '3');
  const seen = new Set<Reply>();
  for (let i = 0; i < 100; i++) seen.add(run('hrandfield', 'h'));
  assert.deepEqual([...seen].sort(), ['a', 'b', 'c']);
  run('set', 's', 'x');
  assert.equal(run('hrandfield', 's'), E.WRONGTYPE);
});

test('HRANDFIELD with a positive count returns distinct fields, the whole hash when count ≥ size', () => {
  const { run } = setup();
  const pairs: string[] = [];
  for (let i = 0; i < 50; i++) pairs.push(`f${i}`, `v${i}`);
  run('hset', 'h', ...pairs);
  for (const count of [1, 2, 10, 20, 49]) {
    const got = run('hrandfield', 'h', count) as string[];
    assert.equal(got.length, count);
    assert.equal(new Set(got).size, count);
    for (const f of got) assert.match(f, /^f\d+$/);
  }
  const withValues = run('hrandfield', 'h', 30, 'WITHVALUES') as string[];
  assert.equal(withValues.length, 60);
  for (let i = 0; i < 60; i += 2) assert.equal(withValues[i + 1], `v${(withValues[i] as string).slice(1)}`);
  assert.deepEqual(run('hrandfield', 'h', 50), run('hkeys', 'h'));
  assert.deepEqual(run('hrandfield', 'h', 1000, 'withvalues'), (run('hgetall', 'h') as MapReply).items);
  assert.deepEqual(run('hrandfield', 'h', 0), []);
  assert.deepEqual(run('hrandfield', 'h', 0, 'withvalues'), []);
  assert.deepEqual(run('hrandfield', 'nokey', 5), []);
  assert.deepEqual(run('hrandfield', 'nokey', 5, 'withvalues'), []);
});

test('HRANDFIELD distinct picks cover the whole hash over many calls', () => {
  const { run } = setup();
  const pairs: string[] = [];
  for (let i = 0; i < 300; i++) pairs.push(`f${i}`, 'v');
  run('hset', 'h', ...pairs);
  const seen = new Set<Reply>();
  for (let i = 0; i < 600; i++) for (const f of run('hrandfield', 'h', 10) as string[]) seen.add(f);
  assert.equal(seen.size, 300);
});

test('HRANDFIELD with a negative count may repeat and returns exactly |count| picks', () => {
  const { run } = setup();
  run('hset', 'h', 'a', '1', 'b', '2');
  const got = run('hrandfield', 'h', -20) as string[];
  assert.equal(got.length, 20);
  assert.ok(got.every((f) => f === 'a' || f === 'b'));
  assert.ok(got.includes('a') && got.includes('b'));
  const withValues = run('hrandfield', 'h', -5, 'withvalues') as string[];
  assert.equal(withValues.length, 10);
  for (let i = 0; i < 10; i += 2) assert.equal(withValues[i + 1], withValues[i] === 'a' ? '1' : '2');
  assert.deepEqual(run('hrandfield', 'nokey', -5), []);
});

test('HRANDFIELD count errors and limits in Redis order', () => {
  const { run } = setup();
  run('hset', 'h', 'a', '1');
  run('set', 's', 'x');
  const notBetween = E.valueNotBetween('-9223372036854775807', '9223372036854775807');
  assert.equal(run('hrandfield', 'h', 'x'), E.NOT_INTEGER);
  assert.equal(run('hrandfield', 'h', '1.5'), E.NOT_INTEGER);
  assert.equal(run('hrandfield', 'h', 'x', 'foo'), E.NOT_INTEGER, 'the count is parsed first');
  assert.deepEqual(run('hrandfield', 'h', '-9223372036854775808'), notBetween);
  assert.equal(run('hrandfield', 'h', 1, 'foo'), E.SYNTAX);
  assert.equal(run('hrandfield', 'h', 1, 'withvalues', 'x'), E.SYNTAX);
  assert.equal(run('hrandfield', 'h', 1, 'withvalues', 'withvalues'), E.SYNTAX);
  assert.equal(run('hrandfield', 'nokey', 1, 'foo'), E.SYNTAX);
  assert.equal(run('hrandfield', 'h', '4611686018427387904', 'withvalues'), E.VALUE_OUT_OF_RANGE);
  assert.equal(run('hrandfield', 'h', '-4611686018427387904', 'withvalues'), E.VALUE_OUT_OF_RANGE);
  assert.deepEqual(run('hrandfield', 'h', '4611686018427387903', 'withvalues'), ['a', '1']);
  assert.deepEqual(run('hrandfield', 'h', '9223372036854775807'), ['a']);
  assert.deepEqual(run('hrandfield', 'h', '-10000001'), E.valueNotBetween('-10000000', '9223372036854775807'));
  assert.equal(run('hrandfield', 's', 0), E.WRONGTYPE, 'the type is checked even for count 0');
  assert.equal(run('hrandfield', 's', 1), E.WRONGTYPE);
  assert.equal(run('hrandfield', 's', 'x'), E.NOT_INTEGER);
});

test('HSCAN returns a small hash whole with cursor 0, ignoring COUNT and the cursor, filtering MATCH', () => {
  const { run } = setup();
  run('hset', 'h', 'apple', '1', 'banana', '2', 'avocado', '3');
  assert.deepEqual(run('hscan', 'h', '0'), ['0', ['apple', '1', 'banana', '2', 'avocado', '3']]);
  assert.deepEqual(run('hscan', 'h', '0', 'COUNT', '1'), ['0', ['apple', '1', 'banana', '2', 'avocado', '3']]);
  assert.deepEqual(run('hscan', 'h', '5'), ['0', ['apple', '1', 'banana', '2', 'avocado', '3']]);
  assert.deepEqual(run('hscan', 'h', '0', 'match', 'a*'), ['0', ['apple', '1', 'avocado', '3']]);
  assert.deepEqual(run('hscan', 'h', '0', 'match', 'a*', 'novalues'), ['0', ['apple', 'avocado']]);
  assert.deepEqual(run('hscan', 'h', '0', 'NOVALUES', 'COUNT', '100'), ['0', ['apple', 'banana', 'avocado']]);
  assert.deepEqual(run('hscan', 'h', '0', 'match', 'zz*'), ['0', []]);
});

test('HSCAN checks the cursor, then the key, then the options', () => {
  const { run } = setup();
  run('hset', 'h', 'a', '1');
  run('set', 's', 'x');
  for (const bad of ['x', ' 1', '18446744073709551616', '1.5']) {
    assert.equal(run('hscan', 'h', bad), E.INVALID_CURSOR);
    assert.equal(run('hscan', 'nokey', bad), E.INVALID_CURSOR);
  }
  assert.deepEqual(run('hscan', 'nokey', '0'), ['0', []]);
  assert.deepEqual(run('hscan', 'nokey', '0', 'COUNT', '0'), ['0', []]);
  assert.deepEqual(run('hscan', 'nokey', '0', 'foo'), ['0', []]);
  assert.equal(run('hscan', 's', '0', 'COUNT', '0'), E.WRONGTYPE);
  assert.equal(run('hscan', 's', '0'), E.WRONGTYPE);
  assert.equal(run('hscan', 'h', '0', 'COUNT', '0'), E.SYNTAX);
  assert.equal(run('hscan', 'h', '0', 'COUNT', 'x'), E.NOT_INTEGER);
  assert.equal(run('hscan', 'h', '0', 'MATCH'), E.SYNTAX);
  assert.equal(run('hscan', 'h', '0', 'TYPE', 'string'), E.SYNTAX);
  assert.equal(run('hscan', 'h', '0', 'foo'), E.SYNTAX);
});

test('HSCAN over a large hash pages by COUNT and returns every field present throughout', () => {
  const { run } = setup();
  const pairs: string[] = [];
  for (let i = 0; i < 500; i++) pairs.push(`f${i}`, `v${i}`);
  run('hset', 'h', ...pairs);
  const seen = new Map<string, string>();
  let cursor = '0';
  let calls = 0;
  do {
    const [next, items] = run('hscan', 'h', cursor, 'COUNT', '20') as [string, string[]];
    assert.ok(items.length <= 40);
    for (let i = 0; i < items.length; i += 2) seen.set(items[i] as string, items[i + 1] as string);
    cursor = next;
    if (calls === 3) {
      run('hdel', 'h', 'f499', 'f0');
      run('hset', 'h', 'new', 'x');
    }
    calls++;
  } while (cursor !== '0');
  assert.ok(calls > 10);
  for (let i = 1; i < 499; i++) assert.equal(seen.get(`f${i}`), `v${i}`);
  assert.equal(seen.has('f499'), false);
});

test('HSCAN on a large hash with MATCH and NOVALUES', () => {
  const { run } = setup();
  const pairs: string[] = [];
  for (let i = 0; i < 200; i++) pairs.push(`${i % 2 ? 'odd' : 'even'}${i}`, `v${i}`);
  run('hset', 'h', ...pairs);
  const fields: string[] = [];
  let cursor = '0';
  do {
    const [next, items] = run('hscan', 'h', cursor, 'MATCH', 'odd*', 'NOVALUES', 'COUNT', '50') as [string, string[]];
    fields.push(...items);
    cursor = next;
  } while (cursor !== '0');
  assert.equal(fields.length, 100);
  assert.ok(fields.every((f) => f.startsWith('odd')));
});

test('hash commands are flagged as in Valkey: writes refused to a read-only client', () => {
  const { engine } = setup();
  const ro = engine.createClient({ readonly: true });
  assert.equal(engine.exec(ro, ['hget', 'h', 'a']), null);
  assert.deepEqual(engine.exec(ro, ['hset', 'h', 'a', '1']), E.noPermission('hset'));
  assert.deepEqual(engine.exec(ro, ['hgetall', 'h']), new MapReply([]));
});

test("writes keep the key's TTL; an expired hash reads as missing", () => {
  const { run, engine, clock } = setup();
  run('hset', 'h', 'a', '1');
  engine.db.setExpire('h', clock.now() + 1000);
  run('hset', 'h', 'b', '2');
  run('hincrby', 'h', 'c', '1');
  run('hdel', 'h', 'a');
  assert.equal(engine.db.lookup('h')?.expireAt, clock.now() + 1000);
  clock.advance(1000);
  assert.equal(run('hlen', 'h'), 0);
  assert.equal(run('hsetnx', 'h', 'b', 'new'), 1);
  assert.deepEqual(run('hgetall', 'h'), new MapReply(['b', 'new']));
  assert.equal(engine.db.lookup('h')?.expireAt, 0);
});
