import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as E from '../../command/errors.ts';
import { DoubleReply } from '../../reply.ts';
import { createTestEngine } from '../../testing/index.ts';

function setup() {
  const t = createTestEngine();
  t.run('zadd', 'z1', 1, 'a', 2, 'b', 3, 'c');
  t.run('zadd', 'z2', 10, 'b', 20, 'c', 30, 'd');
  t.run('sadd', 'set', 'a', 'd', 'x');
  t.run('set', 's', 'x');
  return t;
}

const d = (n: number) => new DoubleReply(n);

test('ZUNION sums by default; WEIGHTS and AGGREGATE', () => {
  const { run } = setup();
  assert.deepEqual(run('zunion', 2, 'z1', 'z2'), ['a', 'b', 'c', 'd']);
  assert.deepEqual(run('zunion', 2, 'z1', 'z2', 'withscores'), ['a', d(1), 'b', d(12), 'c', d(23), 'd', d(30)]);
  assert.deepEqual(run('zunion', 2, 'z1', 'z2', 'weights', 2, 0.5, 'withscores'), [
    'a',
    d(2),
    'b',
    d(9),
    'd',
    d(15),
    'c',
    d(16),
  ]);
  assert.deepEqual(run('zunion', 2, 'z1', 'z2', 'aggregate', 'min', 'withscores'), [
    'a',
    d(1),
    'b',
    d(2),
    'c',
    d(3),
    'd',
    d(30),
  ]);
  assert.deepEqual(run('zunion', 2, 'z1', 'z2', 'AGGREGATE', 'MAX', 'WITHSCORES'), [
    'a',
    d(1),
    'b',
    d(10),
    'c',
    d(20),
    'd',
    d(30),
  ]);
  assert.deepEqual(run('zunion', 2, 'z1', 'missing', 'withscores'), ['a', d(1), 'b', d(2), 'c', d(3)]);
  assert.deepEqual(run('zunion', 1, 'missing'), []);
});

test('ZINTER keeps members in every input', () => {
  const { run } = setup();
  assert.deepEqual(run('zinter', 2, 'z1', 'z2', 'withscores'), ['b', d(12), 'c', d(23)]);
  assert.deepEqual(run('zinter', 2, 'z1', 'z2', 'weights', 1, -1, 'aggregate', 'max', 'withscores'), [
    'b',
    d(2),
    'c',
    d(3),
  ]);
  assert.deepEqual(run('zinter', 2, 'z1', 'missing'), []);
  assert.deepEqual(run('zinter', 1, 'z1'), ['a', 'b', 'c']);
  assert.deepEqual(run('zinter', 2, 'z1', 'z1', 'withscores'), ['a', d(2), 'b', d(4), 'c', d(6)]);
});

test('ZDIFF keeps members of the first input found in no other, with their own scores', () => {
  const { run } = setup();
  assert.deepEqual(run('zdiff', 2, 'z1', 'z2', 'withscores'), ['a', d(1)]);
  assert.deepEqual(run('zdiff', 2, 'z2', 'z1'), ['d']);
  assert.deepEqual(run('zdiff', 1, 'z1'), ['a', 'b', 'c']);
  assert.deepEqual(run('zdiff', 2, 'z1', 'z1'), []);
  assert.deepEqual(run('zdiff', 2, 'missing', 'z1'), []);
  assert.equal(run('zdiff', 2, 'z1', 'z2', 'weights', 1, 1), E.SYNTAX);
  assert.equal(run('zdiff', 2, 'z1', 'z2', 'aggregate', 'sum'), E.SYNTAX);
});

test('plain sets count as members scored 1', () => {
  const { run } = setup();
  assert.deepEqual(run('zunion', 2, 'z1', 'set', 'withscores'), [
    'd',
    d(1),
    'x',
    d(1),
    'a',
    d(2),
    'b',
    d(2),
    'c',
    d(3),
  ]);
  assert.deepEqual(run('zinter', 2, 'set', 'z2', 'aggregate', 'max', 'withscores'), ['d', d(30)]);
  assert.deepEqual(run('zdiff', 2, 'set', 'z1', 'withscores'), ['d', d(1), 'x', d(1)]);
  assert.equal(run('zintercard', 2, 'set', 'z1'), 1);
  assert.equal(run('zunionstore', 'out', 1, 'set'), 3);
  assert.deepEqual(run('zrange', 'out', 0, -1, 'withscores'), ['a', d(1), 'd', d(1), 'x', d(1)]);
});

test('infinities: inf - inf and inf × 0 give 0 as Redis computes them', () => {
  // Replies taken from redis-server for these inputs.
  const { run } = setup();
  run('zadd', 'i1', 'inf', 'a', 5, 'b', '-inf', 'c', 1, 'd');
  run('zadd', 'i2', '-inf', 'a', 'inf', 'b', 2, 'c', 3, 'd');
  const both = ['c', d(-Infinity), 'a', d(0), 'd', d(4), 'b', d(Infinity)];
  assert.deepEqual(run('zunion', 2, 'i1', 'i2', 'withscores'), both);
  assert.deepEqual(run('zinter', 2, 'i1', 'i2', 'withscores'), both);
  assert.deepEqual(run('zinter', 2, 'i1', 'i2', 'weights', 0, 1, 'withscores'), [
    'a',
    d(-Infinity),
    'c',
    d(2),
    'd',
    d(3),
    'b',
    d(Infinity),
  ]);
  // Only the first input's product is rescued from NaN; a later inf × 0 turns a SUM into 0.
  assert.deepEqual(run('zinter', 2, 'i2', 'i1', 'weights', 1, 0, 'withscores'), [
    'a',
    d(0),
    'c',
    d(0),
    'd',
    d(3),
    'b',
    d(Infinity),
  ]);
  assert.deepEqual(run('zinter', 2, 'i1', 'i2', 'aggregate', 'min', 'weights', 0, 0, 'withscores'), [
    'a',
    d(0),
    'b',
    d(0),
    'c',
    d(0),
    'd',
    d(0),
  ]);
  assert.deepEqual(run('zunion', 1, 'i1', 'weights', 0, 'withscores'), ['a', d(0), 'b', d(0), 'c', d(0), 'd', d(0)]);
});

test('ZUNIONSTORE, ZINTERSTORE and ZDIFFSTORE store results and reply with the size', () => {
  const { run, engine } = setup();
  assert.equal(run('zunionstore', 'out', 2, 'z1', 'z2', 'weights', 1, 2), 4);
  assert.deepEqual(run('zrange', 'out', 0, -1, 'withscores'), ['a', d(1), 'b', d(22), 'c', d(43), 'd', d(60)]);
  assert.equal(run('zinterstore', 'out', 2, 'z1', 'z2', 'aggregate', 'min'), 2);
  assert.deepEqual(run('zrange', 'out', 0, -1, 'withscores'), ['b', d(2), 'c', d(3)]);
  assert.equal(run('zdiffstore', 'out', 2, 'z2', 'z1'), 1);
  assert.deepEqual(run('zrange', 'out', 0, -1, 'withscores'), ['d', d(30)]);
  // The destination may be an input, and may hold any type: it is replaced, TTL and all.
  assert.equal(run('zunionstore', 'z1', 2, 'z1', 'z1'), 3);
  assert.deepEqual(run('zrange', 'z1', 0, -1, 'withscores'), ['a', d(2), 'b', d(4), 'c', d(6)]);
  engine.db.setExpire('s', engine.db.now + 10_000);
  assert.equal(run('zunionstore', 's', 1, 'z2'), 3);
  assert.equal(engine.db.lookup('s')?.expireAt, 0);
  assert.equal(run('zinterstore', 'out', 2, 'z1', 'missing'), 0);
  assert.equal(engine.db.has('out'), false, 'an empty result deletes the destination');
  assert.equal(run('zunionstore', 'out', 1, 'z1', 'withscores'), E.SYNTAX);
});

test('ZINTERCARD counts the intersection, up to LIMIT', () => {
  const { run } = setup();
  run('zadd', 'z3', 1, 'a', 1, 'b', 1, 'c', 1, 'd');
  assert.equal(run('zintercard', 2, 'z1', 'z3'), 3);
  assert.equal(run('zintercard', 2, 'z1', 'z3', 'limit', 2), 2);
  assert.equal(run('zintercard', 2, 'z1', 'z3', 'limit', 0), 3, '0 means no limit');
  assert.equal(run('zintercard', 2, 'z1', 'missing'), 0);
  assert.equal(run('zintercard', 2, 'z1', 'z3', 'limit', -1), E.LIMIT_NEGATIVE);
  assert.equal(run('zintercard', 2, 'z1', 'z3', 'limit', 'x'), E.LIMIT_NEGATIVE);
  assert.equal(run('zintercard', 2, 'z1', 'z3', 'withscores'), E.SYNTAX);
  assert.equal(run('zintercard', 2, 'z1', 'z3', 'weights', 1, 1), E.SYNTAX);
});

test('set-operation argument errors, in Redis order', () => {
  const { run } = setup();
  assert.deepEqual(run('zunion', 0, 'z1'), E.atLeastOneKey('zunion'));
  assert.deepEqual(run('zunionstore', 'out', 0, 'z1'), E.atLeastOneKey('zunionstore'));
  assert.deepEqual(run('zintercard', 0, 'z1'), E.atLeastOneKey('zintercard'));
  assert.equal(run('zinter', 'x', 'z1'), E.NOT_INTEGER);
  assert.equal(run('zunion', 3, 'z1', 'z2'), E.SYNTAX);
  assert.equal(run('zunion', 2, 'z1', 'z2', 'weights', 1), E.SYNTAX, 'too few weights');
  assert.equal(run('zunion', 2, 'z1', 'z2', 'weights', 1, 'x'), E.WEIGHTS_NOT_FLOAT);
  assert.equal(run('zunion', 2, 'z1', 'z2', 'weights', 1, 'nan'), E.WEIGHTS_NOT_FLOAT);
  assert.equal(run('zunion', 2, 'z1', 'z2', 'aggregate', 'avg'), E.SYNTAX);
  assert.equal(run('zunion', 2, 'z1', 'z2', 'aggregate'), E.SYNTAX);
  assert.equal(run('zunion', 2, 'z1', 'z2', 'bogus'), E.SYNTAX);
  // Inputs are type-checked before the options are read.
  assert.equal(run('zunion', 2, 'z1', 's', 'bogus'), E.WRONGTYPE);
  assert.equal(run('zinterstore', 'out', 2, 's', 'z1'), E.WRONGTYPE);
  assert.deepEqual(run('zunionstore', 'out', 1), E.arity('zunionstore'));
});
