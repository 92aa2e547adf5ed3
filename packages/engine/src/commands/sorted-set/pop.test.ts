import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as E from '../../command/errors.ts';
import { DoubleReply, NIL_ARRAY } from '../../reply.ts';
import { createTestEngine } from '../../testing/index.ts';

function setup() {
  const t = createTestEngine();
  t.run('zadd', 'z', 1, 'a', 2, 'b', 3, 'c', 4, 'd');
  t.run('set', 's', 'x');
  t.effects.length = 0;
  return t;
}

const d = (n: number) => new DoubleReply(n);

test('ZPOPMIN and ZPOPMAX pop from either end as a flat array', () => {
  const { run, engine } = setup();
  assert.deepEqual(run('zpopmin', 'z'), ['a', d(1)]);
  assert.deepEqual(run('zpopmax', 'z'), ['d', d(4)]);
  assert.deepEqual(run('zpopmax', 'z', 1), ['c', d(3)]);
  assert.deepEqual(run('zpopmin', 'z', 0), []);
  assert.deepEqual(run('zpopmin', 'z', 10), ['b', d(2)]);
  assert.equal(engine.db.has('z'), false, 'the emptied key is deleted');
  assert.deepEqual(run('zpopmin', 'z'), []);
  assert.deepEqual(run('zpopmax', 'missing', 3), []);
});

test('ZPOPMIN/ZPOPMAX count errors and type checks', () => {
  const { run } = setup();
  assert.equal(run('zpopmin', 'z', -1), E.NOT_POSITIVE);
  assert.equal(run('zpopmin', 'z', 'x'), E.NOT_POSITIVE, 'a non-integer count gets the same text');
  assert.equal(run('zpopmin', 'z', 1, 2), E.SYNTAX);
  assert.equal(run('zpopmax', 's'), E.WRONGTYPE);
  assert.equal(run('zpopmax', 's', 0), E.WRONGTYPE, 'the type is checked before a zero count returns');
  assert.equal(run('zpopmax', 's', -1), E.NOT_POSITIVE);
});

test('ZPOPMAX with a count pops in order, highest first', () => {
  const { run } = setup();
  assert.deepEqual(run('zpopmax', 'z', 3), ['d', d(4), 'c', d(3), 'b', d(2)]);
  assert.deepEqual(run('zrange', 'z', 0, -1), ['a']);
});

test('ZMPOP pops from the first non-empty key, nested by key', () => {
  const { run, engine } = setup();
  run('zadd', 'y', 10, 'p', 20, 'q');
  assert.deepEqual(run('zmpop', 2, 'missing', 'z', 'min'), ['z', [['a', d(1)]]]);
  assert.deepEqual(run('zmpop', 2, 'y', 'z', 'MAX', 'COUNT', 5), [
    'y',
    [
      ['q', d(20)],
      ['p', d(10)],
    ],
  ]);
  assert.equal(engine.db.has('y'), false);
  assert.deepEqual(run('zmpop', 1, 'z', 'min', 'count', 2), [
    'z',
    [
      ['b', d(2)],
      ['c', d(3)],
    ],
  ]);
  assert.equal(run('zmpop', 2, 'missing', 'other', 'min'), NIL_ARRAY);
  // A wrong type stops the search only when met before a non-empty zset.
  assert.equal(run('zmpop', 2, 's', 'z', 'min'), E.WRONGTYPE);
  assert.deepEqual(run('zmpop', 2, 'z', 's', 'min'), ['z', [['d', d(4)]]]);
});

test('ZMPOP argument errors', () => {
  const { run } = setup();
  assert.equal(run('zmpop', 0, 'z', 'min'), E.NUMKEYS_NOT_POSITIVE);
  assert.equal(run('zmpop', 'x', 'z', 'min'), E.NUMKEYS_NOT_POSITIVE);
  assert.equal(run('zmpop', -1, 'z', 'min'), E.NUMKEYS_NOT_POSITIVE);
  assert.equal(run('zmpop', 5, 'z', 'min'), E.SYNTAX);
  assert.equal(run('zmpop', 1, 'z', 'middle'), E.SYNTAX);
  assert.equal(run('zmpop', 1, 'z', 'min', 'count'), E.SYNTAX);
  assert.equal(run('zmpop', 1, 'z', 'min', 'count', 0), E.COUNT_NOT_POSITIVE);
  assert.equal(run('zmpop', 1, 'z', 'min', 'count', 'x'), E.COUNT_NOT_POSITIVE);
  assert.equal(run('zmpop', 1, 'z', 'min', 'count', 1, 'count', 1), E.SYNTAX);
  assert.deepEqual(run('zmpop', 1, 'z'), E.arity('zmpop'));
  assert.equal(run('zcard', 'z'), 4, 'nothing popped on error');
});

test('pops propagate as sent: the effect follows from the data', () => {
  const { run, effects } = setup();
  run('zpopmin', 'z', 2);
  run('zmpop', 1, 'z', 'max');
  assert.deepEqual(effects, [
    ['zpopmin', 'z', '2'],
    ['zmpop', '1', 'z', 'max'],
  ]);
});
