import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FIELD_TTL_OVERHEAD, Hash } from './hash.ts';

const entries = (hash: Hash) => {
  const out: [string, string][] = [];
  hash.forEach((value, field) => {
    out.push([field, value]);
  });
  return out;
};

test('a Hash keeps insertion order while deletes compact its dense slots', () => {
  const hash = new Hash();
  for (const f of ['a', 'b', 'c', 'd']) assert.equal(hash.set(f, f.toUpperCase()), true);
  assert.equal(hash.set('b', 'B2'), false);
  assert.equal(hash.delete('a'), true);
  assert.equal(hash.delete('a'), false);
  assert.deepEqual(entries(hash), [
    ['b', 'B2'],
    ['c', 'C'],
    ['d', 'D'],
  ]);
  assert.deepEqual([...hash.keys()], ['b', 'c', 'd']);
  const slots = new Map<string, string>();
  for (let i = 0; i < hash.size; i++) slots.set(hash.fieldAt(i), hash.valueAt(i));
  assert.deepEqual(slots, new Map(entries(hash)), 'every slot holds a live field with its value');
  assert.equal(hash.get('d'), 'D');
  assert.equal(hash.get('a'), undefined);
  assert.equal(hash.has('c'), true);
  hash.delete('d');
  hash.delete('b');
  hash.delete('c');
  assert.equal(hash.size, 0);
});

test('clone() is a deep, independent copy with the same order', () => {
  const hash = new Hash();
  hash.set('x', '1');
  hash.set('y', '2');
  hash.set('z', '3');
  hash.delete('x');
  const copy = hash.clone();
  hash.set('y', 'changed');
  hash.delete('z');
  copy.set('w', '4');
  assert.deepEqual(entries(copy), [
    ['y', '2'],
    ['z', '3'],
    ['w', '4'],
  ]);
  assert.equal(copy.fieldAt(copy.size - 1), 'w');
  assert.deepEqual(entries(hash), [['y', 'changed']]);
});

test('field TTLs: set, overwrite drops one unless keepTtl, delete forgets it, nextExpiry tracks the earliest', () => {
  const hash = new Hash();
  for (const f of ['a', 'b', 'c']) hash.set(f, 'v');
  const plainBytes = hash.bytes;
  assert.equal(hash.hasFieldTtl, false);
  assert.equal(hash.nextExpiry(), Number.POSITIVE_INFINITY);
  assert.equal(hash.setExpireAt('nope', 10), false);
  assert.equal(hash.setExpireAt('a', 30), true);
  assert.equal(hash.setExpireAt('b', 20), true);
  assert.equal(hash.bytes, plainBytes + 2 * FIELD_TTL_OVERHEAD);
  assert.equal(hash.nextExpiry(), 20);
  hash.setExpireAt('b', 40);
  assert.equal(hash.nextExpiry(), 30, 'the stale earlier pair is skipped');
  hash.set('a', 'kept', true);
  assert.equal(hash.expireAt('a'), 30);
  hash.set('a', 'plain');
  assert.equal(hash.expireAt('a'), 0);
  assert.equal(hash.nextExpiry(), 40);
  hash.delete('b');
  assert.equal(hash.hasFieldTtl, false);
  assert.equal(hash.nextExpiry(), Number.POSITIVE_INFINITY);
  hash.set('b', 'v');
  hash.set('a', 'v');
  assert.equal(hash.bytes, plainBytes);
});

test('expireDue removes due fields earliest first within the limit; clone copies TTLs', () => {
  const hash = new Hash();
  for (let i = 0; i < 200; i++) {
    hash.set(`f${i}`, 'v');
    hash.setExpireAt(`f${i}`, 1000 - i);
  }
  // Re-arming many times leaves stale pairs that compaction bounds.
  for (let r = 0; r < 5; r++) for (let i = 0; i < 200; i++) hash.setExpireAt(`f${i}`, 2000 + r * 1000 - i);
  const copy = hash.clone();
  assert.deepEqual(hash.expireDue(5802, 2), ['f199', 'f198']);
  assert.deepEqual(hash.expireDue(5802, 100), []);
  assert.equal(hash.size, 198);
  assert.equal(copy.size, 200);
  assert.equal(copy.expireAt('f199'), 5801);
  assert.equal(copy.expireDue(1_000_000, 1000).length, 200);
  assert.equal(copy.size, 0);
  assert.equal(copy.bytes, 0);
});
