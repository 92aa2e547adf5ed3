/**
 * Hash field TTLs across a restart: the log holds HPEXPIREAT (absolute times) and the HDELs of fields that
 * expired, so a reload rebuilds the same fields and TTLs, and a field gone before the restart stays gone.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createTestEngine, type TestEngine } from '@redstash/engine/testing';
import { Persistence } from './persistence.ts';
import { plain, reopen, tempDir } from './test-support.ts';

const FIELDS = ['a', 'b', 'c', 'd', 'e'];

function state(t: TestEngine, key: string): unknown {
  return {
    all: plain(t.run('HGETALL', key)),
    at: plain(t.run('HPEXPIRETIME', key, 'FIELDS', FIELDS.length, ...FIELDS)),
  };
}

test('field TTLs survive a restart; fields that expired before it stay gone', async (t) => {
  const dir = tempDir(t);
  const live = createTestEngine();
  const p = Persistence.open(live.engine, { dataDir: dir, fsync: 'no' });
  live.run('HSET', 'h', 'a', '1', 'b', '2', 'c', '3', 'd', '4', 'e', '5');
  live.run('HEXPIRE', 'h', 100, 'FIELDS', 2, 'a', 'b');
  live.run('HPEXPIRE', 'h', 50, 'FIELDS', 1, 'c');
  live.run('HGETEX', 'h', 'PX', 70, 'FIELDS', 1, 'd');
  live.run('HSETEX', 'g', 'EX', 10, 'FIELDS', 1, 'x', 'y');
  live.clock.advance(60);
  live.run('HGET', 'h', 'c'); // lazily expired: logged as HDEL
  live.run('HSET', 'h', 'c', 'again'); // a new field with no TTL, which a replay must not lose
  live.clock.advance(20);
  live.engine.activeExpire(); // d goes actively
  live.clock.advance(10_000);
  live.engine.activeExpire(); // g's only field goes, and the key with it
  const expected = state(live, 'h');
  assert.deepEqual(expected, {
    all: ['b', '2', 'a', '1', 'e', '5', 'c', 'again'], // listpackex order: by TTL, ties newest first
    at: [live.clock.now() - 10_080 + 100_000, live.clock.now() - 10_080 + 100_000, -1, -2, -1],
  });
  p.close();
  const log = readFileSync(join(dir, 'aof', 'incr.1.aof'), 'latin1');
  assert.match(log, /HPEXPIREAT/);
  assert.match(log, /HDEL\r\n\$1\r\nh\r\n\$1\r\nc/);

  const next = await reopen(dir, live.clock.now(), { lua: false });
  t.after(() => next.p.close());
  assert.deepEqual(state(next.t, 'h'), expected);
  assert.equal(plain(next.t.run('EXISTS', 'g')), 0);
});

test('fields whose time passed while the server was down go at load, logged so', async (t) => {
  const dir = tempDir(t);
  const live = createTestEngine();
  const p = Persistence.open(live.engine, { dataDir: dir, fsync: 'no' });
  live.run('HSET', 'h', 'a', '1', 'b', '2');
  live.run('HPEXPIRE', 'h', 100, 'FIELDS', 1, 'a');
  live.run('HSET', 'gone', 'x', '1');
  live.run('HPEXPIRE', 'gone', 100, 'FIELDS', 1, 'x');
  p.close();
  const later = live.clock.now() + 1000;
  const first = await reopen(dir, later, { lua: false });
  assert.deepEqual(plain(first.t.run('HGETALL', 'h')), ['b', '2']);
  assert.equal(plain(first.t.run('EXISTS', 'gone')), 0);
  // Recreated after the load purged it: a second reload must not lose the new field to the old TTL.
  first.t.run('HSET', 'h', 'a', 'new');
  first.p.close();
  const second = await reopen(dir, later, { lua: false });
  t.after(() => second.p.close());
  assert.deepEqual(plain(second.t.run('HGETALL', 'h')), ['b', '2', 'a', 'new']);
  assert.deepEqual(plain(second.t.run('HTTL', 'h', 'FIELDS', 1, 'a')), [-1]);
});
