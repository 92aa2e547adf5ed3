import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createScriptingTestEngine, createTestEngine, seededRandom, type TestEngine } from '@redstash/engine/testing';
import { readManifest } from './manifest.ts';
import { Persistence } from './persistence.ts';
import { dumpState, plain, reopen, tempDir } from './test-support.ts';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

const STRINGS = 20_000;
const COLLECTIONS = 300;

const SCRIPT =
  "redis.call('SET', KEYS[1], ARGV[1]) redis.call('INCR', KEYS[2]) redis.call('RPUSH', KEYS[3], ARGV[1]) return 1";

/** Random writes of every kind over a fixed key space (one namespace per type, so most of them apply). */
function writer(t: TestEngine, seed: number) {
  const rnd = seededRandom(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const s = () => `s:${int(STRINGS)}`;
  const c = () => `c:${int(200)}`;
  const coll = (prefix: string) => `${prefix}:${int(COLLECTIONS)}`;
  const member = () => `m${int(60)}`;
  const any = () => [s, c, () => coll('h'), () => coll('l'), () => coll('S'), () => coll('z')][int(6)]?.() as string;
  const ops: (() => string[])[] = [
    () => ['SET', s(), `v${int(1e9)}`],
    () => ['SET', s(), 'x'.repeat(int(300))],
    () => ['DEL', any()],
    () => ['INCR', c()],
    () => ['RPUSH', coll('l'), member(), member()],
    () => ['LPOP', coll('l')],
    () => ['HSET', coll('h'), member(), `v${int(100)}`],
    () => ['HDEL', coll('h'), member()],
    () => ['SADD', coll('S'), member()],
    () => ['SREM', coll('S'), member()],
    () => ['ZADD', coll('z'), String((rnd() - 0.5) * 1e6), member()],
    () => ['ZREM', coll('z'), member()],
    () => ['RENAME', s(), s()],
    () => ['EXPIRE', any(), String(1 + int(30))],
    () => ['PEXPIRE', any(), String(1 + int(2000))],
    () => ['PERSIST', any()],
    () => ['EVAL', SCRIPT, '3', s(), c(), coll('l'), `e${int(100)}`],
  ];
  return {
    one(): void {
      if (rnd() < 0.03) {
        t.engine.transaction(t.client, [
          ['INCR', c()],
          ['HSET', coll('h'), member(), 'multi'],
          ['DEL', s()],
        ]);
        return;
      }
      t.raw(...(ops[int(ops.length)] as () => string[])());
    },
  };
}

function fill(t: TestEngine): void {
  for (let i = 0; i < STRINGS; i += 500)
    t.raw(
      'MSET',
      ...Array.from({ length: 500 }, (_, j) => [`s:${i + j}`, `value-${i + j}-${'y'.repeat(j % 50)}`]).flat(),
    );
  for (let i = 0; i < COLLECTIONS; i++) {
    const members = Array.from({ length: 40 }, (_, j) => `m${j}`);
    t.raw('HSET', `h:${i}`, ...members.flatMap((m) => [m, `${i}`]));
    t.raw('RPUSH', `l:${i}`, ...members);
    t.raw('SADD', `S:${i}`, ...members);
    t.raw('ZADD', `z:${i}`, ...members.flatMap((m, j) => [String(j * 1.5), m]));
  }
  for (let i = 0; i < 200; i++) t.raw('SET', `c:${i}`, String(i));
}

async function compareAfterReload(dir: string, live: TestEngine): Promise<{ t: TestEngine; p: Persistence }> {
  const expected = dumpState(live);
  const next = await reopen(dir, live.clock.now());
  const actual = dumpState(next.t);
  assert.equal(actual.keys.length, expected.keys.length, 'number of keys');
  for (let i = 0; i < expected.keys.length; i++) assert.deepEqual(actual.keys[i], expected.keys[i]);
  assert.deepEqual(actual.functions, expected.functions);
  return next;
}

function aofFiles(dir: string): string[] {
  return readdirSync(join(dir, 'aof')).sort();
}

describe('rewriting the log', () => {
  test('loses nothing written while the background snapshot runs', async (t) => {
    const dir = tempDir(t);
    const a = await createScriptingTestEngine();
    const p = Persistence.open(a.engine, { dataDir: dir, fsync: 'no' });
    fill(a);
    a.raw('FUNCTION', 'LOAD', "#!lua name=lib\nredis.register_function('f', function() return 1 end)");
    const w = writer(a, 7);

    assert.equal(plain(a.run('BGREWRITEAOF')), '+Background append only file rewriting started');
    assert.equal(p.info().aof_rewrite_scheduled, 1);
    assert.equal(plain(a.run('BGSAVE')), '-ERR Background save already in progress');
    let slices = 0;
    while (p.info().aof_rewrite_in_progress === 1 || p.info().aof_rewrite_scheduled === 1) {
      await tick();
      if (p.info().aof_rewrite_in_progress === 1) slices++;
      for (let i = 0; i < 20; i++) w.one();
      a.clock.advance(7);
      if (slices === 2) {
        assert.equal(plain(a.run('BGREWRITEAOF')), '-ERR Background append only file rewriting already in progress');
        assert.equal(plain(a.run('SAVE')), '-ERR Background save already in progress');
        a.engine.activeExpire();
      }
    }
    assert.ok(slices >= 3, `the snapshot ran in ${slices} slices`);
    await p.rewriteDone();
    assert.deepEqual(readManifest(join(dir, 'aof')), {
      format: 'redstash-aof',
      version: 1,
      seq: 2,
      base: 'base.2.aof',
      incr: ['incr.2.aof'],
    });
    assert.deepEqual(aofFiles(dir), ['base.2.aof', 'incr.2.aof', 'manifest.json']);
    for (let i = 0; i < 500; i++) w.one();
    p.close();
    const b = await compareAfterReload(dir, a);

    // Again on the reloaded engine, with a FLUSHALL in the middle of the snapshot.
    const w2 = writer(b.t, 8);
    assert.equal(b.p.bgrewriteaof(), 'Background append only file rewriting started');
    let ticks = 0;
    while (b.p.info().aof_rewrite_in_progress === 1 || b.p.info().aof_rewrite_scheduled === 1) {
      await tick();
      if (++ticks === 2) b.t.raw('FLUSHALL');
      for (let i = 0; i < 40; i++) w2.one();
      b.t.clock.advance(7);
    }
    assert.ok(ticks >= 2);
    for (let i = 0; i < 200; i++) w2.one();
    assert.deepEqual(aofFiles(dir), ['base.3.aof', 'incr.3.aof', 'manifest.json']);
    b.p.close();
    const c = await compareAfterReload(dir, b.t);
    c.p.close();
    for (const e of [a, b.t, c.t]) e.engine.close();
  });

  test('BGREWRITEAOF inside MULTI: the block is neither lost nor applied twice', async (t) => {
    const dir = tempDir(t);
    const a = createTestEngine();
    const p = Persistence.open(a.engine, { dataDir: dir, fsync: 'no' });
    a.run('SET', 'c', '1');
    const { reply } = a.engine.transaction(a.client, [
      ['INCR', 'c'],
      ['BGREWRITEAOF'],
      ['INCR', 'c'],
      ['RPUSH', 'l', 'x'],
    ]);
    assert.deepEqual(plain(reply), [2, '+Background append only file rewriting started', 3, 1]);
    await p.rewriteDone();
    p.close();
    const { t: b, p: q } = await reopen(dir, a.clock.now(), { lua: false });
    assert.deepEqual([plain(b.run('GET', 'c')), plain(b.run('LRANGE', 'l', '0', '-1'))], ['3', ['x']]);
    q.close();
  });

  test('BGSAVE SCHEDULE during a snapshot takes another one after it', async (t) => {
    const dir = tempDir(t);
    const a = createTestEngine();
    const p = Persistence.open(a.engine, { dataDir: dir, fsync: 'no' });
    a.run('SET', 'k', 'v');
    assert.equal(plain(a.run('BGSAVE')), '+Background saving started');
    assert.equal(plain(a.run('BGSAVE', 'SCHEDULE')), '+Background saving scheduled');
    assert.equal(plain(a.run('BGSAVE', 'NOW')), '-ERR syntax error');
    await p.rewriteDone();
    a.run('SET', 'k2', 'v2');
    // The scheduled one starts once the first ends: the data is then in its own base.
    await tick();
    await p.rewriteDone();
    assert.deepEqual(aofFiles(dir), ['base.3.aof', 'incr.3.aof', 'manifest.json']);
    p.close();
  });

  test('SAVE writes the snapshot before it answers and drops the old files', (t) => {
    const dir = tempDir(t);
    const a = createTestEngine();
    const p = Persistence.open(a.engine, { dataDir: dir, fsync: 'no' });
    const before = p.lastSave();
    a.run('SET', 'k', 'v');
    assert.equal(plain(a.run('SAVE')), '+OK');
    assert.deepEqual(aofFiles(dir), ['base.2.aof', 'incr.2.aof', 'manifest.json']);
    assert.equal(p.info().aof_base_size, 27);
    assert.ok(p.lastSave() >= before);
    assert.equal(plain(a.run('BGSAVE')), '+Background saving started');
    p.close();
    // Closed before the background save started: nothing changed on disk.
    assert.deepEqual(aofFiles(dir), ['base.2.aof', 'incr.2.aof', 'manifest.json']);
  });

  test('rewrites by itself when the log has grown past the size and percentage set', async (t) => {
    const dir = tempDir(t);
    const a = createTestEngine();
    const p = Persistence.open(a.engine, {
      dataDir: dir,
      fsync: 'no',
      autoRewriteMinSize: 2_000,
      autoRewritePercentage: 100,
    });
    for (let i = 0; i < 10; i++) a.run('SET', `k${i}`, 'v'.repeat(50));
    await p.settle(a.engine.writeSeq);
    assert.equal(p.checkAutoRewrite(), false, 'below the minimum size');
    for (let i = 0; i < 30; i++) a.run('SET', `k${i}`, 'v'.repeat(50));
    await p.settle(a.engine.writeSeq);
    assert.equal(p.checkAutoRewrite(), true);
    await p.rewriteDone();
    const base = p.info().aof_base_size as number;
    assert.ok(base > 2_000, `base of ${base} bytes`);
    // Logs under 100 % of the base: no rewrite; over it: one.
    for (let i = 0; i < 10; i++) a.run('SET', `k${i}`, 'w'.repeat(50));
    await p.settle(a.engine.writeSeq);
    assert.equal(p.checkAutoRewrite(), false, 'the log is smaller than the base');
    for (let round = 0; round < 3; round++) for (let i = 0; i < 30; i++) a.run('SET', `k${i}`, 'x'.repeat(50));
    await p.settle(a.engine.writeSeq);
    assert.equal(p.checkAutoRewrite(), true);
    await p.rewriteDone();
    assert.equal(readManifest(join(dir, 'aof'))?.base, 'base.3.aof');
    p.close();
  });

  test('the once-a-second check starts the rewrite (real time)', async (t) => {
    const dir = tempDir(t);
    const a = createTestEngine();
    const p = Persistence.open(a.engine, { dataDir: dir, fsync: 'no', autoRewriteMinSize: 100 });
    for (let i = 0; i < 10; i++) a.run('SET', `k${i}`, 'v'.repeat(20));
    await p.settle(a.engine.writeSeq);
    const deadline = Date.now() + 3_000;
    while (readManifest(join(dir, 'aof'))?.base === null && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(readManifest(join(dir, 'aof'))?.base, 'base.2.aof');
    p.close();
  });
});
