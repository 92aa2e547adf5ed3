import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WRONGTYPE } from '../command/errors.ts';
import { Hash } from '../types/hash.ts';
import { ExpiryHeap } from './expiry-heap.ts';
import { Keyspace } from './keyspace.ts';

function db(now = 1_000): Keyspace {
  const ks = new Keyspace();
  ks.now = now;
  return ks;
}

test('lazy expiry removes a key on lookup once its time has come', () => {
  const ks = db();
  ks.set('k', 'string', 'v');
  ks.setExpire('k', 1_500);
  assert.equal(ks.get('k', 'string'), 'v');
  ks.now = 1_500;
  assert.equal(ks.get('k', 'string'), undefined);
  assert.equal(ks.size, 0);
  assert.equal(ks.expiredCount, 1);
});

test('an expiry not in the future deletes at once', () => {
  const ks = db();
  ks.set('k', 'string', 'v');
  assert.equal(ks.setExpire('k', 1_000), true);
  assert.equal(ks.size, 0);
  assert.equal(ks.setExpire('missing', 5_000), false);
});

test('get with the wrong type throws WRONGTYPE; getOrCreate too', () => {
  const ks = db();
  ks.set('k', 'string', 'v');
  assert.throws(
    () => ks.get('k', 'hash'),
    (e) => e === WRONGTYPE,
  );
  assert.throws(
    () => ks.getOrCreate('k', 'hash', () => new Hash()),
    (e) => e === WRONGTYPE,
  );
  const h = ks.getOrCreate('h', 'hash', () => new Hash());
  assert.equal(ks.get('h', 'hash'), h);
});

test('set clears the TTL unless keepTtl', () => {
  const ks = db();
  ks.set('k', 'string', 'a');
  ks.setExpire('k', 9_000);
  ks.set('k', 'string', 'b', true);
  assert.equal(ks.lookup('k')?.expireAt, 9_000);
  ks.set('k', 'string', 'c');
  assert.equal(ks.lookup('k')?.expireAt, 0);
  assert.equal(ks.volatileCount, 0);
});

test('active expiry deletes due keys in time order within the limit, ignoring stale heap pairs', () => {
  const ks = db();
  for (let i = 0; i < 10; i++) {
    ks.set(`k${i}`, 'string', 'v');
    ks.setExpire(`k${i}`, 2_000 + i);
  }
  ks.setExpire('k0', 50_000); // re-armed: its old heap pair is stale
  ks.persist('k1');
  ks.now = 2_005;
  assert.equal(ks.activeExpire(3), 3);
  assert.deepEqual([...ks.entries().keys()].sort(), ['k0', 'k1', 'k5', 'k6', 'k7', 'k8', 'k9']);
  assert.equal(ks.activeExpire(), 1, 'k5 expires at 2005, which is due (<= now)');
  assert.equal(ks.has('k5'), false);
});

test('rename carries the TTL; delete of the target counts', () => {
  const ks = db();
  ks.set('a', 'string', '1');
  ks.setExpire('a', 3_000);
  ks.set('b', 'string', '2');
  ks.setExpire('b', 4_000);
  assert.equal(ks.rename('a', 'b'), true);
  assert.equal(ks.lookup('b')?.value, '1');
  assert.equal(ks.lookup('b')?.expireAt, 3_000);
  assert.equal(ks.volatileCount, 1);
  ks.now = 3_000;
  assert.equal(ks.activeExpire(), 1);
  assert.equal(ks.size, 0);
});

test('the expiry heap stays bounded when one key is re-armed many times', () => {
  const ks = db();
  ks.set('k', 'string', 'v');
  for (let i = 0; i < 10_000; i++) ks.setExpire('k', 5_000 + i);
  ks.now = 20_000;
  assert.equal(ks.activeExpire(), 1);
});

test('ExpiryHeap pops in time order', () => {
  const h = new ExpiryHeap();
  const times = [5, 3, 9, 1, 7, 3, 2, 8];
  for (const [i, t] of times.entries()) h.push(t, `k${i}`);
  const out: number[] = [];
  while (h.size > 0) {
    out.push(h.peekTime());
    h.pop();
  }
  assert.deepEqual(
    out,
    [...times].sort((a, b) => a - b),
  );
});

test('re-setting the same TTL over and over keeps the heap small (SET k v EX n in one millisecond)', () => {
  const ks = db();
  for (let round = 0; round < 200; round++) {
    for (let i = 0; i < 1_000; i++) {
      ks.set(`k${i}`, 'string', 'v');
      ks.setExpire(`k${i}`, 100_000);
      assert.ok(ks.pendingExpiries <= 2 * ks.volatileCount + 64, 'stale and duplicate pairs are compacted away');
    }
  }
  assert.equal(ks.volatileCount, 1_000);
  ks.now = 100_000;
  assert.equal(ks.activeExpire(), 1_000);
});
