import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as E from '../command/errors.ts';
import { OK, SimpleString } from '../reply.ts';
import { createTestEngine } from '../testing/index.ts';

const KEY = 'k\x00\xff';

function setup() {
  const t = createTestEngine();
  const dump = (k: string) => t.raw('DUMP', k) as string;
  return { ...t, dump };
}

test('DUMP of a missing or expired key is nil', () => {
  const { run, clock } = setup();
  assert.equal(run('dump', 'nope'), null);
  run('set', 'k', 'v', 'px', 10);
  clock.advance(10);
  assert.equal(run('dump', 'k'), null);
});

test('DUMP then RESTORE recreates every type under another name', () => {
  const { run, raw, dump } = setup();
  raw('SET', 's', '\x00\xffbin');
  run('rpush', 'l', 'a', 'b', 'a');
  run('sadd', 'st', 'x', 'y');
  run('hset', 'h', 'f', 'v', 'g', 'w');
  run('zadd', 'z', '-inf', 'lo', '1.5', 'mid', '+inf', 'hi');
  for (const k of ['s', 'l', 'st', 'h', 'z']) assert.deepEqual(raw('RESTORE', `${k}2`, '0', dump(k)), OK);
  assert.equal(run('get', 's2'), '\x00\xffbin');
  assert.deepEqual(run('lrange', 'l2', 0, -1), ['a', 'b', 'a']);
  assert.deepEqual((run('smembers', 'st2') as string[]).sort(), ['x', 'y']);
  assert.deepEqual(run('hmget', 'h2', 'f', 'g'), ['v', 'w']);
  assert.equal(run('hlen', 'h2'), 2);
  assert.deepEqual(run('zrange', 'z2', 0, -1), ['lo', 'mid', 'hi']);
  assert.deepEqual(run('zrange', 'z2', 0, -1, 'withscores'), run('zrange', 'z', 0, -1, 'withscores'));
  assert.deepEqual(run('type', 'z2'), new SimpleString('zset'));
  assert.equal(run('pttl', 's2'), -1);
});

test('RESTORE refuses an existing key without REPLACE, and replaces it with REPLACE', () => {
  const { run, raw, dump } = setup();
  run('set', 'a', '1');
  run('rpush', 'b', 'x');
  const p = dump('a');
  assert.deepEqual(raw('RESTORE', 'b', '0', p), E.BUSYKEY);
  assert.deepEqual(raw('RESTORE', 'b', '0', p, 'REPLACE'), OK);
  assert.equal(run('get', 'b'), '1');
});

test('a relative TTL is set from now and logged as ABSTTL with the absolute time', () => {
  const { run, raw, dump, clock, effects } = setup();
  run('set', 'a', 'v');
  const p = dump('a');
  effects.length = 0;
  assert.deepEqual(raw('RESTORE', KEY, '5000', p, 'FREQ', '3'), OK);
  assert.equal(raw('PTTL', KEY), 5000);
  assert.deepEqual(effects, [['RESTORE', KEY, String(clock.now() + 5000), p, 'FREQ', '3', 'ABSTTL']]);
  effects.length = 0;
  const at = String(clock.now() + 7000);
  assert.deepEqual(raw('RESTORE', 'b', at, p, 'absttl', 'idletime', '9'), OK);
  assert.equal(run('pttl', 'b'), 7000);
  assert.deepEqual(effects, [['RESTORE', 'b', at, p, 'absttl', 'idletime', '9']], 'ABSTTL is logged as sent');
});

test('a TTL already past leaves no key, answers OK, and logs only the deletion it caused', () => {
  const { run, raw, dump, clock, effects } = setup();
  run('set', 'a', 'v');
  const p = dump('a');
  effects.length = 0;
  assert.deepEqual(raw('RESTORE', 'gone', String(clock.now()), p, 'ABSTTL'), OK);
  assert.equal(run('exists', 'gone'), 0);
  assert.deepEqual(effects, []);
  assert.deepEqual(raw('RESTORE', 'a', '1', p, 'ABSTTL', 'REPLACE'), OK);
  assert.equal(run('exists', 'a'), 0);
  assert.deepEqual(effects, [['DEL', 'a']]);
});

test('RESTORE option and payload errors, in Redis order, change nothing', () => {
  const { run, raw, dump, effects } = setup();
  run('set', 'a', 'v');
  const p = dump('a');
  effects.length = 0;
  const cases: [string[], unknown][] = [
    [['x', '-1', p], E.RESTORE_BAD_TTL],
    [['x', 'ten', p], E.NOT_INTEGER],
    [['x', '0', p, 'IDLETIME', '-1'], E.RESTORE_BAD_IDLETIME],
    [['x', '0', p, 'IDLETIME', 'x'], E.NOT_INTEGER],
    [['x', '0', p, 'FREQ', '256'], E.RESTORE_BAD_FREQ],
    [['x', '0', p, 'FREQ', '-1'], E.RESTORE_BAD_FREQ],
    [['x', '0', p, 'FREQ', '1', 'IDLETIME', '1'], E.SYNTAX],
    [['x', '0', p, 'IDLETIME', '1', 'FREQ', '1'], E.SYNTAX],
    [['x', '0', p, 'FREQ'], E.SYNTAX],
    [['x', '0', p, 'bogus'], E.SYNTAX],
    [['a', '-1', p], E.BUSYKEY], // the existing key is checked before the TTL
    [['a', '0', p, 'FREQ', '300'], E.RESTORE_BAD_FREQ], // options before the key
    [['x', '0', 'short'], E.RESTORE_BAD_PAYLOAD],
    [['x', '0', `${p.slice(0, 3)}X${p.slice(4)}`], E.RESTORE_BAD_PAYLOAD],
    [['a', '0', `${p.slice(0, 3)}X${p.slice(4)}`, 'REPLACE'], E.RESTORE_BAD_PAYLOAD],
  ];
  for (const [args, err] of cases) assert.deepEqual(raw('RESTORE', ...args), err, args.join(' '));
  assert.deepEqual(raw('RESTORE', 'x', '0', p, 'FREQ', '255', 'REPLACE'), OK);
  assert.deepEqual(raw('RESTORE', 'y', '0', p, 'IDLETIME', '0'), OK);
  assert.equal(run('get', 'a'), 'v');
  assert.deepEqual(effects.length, 2);
});
