/**
 * HyperLogLog accuracy: with 16384 registers Redis documents a standard error of 1.04/√16384 ≈ 0.81%.
 * PFCOUNT must stay within 3σ of the true cardinality at sizes from the sparse encoding to 1e5, over
 * seeded random element sets, and PFMERGE must count exactly what PFCOUNT of the sources counts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OK } from '../reply.ts';
import { createTestEngine, seededRandom } from '../testing/index.ts';

const SIGMA = 1.04 / Math.sqrt(16384);
const BATCH = 2000;

/** Distinct element names: a random run prefix, so each trial hashes a different set. */
function elements(rnd: () => number, n: number, from = 0): string[] {
  const prefix = Math.floor(rnd() * 2 ** 32).toString(36);
  return Array.from({ length: n }, (_, i) => `${prefix}:${from + i}`);
}

function add(run: (...a: (string | number)[]) => unknown, key: string, xs: string[]): void {
  for (let i = 0; i < xs.length; i += BATCH) run('pfadd', key, ...xs.slice(i, i + BATCH));
}

function assertWithin3Sigma(estimate: unknown, truth: number, what: string): void {
  assert.equal(typeof estimate, 'number', what);
  const err = Math.abs((estimate as number) - truth);
  // One element of slack lets tiny sets round either way.
  assert.ok(
    err <= 3 * SIGMA * truth + 1,
    `${what}: estimate ${estimate} for ${truth} (error ${((100 * err) / truth).toFixed(3)}%)`,
  );
}

test('PFCOUNT stays within 3 standard errors from 1 to 1e5 elements', () => {
  const rnd = seededRandom(7);
  const { run } = createTestEngine();
  let trial = 0;
  for (const n of [1, 10, 100, 500, 1000, 3000, 10_000, 30_000, 100_000]) {
    for (let rep = 0; rep < (n <= 10_000 ? 3 : 1); rep++) {
      const key = `h${trial++}`;
      add(run, key, elements(rnd, n));
      assertWithin3Sigma(run('pfcount', key), n, `n=${n} rep ${rep}`);
    }
  }
});

test('PFCOUNT between batches of PFADD sees every batch (the cached count is invalidated)', () => {
  const rnd = seededRandom(9);
  const { run } = createTestEngine();
  const xs = elements(rnd, 20_000);
  for (let n = 0; n < xs.length; ) {
    const step = n < 200 ? 17 : n < 3000 ? 450 : 2500;
    add(run, 'h', xs.slice(n, n + step));
    n = Math.min(n + step, xs.length);
    assertWithin3Sigma(run('pfcount', 'h'), n, `after ${n} elements`);
  }
});

test('adding an element twice, in any order, changes nothing', () => {
  const rnd = seededRandom(11);
  const { run } = createTestEngine();
  const xs = elements(rnd, 5000);
  add(run, 'a', xs);
  const once = run('pfcount', 'a');
  const shuffled = [...xs].sort(() => rnd() - 0.5);
  add(run, 'b', shuffled);
  add(run, 'b', shuffled.slice(0, 2500));
  assert.equal(run('pfcount', 'b'), once, 'registers depend on the set, not the order or repeats');
});

test('PFMERGE counts the union: equal to PFCOUNT over the sources, within 3σ of the truth', () => {
  const rnd = seededRandom(13);
  const { run } = createTestEngine();
  for (const [na, nb, overlap] of [
    [100, 100, 50],
    [2000, 500, 500],
    [20_000, 30_000, 10_000],
  ] as const) {
    const a = elements(rnd, na);
    const b = [...a.slice(0, overlap), ...elements(rnd, nb - overlap)];
    run('del', 'a', 'b', 'u');
    add(run, 'a', a);
    add(run, 'b', b);
    const union = na + nb - overlap;
    const multi = run('pfcount', 'a', 'b');
    assertWithin3Sigma(multi, union, `PFCOUNT a b, |a ∪ b| = ${union}`);
    assert.equal(run('pfmerge', 'u', 'a', 'b'), OK);
    assert.equal(run('pfcount', 'u'), multi);
    assert.equal(run('pfcount', 'u', 'a'), multi, 'the union already holds a');
  }
});
