import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as E from '../../command/errors.ts';
import { DoubleReply, type Reply } from '../../reply.ts';
import { createTestEngine } from '../../testing/index.ts';

function setup() {
  const t = createTestEngine();
  // a..e scored 1..5, plus the lex set l (all 0).
  t.run('zadd', 'z', 1, 'a', 2, 'b', 3, 'c', 4, 'd', 5, 'e');
  t.run('zadd', 'l', 0, 'a', 0, 'b', 0, 'c', 0, 'd', 0, 'e', 0, 'ee');
  t.run('set', 's', 'x');
  return t;
}

const d = (n: number) => new DoubleReply(n);

test('ZRANGE by rank: Redis indexes, REV, WITHSCORES', () => {
  const { run } = setup();
  assert.deepEqual(run('zrange', 'z', 0, -1), ['a', 'b', 'c', 'd', 'e']);
  assert.deepEqual(run('zrange', 'z', 1, 2, 'withscores'), ['b', d(2), 'c', d(3)]);
  assert.deepEqual(run('zrange', 'z', -2, -1), ['d', 'e']);
  assert.deepEqual(run('zrange', 'z', -100, 1), ['a', 'b']);
  assert.deepEqual(run('zrange', 'z', 3, 100), ['d', 'e']);
  assert.deepEqual(run('zrange', 'z', 5, 10), []);
  assert.deepEqual(run('zrange', 'z', 2, 1), []);
  assert.deepEqual(run('zrange', 'z', 0, -6), []);
  assert.deepEqual(run('zrange', 'z', 0, 1, 'rev'), ['e', 'd']);
  assert.deepEqual(run('zrange', 'z', -1, -1, 'REV', 'WITHSCORES'), ['a', d(1)]);
  assert.deepEqual(run('zrange', 'missing', 0, -1), []);
});

test('ZRANGE BYSCORE: exclusive and infinite bounds, REV takes max first, LIMIT', () => {
  const { run } = setup();
  assert.deepEqual(run('zrange', 'z', '(1', 3, 'byscore'), ['b', 'c']);
  assert.deepEqual(run('zrange', 'z', '-inf', '(3', 'byscore', 'withscores'), ['a', d(1), 'b', d(2)]);
  assert.deepEqual(run('zrange', 'z', 4, '+inf', 'byscore'), ['d', 'e']);
  assert.deepEqual(run('zrange', 'z', 3, 3, 'byscore'), ['c']);
  assert.deepEqual(run('zrange', 'z', '(3', 3, 'byscore'), []);
  assert.deepEqual(run('zrange', 'z', 4, 2, 'byscore'), []);
  assert.deepEqual(run('zrange', 'z', '+inf', '-inf', 'byscore', 'rev'), ['e', 'd', 'c', 'b', 'a']);
  assert.deepEqual(run('zrange', 'z', '(5', '(1', 'byscore', 'rev'), ['d', 'c', 'b']);
  assert.deepEqual(run('zrange', 'z', '-inf', '+inf', 'byscore', 'limit', 1, 2), ['b', 'c']);
  assert.deepEqual(run('zrange', 'z', '-inf', '+inf', 'byscore', 'limit', 3, -1), ['d', 'e'], 'negative count: all');
  assert.deepEqual(run('zrange', 'z', '-inf', '+inf', 'byscore', 'limit', 0, 0), []);
  assert.deepEqual(run('zrange', 'z', '-inf', '+inf', 'byscore', 'limit', -1, 2), [], 'negative offset: none');
  assert.deepEqual(run('zrange', 'z', '-inf', '+inf', 'byscore', 'limit', 5, 2), []);
  assert.deepEqual(run('zrange', 'z', '+inf', '-inf', 'byscore', 'rev', 'limit', 1, 2, 'withscores'), [
    'd',
    d(4),
    'c',
    d(3),
  ]);
  // Range bounds go through strtod: leading spaces, hex, empty (0), and `(` alone (exclusive 0).
  run('zadd', 'w', 0, 'zero', 1, 'one', 16, 'sixteen');
  assert.deepEqual(run('zrange', 'w', ' 1', '0x10', 'byscore'), ['one', 'sixteen']);
  assert.deepEqual(run('zrange', 'w', '', '(', 'byscore'), []);
  assert.deepEqual(run('zrange', 'w', '', 0, 'byscore'), ['zero']);
  assert.deepEqual(run('zrange', 'w', '(', '1e400', 'byscore'), ['one', 'sixteen'], 'overflow is inf in ranges');
});

test('ZRANGE BYSCORE stops at the first member past the far bound', () => {
  const { run } = setup();
  run('zadd', 'big', ...Array.from({ length: 300 }, (_, i) => [i % 50, `m${i}`]).flat());
  assert.equal((run('zrange', 'big', 10, '(12', 'byscore') as Reply[]).length, 12);
  assert.deepEqual(run('zrange', 'big', '(48', '+inf', 'byscore', 'limit', 4, 100), ['m49', 'm99']);
  assert.deepEqual(run('zrange', 'big', 49, 48, 'byscore'), []);
});

test('ZRANGE BYLEX: [ ( - + bounds and LIMIT', () => {
  const { run, raw } = setup();
  assert.deepEqual(run('zrange', 'l', '-', '+', 'bylex'), ['a', 'b', 'c', 'd', 'e', 'ee']);
  assert.deepEqual(run('zrange', 'l', '[b', '(d', 'bylex'), ['b', 'c']);
  assert.deepEqual(run('zrange', 'l', '(b', '[e', 'bylex'), ['c', 'd', 'e']);
  assert.deepEqual(run('zrange', 'l', '[e', '+', 'bylex'), ['e', 'ee']);
  assert.deepEqual(run('zrange', 'l', '+', '-', 'bylex'), []);
  assert.deepEqual(run('zrange', 'l', '-', '-', 'bylex'), []);
  assert.deepEqual(run('zrange', 'l', '[c', '[c', 'bylex'), ['c']);
  assert.deepEqual(run('zrange', 'l', '(c', '[c', 'bylex'), []);
  assert.deepEqual(run('zrange', 'l', '+', '[c', 'bylex', 'rev'), ['ee', 'e', 'd', 'c']);
  assert.deepEqual(run('zrange', 'l', '-', '+', 'bylex', 'limit', 2, 2), ['c', 'd']);
  assert.deepEqual(run('zrange', 'l', '+', '-', 'bylex', 'rev', 'limit', 1, 1), ['e']);
  assert.deepEqual(run('zrange', 'l', '[', '(b', 'bylex'), ['a'], '`[` alone is the empty string');
  raw('zadd', 'bin', '0', '\x00', '0', '\xff', '0', 'a');
  assert.deepEqual(raw('zrange', 'bin', '(\x00', '[\xff', 'bylex'), ['a', '\xff']);
  for (const bad of ['a', '', '+a', '-a', '{a']) {
    assert.equal(run('zrange', 'l', bad, '+', 'bylex'), E.MIN_MAX_NOT_LEX, JSON.stringify(bad));
  }
});

test('lex ranges over a large set use the skiplist, with the same answers', () => {
  const { run } = setup();
  const members = Array.from({ length: 500 }, (_, i) => `k${String(i).padStart(3, '0')}`);
  run('zadd', 'big', ...members.flatMap((m) => [0, m]));
  assert.deepEqual(run('zrange', 'big', '[k100', '(k103', 'bylex'), ['k100', 'k101', 'k102']);
  assert.deepEqual(run('zrange', 'big', '(k498', '+', 'bylex'), ['k499']);
  assert.deepEqual(run('zrange', 'big', '[k200', '-', 'bylex', 'rev', 'limit', 1, 2), ['k199', 'k198']);
  assert.equal(run('zlexcount', 'big', '[k100', '(k200'), 100);
  assert.equal(run('zremrangebylex', 'big', '[k400', '+'), 100);
  assert.equal(run('zcard', 'big'), 400);
});

test('ZRANGE option errors, in Redis order', () => {
  const { run } = setup();
  assert.equal(run('zrange', 'z', 0, 1, 'limit', 0, 1), E.LIMIT_WITHOUT_BY);
  assert.deepEqual(run('zrange', 'z', 0, 1, 'limit', 0, -1), ['a', 'b'], 'LIMIT x -1 is no LIMIT');
  assert.equal(run('zrange', 'l', '-', '+', 'bylex', 'withscores'), E.WITHSCORES_WITH_BYLEX);
  assert.equal(run('zrange', 'l', '-', '+', 'bylex', 'limit', 0, 1, 'withscores'), E.WITHSCORES_WITH_BYLEX);
  assert.equal(run('zrange', 'z', 0, 1, 'rev', 'rev'), E.SYNTAX);
  assert.equal(run('zrange', 'z', 0, 1, 'byscore', 'bylex'), E.SYNTAX);
  assert.equal(run('zrange', 'z', 0, 1, 'limit', 0), E.SYNTAX);
  assert.equal(run('zrange', 'z', 0, 1, 'byscore', 'limit', 0, 'x'), E.NOT_INTEGER);
  assert.equal(run('zrange', 'z', 0, 1, 'foo'), E.SYNTAX);
  assert.equal(run('zrange', 'z', 'a', 1), E.NOT_INTEGER);
  assert.equal(run('zrange', 'z', 'a', 1, 'byscore'), E.MIN_MAX_NOT_FLOAT);
  assert.equal(run('zrange', 'z', 'nan', 1, 'byscore'), E.MIN_MAX_NOT_FLOAT);
  assert.equal(run('zrange', 'z', '1 ', 1, 'byscore'), E.MIN_MAX_NOT_FLOAT);
  assert.equal(run('zrange', 's', 'a', 1), E.NOT_INTEGER, 'arguments before the type');
  assert.equal(run('zrange', 's', 0, 1), E.WRONGTYPE);
  assert.deepEqual(run('zrange', 'z', 0), E.arity('zrange'));
});

test('ZREVRANGE, Z[REV]RANGEBYSCORE and Z[REV]RANGEBYLEX', () => {
  const { run } = setup();
  assert.deepEqual(run('zrevrange', 'z', 0, 1, 'withscores'), ['e', d(5), 'd', d(4)]);
  assert.equal(run('zrevrange', 'z', 0, 1, 'limit', 0, 1), E.LIMIT_WITHOUT_BY);
  assert.equal(run('zrevrange', 'z', 0, 1, 'rev'), E.SYNTAX);
  assert.deepEqual(run('zrangebyscore', 'z', 2, 4), ['b', 'c', 'd']);
  assert.deepEqual(run('zrangebyscore', 'z', 2, 4, 'withscores', 'limit', 1, 1), ['c', d(3)]);
  assert.equal(run('zrangebyscore', 'z', 2, 4, 'rev'), E.SYNTAX);
  assert.equal(run('zrangebyscore', 'z', 2, 4, 'byscore'), E.SYNTAX);
  assert.deepEqual(run('zrevrangebyscore', 'z', 4, 2), ['d', 'c', 'b']);
  assert.deepEqual(run('zrevrangebyscore', 'z', '+inf', '(4', 'withscores'), ['e', d(5)]);
  assert.deepEqual(run('zrangebylex', 'l', '(a', '[c'), ['b', 'c']);
  assert.deepEqual(run('zrangebylex', 'l', '-', '+', 'limit', 4, 10), ['e', 'ee']);
  assert.equal(run('zrangebylex', 'l', '-', '+', 'withscores'), E.WITHSCORES_WITH_BYLEX);
  assert.deepEqual(run('zrevrangebylex', 'l', '[c', '-'), ['c', 'b', 'a']);
  assert.deepEqual(run('zrevrangebylex', 'l', '+', '-', 'limit', 0, 2), ['ee', 'e']);
});

test('ZRANGESTORE stores the selection, replacing dst and its TTL', () => {
  const { run, engine, effects } = setup();
  assert.equal(run('zrangestore', 'dst', 'z', 1, 2), 2);
  assert.deepEqual(run('zrange', 'dst', 0, -1, 'withscores'), ['b', d(2), 'c', d(3)]);
  assert.equal(run('zrangestore', 'dst', 'z', '+inf', 4, 'byscore', 'rev'), 2);
  assert.deepEqual(run('zrange', 'dst', 0, -1), ['d', 'e']);
  assert.equal(run('zrangestore', 'dst', 'l', '[b', '[c', 'bylex', 'limit', 1, 1), 1);
  assert.deepEqual(run('zrange', 'dst', 0, -1, 'withscores'), ['c', d(0)]);
  engine.db.setExpire('dst', engine.db.now + 10_000);
  assert.equal(run('zrangestore', 'dst', 'z', 0, 0), 1);
  assert.equal(engine.db.lookup('dst')?.expireAt, 0);
  assert.equal(run('zrangestore', 's', 'z', 0, 0), 1, 'dst of any type is replaced');
  assert.deepEqual(run('zrange', 's', 0, -1), ['a']);
  assert.equal(run('zrangestore', 'dst', 'z', 10, 20), 0);
  assert.equal(engine.db.has('dst'), false, 'an empty selection deletes dst');
  run('zadd', 'dst', 1, 'x');
  assert.equal(run('zrangestore', 'dst', 'missing', 0, -1), 0);
  assert.equal(engine.db.has('dst'), false);
  assert.deepEqual(effects.at(-1), ['zrangestore', 'dst', 'missing', '0', '-1']);
  assert.equal(run('zrangestore', 'dst', 'z', 0, -1, 'withscores'), E.SYNTAX);
  run('set', 'str', 'x');
  assert.equal(run('zrangestore', 'dst', 'str', 0, -1), E.WRONGTYPE);
  assert.deepEqual(run('zrangestore', 'dst', 'z', 0), E.arity('zrangestore'));
});
