import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '../testing/index.ts';
import { IdIndex } from './id-index.ts';
import { Stream } from './stream.ts';
import {
  decrId,
  formatId,
  idMs,
  incrId,
  MAX_ID,
  MIN_ID,
  makeId,
  parseId,
  parseU64,
  type StreamId,
} from './stream-id.ts';

test('IDs order as numbers, up to 2^64-1 in both halves, and print exactly', () => {
  const ids = [
    makeId(0, 0),
    makeId(0, 1),
    makeId(1, 0),
    makeId(2 ** 32, 0),
    makeId(2 ** 53 - 1, 7),
    makeId(2n ** 53n + 1n, 0),
    makeId(2n ** 64n - 1n, 2n ** 64n - 2n),
    makeId(2n ** 64n - 1n, 2n ** 64n - 1n),
  ];
  for (let i = 1; i < ids.length; i++) assert.ok((ids[i - 1] as StreamId) < (ids[i] as StreamId));
  assert.equal(ids[0], MIN_ID);
  assert.equal(ids[7], MAX_ID);
  assert.equal(formatId(ids[5] as StreamId), '9007199254740993-0');
  assert.equal(formatId(MAX_ID), '18446744073709551615-18446744073709551615');
  assert.equal(idMs(makeId(2n ** 60n, 0)), 2n ** 60n);
  assert.equal(formatId(incrId(makeId(5, 2n ** 64n - 1n)) as StreamId), '6-0');
  assert.equal(formatId(decrId(makeId(6, 0)) as StreamId), '5-18446744073709551615');
  assert.equal(incrId(MAX_ID), null);
  assert.equal(decrId(MIN_ID), null);
});

test('ID parsing follows string2ull: strtoull forms, no negatives, no overflow', () => {
  const p = (s: string, strict = true) => {
    const r = parseId(s, 0, strict);
    return r === null ? null : formatId(r.id);
  };
  assert.equal(p('5'), '5-0');
  assert.equal(parseId('5', 'max', true)?.id, makeId(5, 2n ** 64n - 1n));
  assert.equal(p('007-1'), '7-1');
  assert.equal(p('+5-1'), '5-1');
  assert.equal(p(' 5-1'), '5-1');
  assert.equal(p('-1'), null);
  assert.equal(p('5--1'), null);
  assert.equal(p('-0'), null);
  assert.equal(parseU64('-0'), 0);
  assert.equal(p('18446744073709551616'), null);
  assert.equal(p('18446744073709551615-18446744073709551615'), '18446744073709551615-18446744073709551615');
  assert.equal(p('-'), null);
  assert.equal(p('-', false), '0-0');
  assert.equal(p('+', false), '18446744073709551615-18446744073709551615');
  assert.equal(p('1-*'), null);
  assert.deepEqual(parseId('1-*', 0, true, true), { id: makeId(1, 0), seqGiven: false });
  assert.equal(p('x'), null);
  assert.equal(p(''), null);
  assert.equal(parseU64('-18446744073709551615'), 1);
});

test('IdIndex: ordered inserts anywhere, deletes, ranges both ways', () => {
  const index = new IdIndex<number>(4);
  const order = [5, 1, 9, 3, 7, 2, 8, 6, 4, 10, 11, 0];
  for (const n of order) index.set(makeId(n, 0), n);
  assert.equal(index.size, 12);
  assert.deepEqual(
    [...index].map(([, v]) => v),
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
  );
  assert.equal(index.delete(makeId(5, 0)), 5);
  assert.equal(index.delete(makeId(5, 0)), undefined);
  const seen: number[] = [];
  index.range(makeId(2, 0), makeId(8, 0), true, (_id, v) => {
    seen.push(v);
    return true;
  });
  assert.deepEqual(seen, [8, 7, 6, 4, 3, 2]);
  assert.equal(index.ceilingKey(makeId(5, 0)), makeId(6, 0));
});

test('a stream opens a new node every 100 appends, deleted entries included', () => {
  const s = new Stream();
  for (let i = 1; i <= 250; i++) s.append(makeId(i, 0), ['f', 'v']);
  assert.deepEqual(s.entries.nodeSizes(), [100, 100, 50]);
  for (let i = 201; i <= 240; i++) s.delete(makeId(i, 0));
  for (let i = 251; i <= 300; i++) s.append(makeId(i, 0), ['f', 'v']);
  // The third node held 50, lost 40 to deletion, and still fills up at 100 appends.
  assert.deepEqual(
    s.entries.nodeSizes(),
    [100, 100, 60, 0].filter((n) => n > 0),
  );
  assert.equal(s.length, 260);
  assert.equal(s.bytes, s.recount());
});

test('large entries close a node at the listpack byte limit', () => {
  const s = new Stream();
  for (let i = 1; i <= 100; i++) s.append(makeId(i, 0), ['field', 'x'.repeat(200)]);
  assert.ok(s.entries.nodes.length > 4, `nodes: ${s.entries.nodes.length}`);
  assert.ok((s.entries.nodeSizes()[0] ?? 0) < 25);
});

/** The naive model: a sorted array of [id, value]. */
test('property: random appends, deletes and range queries agree with a sorted-array model', () => {
  const random = seededRandom(7);
  const int = (n: number) => Math.floor(random() * n);
  for (let round = 0; round < 20; round++) {
    const s = new Stream();
    const model: [StreamId, string][] = [];
    let ms = 0;
    for (let step = 0; step < 600; step++) {
      const op = int(10);
      if (op < 5) {
        ms += int(3);
        const id = makeId(ms, step);
        s.append(id, ['f', String(step)]);
        model.push([id, String(step)]);
      } else if (op < 7 && model.length > 0) {
        const victim = model[int(model.length)] as [StreamId, string];
        assert.equal(s.delete(victim[0]), true);
        model.splice(model.indexOf(victim), 1);
        assert.equal(s.delete(victim[0]), false);
      } else {
        const a = makeId(int(ms + 2), int(600));
        const b = makeId(int(ms + 2), int(600));
        const [from, to] = a < b ? [a, b] : [b, a];
        const rev = random() < 0.5;
        const count = int(6);
        const got: string[] = [];
        s.range(from, to, rev, (_id, fields) => {
          got.push(fields[1] as string);
          return count === 0 || got.length < count;
        });
        let want = model.filter(([id]) => id >= from && id <= to).map(([, v]) => v);
        if (rev) want.reverse();
        if (count > 0) want = want.slice(0, count);
        assert.deepEqual(got, want);
      }
      assert.equal(s.length, model.length);
    }
    assert.deepEqual(
      [...s.entries].map(([id]) => id),
      model.map(([id]) => id),
    );
    assert.equal(s.bytes, s.recount());
  }
});

test('performance sanity: 200k appends, then short ranges at random IDs (measured, not asserted)', () => {
  const s = new Stream();
  const n = 200_000;
  const t0 = performance.now();
  for (let i = 1; i <= n; i++) s.append(makeId(i, 0), ['sensor', 'a', 'value', String(i)]);
  const t1 = performance.now();
  const random = seededRandom(3);
  let total = 0;
  for (let q = 0; q < 10_000; q++) {
    const from = makeId(1 + Math.floor(random() * n), 0);
    let k = 0;
    s.entries.range(from, MAX_ID, false, () => ++k < 10);
    total += k;
  }
  const t2 = performance.now();
  assert.equal(s.length, n);
  assert.ok(total > 0);
  console.log(`stream: ${n} appends in ${(t1 - t0).toFixed(0)} ms; 10k ranges of 10 in ${(t2 - t1).toFixed(0)} ms`);
});

test('accounting follows Redis: listpack bytes per node; an XDEL frees nothing until its node empties', () => {
  const s = new Stream();
  for (let i = 1; i <= 1000; i++) s.append(makeId(i, 0), ['sensor', `s${i % 100}`, 'value', String(i)]);
  // Redis 7's used_memory grows 21.1 bytes per entry of this shape (bench/engine, 1M entries).
  const perEntry = s.bytes / 1000;
  assert.ok(perEntry > 18 && perEntry < 24, `${perEntry} bytes per entry`);
  const full = s.bytes;
  for (let i = 1; i <= 99; i++) s.delete(makeId(i, 0));
  assert.equal(s.bytes, full, 'a node with one live entry left still holds its listpack');
  s.delete(makeId(100, 0));
  assert.ok(s.bytes < full - 1000, 'the emptied node is gone');
  assert.equal(s.bytes, s.recount());
  s.dropHeadNode();
  assert.equal(s.bytes, s.recount());
  assert.equal(s.length, 800);
});
