import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as E from '../command/errors.ts';
import { NIL_ARRAY, OK } from '../reply.ts';
import { createTestEngine } from '../testing/index.ts';

function setup() {
  const t = createTestEngine();
  return { ...t, all: (k: string) => t.run('lrange', k, 0, -1) };
}

const BIN = '\x00a\x80\xff\x00';

test('LPUSH and RPUSH create the key, push in argument order and answer the length', () => {
  const { run, all } = setup();
  assert.equal(run('rpush', 'l', 'a', 'b'), 2);
  assert.equal(run('lpush', 'l', 'x', 'y'), 4);
  assert.deepEqual(all('l'), ['y', 'x', 'a', 'b']);
  assert.equal(run('rpush', 'l', ''), 5);
  assert.deepEqual(all('l'), ['y', 'x', 'a', 'b', '']);
  run('set', 's', 'x');
  assert.equal(run('lpush', 's', 'a'), E.WRONGTYPE);
  assert.equal(run('rpush', 's', 'a'), E.WRONGTYPE);
});

test('LPUSHX and RPUSHX push only onto an existing list', () => {
  const { run, all, engine } = setup();
  assert.equal(run('lpushx', 'l', 'a'), 0);
  assert.equal(run('rpushx', 'l', 'a'), 0);
  assert.equal(engine.db.has('l'), false);
  run('rpush', 'l', 'm');
  assert.equal(run('lpushx', 'l', 'b', 'a'), 3);
  assert.equal(run('rpushx', 'l', 'y', 'z'), 5);
  assert.deepEqual(all('l'), ['a', 'b', 'm', 'y', 'z']);
  run('set', 's', 'x');
  assert.equal(run('lpushx', 's', 'a'), E.WRONGTYPE);
  assert.equal(run('rpushx', 's', 'a'), E.WRONGTYPE);
});

test('LPOP and RPOP without a count: one bulk string, nil when missing, key deleted when emptied', () => {
  const { run, engine } = setup();
  assert.equal(run('lpop', 'l'), null);
  assert.equal(run('rpop', 'l'), null);
  run('rpush', 'l', 'a', 'b', 'c');
  assert.equal(run('lpop', 'l'), 'a');
  assert.equal(run('rpop', 'l'), 'c');
  assert.equal(run('rpop', 'l'), 'b');
  assert.equal(engine.db.has('l'), false);
  run('set', 's', 'x');
  assert.equal(run('lpop', 's'), E.WRONGTYPE);
  assert.equal(run('rpop', 's'), E.WRONGTYPE);
});

test('LPOP and RPOP with a count: arrays in pop order, nil array when missing, empty for 0', () => {
  const { run, all, engine } = setup();
  run('rpush', 'l', 'a', 'b', 'c', 'd', 'e');
  assert.deepEqual(run('lpop', 'l', 2), ['a', 'b']);
  assert.deepEqual(run('rpop', 'l', 2), ['e', 'd']);
  assert.deepEqual(run('lpop', 'l', 0), []);
  assert.deepEqual(run('rpop', 'l', 0), []);
  assert.deepEqual(all('l'), ['c']);
  assert.deepEqual(run('rpop', 'l', '9223372036854775807'), ['c']);
  assert.equal(engine.db.has('l'), false);
  assert.equal(run('lpop', 'l', 1), NIL_ARRAY);
  assert.equal(run('rpop', 'l', 0), NIL_ARRAY, 'the key is looked up before count 0 answers');
  run('rpush', 'l', 'a', 'b');
  assert.deepEqual(run('lpop', 'l', 10), ['a', 'b']);
  assert.equal(engine.db.has('l'), false);
  run('set', 's', 'x');
  assert.equal(run('lpop', 's', 0), E.WRONGTYPE);
});

test('LPOP and RPOP count errors', () => {
  const { run } = setup();
  run('rpush', 'l', 'a');
  assert.equal(run('lpop', 'l', -1), E.NOT_POSITIVE);
  assert.equal(run('rpop', 'l', 'x'), E.NOT_POSITIVE, 'a non-integer gets the "must be positive" text too');
  assert.equal(run('lpop', 'l', '1.5'), E.NOT_POSITIVE);
  assert.equal(run('lpop', 'nokey', 'x'), E.NOT_POSITIVE);
  assert.deepEqual(run('lpop', 'l', 1, 2), E.arity('lpop'));
  assert.deepEqual(run('rpop', 'l', 1, 2), E.arity('rpop'));
  assert.deepEqual(run('lpop'), E.arity('lpop'));
});

test('LRANGE: negative indexes, clamping, empty ranges', () => {
  const { run } = setup();
  run('rpush', 'l', 'a', 'b', 'c', 'd', 'e');
  assert.deepEqual(run('lrange', 'l', 0, -1), ['a', 'b', 'c', 'd', 'e']);
  assert.deepEqual(run('lrange', 'l', 1, -2), ['b', 'c', 'd']);
  assert.deepEqual(run('lrange', 'l', -2, -1), ['d', 'e']);
  assert.deepEqual(run('lrange', 'l', -100, 100), ['a', 'b', 'c', 'd', 'e']);
  assert.deepEqual(run('lrange', 'l', '-9223372036854775808', '9223372036854775807'), ['a', 'b', 'c', 'd', 'e']);
  assert.deepEqual(run('lrange', 'l', 3, 3), ['d']);
  assert.deepEqual(run('lrange', 'l', 2, 1), []);
  assert.deepEqual(run('lrange', 'l', -1, -2), []);
  assert.deepEqual(run('lrange', 'l', 5, 10), []);
  assert.deepEqual(run('lrange', 'l', 0, -6), []);
  assert.deepEqual(run('lrange', 'nokey', 0, -1), []);
  assert.equal(run('lrange', 'l', 'x', 1), E.NOT_INTEGER);
  assert.equal(run('lrange', 'l', 0, '1.0'), E.NOT_INTEGER);
  assert.equal(run('lrange', 'nokey', 'x', 1), E.NOT_INTEGER, 'indexes are parsed before the key is read');
  run('set', 's', 'x');
  assert.equal(run('lrange', 's', 0, 1), E.WRONGTYPE);
  assert.equal(run('lrange', 's', 'x', 1), E.NOT_INTEGER);
});

test('LLEN and LINDEX', () => {
  const { run } = setup();
  run('rpush', 'l', 'a', 'b', 'c');
  assert.equal(run('llen', 'l'), 3);
  assert.equal(run('llen', 'nokey'), 0);
  assert.equal(run('lindex', 'l', 0), 'a');
  assert.equal(run('lindex', 'l', 2), 'c');
  assert.equal(run('lindex', 'l', -1), 'c');
  assert.equal(run('lindex', 'l', -3), 'a');
  assert.equal(run('lindex', 'l', -4), null);
  assert.equal(run('lindex', 'l', 3), null);
  assert.equal(run('lindex', 'l', '9223372036854775807'), null);
  assert.equal(run('lindex', 'nokey', 0), null);
  assert.equal(run('lindex', 'l', 'x'), E.NOT_INTEGER);
  assert.equal(run('lindex', 'nokey', 'x'), null, 'the key is read before the index is parsed');
  run('set', 's', 'x');
  assert.equal(run('llen', 's'), E.WRONGTYPE);
  assert.equal(run('lindex', 's', 0), E.WRONGTYPE);
  assert.equal(run('lindex', 's', 'x'), E.WRONGTYPE);
});

test('LSET replaces by index; errors for a missing key, a bad or out-of-range index', () => {
  const { run, all } = setup();
  run('rpush', 'l', 'a', 'b', 'c');
  assert.equal(run('lset', 'l', 0, 'A'), OK);
  assert.equal(run('lset', 'l', -1, 'C'), OK);
  assert.deepEqual(all('l'), ['A', 'b', 'C']);
  assert.equal(run('lset', 'l', 3, 'x'), E.INDEX_OUT_OF_RANGE);
  assert.equal(run('lset', 'l', -4, 'x'), E.INDEX_OUT_OF_RANGE);
  assert.equal(run('lset', 'l', 'x', 'x'), E.NOT_INTEGER);
  assert.equal(run('lset', 'nokey', 0, 'x'), E.NO_SUCH_KEY);
  assert.equal(run('lset', 'nokey', 'x', 'x'), E.NO_SUCH_KEY);
  run('set', 's', 'x');
  assert.equal(run('lset', 's', 0, 'x'), E.WRONGTYPE);
});

test('LINSERT before and after the first pivot; -1 without pivot, 0 without key', () => {
  const { run, all } = setup();
  run('rpush', 'l', 'a', 'b', 'c', 'b');
  assert.equal(run('linsert', 'l', 'BEFORE', 'b', 'x'), 5);
  assert.equal(run('linsert', 'l', 'after', 'b', 'y'), 6);
  assert.equal(run('linsert', 'l', 'after', 'b', 'y'), 7);
  assert.equal(run('linsert', 'l', 'before', 'a', 'first'), 8);
  assert.equal(run('linsert', 'l', 'after', 'b', 'last'), 9);
  assert.deepEqual(all('l'), ['first', 'a', 'x', 'b', 'last', 'y', 'y', 'c', 'b']);
  assert.equal(run('linsert', 'l', 'after', 'zz', 'x'), -1);
  assert.equal(run('linsert', 'nokey', 'after', 'a', 'x'), 0);
  assert.equal(run('linsert', 'l', 'middle', 'a', 'x'), E.SYNTAX);
  assert.equal(run('linsert', 'nokey', 'middle', 'a', 'x'), E.SYNTAX, 'the position is checked first');
  run('set', 's', 'x');
  assert.equal(run('linsert', 's', 'before', 'a', 'x'), E.WRONGTYPE);
  run('rpush', 'one', 'p');
  assert.equal(run('linsert', 'one', 'after', 'p', 'q'), 2);
  assert.deepEqual(all('one'), ['p', 'q']);
});

test('LINSERT shifts either side of a wrapped ring buffer correctly', () => {
  const { run, all } = setup();
  const want: string[] = [];
  for (let i = 0; i < 20; i++) {
    run('lpush', 'l', `L${i}`);
    want.unshift(`L${i}`);
    run('rpush', 'l', `R${i}`);
    want.push(`R${i}`);
  }
  for (let i = 0; i < 20; i++) {
    const pivot = want[(i * 7) % want.length] as string;
    const at = want.indexOf(pivot);
    const after = i % 2 === 0;
    run('linsert', 'l', after ? 'after' : 'before', pivot, `n${i}`);
    want.splice(after ? at + 1 : at, 0, `n${i}`);
  }
  assert.deepEqual(all('l'), want);
});

test('LREM from the head, from the tail, or all; the emptied key goes', () => {
  const { run, all, engine } = setup();
  run('rpush', 'l', 'a', 'b', 'a', 'c', 'a', 'd', 'a');
  assert.equal(run('lrem', 'l', 2, 'a'), 2);
  assert.deepEqual(all('l'), ['b', 'c', 'a', 'd', 'a']);
  assert.equal(run('lrem', 'l', -1, 'a'), 1);
  assert.deepEqual(all('l'), ['b', 'c', 'a', 'd']);
  run('rpush', 'l', 'a', 'a');
  assert.equal(run('lrem', 'l', -2, 'a'), 2);
  assert.deepEqual(all('l'), ['b', 'c', 'a', 'd']);
  assert.equal(run('lrem', 'l', 0, 'a'), 1);
  assert.equal(run('lrem', 'l', 0, 'zz'), 0);
  assert.deepEqual(all('l'), ['b', 'c', 'd']);
  assert.equal(run('lrem', 'l', '-9223372036854775808', 'c'), 1);
  assert.equal(run('lrem', 'nokey', 1, 'a'), 0);
  assert.equal(run('lrem', 'l', 'x', 'a'), E.NOT_INTEGER);
  run('rpush', 'm', 'x', 'x', 'x');
  assert.equal(run('lrem', 'm', 0, 'x'), 3);
  assert.equal(engine.db.has('m'), false);
  run('set', 's', 'x');
  assert.equal(run('lrem', 's', 0, 'x'), E.WRONGTYPE);
});

test('LTRIM keeps a range with LRANGE rules and deletes an emptied list', () => {
  const { run, all, engine } = setup();
  run('rpush', 'l', 'a', 'b', 'c', 'd', 'e');
  assert.equal(run('ltrim', 'l', 1, -2), OK);
  assert.deepEqual(all('l'), ['b', 'c', 'd']);
  assert.equal(run('ltrim', 'l', -100, 100), OK);
  assert.deepEqual(all('l'), ['b', 'c', 'd']);
  assert.equal(run('ltrim', 'l', 1, 1), OK);
  assert.deepEqual(all('l'), ['c']);
  assert.equal(run('ltrim', 'l', 5, 10), OK);
  assert.equal(engine.db.has('l'), false);
  run('rpush', 'l', 'a', 'b');
  assert.equal(run('ltrim', 'l', 1, 0), OK);
  assert.equal(engine.db.has('l'), false);
  assert.equal(run('ltrim', 'nokey', 0, 1), OK);
  assert.equal(run('ltrim', 'nokey', 'x', 1), E.NOT_INTEGER);
  run('set', 's', 'x');
  assert.equal(run('ltrim', 's', 0, 1), E.WRONGTYPE);
});

test('LPOS: first match, RANK from either end, COUNT and MAXLEN', () => {
  const { run } = setup();
  run('rpush', 'l', 'a', 'b', 'c', 'a', 'b', 'c', 'a');
  assert.equal(run('lpos', 'l', 'a'), 0);
  assert.equal(run('lpos', 'l', 'c'), 2);
  assert.equal(run('lpos', 'l', 'zz'), null);
  assert.equal(run('lpos', 'l', 'a', 'RANK', 2), 3);
  assert.equal(run('lpos', 'l', 'a', 'RANK', 5), null);
  assert.equal(run('lpos', 'l', 'a', 'rank', -1), 6);
  assert.equal(run('lpos', 'l', 'b', 'rank', -2), 1);
  assert.equal(run('lpos', 'l', 'a', 'rank', '9223372036854775807'), null);
  assert.deepEqual(run('lpos', 'l', 'a', 'COUNT', 0), [0, 3, 6]);
  assert.deepEqual(run('lpos', 'l', 'a', 'COUNT', 2), [0, 3]);
  assert.deepEqual(run('lpos', 'l', 'a', 'COUNT', 2, 'RANK', -1), [6, 3]);
  assert.deepEqual(run('lpos', 'l', 'a', 'RANK', 2, 'COUNT', 0), [3, 6]);
  assert.deepEqual(run('lpos', 'l', 'zz', 'COUNT', 1), []);
  assert.deepEqual(run('lpos', 'l', 'a', 'COUNT', 0, 'MAXLEN', 4), [0, 3]);
  assert.equal(run('lpos', 'l', 'a', 'RANK', 2, 'MAXLEN', 3), null);
  assert.equal(run('lpos', 'l', 'a', 'RANK', 2, 'MAXLEN', 4), 3);
  assert.deepEqual(run('lpos', 'l', 'a', 'RANK', -2, 'MAXLEN', 4, 'COUNT', 0), [3]);
  assert.deepEqual(run('lpos', 'l', 'c', 'MAXLEN', 0, 'COUNT', 0), [2, 5]);
  assert.deepEqual(run('lpos', 'l', 'a', 'COUNT', 1, 'COUNT', 2), [0, 3], 'a repeated option wins');
  assert.equal(run('lpos', 'nokey', 'a'), null);
  assert.deepEqual(run('lpos', 'nokey', 'a', 'COUNT', 1), []);
});

test('LPOS option errors in Redis order', () => {
  const { run } = setup();
  run('rpush', 'l', 'a');
  run('set', 's', 'x');
  assert.equal(run('lpos', 'l', 'a', 'RANK', 0), E.LPOS_RANK_ZERO);
  assert.equal(run('lpos', 'l', 'a', 'RANK', 'x'), E.NOT_INTEGER);
  assert.deepEqual(
    run('lpos', 'l', 'a', 'RANK', '-9223372036854775808'),
    E.valueNotBetween('-9223372036854775807', '9223372036854775807'),
  );
  assert.equal(run('lpos', 'l', 'a', 'COUNT', -1), E.LPOS_COUNT_NEGATIVE);
  assert.equal(run('lpos', 'l', 'a', 'COUNT', 'x'), E.LPOS_COUNT_NEGATIVE);
  assert.equal(run('lpos', 'l', 'a', 'MAXLEN', -1), E.LPOS_MAXLEN_NEGATIVE);
  assert.equal(run('lpos', 'l', 'a', 'MAXLEN', 'x'), E.LPOS_MAXLEN_NEGATIVE);
  assert.equal(run('lpos', 'l', 'a', 'RANK'), E.SYNTAX);
  assert.equal(run('lpos', 'l', 'a', 'foo', 1), E.SYNTAX);
  assert.equal(run('lpos', 'nokey', 'a', 'RANK', 0), E.LPOS_RANK_ZERO, 'options are parsed before the key');
  assert.equal(run('lpos', 's', 'a', 'foo'), E.SYNTAX);
  assert.equal(run('lpos', 's', 'a'), E.WRONGTYPE);
  assert.equal(run('lpos', 's', 'a', 'COUNT', 0), E.WRONGTYPE);
});

test('LMOVE moves between either ends, creates the destination, deletes an emptied source', () => {
  const { run, all, engine } = setup();
  run('rpush', 'src', 'a', 'b', 'c');
  assert.equal(run('lmove', 'src', 'dst', 'LEFT', 'RIGHT'), 'a');
  assert.equal(run('lmove', 'src', 'dst', 'right', 'left'), 'c');
  assert.deepEqual(all('dst'), ['c', 'a']);
  assert.equal(run('lmove', 'src', 'dst', 'left', 'left'), 'b');
  assert.equal(engine.db.has('src'), false);
  assert.deepEqual(all('dst'), ['b', 'c', 'a']);
  assert.equal(run('lmove', 'dst', 'dst', 'left', 'right'), 'b', 'rotation');
  assert.deepEqual(all('dst'), ['c', 'a', 'b']);
  assert.equal(run('lmove', 'dst', 'dst', 'right', 'right'), 'b');
  assert.deepEqual(all('dst'), ['c', 'a', 'b']);
  run('rpush', 'one', 'x');
  assert.equal(run('lmove', 'one', 'one', 'left', 'right'), 'x', 'a one-element rotation keeps the key');
  assert.deepEqual(all('one'), ['x']);
  assert.equal(run('lmove', 'nokey', 'dst', 'left', 'left'), null);
});

test('LMOVE errors: positions first, then a missing source answers nil before the destination type', () => {
  const { run, all } = setup();
  run('rpush', 'l', 'a');
  run('set', 's', 'x');
  assert.equal(run('lmove', 'l', 'd', 'up', 'left'), E.SYNTAX);
  assert.equal(run('lmove', 'l', 'd', 'left', 'down'), E.SYNTAX);
  assert.equal(run('lmove', 's', 'd', 'up', 'left'), E.SYNTAX);
  assert.equal(run('lmove', 'nokey', 's', 'left', 'left'), null);
  assert.equal(run('lmove', 's', 'l', 'left', 'left'), E.WRONGTYPE);
  assert.equal(run('lmove', 'l', 's', 'left', 'left'), E.WRONGTYPE);
  assert.deepEqual(all('l'), ['a'], 'nothing popped when the destination is the wrong type');
});

test('RPOPLPUSH is LMOVE RIGHT LEFT', () => {
  const { run, all, engine } = setup();
  run('rpush', 'src', 'a', 'b');
  run('rpush', 'dst', 'z');
  assert.equal(run('rpoplpush', 'src', 'dst'), 'b');
  assert.equal(run('rpoplpush', 'src', 'dst'), 'a');
  assert.deepEqual(all('dst'), ['a', 'b', 'z']);
  assert.equal(engine.db.has('src'), false);
  assert.equal(run('rpoplpush', 'src', 'dst'), null);
  assert.equal(run('rpoplpush', 'dst', 'dst'), 'z');
  assert.deepEqual(all('dst'), ['z', 'a', 'b']);
  run('set', 's', 'x');
  assert.equal(run('rpoplpush', 'dst', 's'), E.WRONGTYPE);
  assert.equal(run('rpoplpush', 's', 'dst'), E.WRONGTYPE);
});

test('LMPOP pops from the first non-empty list, nested reply, nil array when none', () => {
  const { run, all, engine } = setup();
  run('rpush', 'l2', 'a', 'b', 'c');
  assert.equal(run('lmpop', 1, 'l1', 'left'), NIL_ARRAY);
  assert.deepEqual(run('lmpop', 2, 'l1', 'l2', 'LEFT'), ['l2', ['a']]);
  assert.deepEqual(run('lmpop', 2, 'l1', 'l2', 'right', 'COUNT', 5), ['l2', ['c', 'b']]);
  assert.equal(engine.db.has('l2'), false);
  run('rpush', 'l1', 'x', 'y', 'z');
  run('rpush', 'l2', 'q');
  assert.deepEqual(run('lmpop', 2, 'l1', 'l2', 'left', 'count', 2), ['l1', ['x', 'y']]);
  assert.deepEqual(all('l1'), ['z']);
  assert.deepEqual(run('lmpop', 2, 'nokey', 'l1', 'left', 'count', '9223372036854775807'), ['l1', ['z']]);
  assert.deepEqual(run('lmpop', 1, 'l2', 'left'), ['l2', ['q']]);
  assert.equal(run('lmpop', 2, 'l1', 'l2', 'left'), NIL_ARRAY);
});

test('LMPOP argument errors and WRONGTYPE', () => {
  const { run, all } = setup();
  run('rpush', 'l', 'a', 'b');
  run('set', 's', 'x');
  for (const n of [0, -1, 'x']) assert.equal(run('lmpop', n, 'l', 'left'), E.NUMKEYS_NOT_POSITIVE);
  assert.equal(run('lmpop', 5, 'l', 'left'), E.SYNTAX);
  assert.equal(run('lmpop', '9223372036854775807', 'l', 'left'), E.SYNTAX);
  assert.equal(run('lmpop', 1, 'l', 'middle'), E.SYNTAX);
  assert.equal(run('lmpop', 1, 'l', 'left', 'count', 0), E.COUNT_NOT_POSITIVE);
  assert.equal(run('lmpop', 1, 'l', 'left', 'count', -1), E.COUNT_NOT_POSITIVE);
  assert.equal(run('lmpop', 1, 'l', 'left', 'count', 'x'), E.COUNT_NOT_POSITIVE);
  assert.equal(run('lmpop', 1, 'l', 'left', 'count', 1, 'count', 1), E.SYNTAX);
  assert.equal(run('lmpop', 1, 'l', 'left', 'count'), E.SYNTAX);
  assert.equal(run('lmpop', 1, 'l', 'left', 'foo'), E.SYNTAX);
  assert.equal(run('lmpop', 2, 'nokey', 's', 'left'), E.WRONGTYPE);
  assert.equal(run('lmpop', 2, 's', 'l', 'left'), E.WRONGTYPE, 'a wrong type stops the search');
  assert.deepEqual(all('l'), ['a', 'b']);
});

test('binary elements round-trip and compare byte for byte', () => {
  const { raw } = setup();
  assert.equal(raw('rpush', 'l', BIN, '\x00', '', '\xff'), 4);
  assert.deepEqual(raw('lrange', 'l', '0', '-1'), [BIN, '\x00', '', '\xff']);
  assert.equal(raw('lpos', 'l', '\x00'), 1);
  assert.equal(raw('lpos', 'l', '\x00a'), null);
  assert.equal(raw('lindex', 'l', '0'), BIN);
  assert.equal(raw('linsert', 'l', 'after', '\xff', '\x80'), 5);
  assert.equal(raw('lrem', 'l', '0', ''), 1);
  assert.equal(raw('lmove', 'l', 'm', 'right', 'left'), '\x80');
  assert.deepEqual(raw('lmpop', '1', 'l', 'left', 'count', '2'), ['l', [BIN, '\x00']]);
});

test('writes propagate as sent; failed ones do not', () => {
  const { run, effects } = setup();
  run('rpush', 'l', 'a', 'b');
  run('lmpop', 1, 'l', 'left');
  run('lset', 'nokey', 0, 'x');
  assert.deepEqual(effects, [
    ['rpush', 'l', 'a', 'b'],
    ['lmpop', '1', 'l', 'left'],
  ]);
});

test('list commands on a million elements stay fast (deque with O(1) index access)', () => {
  const { run, raw } = setup();
  const chunk: string[] = ['rpush', 'big'];
  for (let i = 0; i < 100_000; i++) chunk.push(String(i));
  for (let c = 0; c < 10; c++) raw(...chunk);
  assert.equal(run('llen', 'big'), 1_000_000);
  const start = performance.now();
  for (let i = 0; i < 10_000; i++) assert.equal(run('lindex', 'big', 500_000 + i), String(i));
  for (let i = 0; i < 10_000; i++) run('lset', 'big', -1 - i, 'x');
  for (let i = 0; i < 10_000; i++) {
    run('lpush', 'big', 'h');
    assert.equal(run('rpop', 'big'), 'x');
  }
  assert.deepEqual(run('lrange', 'big', 600_000, 600_002), ['90000', '90001', '90002']);
  assert.deepEqual(run('lrange', 'big', 9_999, 10_000), ['h', '0']);
  assert.ok(performance.now() - start < 1000, 'index access is not linear');
  assert.equal((run('lrange', 'big', 0, -1) as string[]).length, 1_000_000);
});

test("writes keep the key's TTL; an expired list reads as missing", () => {
  const { run, engine, clock } = setup();
  run('rpush', 'l', 'a', 'b', 'c');
  engine.db.setExpire('l', clock.now() + 1000);
  run('lpush', 'l', 'x');
  run('lpop', 'l');
  run('lset', 'l', 0, 'A');
  run('lmove', 'l', 'l', 'left', 'right');
  assert.equal(engine.db.lookup('l')?.expireAt, clock.now() + 1000);
  clock.advance(1000);
  assert.equal(run('llen', 'l'), 0);
  assert.equal(run('rpushx', 'l', 'a'), 0);
  assert.equal(run('lmove', 'l', 'd', 'left', 'left'), null);
});
