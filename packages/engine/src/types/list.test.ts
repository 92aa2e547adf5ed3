import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '../testing/index.ts';
import { List } from './list.ts';

const contents = (list: List) => [...list.values()];

test('a List behaves like an array under random deque operations (wrap-around, growth, shrinking)', () => {
  const random = seededRandom(7);
  const pick = (n: number) => Math.floor(random() * n);
  const list = new List();
  const model: string[] = [];
  for (let step = 0; step < 20_000; step++) {
    const op = pick(10);
    const v = String(pick(5));
    if (op < 3) {
      list.pushBack(v);
      model.push(v);
    } else if (op < 5) {
      list.pushFront(v);
      model.unshift(v);
    } else if (op === 5) assert.equal(list.popFront(), model.shift());
    else if (op === 6) assert.equal(list.popBack(), model.pop());
    else if (op === 7) {
      const i = pick(model.length + 1);
      list.insert(i, v);
      model.splice(i, 0, v);
    } else if (op === 8 && model.length > 0) {
      const i = pick(model.length);
      list.set(i, v);
      model[i] = v;
    } else {
      const limit = pick(3);
      const fromTail = random() < 0.5;
      const drop: number[] = [];
      for (let n = 0; n < model.length && (limit === 0 || drop.length < limit); n++) {
        const i = fromTail ? model.length - 1 - n : n;
        if (model[i] === v) drop.push(i);
      }
      assert.equal(list.removeMatching(v, limit, fromTail), drop.length);
      for (const i of drop.sort((a, b) => b - a)) model.splice(i, 1);
    }
    assert.equal(list.size, model.length);
    if (step % 97 === 0) assert.deepEqual(contents(list), model);
  }
  assert.deepEqual(contents(list), model);
});

test('at() is bounded; range() reads forward or backward', () => {
  const list = new List();
  for (const v of ['c', 'd', 'e']) list.pushBack(v);
  for (const v of ['b', 'a']) list.pushFront(v);
  assert.equal(list.at(-1), undefined);
  assert.equal(list.at(5), undefined);
  assert.equal(list.at(0), 'a');
  assert.equal(list.at(4), 'e');
  assert.deepEqual(list.range(1, 3), ['b', 'c', 'd']);
  assert.deepEqual(list.range(1, 3, true), ['d', 'c', 'b']);
  assert.equal(list.indexOf('d'), 3);
  assert.equal(list.indexOf('z'), -1);
});

test('dropFront and dropBack remove ranges; popping an empty list gives undefined', () => {
  const list = new List();
  for (let i = 0; i < 100; i++) list.pushBack(String(i));
  list.dropFront(10);
  list.dropBack(85);
  assert.deepEqual(contents(list), ['10', '11', '12', '13', '14']);
  list.dropFront(5);
  assert.equal(list.size, 0);
  assert.equal(list.popFront(), undefined);
  assert.equal(list.popBack(), undefined);
  list.pushFront('x');
  assert.deepEqual(contents(list), ['x']);
});

test('clone() is a deep, independent copy', () => {
  const list = new List();
  for (let i = 0; i < 10; i++) list.pushFront(String(i));
  const copy = list.clone();
  list.set(0, 'changed');
  list.popBack();
  copy.pushBack('more');
  assert.deepEqual(contents(copy), ['9', '8', '7', '6', '5', '4', '3', '2', '1', '0', 'more']);
  assert.equal(list.size, 9);
});
