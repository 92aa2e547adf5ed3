import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '../testing/index.ts';
import {
  add,
  count,
  countRegisters,
  createHll,
  HLL_DENSE_SIZE,
  HLL_REGISTERS,
  hllBytes,
  isHll,
  mergeInto,
  parseHll,
  toDense,
} from './hll.ts';

function randomElement(next: () => number): string {
  let s = '';
  const len = 1 + Math.floor(next() * 20);
  for (let i = 0; i < len; i++) s += String.fromCharCode(Math.floor(next() * 256));
  return s;
}

test('the estimate stays within 2% at 100k distinct elements (several seeds)', () => {
  for (const seed of [1, 2, 3]) {
    const next = seededRandom(seed);
    const hll = createHll();
    const seen = new Set<string>();
    const checkpoints = new Set([10, 100, 1000, 10_000, 100_000]);
    while (seen.size < 100_000) {
      const e = `${seed}:${randomElement(next)}`;
      if (seen.has(e)) continue;
      seen.add(e);
      add(hll, e);
      if (checkpoints.has(seen.size)) {
        const n = seen.size;
        const est = count(hll);
        // Small counts are near exact (linear-counting regime); large ones within the standard error band.
        const bound = n <= 100 ? 0.03 * n + 1 : 0.02 * n;
        assert.ok(Math.abs(est - n) <= bound, `seed ${seed}: ${est} for ${n}`);
      }
    }
    assert.equal(hllBytes(hll).length, HLL_DENSE_SIZE);
  }
});

test('an empty HLL counts 0 and re-adding an element changes nothing', () => {
  const hll = createHll();
  assert.equal(count(hll), 0);
  assert.equal(add(hll, 'x'), 1);
  assert.equal(add(hll, 'x'), 0);
  assert.equal(count(hll), 1);
});

test('sparse and dense encodings of the same registers give the same estimate and merge alike', () => {
  const next = seededRandom(7);
  const sparse = createHll();
  for (let i = 0; i < 400; i++) add(sparse, randomElement(next));
  const dense = parseHll(hllBytes(sparse));
  toDense(dense);
  assert.equal(hllBytes(dense).length, HLL_DENSE_SIZE);
  assert.ok(isHll(hllBytes(dense)) && isHll(hllBytes(sparse)));
  assert.equal(count(dense), count(sparse));
  const a = new Uint8Array(HLL_REGISTERS);
  const b = new Uint8Array(HLL_REGISTERS);
  mergeInto(a, sparse);
  mergeInto(b, dense);
  assert.deepEqual(a, b);
  assert.equal(countRegisters(a), count(sparse));
});

test('adding in a different order yields the same registers', () => {
  const items = Array.from({ length: 2000 }, (_, i) => `item-${i}`);
  const forward = createHll();
  const backward = createHll();
  for (const e of items) add(forward, e);
  for (const e of [...items].reverse()) add(backward, e);
  const a = new Uint8Array(HLL_REGISTERS);
  const b = new Uint8Array(HLL_REGISTERS);
  mergeInto(a, forward);
  mergeInto(b, backward);
  assert.deepEqual(a, b);
});
