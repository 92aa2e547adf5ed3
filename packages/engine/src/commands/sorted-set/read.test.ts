import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as E from '../../command/errors.ts';
import { DoubleReply, NIL_ARRAY, type Reply } from '../../reply.ts';
import { createTestEngine } from '../../testing/index.ts';

function setup() {
  const t = createTestEngine();
  t.run('zadd', 'z', 1, 'a', 2, 'b', 3, 'c', 4, 'd', 5, 'e');
  t.run('set', 's', 'x');
  return t;
}

const d = (n: number) => new DoubleReply(n);

/** A zset of n members m0..m(n-1) scored 0..n-1, added in one command. */
function fill(t: ReturnType<typeof setup>, key: string, n: number): void {
  const argv = ['zadd', key];
  for (let i = 0; i < n; i++) argv.push(String(i), `m${i}`);
  t.engine.exec(t.client, argv);
}

test('ZSCORE, ZMSCORE and ZCARD', () => {
  const { run } = setup();
  assert.deepEqual(run('zscore', 'z', 'c'), d(3));
  assert.equal(run('zscore', 'z', 'x'), null);
  assert.equal(run('zscore', 'missing', 'a'), null);
  assert.deepEqual(run('zmscore', 'z', 'a', 'x', 'e'), [d(1), null, d(5)]);
  assert.deepEqual(run('zmscore', 'missing', 'a', 'b'), [null, null]);
  assert.equal(run('zcard', 'z'), 5);
  assert.equal(run('zcard', 'missing'), 0);
  assert.equal(run('zscore', 's', 'a'), E.WRONGTYPE);
  assert.equal(run('zmscore', 's', 'a'), E.WRONGTYPE);
  assert.equal(run('zcard', 's'), E.WRONGTYPE);
  assert.deepEqual(run('zmscore', 'z'), E.arity('zmscore'));
});

test('ZCOUNT and ZLEXCOUNT count ranges; bad ranges fail before the type check', () => {
  const { run } = setup();
  assert.equal(run('zcount', 'z', 2, 4), 3);
  assert.equal(run('zcount', 'z', '(2', '(4'), 1);
  assert.equal(run('zcount', 'z', '-inf', '+inf'), 5);
  assert.equal(run('zcount', 'z', 4, 2), 0);
  assert.equal(run('zcount', 'z', '(3', 3), 0);
  assert.equal(run('zcount', 'missing', 0, 1), 0);
  assert.equal(run('zcount', 's', 'x', 1), E.MIN_MAX_NOT_FLOAT);
  assert.equal(run('zcount', 's', 0, 1), E.WRONGTYPE);
  run('zadd', 'l', 0, 'a', 0, 'b', 0, 'c', 0, 'cc');
  assert.equal(run('zlexcount', 'l', '-', '+'), 4);
  assert.equal(run('zlexcount', 'l', '[b', '(cc'), 2);
  assert.equal(run('zlexcount', 'l', '(c', '+'), 1);
  assert.equal(run('zlexcount', 'l', '+', '-'), 0);
  assert.equal(run('zlexcount', 'missing', '-', '+'), 0);
  assert.equal(run('zlexcount', 's', 'a', '+'), E.MIN_MAX_NOT_LEX);
  assert.equal(run('zlexcount', 's', '-', '+'), E.WRONGTYPE);
});

test('lex ranges over mixed scores answer as a Redis listpack scan does', () => {
  // Unspecified by Redis, but deterministic for small sets; these replies come from redis-server.
  const { run } = setup();
  run('zadd', 'm', 1, 'c', 2, 'a', 3, 'd', 4, 'b');
  assert.deepEqual(run('zrangebylex', 'm', '[b', '+'), ['c', 'a', 'd', 'b']);
  assert.deepEqual(run('zrangebylex', 'm', '-', '(b'), []);
  assert.deepEqual(run('zrevrangebylex', 'm', '+', '[c'), []);
  assert.equal(run('zlexcount', 'm', '[b', '+'), 4);
  assert.equal(run('zlexcount', 'm', '[a', '[c'), 2);
});

test('ZRANK and ZREVRANK, with WITHSCORE (Redis 7.2)', () => {
  const { run } = setup();
  assert.equal(run('zrank', 'z', 'a'), 0);
  assert.equal(run('zrank', 'z', 'e'), 4);
  assert.equal(run('zrevrank', 'z', 'a'), 4);
  assert.equal(run('zrevrank', 'z', 'd'), 1);
  assert.equal(run('zrank', 'z', 'x'), null);
  assert.equal(run('zrank', 'missing', 'x'), null);
  assert.deepEqual(run('zrank', 'z', 'c', 'withscore'), [2, d(3)]);
  assert.deepEqual(run('zrevrank', 'z', 'c', 'WITHSCORE'), [2, d(3)]);
  assert.equal(run('zrank', 'z', 'x', 'withscore'), NIL_ARRAY);
  assert.equal(run('zrank', 'missing', 'x', 'withscore'), NIL_ARRAY);
  assert.equal(run('zrank', 'z', 'c', 'withscores'), E.SYNTAX);
  assert.deepEqual(run('zrank', 'z', 'c', 'withscore', 'x'), E.arity('zrank'));
  assert.deepEqual(run('zrevrank', 'z', 'c', 'withscore', 'x'), E.arity('zrevrank'));
  assert.equal(run('zrank', 's', 'a', 'bad'), E.SYNTAX, 'options before the type');
  assert.equal(run('zrank', 's', 'a'), E.WRONGTYPE);
});

test('rank operations on a 100k-member set are logarithmic', () => {
  const t = setup();
  fill(t, 'big', 100_000);
  const started = performance.now();
  for (let i = 0; i < 5000; i++) {
    const at = (i * 7919) % 99_999;
    assert.equal(t.run('zrank', 'big', `m${at}`), at);
    assert.deepEqual(t.run('zrange', 'big', at, at), [`m${at}`]);
    assert.deepEqual(t.run('zrange', 'big', at, '+inf', 'byscore', 'limit', 1, 1), [`m${at + 1}`]);
  }
  assert.equal(t.run('zrevrank', 'big', 'm0'), 99_999);
  assert.equal(t.run('zcount', 'big', 1000, '(2000'), 1000);
  // O(n) per call would take minutes here; O(log n) takes milliseconds.
  assert.ok(performance.now() - started < 2000);
});

test('ZSCAN returns a small set whole, scores as strings, MATCH applied', () => {
  const { run, raw } = setup();
  assert.deepEqual(run('zscan', 'z', 0), ['0', ['a', '1', 'b', '2', 'c', '3', 'd', '4', 'e', '5']]);
  assert.deepEqual(run('zscan', 'z', 0, 'count', 1), ['0', ['a', '1', 'b', '2', 'c', '3', 'd', '4', 'e', '5']]);
  assert.deepEqual(run('zscan', 'z', 0, 'match', '[bd]'), ['0', ['b', '2', 'd', '4']]);
  run('zadd', 'f', 0.1, 'x', '-inf', 'y', 1e-7, 'w');
  assert.deepEqual(run('zscan', 'f', 0), ['0', ['y', '-inf', 'w', '1e-7', 'x', '0.1']]);
  raw('zadd', 'bin', '1', '\xff\x00');
  assert.deepEqual(raw('zscan', 'bin', '0'), ['0', ['\xff\x00', '1']]);
});

test('ZSCAN argument errors: cursor first, options only for an existing zset', () => {
  const { run } = setup();
  assert.deepEqual(run('zscan', 'missing', 0), ['0', []]);
  assert.deepEqual(
    run('zscan', 'missing', 0, 'count', 'x'),
    ['0', []],
    'as Redis, options of a missing key are unread',
  );
  assert.equal(run('zscan', 'missing', 'x'), E.INVALID_CURSOR);
  assert.equal(run('zscan', 's', 'x'), E.INVALID_CURSOR);
  assert.equal(run('zscan', 's', 0, 'count', 'x'), E.WRONGTYPE);
  assert.equal(run('zscan', 'z', 0, 'count', 0), E.SYNTAX);
  assert.equal(run('zscan', 'z', 0, 'count', 'x'), E.NOT_INTEGER);
  assert.equal(run('zscan', 'z', 0, 'bogus'), E.SYNTAX);
  assert.equal(run('zscan', 'z', 0, 'match'), E.SYNTAX);
});

test('ZSCAN walks a large set with a cursor, seeing every member once', () => {
  const t = setup();
  fill(t, 'big', 1000);
  const seen = new Map<string, string>();
  let cursor = '0';
  let calls = 0;
  do {
    const [next, items] = t.run('zscan', 'big', cursor, 'count', 100) as [string, string[]];
    for (let i = 0; i < items.length; i += 2) seen.set(items[i] as string, items[i + 1] as string);
    cursor = next;
    calls++;
  } while (cursor !== '0' && calls < 100);
  assert.equal(seen.size, 1000);
  assert.equal(seen.get('m123'), '123');
  assert.ok(calls >= 10);
  const [, matched] = t.run('zscan', 'big', 0, 'match', 'm99*', 'count', 1000) as [string, string[]];
  assert.deepEqual(matched, [
    'm99',
    '99',
    'm990',
    '990',
    'm991',
    '991',
    'm992',
    '992',
    'm993',
    '993',
    'm994',
    '994',
    'm995',
    '995',
    'm996',
    '996',
    'm997',
    '997',
    'm998',
    '998',
    'm999',
    '999',
  ]);
});

test('ZRANDMEMBER without count: one member, nil for a missing key', () => {
  const { run } = setup();
  for (let i = 0; i < 20; i++) assert.ok(['a', 'b', 'c', 'd', 'e'].includes(run('zrandmember', 'z') as string));
  assert.equal(run('zrandmember', 'missing'), null);
  assert.equal(run('zrandmember', 's'), E.WRONGTYPE);
});

test('ZRANDMEMBER with count: distinct, whole set highest first, or with repeats', () => {
  const t = setup();
  const { run } = t;
  assert.deepEqual(run('zrandmember', 'z', 5), ['e', 'd', 'c', 'b', 'a']);
  assert.deepEqual(run('zrandmember', 'z', 100, 'withscores'), ['e', d(5), 'd', d(4), 'c', d(3), 'b', d(2), 'a', d(1)]);
  const three = run('zrandmember', 'z', 3) as string[];
  assert.equal(new Set(three).size, 3);
  const withScores = run('zrandmember', 'z', 2, 'withscores') as Reply[];
  assert.equal(withScores.length, 4);
  assert.deepEqual(withScores[1], run('zscore', 'z', withScores[0] as string));
  const repeats = run('zrandmember', 'z', -20) as string[];
  assert.equal(repeats.length, 20);
  assert.ok(new Set(repeats).size < 20);
  assert.equal((run('zrandmember', 'z', -3, 'withscores') as Reply[]).length, 6);
  assert.deepEqual(run('zrandmember', 'z', 0), []);
  assert.deepEqual(run('zrandmember', 'missing', 5), []);
  fill(t, 'big', 1000);
  for (const count of [10, 600]) {
    const picked = run('zrandmember', 'big', count) as string[];
    assert.equal(new Set(picked).size, count);
  }
});

test('ZRANDMEMBER argument errors and read-only behaviour', () => {
  const { run, effects } = setup();
  effects.length = 0;
  assert.equal(run('zrandmember', 'z', 'x'), E.NOT_INTEGER);
  assert.deepEqual(
    run('zrandmember', 'z', '-9223372036854775808'),
    E.valueNotBetween('-9223372036854775807', '9223372036854775807'),
  );
  assert.deepEqual(run('zrandmember', 'z', -10_000_001), E.valueNotBetween('-10000000', '9223372036854775807'));
  assert.equal(run('zrandmember', 'z', 1, 'scores'), E.SYNTAX);
  assert.deepEqual(run('zrandmember', 'z', 1, 'withscores', 'x'), E.SYNTAX);
  assert.equal(run('zrandmember', 'z', '4611686018427387904', 'withscores'), E.VALUE_OUT_OF_RANGE);
  assert.equal(run('zrandmember', 'z', '-4611686018427387904', 'withscores'), E.VALUE_OUT_OF_RANGE);
  assert.equal(run('zrandmember', 's', 1), E.WRONGTYPE);
  assert.deepEqual(effects, [], 'reads propagate nothing');
});
