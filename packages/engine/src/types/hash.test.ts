import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Hash } from './hash.ts';

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
