import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as E from '../command/errors.ts';
import { createTestEngine } from '../testing/index.ts';

test('SORT orders numerically by default, by bytes with ALPHA, ties broken by the element', () => {
  const { run } = createTestEngine();
  run('rpush', 'l', '10', '2', '02', '-1.5', '1e1', 'inf');
  assert.deepEqual(run('sort', 'l'), ['-1.5', '02', '2', '10', '1e1', 'inf']);
  assert.deepEqual(run('sort', 'l', 'desc'), ['inf', '1e1', '10', '2', '02', '-1.5']);
  assert.deepEqual(run('sort', 'l', 'alpha'), ['-1.5', '02', '10', '1e1', '2', 'inf']);
  assert.deepEqual(run('sort', 'l', 'limit', '1', '2'), ['02', '2']);
  run('rpush', 'l', 'x');
  assert.deepEqual(run('sort', 'l'), E.SORT_SCORE);
  assert.deepEqual(run('sort', 'l', 'by', 'nosort'), ['10', '2', '02', '-1.5', '1e1', 'inf', 'x']);
});

test('BY and GET read strings and hash fields; missing values are nil, or empty when stored', () => {
  const { run } = createTestEngine();
  run('sadd', 'ids', '1', '2', '3');
  run('mset', 'w_1', '3', 'w_2', '1', 'w_3', '2', 'n_1', 'a', 'n_3', 'c');
  run('hset', 'h_1', 'f', 'x');
  assert.deepEqual(run('sort', 'ids', 'by', 'w_*', 'get', '#', 'get', 'n_*', 'get', 'h_*->f'), [
    '2',
    null,
    null,
    '3',
    'c',
    null,
    '1',
    'a',
    'x',
  ]);
  assert.equal(run('sort', 'ids', 'by', 'w_*', 'get', 'n_*', 'store', 'out'), 3);
  assert.deepEqual(run('lrange', 'out', '0', '-1'), ['', 'c', 'a']);
});

test('STORE propagates the resulting list, or DEL when empty; SORT_RO refuses STORE', () => {
  const { run, effects } = createTestEngine();
  run('rpush', 'src', '3', '1', '2');
  run('set', 'g_1', 'one');
  effects.length = 0;
  assert.equal(run('sort', 'src', 'get', 'g_*', 'store', 'dst'), 3);
  assert.deepEqual(effects, [
    ['DEL', 'dst'],
    ['RPUSH', 'dst', 'one', '', ''],
  ]);
  effects.length = 0;
  assert.equal(run('sort', 'src', 'limit', '0', '0', 'store', 'dst'), 0);
  assert.deepEqual(effects, [['DEL', 'dst']]);
  assert.equal(run('exists', 'dst'), 0);
  assert.deepEqual(run('sort_ro', 'src', 'store', 'dst'), E.SYNTAX);
  assert.deepEqual(run('sort_ro', 'src', 'desc'), ['3', '2', '1']);
});

test('a set sorted BY nosort into STORE is sorted ALPHA, so the stored list is reproducible', () => {
  const { run } = createTestEngine();
  run('sadd', 's', 'c', 'a', 'b');
  run('sort', 's', 'by', 'nosort', 'store', 'd');
  assert.deepEqual(run('lrange', 'd', '0', '-1'), ['a', 'b', 'c']);
});

test('COMMAND GETKEYS finds the source and the STORE destination', () => {
  const { run } = createTestEngine();
  assert.deepEqual(run('command', 'getkeys', 'sort', 'src', 'by', 'w_*', 'store', 'dst'), ['src', 'dst']);
  assert.deepEqual(run('command', 'getkeys', 'sort_ro', 'src', 'desc'), ['src']);
});

test('SORT without STORE changes nothing: not logged, no sync-token move, no dirty WATCH', () => {
  const { engine, run, effects } = createTestEngine();
  run('rpush', 'l', '3', '1', '2');
  effects.length = 0;
  const seq = engine.writeSeq;
  run('watch', 'l');
  assert.deepEqual(run('sort', 'l'), ['1', '2', '3']);
  assert.deepEqual(effects, []);
  assert.equal(engine.writeSeq, seq);
  run('multi');
  run('get', 'x');
  assert.deepEqual(run('exec'), [null], 'the watched source was not touched');
});
