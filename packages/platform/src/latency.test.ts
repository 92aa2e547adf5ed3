import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { seededRandom } from '@redstash/engine/testing';
import { LatencyHistogram } from './latency.ts';

/** Four buckets per doubling: a bucket's upper edge is at most 2^(1/4) ≈ 1.19 times its lower one. */
const BUCKET_ERROR = 2 ** 0.25;

function exact(samples: number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.ceil(q * sorted.length) - 1] as number;
}

function check(samples: number[]): void {
  const h = new LatencyHistogram();
  for (const s of samples) h.record(s);
  assert.equal(h.count, samples.length);
  for (const q of [0.5, 0.9, 0.99, 0.999, 1]) {
    const want = exact(samples, q);
    const got = h.quantile(q);
    // The reported value is its bucket's upper edge: never below the true value, at most 19% above.
    assert.ok(got >= want * (1 - 1e-9), `q=${q}: ${got} < ${want}`);
    assert.ok(got <= want * BUCKET_ERROR * (1 + 1e-9), `q=${q}: ${got} more than 19% above ${want}`);
  }
}

describe('LatencyHistogram', () => {
  it('is 0 when empty, and again after reset', () => {
    const h = new LatencyHistogram();
    assert.equal(h.quantile(0.5), 0);
    h.record(3);
    assert.ok(h.quantile(0.5) > 0);
    h.reset();
    assert.equal(h.count, 0);
    assert.equal(h.quantile(0.99), 0);
  });

  it('is within 19% on a uniform distribution', () => {
    const random = seededRandom(7);
    check(Array.from({ length: 20_000 }, () => 0.05 + random() * 20));
  });

  it('is within 19% on an exponential distribution', () => {
    const random = seededRandom(8);
    check(Array.from({ length: 20_000 }, () => 0.002 - Math.log(1 - random()) * 2));
  });

  it('is within 19% on a log-normal (heavy-tailed) distribution', () => {
    const random = seededRandom(9);
    const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    check(Array.from({ length: 20_000 }, () => Math.exp(normal() * 1.5)));
  });

  it('finds a tail: 99 fast requests and one slow one', () => {
    const h = new LatencyHistogram();
    for (let i = 0; i < 99; i++) h.record(1);
    h.record(500);
    assert.ok(h.quantile(0.5) >= 1 && h.quantile(0.5) <= BUCKET_ERROR);
    assert.ok(h.quantile(0.99) >= 1 && h.quantile(0.99) <= BUCKET_ERROR);
    assert.ok(h.quantile(1) >= 500 && h.quantile(1) <= 500 * BUCKET_ERROR);
  });

  it('puts sub-microsecond times in the first bucket', () => {
    const h = new LatencyHistogram();
    h.record(0);
    h.record(0.0005);
    assert.equal(h.quantile(1), 0.001);
  });

  it('toJSON keeps the non-empty buckets and load restores the same percentiles; junk is ignored', () => {
    const h = new LatencyHistogram();
    for (const ms of [0.0005, 0.02, 0.3, 0.3, 7, 1500]) h.record(ms);
    const saved = JSON.parse(JSON.stringify(h.toJSON())) as Record<string, number>;
    assert.equal(Object.keys(saved).length, 5);
    const back = new LatencyHistogram();
    back.load({ ...saved, x: 3, '-1': 2, '999': 1, '5': -2, '6': 'many' });
    assert.equal(back.count, 6);
    for (const q of [0.1, 0.5, 0.9, 1]) assert.equal(back.quantile(q), h.quantile(q));
    back.load(null);
    assert.equal(back.count, 0);
  });
});
