import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '../testing/index.ts';
import { ZSet } from './zset.ts';

interface Item {
  member: string;
  score: number;
}

const order = (a: Item, b: Item) =>
  a.score < b.score ? -1 : a.score > b.score ? 1 : a.member < b.member ? -1 : a.member > b.member ? 1 : 0;

/** The naive model: a sorted array. */
class Model {
  items: Item[] = [];
  find(member: string): number {
    return this.items.findIndex((i) => i.member === member);
  }
  set(member: string, score: number): void {
    const at = this.find(member);
    if (at >= 0) this.items.splice(at, 1);
    this.items.push({ member, score });
    this.items.sort(order);
  }
}

/** Every observable of the skiplist against the model: order, links both ways, rank and rank → node. */
function check(z: ZSet, model: Model): void {
  const items = model.items;
  assert.equal(z.size, items.length);
  let node = z.first;
  for (let i = 0; i < items.length; i++) {
    const want = items[i] as Item;
    assert.notEqual(node, 0);
    assert.equal(z.member(node), want.member);
    assert.equal(z.scoreOf(node), want.score);
    assert.equal(z.rank(node), i);
    assert.equal(z.at(i), node);
    assert.equal(z.get(want.member), node);
    node = z.next(node);
  }
  assert.equal(node, 0);
  let back = z.last;
  for (let i = items.length - 1; i >= 0; i--) {
    assert.equal(z.member(back), (items[i] as Item).member);
    back = z.prev(back);
  }
  assert.equal(back, 0);
  assert.equal(z.at(items.length), 0);
  assert.equal(z.at(-1), 0);
}

const SCORES = [-Infinity, -2.5, -1, 0, 0, 1, 1, 1, 2, 3.25, 1e300, Infinity];

function randomMember(random: () => number): string {
  // Short strings over a few bytes, NUL and high bytes included, so ties and shared prefixes are common.
  const alphabet = ['a', 'b', '\x00', '\xff', 'ab'];
  let s = '';
  const len = Math.floor(random() * 4);
  for (let i = 0; i < len; i++) s += alphabet[Math.floor(random() * alphabet.length)];
  return s;
}

test('skiplist matches a sorted-array model under random operations', () => {
  for (let seed = 1; seed <= 12; seed++) {
    const random = seededRandom(seed);
    const z = new ZSet();
    const model = new Model();
    for (let step = 0; step < 400; step++) {
      const op = random();
      const member = randomMember(random);
      const score = SCORES[Math.floor(random() * SCORES.length)] as number;
      if (op < 0.45) {
        const node = z.get(member);
        if (node === undefined) z.insert(member, score);
        else z.rescore(node, score);
        model.set(member, score);
      } else if (op < 0.65) {
        const at = model.find(member);
        assert.equal(z.delete(member), at >= 0);
        if (at >= 0) model.items.splice(at, 1);
      } else if (op < 0.72 && model.items.length > 0) {
        const a = Math.floor(random() * model.items.length);
        const b = Math.min(model.items.length - 1, a + Math.floor(random() * 4));
        assert.equal(z.deleteRange(a, b), b - a + 1);
        model.items.splice(a, b - a + 1);
      } else if (op < 0.86) {
        const want = model.items.filter((i) => i.score <= score).length;
        assert.equal(
          z.countWhile((n) => z.scoreOf(n) <= score),
          want,
        );
      } else {
        const want = model.items.filter((i) => i.score < score || (i.score === score && i.member < member)).length;
        assert.equal(
          z.countWhile((n) => z.scoreOf(n) < score || (z.scoreOf(n) === score && z.member(n) < member)),
          want,
        );
      }
      if (step % 50 === 0) check(z, model);
    }
    check(z, model);
    const copy = z.clone();
    check(copy, model);
    copy.insert('\x01only-in-copy', 0);
    check(z, model);
  }
});

test('compaction after mass removal keeps order, ranks and the member index', () => {
  const random = seededRandom(99);
  const z = new ZSet();
  const model = new Model();
  for (let i = 0; i < 4000; i++) {
    const member = `m${i}`;
    const score = Math.floor(random() * 500);
    z.insert(member, score);
    model.items.push({ member, score });
  }
  model.items.sort(order);
  const scan = z.scanOrder();
  const seenBefore = new Set([scan.next().value, scan.next().value]);
  // Deleting singly and by range both reach the compaction point.
  for (let i = 0; i < 3000; i += 2) {
    z.delete(`m${i}`);
    model.items.splice(model.find(`m${i}`), 1);
  }
  assert.equal(z.deleteRange(100, 2399), 2300);
  model.items.splice(100, 2300);
  check(z, model);
  // A scan iterator taken before compaction still walks the live index.
  const rest = [...scan];
  for (const m of rest) assert.ok(z.get(m as string) !== undefined);
  assert.equal(rest.length + [...seenBefore].filter((m) => z.get(m as string) !== undefined).length, z.size);
  for (let i = 0; i < 200; i++) {
    const member = `n${i}`;
    z.insert(member, i);
    model.set(member, i);
  }
  check(z, model);
});

test('rescore keeps the node and moves it only when its place changes', () => {
  const z = new ZSet();
  const a = z.insert('a', 1);
  z.insert('b', 2);
  z.insert('c', 3);
  z.rescore(a, 1.5);
  assert.equal(z.get('a'), a);
  assert.equal(z.rank(a), 0);
  z.rescore(a, 10);
  assert.equal(z.get('a'), a);
  assert.equal(z.rank(a), 2);
  assert.equal(z.last, a);
  assert.equal(z.member(z.first), 'b');
});

test('rank and rank → node stay fast on a 100k-member set', () => {
  const z = new ZSet();
  const n = 100_000;
  for (let i = 0; i < n; i++) z.insert(`member:${i}`, (i * 7919) % n);
  const started = performance.now();
  for (let i = 0; i < 20_000; i++) {
    const node = z.get(`member:${(i * 31) % n}`) as number;
    assert.equal(z.at(z.rank(node)), node);
  }
  // O(n) per call would take minutes; O(log n) takes milliseconds.
  assert.ok(performance.now() - started < 2000, 'rank/at are logarithmic');
});
