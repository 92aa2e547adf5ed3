import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as E from '../command/errors.ts';
import { MapReply, OK, SimpleString } from '../reply.ts';
import { createTestEngine } from '../testing/index.ts';

function setup() {
  const t = createTestEngine();
  return { ...t, now: () => t.clock.now() };
}

const BIN_KEY = 'k\x00\x80\xff';
const BIN_VALUE = '\x00v\xfe\x81\x00';

test('GET and SET store and return byte strings exactly', () => {
  const { run, raw } = setup();
  assert.equal(run('get', 'k'), null);
  assert.equal(run('set', 'k', 'v'), OK);
  assert.equal(run('get', 'k'), 'v');
  assert.equal(raw('set', BIN_KEY, BIN_VALUE), OK);
  assert.equal(raw('get', BIN_KEY), BIN_VALUE);
  assert.equal(raw('strlen', BIN_KEY), 5);
  assert.equal(run('set', 'empty', ''), OK);
  assert.equal(run('get', 'empty'), '');
  assert.deepEqual(run('get'), E.arity('get'));
  assert.deepEqual(run('set', 'k'), E.arity('set'));
});

test('SET NX / XX / GET', () => {
  const { run } = setup();
  assert.equal(run('set', 'k', 'v1', 'xx'), null);
  assert.equal(run('get', 'k'), null);
  assert.equal(run('set', 'k', 'v1', 'NX'), OK);
  assert.equal(run('set', 'k', 'v2', 'nx'), null);
  assert.equal(run('set', 'k', 'v2', 'xx'), OK);
  assert.equal(run('get', 'k'), 'v2');
  assert.equal(run('set', 'k', 'v3', 'get'), 'v2');
  assert.equal(run('set', 'k', 'v4', 'xx', 'get'), 'v3');
  assert.equal(run('set', 'k', 'v5', 'nx', 'get'), 'v4', 'NX with GET answers the old value and writes nothing');
  assert.equal(run('get', 'k'), 'v4');
  assert.equal(run('set', 'new', 'x', 'xx', 'get'), null);
  assert.equal(run('get', 'new'), null);
  assert.equal(run('set', 'new', 'x', 'nx', 'get'), null);
  assert.equal(run('get', 'new'), 'x');
  assert.equal(run('set', 'k', 'v', 'nx', 'nx'), null, 'a repeated option is accepted');
  assert.equal(run('set', 'k', 'v6', 'get', 'get'), 'v4');
});

test('SET expiry options set the TTL; a plain SET clears it; KEEPTTL keeps it', () => {
  const { run, clock, now } = setup();
  assert.equal(run('set', 'k', 'v', 'ex', '100'), OK);
  assert.equal(run('ttl', 'k'), 100);
  assert.equal(run('pttl', 'k'), 100000);
  assert.equal(run('set', 'k', 'v', 'px', '1500'), OK);
  assert.equal(run('pttl', 'k'), 1500);
  const at = Math.floor(now() / 1000) + 50;
  assert.equal(run('set', 'k', 'v', 'exat', at), OK);
  assert.equal(run('expiretime', 'k'), at);
  assert.equal(run('set', 'k', 'v', 'pxat', now() + 2500), OK);
  assert.equal(run('pexpiretime', 'k'), now() + 2500);
  assert.equal(run('set', 'k', 'v2', 'keepttl'), OK);
  assert.equal(run('pttl', 'k'), 2500);
  assert.equal(run('get', 'k'), 'v2');
  clock.advance(2499);
  assert.equal(run('get', 'k'), 'v2');
  clock.advance(1);
  assert.equal(run('get', 'k'), null);
  assert.equal(run('set', 'k', 'v', 'ex', '10', 'ex', '20'), OK, 'the same unit twice: the last wins');
  assert.equal(run('ttl', 'k'), 20);
  assert.equal(run('set', 'k', 'v'), OK);
  assert.equal(run('ttl', 'k'), -1);
  assert.equal(run('set', 'k', 'v', 'EX', '10', 'nx'), null);
  assert.equal(run('ttl', 'k'), -1, 'an aborted SET leaves the TTL alone');
  assert.equal(run('set', 'k', 'v', 'pxat', now() - 1), OK, 'an instant already past');
  assert.equal(run('get', 'k'), null);
});

test('SET option conflicts are syntax errors; expire values are checked like Redis', () => {
  const { run, now } = setup();
  for (const opts of [
    ['nx', 'xx'],
    ['xx', 'nx'],
    ['keepttl', 'ex', '10'],
    ['ex', '10', 'keepttl'],
    ['ex', '10', 'px', '10'],
    ['pxat', '10', 'exat', '10'],
    ['ex'],
    ['persist'],
    ['foo'],
    ['nxx'],
  ]) {
    assert.equal(run('set', 'k', 'v', ...opts), E.SYNTAX, opts.join(' '));
  }
  assert.equal(run('set', 'k', 'v', 'ex', 'abc'), E.NOT_INTEGER);
  assert.equal(run('set', 'k', 'v', 'ex', '1.5'), E.NOT_INTEGER);
  for (const opts of [
    ['ex', '0'],
    ['px', '-1'],
    ['exat', '0'],
    ['ex', '9223372036854776'],
    ['ex', '9223372036854775'], // × 1000 fits, but adding the current time overflows
    ['px', '9223372036854775807'],
    ['exat', '9223372036854776'],
  ]) {
    assert.deepEqual(run('set', 'k', 'v', ...opts), E.INVALID_EXPIRE('set'), opts.join(' '));
  }
  assert.equal(run('exists', 'k'), 0);
  assert.equal(run('set', 'k', 'v', 'exat', '9223372036854775'), OK);
  assert.equal(run('expiretime', 'k'), 9223372036854775n);
  assert.equal(run('set', 'k', 'v', 'pxat', '9223372036854775807'), OK);
  assert.equal(typeof run('pttl', 'k'), 'bigint');
  assert.equal(run('set', 'k', 'v', 'px', String(2 ** 53)), OK);
  assert.equal(run('pexpiretime', 'k'), BigInt(2 ** 53 + now()));
});

test('SET GET on another type is WRONGTYPE, after the expire checks; plain SET replaces any type', () => {
  const { run } = setup();
  run('hset', 'h', 'f', 'v');
  assert.equal(run('set', 'h', 'v', 'get'), E.WRONGTYPE);
  assert.equal(run('set', 'h', 'v', 'nx', 'get'), E.WRONGTYPE);
  assert.equal(run('set', 'h', 'v', 'ex', 'abc', 'get'), E.NOT_INTEGER);
  assert.deepEqual(run('set', 'h', 'v', 'ex', '0', 'get'), E.INVALID_EXPIRE('set'));
  assert.equal(run('hget', 'h', 'f'), 'v');
  assert.equal(run('set', 'h', 'v'), OK);
  assert.deepEqual(run('type', 'h'), new SimpleString('string'));
  assert.equal(run('get', 'h'), 'v');
  run('rpush', 'l', 'a');
  assert.equal(run('get', 'l'), E.WRONGTYPE);
});

test('SET with a relative or second-based expiry propagates SET … PXAT with the absolute time', () => {
  const { run, effects, now } = setup();
  run('set', 'a', 'v', 'ex', '10');
  run('set', 'b', 'v', 'px', '10', 'get');
  run('set', 'c', 'v', 'exat', '2000000000');
  run('set', 'd', 'v', 'pxat', '2000000000123');
  run('set', 'e', 'v', 'nx');
  run('set', 'f', 'v', 'ex', '0');
  assert.deepEqual(effects, [
    ['SET', 'a', 'v', 'PXAT', String(now() + 10000)],
    ['SET', 'b', 'v', 'PXAT', String(now() + 10)],
    ['SET', 'c', 'v', 'PXAT', '2000000000000'],
    ['set', 'd', 'v', 'pxat', '2000000000123'],
    ['set', 'e', 'v', 'nx'],
  ]);
});

test('SETNX, SETEX, PSETEX', () => {
  const { run, effects, now } = setup();
  assert.equal(run('setnx', 'k', 'a'), 1);
  assert.equal(run('setnx', 'k', 'b'), 0);
  assert.equal(run('get', 'k'), 'a');
  run('hset', 'h', 'f', 'v');
  assert.equal(run('setnx', 'h', 'b'), 0);
  assert.equal(run('setex', 'k', '100', 'v'), OK);
  assert.equal(run('get', 'k'), 'v');
  assert.equal(run('ttl', 'k'), 100);
  assert.deepEqual(effects.at(-1), ['SET', 'k', 'v', 'PXAT', String(now() + 100000)]);
  assert.equal(run('psetex', 'k', '1500', 'w'), OK);
  assert.equal(run('pttl', 'k'), 1500);
  assert.equal(run('setex', 'h', '10', 'v'), OK, 'SETEX replaces any type');
  assert.equal(run('get', 'h'), 'v');
  assert.deepEqual(run('setex', 'k', '0', 'v'), E.INVALID_EXPIRE('setex'));
  assert.deepEqual(run('setex', 'k', '-5', 'v'), E.INVALID_EXPIRE('setex'));
  assert.deepEqual(run('setex', 'k', '9223372036854776', 'v'), E.INVALID_EXPIRE('setex'));
  assert.equal(run('setex', 'k', 'abc', 'v'), E.NOT_INTEGER);
  assert.deepEqual(run('psetex', 'k', '0', 'v'), E.INVALID_EXPIRE('psetex'));
  assert.deepEqual(run('psetex', 'k', '9223372036854775807', 'v'), E.INVALID_EXPIRE('psetex'));
  assert.equal(run('get', 'k'), 'w');
  assert.deepEqual(run('setex', 'k', '10'), E.arity('setex'));
});

test('GETSET returns the old value and clears the TTL; GETDEL removes a string', () => {
  const { run, raw } = setup();
  assert.equal(run('getset', 'k', 'a'), null);
  run('expire', 'k', '100');
  assert.equal(run('getset', 'k', 'b'), 'a');
  assert.equal(run('ttl', 'k'), -1);
  run('hset', 'h', 'f', 'v');
  assert.equal(run('getset', 'h', 'x'), E.WRONGTYPE);
  assert.equal(run('getdel', 'k'), 'b');
  assert.equal(run('exists', 'k'), 0);
  assert.equal(run('getdel', 'k'), null);
  assert.equal(run('getdel', 'h'), E.WRONGTYPE);
  assert.equal(run('exists', 'h'), 1);
  raw('set', BIN_KEY, BIN_VALUE);
  assert.equal(raw('getset', BIN_KEY, '\xff'), BIN_VALUE);
  assert.equal(raw('getdel', BIN_KEY), '\xff');
});

test('GETEX reads and sets, changes or removes the TTL', () => {
  const { run, now, clock, effects } = setup();
  run('set', 'k', 'v');
  assert.equal(run('getex', 'k'), 'v');
  assert.equal(run('ttl', 'k'), -1);
  assert.equal(run('getex', 'k', 'ex', '100'), 'v');
  assert.equal(run('ttl', 'k'), 100);
  assert.deepEqual(effects.at(-1), ['PEXPIREAT', 'k', String(now() + 100000)]);
  assert.equal(run('getex', 'k', 'PX', '5000'), 'v');
  assert.equal(run('pttl', 'k'), 5000);
  assert.equal(run('getex', 'k', 'exat', '2000000000'), 'v');
  assert.equal(run('expiretime', 'k'), 2000000000);
  assert.equal(run('getex', 'k', 'pxat', '2000000000999'), 'v');
  assert.equal(run('pexpiretime', 'k'), 2000000000999);
  assert.equal(run('getex', 'k', 'ex', '10', 'ex', '20'), 'v');
  assert.equal(run('ttl', 'k'), 20);
  assert.equal(run('getex', 'k', 'persist'), 'v');
  assert.equal(run('ttl', 'k'), -1);
  assert.equal(run('getex', 'k', 'persist', 'persist'), 'v');
  clock.advance(1);
  assert.equal(run('getex', 'k', 'pxat', now() - 1), 'v', 'an instant already past deletes after reading');
  assert.equal(run('exists', 'k'), 0);
  assert.deepEqual(effects.at(-1), ['DEL', 'k']);
  run('set', 'k', 'v');
  assert.equal(run('getex', 'k', 'exat', '1'), 'v');
  assert.equal(run('exists', 'k'), 0);
});

test('GETEX errors: options, then a missing key answers nil, then the type, then the expire value', () => {
  const { run } = setup();
  run('set', 'k', 'v');
  for (const opts of [
    ['persist', 'ex', '10'],
    ['ex', '10', 'persist'],
    ['ex', '10', 'px', '10'],
    ['ex'],
    ['keepttl'],
    ['nx'],
    ['get'],
    ['foo'],
  ]) {
    assert.equal(run('getex', 'k', ...opts), E.SYNTAX, opts.join(' '));
  }
  assert.equal(run('getex', 'missing', 'ex', '0'), null);
  assert.equal(run('getex', 'missing', 'ex', 'abc'), null);
  run('rpush', 'l', 'a');
  assert.equal(run('getex', 'l', 'ex', 'abc'), E.WRONGTYPE);
  assert.equal(run('getex', 'l'), E.WRONGTYPE);
  assert.deepEqual(run('getex', 'k', 'ex', '0'), E.INVALID_EXPIRE('getex'));
  assert.equal(run('getex', 'k', 'ex', 'abc'), E.NOT_INTEGER);
  assert.deepEqual(run('getex', 'k', 'px', '9223372036854775807'), E.INVALID_EXPIRE('getex'));
  assert.equal(run('ttl', 'k'), -1);
});

test('MGET answers nil for missing keys and other types', () => {
  const { run, raw } = setup();
  run('set', 'a', '1');
  run('hset', 'h', 'f', 'v');
  raw('set', BIN_KEY, BIN_VALUE);
  assert.deepEqual(raw('mget', 'a', 'h', 'nope', BIN_KEY, 'a'), ['1', null, null, BIN_VALUE, '1']);
});

test('MSET sets all pairs and clears TTLs; MSETNX sets all or nothing', () => {
  const { run } = setup();
  run('set', 'a', 'old', 'ex', '100');
  run('hset', 'h', 'f', 'v');
  assert.equal(run('mset', 'a', '1', 'b', '2', 'h', '3'), OK);
  assert.deepEqual(run('mget', 'a', 'b', 'h'), ['1', '2', '3']);
  assert.equal(run('ttl', 'a'), -1);
  assert.equal(run('mset', 'a', '1', 'a', '2'), OK);
  assert.equal(run('get', 'a'), '2');
  assert.deepEqual(run('mset', 'a', '1', 'b'), E.arity('mset'));
  assert.deepEqual(run('mset', 'a'), E.arity('mset'));
  assert.equal(run('msetnx', 'a', '9', 'x', '9'), 0);
  assert.equal(run('exists', 'x'), 0);
  assert.equal(run('msetnx', 'x', '1', 'y', '2'), 1);
  assert.deepEqual(run('mget', 'x', 'y'), ['1', '2']);
  assert.deepEqual(run('msetnx', 'x', '1', 'z'), E.arity('msetnx'));
});

test('APPEND and STRLEN work in bytes and keep the TTL', () => {
  const { run, raw } = setup();
  assert.equal(run('append', 'k', 'hello'), 5);
  run('expire', 'k', '100');
  assert.equal(run('append', 'k', ' world'), 11);
  assert.equal(run('get', 'k'), 'hello world');
  assert.equal(run('ttl', 'k'), 100);
  assert.equal(run('strlen', 'k'), 11);
  assert.equal(run('strlen', 'nope'), 0);
  assert.equal(run('append', 'k', ''), 11);
  assert.equal(raw('append', BIN_KEY, '\x00\xff'), 2);
  assert.equal(raw('append', BIN_KEY, '\x80'), 3);
  assert.equal(raw('get', BIN_KEY), '\x00\xff\x80');
  assert.equal(run('append', 'é', 'ü'), 2, 'UTF-8 text is counted in bytes');
  run('hset', 'h', 'f', 'v');
  assert.equal(run('append', 'h', 'x'), E.WRONGTYPE);
  assert.equal(run('strlen', 'h'), E.WRONGTYPE);
});

test('INCR, DECR, INCRBY, DECRBY: int64 arithmetic stored as text, TTL kept', () => {
  const { run } = setup();
  assert.equal(run('incr', 'n'), 1);
  assert.equal(run('incrby', 'n', '41'), 42);
  assert.equal(run('decr', 'n'), 41);
  assert.equal(run('decrby', 'n', '50'), -9);
  assert.equal(run('incrby', 'n', '-1'), -10);
  assert.equal(run('get', 'n'), '-10');
  run('expire', 'n', '100');
  assert.equal(run('incr', 'n'), -9);
  assert.equal(run('ttl', 'n'), 100);
  assert.equal(run('decrby', 'fresh', '5'), -5);
  run('set', 'n', '9007199254740991');
  assert.equal(run('incr', 'n'), 9007199254740992n);
  assert.equal(run('incrby', 'n', '1000'), 9007199254741992n);
  assert.equal(run('get', 'n'), '9007199254741992');
  assert.equal(run('incrby', 'big', '9223372036854775807'), 9223372036854775807n);
  assert.equal(run('incr', 'big'), E.OVERFLOW);
  assert.equal(run('incrby', 'big', '0'), 9223372036854775807n);
  assert.equal(run('incrby', 'small', '-9223372036854775808'), -9223372036854775808n);
  assert.equal(run('decr', 'small'), E.OVERFLOW);
  assert.equal(run('decrby', 'small', '1'), E.OVERFLOW);
  assert.equal(run('get', 'small'), '-9223372036854775808');
  assert.equal(run('decrby', 'n', '-9223372036854775808'), E.DECREMENT_OVERFLOW);
  assert.equal(run('decrby', 'zero', '9223372036854775807'), -9223372036854775807n);
});

test('INCR family refuses non-integers, in the value and in the argument', () => {
  const { run } = setup();
  for (const bad of ['012', ' 1', '1 ', '1.5', '-0', '+1', '', 'abc', '9223372036854775808', '1e3']) {
    run('set', 'n', bad);
    assert.equal(run('incr', 'n'), E.NOT_INTEGER, JSON.stringify(bad));
  }
  run('set', 'n', '5');
  assert.equal(run('incrby', 'n', 'abc'), E.NOT_INTEGER);
  assert.equal(run('incrby', 'n', '9223372036854775808'), E.NOT_INTEGER);
  assert.equal(run('decrby', 'n', '1.0'), E.NOT_INTEGER);
  run('hset', 'h', 'f', 'v');
  assert.equal(run('incr', 'h'), E.WRONGTYPE);
  assert.equal(run('incrby', 'h', 'x'), E.NOT_INTEGER, 'the argument is checked before the key');
  assert.equal(run('decrby', 'h', '-9223372036854775808'), E.DECREMENT_OVERFLOW);
  assert.equal(run('decr', 'h'), E.WRONGTYPE);
});

test('INCRBYFLOAT uses long double arithmetic and Redis formatting', () => {
  const { run, effects } = setup();
  assert.equal(run('incrbyfloat', 'f', '0.1'), '0.1');
  assert.equal(run('incrbyfloat', 'f', '0.2'), '0.3');
  assert.equal(run('get', 'f'), '0.3');
  run('set', 'f', '10.5');
  assert.equal(run('incrbyfloat', 'f', '0.1'), '10.6');
  run('set', 'f', '1e10');
  assert.equal(run('incrbyfloat', 'f', '0.1'), '10000000000.09999999962747097');
  run('set', 'f', '-5');
  assert.equal(run('incrbyfloat', 'f', '-0.75'), '-5.75');
  run('set', 'f', '5.0e3');
  assert.equal(run('incrbyfloat', 'f', '1'), '5001');
  run('set', 'f', '3');
  assert.equal(run('incrbyfloat', 'f', '-3'), '0');
  run('set', 'f', '0x10');
  assert.equal(run('incrbyfloat', 'f', '0x1p-2'), '16.25');
  assert.equal(run('incr', 'f'), E.NOT_INTEGER, 'a float result is no integer');
  effects.length = 0;
  run('expire', 'f', '100');
  effects.length = 0;
  assert.equal(run('incrbyfloat', 'f', '1.5'), '17.75');
  assert.equal(run('ttl', 'f'), 100, 'the TTL stays');
  assert.deepEqual(effects, [['SET', 'f', '17.75', 'KEEPTTL']]);
});

test('INCRBYFLOAT errors', () => {
  const { run, effects } = setup();
  run('set', 'f', '1');
  effects.length = 0;
  for (const bad of ['abc', ' 1', '1 ', 'nan', '', '1e5000', '1e-5000', '1,5']) {
    assert.equal(run('incrbyfloat', 'f', bad), E.NOT_FLOAT, JSON.stringify(bad));
  }
  assert.equal(run('incrbyfloat', 'f', 'inf'), E.INCR_NAN_OR_INF);
  assert.equal(run('incrbyfloat', 'f', '-inf'), E.INCR_NAN_OR_INF);
  run('set', 'f', '1.1e4932');
  assert.equal(run('incrbyfloat', 'f', '1.1e4932'), E.INCR_NAN_OR_INF);
  run('set', 'f', 'inf');
  assert.equal(run('incrbyfloat', 'f', '-inf'), E.INCR_NAN_OR_INF);
  run('set', 'f', 'abc');
  assert.equal(run('incrbyfloat', 'f', 'xyz'), E.NOT_FLOAT);
  assert.equal(run('get', 'f'), 'abc');
  run('hset', 'h', 'f', 'v');
  assert.equal(run('incrbyfloat', 'h', '1'), E.WRONGTYPE);
  assert.equal(run('incrbyfloat', 'h', 'x'), E.WRONGTYPE, 'the type is checked before the argument');
  assert.ok(
    effects.every((e) => e[0] === 'set' || e[0] === 'hset'),
    'failed increments propagate nothing',
  );
});

test('GETRANGE clamps indexes like Redis', () => {
  const { run, raw } = setup();
  run('set', 's', 'Hello World');
  const cases: [number | string, number | string, string][] = [
    [0, 4, 'Hello'],
    [-5, -1, 'World'],
    [0, -1, 'Hello World'],
    [-1, -5, ''],
    [0, -100, 'H'],
    [-100, -99, 'H'],
    [5, 3, ''],
    [100, 200, ''],
    [-3, 100, 'rld'],
    [0, 0, 'H'],
    ['-9223372036854775808', '9223372036854775807', 'Hello World'],
  ];
  for (const [start, end, want] of cases) assert.equal(run('getrange', 's', start, end), want, `${start} ${end}`);
  assert.equal(run('getrange', 's', 'a', '1'), E.NOT_INTEGER);
  assert.equal(run('getrange', 's', '0', '1.5'), E.NOT_INTEGER);
  assert.equal(run('getrange', 'nokey', '0', '-1'), '');
  run('set', 'e', '');
  assert.equal(run('getrange', 'e', '0', '-1'), '');
  assert.equal(run('getrange', 'e', '-1', '-1'), '');
  raw('set', BIN_KEY, BIN_VALUE);
  assert.equal(raw('getrange', BIN_KEY, '1', '3'), 'v\xfe\x81');
  run('hset', 'h', 'f', 'v');
  assert.equal(run('getrange', 'h', '0', '1'), E.WRONGTYPE);
  assert.equal(run('getrange', 'h', 'x', '1'), E.NOT_INTEGER);
});

test('SETRANGE overwrites, pads with NUL bytes, and keeps the TTL', () => {
  const { run, raw } = setup();
  run('set', 's', 'Hello World');
  run('expire', 's', '100');
  assert.equal(run('setrange', 's', '6', 'Redis'), 11);
  assert.equal(run('get', 's'), 'Hello Redis');
  assert.equal(run('setrange', 's', '9', 'xyz'), 12);
  assert.equal(run('get', 's'), 'Hello Redxyz');
  assert.equal(run('setrange', 's', '15', '!'), 16);
  assert.equal(run('get', 's'), 'Hello Redxyz\x00\x00\x00!');
  assert.equal(run('ttl', 's'), 100);
  assert.equal(run('setrange', 'new', '3', 'ab'), 5);
  assert.equal(run('get', 'new'), '\x00\x00\x00ab');
  assert.equal(run('setrange', 'none', '0', ''), 0);
  assert.equal(run('exists', 'none'), 0, 'an empty patch creates nothing');
  assert.equal(run('setrange', 's', '0', ''), 16);
  assert.equal(run('setrange', 's', '536870912', ''), 16, 'nothing to write: no size check');
  raw('set', BIN_KEY, BIN_VALUE);
  assert.equal(raw('setrange', BIN_KEY, '1', '\xe9\xe8'), 5);
  assert.equal(raw('get', BIN_KEY), '\x00\xe9\xe8\x81\x00');
});

test('SETRANGE errors: offset, then type, then size', () => {
  const { run } = setup();
  run('set', 's', 'abc');
  assert.equal(run('setrange', 's', '-1', 'x'), E.OFFSET_OUT_OF_RANGE);
  assert.equal(run('setrange', 's', 'abc', 'x'), E.NOT_INTEGER);
  assert.equal(run('setrange', 's', '536870911', 'xy'), E.STRING_TOO_LONG);
  assert.equal(run('setrange', 'new', '536870912', 'x'), E.STRING_TOO_LONG);
  assert.equal(run('exists', 'new'), 0);
  run('hset', 'h', 'f', 'v');
  assert.equal(run('setrange', 'h', '0', 'x'), E.WRONGTYPE);
  assert.equal(run('setrange', 'h', '0', ''), E.WRONGTYPE);
  assert.equal(run('setrange', 'h', '-1', 'x'), E.OFFSET_OUT_OF_RANGE);
  assert.equal(run('get', 's'), 'abc');
});

test('LCS: the subsequence, its length, and the IDX map as redis-server answers', () => {
  const { run } = setup();
  run('mset', 'a', 'ohmytext', 'b', 'mynewtext');
  assert.equal(run('lcs', 'a', 'b'), 'mytext');
  assert.equal(run('lcs', 'a', 'b', 'LEN'), 6);
  assert.deepEqual(
    run('lcs', 'a', 'b', 'idx'),
    new MapReply([
      'matches',
      [
        [
          [4, 7],
          [5, 8],
        ],
        [
          [2, 3],
          [0, 1],
        ],
      ],
      'len',
      6,
    ]),
  );
  assert.deepEqual(
    run('lcs', 'a', 'b', 'idx', 'minmatchlen', '4', 'withmatchlen'),
    new MapReply(['matches', [[[4, 7], [5, 8], 4]], 'len', 6]),
  );
  assert.deepEqual(
    run('lcs', 'a', 'b', 'idx', 'minmatchlen', '-5', 'withmatchlen'),
    new MapReply([
      'matches',
      [
        [[4, 7], [5, 8], 4],
        [[2, 3], [0, 1], 2],
      ],
      'len',
      6,
    ]),
  );
  assert.equal(run('lcs', 'a', 'nokey'), '');
  assert.deepEqual(run('lcs', 'nokey', 'nokey2', 'idx'), new MapReply(['matches', [], 'len', 0]));
  assert.deepEqual(
    run('lcs', 'a', 'a', 'idx', 'withmatchlen'),
    new MapReply(['matches', [[[0, 7], [0, 7], 8]], 'len', 8]),
  );
});

test('LCS on binary strings', () => {
  const { raw } = setup();
  raw('set', 'x1', 'a\x00b\xffc\x80');
  raw('set', 'x2', '\x00b\x80c');
  assert.equal(raw('lcs', 'x1', 'x2'), '\x00b\x80');
  assert.deepEqual(
    raw('lcs', 'x1', 'x2', 'idx', 'withmatchlen'),
    new MapReply([
      'matches',
      [
        [[5, 5], [2, 2], 1],
        [[1, 2], [0, 1], 2],
      ],
      'len',
      3,
    ]),
  );
});

test('LCS errors', () => {
  const { run } = setup();
  run('mset', 'a', 'x', 'b', 'y');
  run('rpush', 'l', 'a');
  assert.equal(run('lcs', 'a', 'l'), E.LCS_NOT_STRINGS);
  assert.equal(run('lcs', 'l', 'a', 'foo'), E.LCS_NOT_STRINGS, 'the type is checked before the options');
  assert.equal(run('lcs', 'a', 'b', 'foo'), E.SYNTAX);
  assert.equal(run('lcs', 'a', 'b', 'minmatchlen'), E.SYNTAX);
  assert.equal(run('lcs', 'a', 'b', 'minmatchlen', 'x'), E.NOT_INTEGER);
  assert.equal(run('lcs', 'a', 'b', 'len', 'idx'), E.LCS_LEN_AND_IDX);
  assert.equal(run('lcs', 'a', 'b', 'len', 'foo'), E.SYNTAX);
  run('set', 'big1', 'a'.repeat(6000));
  run('set', 'big2', 'b'.repeat(6000));
  assert.equal(run('lcs', 'big1', 'big2'), E.LCS_NO_MEMORY);
  assert.deepEqual(run('lcs', 'a'), E.arity('lcs'));
});
