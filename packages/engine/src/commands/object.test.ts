import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as E from '../command/errors.ts';
import type { PersistenceControl } from '../engine.ts';
import { OK } from '../reply.ts';
import { createTestEngine } from '../testing/index.ts';

test('OBJECT ENCODING of lists follows the 8 KB listpack limit; sets know listpack', () => {
  const { run } = createTestEngine();
  run('rpush', 'l', 'a', '1');
  assert.equal(run('object', 'encoding', 'l'), 'listpack');
  run('rpush', 'l', 'x'.repeat(9000));
  assert.equal(run('object', 'encoding', 'l'), 'quicklist');
  run('sadd', 's', 'a');
  assert.equal(run('object', 'encoding', 's'), 'listpack');
  assert.equal(run('object', 'encoding', 'nope'), null);
});

test('OBJECT REFCOUNT reports shared small integers; IDLETIME is 0; FREQ needs an LFU policy', () => {
  const { run } = createTestEngine();
  run('set', 'small', '9999');
  run('set', 'large', '10000');
  assert.equal(run('object', 'refcount', 'small'), 2147483647);
  assert.equal(run('object', 'refcount', 'large'), 1);
  assert.equal(run('object', 'idletime', 'small'), 0);
  assert.deepEqual(run('object', 'freq', 'small'), E.NO_LFU);
  run('config', 'set', 'maxmemory-policy', 'allkeys-lfu');
  assert.equal(run('object', 'freq', 'small'), 5);
  assert.deepEqual(run('object', 'idletime', 'small'), E.NO_LRU);
  run('config', 'set', 'maxmemory-policy', 'allkeys-lru');
  assert.equal(run('object', 'idletime', 'small'), 0);
});

test('WAIT answers 0 replicas at once; WAITAOF needs persistence for a local count', () => {
  const { run, engine } = createTestEngine();
  assert.equal(run('wait', '1', '0'), 0);
  assert.deepEqual(run('wait', '1', '-1'), E.TIMEOUT_NEGATIVE);
  assert.deepEqual(run('waitaof', '0', '0', '0'), [0, 0]);
  assert.deepEqual(run('waitaof', '1', '0', '0'), E.WAITAOF_NO_AOF);
  assert.deepEqual(run('waitaof', '2', '0', '0'), E.valueNotBetween('0', '1'));
  assert.deepEqual(run('waitaof', '0', '-1', '0'), E.NOT_POSITIVE);
  engine.persistence = {} as PersistenceControl;
  assert.deepEqual(run('waitaof', '1', '0', '0'), [1, 0]);
});

test('SELECT and SWAPDB know one database, index 0', () => {
  const { run } = createTestEngine();
  assert.equal(run('select', '0'), OK);
  assert.deepEqual(run('select', '1'), E.DB_OUT_OF_RANGE);
  assert.equal(run('swapdb', '0', '0'), OK);
  assert.deepEqual(run('swapdb', '0', '1'), E.DB_OUT_OF_RANGE);
  assert.deepEqual(run('swapdb', '0', 'x'), E.DB_INVALID_SECOND);
});
