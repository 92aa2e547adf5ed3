import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as E from '../../command/errors.ts';
import { DoubleReply } from '../../reply.ts';
import { createTestEngine } from '../../testing/index.ts';

function setup() {
  const t = createTestEngine();
  return { ...t, all: (key: string) => t.run('zrange', key, 0, -1, 'withscores') };
}

const d = (n: number) => new DoubleReply(n);

test('ZADD adds and updates, counting only new members', () => {
  const { run, all } = setup();
  assert.equal(run('zadd', 'z', 1, 'a', 2, 'b'), 2);
  assert.equal(run('zadd', 'z', 3, 'a', 4, 'c'), 1);
  assert.deepEqual(all('z'), ['b', d(2), 'a', d(3), 'c', d(4)]);
  assert.equal(run('zadd', 'z', 3, 'a'), 0);
  // A member given twice takes the last score.
  assert.equal(run('zadd', 'z', 1, 'x', 9, 'x'), 1);
  assert.deepEqual(run('zscore', 'z', 'x'), d(9));
});

test('ZADD options: NX, XX, GT, LT and CH', () => {
  const { run, engine, all } = setup();
  run('zadd', 'z', 5, 'a');
  assert.equal(run('zadd', 'z', 'nx', 1, 'a', 1, 'b'), 1);
  assert.deepEqual(all('z'), ['b', d(1), 'a', d(5)]);
  assert.equal(run('zadd', 'z', 'xx', 7, 'a', 1, 'c'), 0);
  assert.deepEqual(all('z'), ['b', d(1), 'a', d(7)]);
  assert.equal(run('zadd', 'z', 'xx', 'ch', 8, 'a', 1, 'c'), 1);
  assert.equal(
    run('zadd', 'z', 'gt', 'ch', 3, 'a', 2, 'b', 6, 'n'),
    2,
    'GT updates only upward; new members still added',
  );
  assert.deepEqual(all('z'), ['b', d(2), 'n', d(6), 'a', d(8)]);
  assert.equal(run('zadd', 'z', 'lt', 'ch', 9, 'a', 1, 'b'), 1);
  assert.deepEqual(all('z'), ['b', d(1), 'n', d(6), 'a', d(8)]);
  assert.equal(run('zadd', 'z', 'xx', 'gt', 'ch', 10, 'a', 5, 'n'), 1, 'XX combines with GT');
  assert.equal(run('zadd', 'z', 'ch', 10, 'a'), 0, 'CH does not count a same-score update');
  assert.equal(run('zadd', 'zz', 'xx', 1, 'a'), 0);
  assert.equal(engine.db.has('zz'), false, 'XX on a missing key creates nothing');
  assert.equal(run('zadd', 'z', 'NX', 'Ch', 1, 'q'), 1, 'options are case-insensitive');
});

test('ZADD INCR returns the new score, or nil when a condition stops it', () => {
  const { run } = setup();
  assert.deepEqual(run('zadd', 'z', 'incr', 2.5, 'a'), d(2.5));
  assert.deepEqual(run('zadd', 'z', 'incr', 1, 'a'), d(3.5));
  assert.equal(run('zadd', 'z', 'incr', 'nx', 1, 'a'), null);
  assert.equal(run('zadd', 'z', 'incr', 'xx', 1, 'missing'), null);
  assert.equal(run('zadd', 'z', 'incr', 'gt', 0, 'a'), null, 'a zero increment is not greater');
  assert.deepEqual(run('zadd', 'z', 'incr', 'gt', 1, 'a'), d(4.5));
  assert.equal(run('zadd', 'z', 'incr', 'lt', 1, 'a'), null);
  assert.deepEqual(run('zadd', 'z', 'incr', 'lt', -1, 'a'), d(3.5));
  assert.equal(run('zadd', 'nokey', 'incr', 'xx', 1, 'a'), null);
});

test('ZADD option conflicts and argument errors, in Redis order', () => {
  const { run, engine } = setup();
  run('set', 's', 'x');
  assert.equal(run('zadd', 'z', 'nx', 'xx', 1, 'a'), E.XX_AND_NX);
  assert.equal(run('zadd', 'z', 'gt', 'lt', 1, 'a'), E.GT_LT_NX);
  assert.equal(run('zadd', 'z', 'nx', 'gt', 1, 'a'), E.GT_LT_NX);
  assert.equal(run('zadd', 'z', 'nx', 'lt', 1, 'a'), E.GT_LT_NX);
  assert.equal(run('zadd', 'z', 'incr', 1, 'a', 2, 'b'), E.ZADD_INCR_PAIR);
  assert.equal(run('zadd', 'z', 1, 'a', 2), E.SYNTAX);
  assert.equal(run('zadd', 'z', 'nx', 'xx', 1), E.SYNTAX, 'pairs are checked before option conflicts');
  assert.equal(run('zadd', 'z', 'nx', 'xx', 'x', 'a'), E.XX_AND_NX, 'conflicts before scores');
  assert.equal(run('zadd', 'z', 1, 'a', 'nan', 'b'), E.NOT_FLOAT);
  assert.equal(engine.db.has('z'), false, 'a bad score anywhere changes nothing');
  assert.equal(run('zadd', 's', 'x', 'a'), E.NOT_FLOAT, 'scores before the type');
  assert.equal(run('zadd', 's', 1, 'a'), E.WRONGTYPE);
  assert.equal(run('zadd', 's', 'nx', 'xx', 1, 'a'), E.XX_AND_NX);
});

test('ZADD scores: inf, hex, and what strtod-based parsing refuses', () => {
  const { run, all } = setup();
  assert.equal(run('zadd', 'z', 'inf', 'a', '-inf', 'b', '+inf', 'c', '-Infinity', 'e'), 4);
  assert.deepEqual(all('z'), ['b', d(-Infinity), 'e', d(-Infinity), 'a', d(Infinity), 'c', d(Infinity)]);
  assert.equal(run('zadd', 'z', '0x10', 'h'), 1);
  assert.deepEqual(run('zscore', 'z', 'h'), d(16));
  assert.equal(run('zadd', 'z', '1e3', 'k'), 1);
  assert.deepEqual(run('zscore', 'z', 'k'), d(1000));
  for (const bad of ['', ' 1', '1 ', 'nan', '1e400', '-1e400', '1e-400', 'abc', '1x', '(1']) {
    assert.equal(run('zadd', 'z', bad, 'm'), E.NOT_FLOAT, JSON.stringify(bad));
  }
  assert.equal(run('zadd', 'z', '4.9e-324', 'tiny'), 1, 'a denormal is not an underflow to zero');
});

test('ZADD INCR and ZINCRBY refuse a NaN result; -0 is stored as 0', () => {
  const { run } = setup();
  run('zadd', 'z', 'inf', 'a');
  assert.equal(run('zincrby', 'z', '-inf', 'a'), E.SCORE_NAN);
  assert.equal(run('zadd', 'z', 'incr', '-inf', 'a'), E.SCORE_NAN);
  assert.deepEqual(run('zscore', 'z', 'a'), d(Infinity));
  assert.deepEqual(run('zincrby', 'z', '-0', 'b'), d(-0), 'the reply is the computed score');
  assert.deepEqual(run('zscore', 'z', 'b'), d(0), 'as a Redis listpack stores it');
  assert.equal(run('zadd', 'z', '-0', 'c'), 1);
  assert.deepEqual(run('zscore', 'z', 'c'), d(0));
});

test('ZINCRBY creates key and member, and shares ZADD parsing', () => {
  const { run, engine } = setup();
  assert.deepEqual(run('zincrby', 'z', 5, 'a'), d(5));
  assert.deepEqual(run('zincrby', 'z', -1.5, 'a'), d(3.5));
  assert.deepEqual(run('zrange', 'z', 0, -1, 'withscores'), ['a', d(3.5)]);
  assert.equal(run('zincrby', 'z', 'x', 'a'), E.NOT_FLOAT);
  // As in Redis, an increment spelled like a ZADD option is taken as one, leaving an odd argument count.
  assert.equal(run('zincrby', 'z', 'nx', 'a'), E.SYNTAX);
  assert.deepEqual(run('zincrby', 'z', 1), E.arity('zincrby'));
  run('set', 's', 'x');
  assert.equal(run('zincrby', 's', 1, 'a'), E.WRONGTYPE);
  assert.equal(engine.db.get('s', 'string'), 'x');
});

test('ZADD and ZINCRBY propagate as sent; failures propagate nothing', () => {
  const { run, effects } = setup();
  run('zadd', 'z', 1, 'a');
  run('zincrby', 'z', 2, 'a');
  run('zadd', 'z', 'nx', 'xx', 1, 'a');
  assert.deepEqual(effects, [
    ['zadd', 'z', '1', 'a'],
    ['zincrby', 'z', '2', 'a'],
  ]);
});

test('ZADD keeps members binary-safe and orders equal scores by bytes', () => {
  const { raw } = setup();
  assert.equal(raw('zadd', 'z', '1', '\xff', '1', '\x00', '1', 'a', '1', '', '1', 'a\x00', '0', '\x80'), 6);
  assert.deepEqual(raw('zrange', 'z', '0', '-1'), ['\x80', '', '\x00', 'a', 'a\x00', '\xff']);
});

test('ZREM removes members, counts them, and deletes the emptied key', () => {
  const { run, engine } = setup();
  run('zadd', 'z', 1, 'a', 2, 'b', 3, 'c');
  assert.equal(run('zrem', 'z', 'a', 'x', 'a'), 1);
  assert.equal(run('zrem', 'missing', 'a'), 0);
  assert.equal(run('zrem', 'z', 'b', 'c', 'd'), 2);
  assert.equal(engine.db.has('z'), false);
  run('set', 's', 'x');
  assert.equal(run('zrem', 's', 'a'), E.WRONGTYPE);
});

test('ZREMRANGEBYRANK takes Redis indexes', () => {
  const { run, engine, all } = setup();
  run('zadd', 'z', 1, 'a', 2, 'b', 3, 'c', 4, 'd', 5, 'e');
  assert.equal(run('zremrangebyrank', 'z', 1, 2), 2);
  assert.deepEqual(all('z'), ['a', d(1), 'd', d(4), 'e', d(5)]);
  assert.equal(run('zremrangebyrank', 'z', -1, -1), 1);
  assert.equal(run('zremrangebyrank', 'z', 5, 10), 0);
  assert.equal(run('zremrangebyrank', 'z', 1, 0), 0);
  assert.equal(run('zremrangebyrank', 'z', -100, 100), 2);
  assert.equal(engine.db.has('z'), false);
  assert.equal(run('zremrangebyrank', 'z', 0, -1), 0);
  run('set', 's', 'x');
  assert.equal(run('zremrangebyrank', 's', 'x', 1), E.NOT_INTEGER, 'indexes before the type');
  assert.equal(run('zremrangebyrank', 's', 0, 1), E.WRONGTYPE);
});

test('ZREMRANGEBYSCORE and ZREMRANGEBYLEX remove ranges', () => {
  const { run, engine, all } = setup();
  run('zadd', 'z', 1, 'a', 2, 'b', 3, 'c', 4, 'd');
  assert.equal(run('zremrangebyscore', 'z', '(1', 3), 2);
  assert.deepEqual(all('z'), ['a', d(1), 'd', d(4)]);
  assert.equal(run('zremrangebyscore', 'z', 5, '+inf'), 0);
  assert.equal(run('zremrangebyscore', 'z', '-inf', '+inf'), 2);
  assert.equal(engine.db.has('z'), false);
  run('zadd', 'l', 0, 'a', 0, 'b', 0, 'c', 0, 'd');
  assert.equal(run('zremrangebylex', 'l', '(a', '[c'), 2);
  assert.deepEqual(run('zrange', 'l', 0, -1), ['a', 'd']);
  assert.equal(run('zremrangebylex', 'l', '-', '+'), 2);
  assert.equal(engine.db.has('l'), false);
  run('set', 's', 'x');
  assert.equal(run('zremrangebyscore', 's', 'x', 1), E.MIN_MAX_NOT_FLOAT);
  assert.equal(run('zremrangebyscore', 's', 0, 1), E.WRONGTYPE);
  assert.equal(run('zremrangebylex', 's', 'a', '+'), E.MIN_MAX_NOT_LEX);
  assert.equal(run('zremrangebylex', 's', '-', '+'), E.WRONGTYPE);
});

test('-0 and ZSCAN follow Redis 7.2 listpack/skiplist encoding rules', () => {
  const { run, raw } = setup();
  const long = 'x'.repeat(65);
  // A listpack stores -0 as 0; a set created with a first member over 64 bytes is a skiplist and keeps it.
  run('zadd', 'small', '-0', 'a');
  assert.deepEqual(run('zscore', 'small', 'a'), d(0));
  run('zadd', 'wide', 0, long, '-0', 'a', 1, 'b', 2, 'c');
  assert.deepEqual(run('zscore', 'wide', 'a'), d(-0));
  // Adding a long member converts an existing listpack; later -0 scores are kept.
  run('zadd', 'small', 1, long);
  run('zadd', 'small', '-0', 'later');
  assert.deepEqual(run('zscore', 'small', 'later'), d(-0));
  // More than 128 pairs in one ZADD make a skiplist even if the set stays small.
  const argv = ['zadd', 'many'];
  for (let i = 0; i < 129; i++) argv.push(String(i), 'same');
  raw(...argv);
  assert.equal(run('zcard', 'many'), 1);
  run('zadd', 'many', '-0', 'z');
  assert.deepEqual(run('zscore', 'many', 'z'), d(-0));
  // A skiplist is scanned with a cursor even when small; a listpack comes back whole.
  const [cursor, items] = run('zscan', 'wide', 0, 'count', 2) as [string, unknown[]];
  assert.notEqual(cursor, '0');
  assert.equal(items.length, 4);
  run('zadd', 'lp', 1, 'a', 2, 'b', 3, 'c');
  assert.deepEqual(run('zscan', 'lp', 0, 'count', 1), ['0', ['a', '1', 'b', '2', 'c', '3']]);
  // Set-operation results become listpacks when small enough, normalising -0; wide ones keep it.
  assert.equal(run('zunionstore', 'u', 1, 'small', 'weights', -1), 3);
  assert.deepEqual(run('zscore', 'u', 'a'), d(-0), 'a member over 64 bytes keeps it a skiplist');
  run('zadd', 'n', 0, 'p');
  run('zunionstore', 'u2', 1, 'n', 'weights', -1);
  assert.deepEqual(run('zscore', 'u2', 'p'), d(0));
  assert.deepEqual(run('zunion', 1, 'n', 'weights', -1, 'withscores'), ['p', d(-0)], 'replies are not stored');
});
