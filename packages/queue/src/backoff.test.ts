import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultBackoffMs, nextDelayMs } from './backoff.ts';

const NOW = Date.UTC(2026, 10, 27, 12);
const DAY = 86_400_000;
const headers = (h: Record<string, string>) => new Headers(h);

test('default backoff: min(1 day, e^(2.5·n)) s, whole seconds', () => {
  assert.deepEqual([1, 2, 3, 4, 5, 6, 20].map(defaultBackoffMs), [
    12_000,
    148_000,
    1_808_000,
    22_026_000,
    DAY,
    DAY,
    DAY,
  ]);
  assert.equal(nextDelayMs(1, undefined, undefined, NOW), 12_000);
  assert.equal(nextDelayMs(3, undefined, headers({}), NOW), 1_808_000);
});

test('the expression sees retried 0-based and wins over the default', () => {
  assert.equal(nextDelayMs(1, '1000 * (1 + retried)', undefined, NOW), 1000);
  assert.equal(nextDelayMs(3, '1000 * (1 + retried)', undefined, NOW), 3000);
  assert.equal(nextDelayMs(2, '0', undefined, NOW), 0);
  // More than a day is capped at a day.
  assert.equal(nextDelayMs(1, '999999999999', undefined, NOW), DAY);
});

test('an expression without a usable number falls back to the default', () => {
  assert.equal(nextDelayMs(1, '1 / 0', undefined, NOW), 12_000);
  assert.equal(nextDelayMs(1, 'sqrt(-1)', undefined, NOW), 12_000);
  assert.equal(nextDelayMs(1, '-5', undefined, NOW), 12_000);
  assert.equal(nextDelayMs(2, 'nonsense(', undefined, NOW), 148_000);
});

test('a retry hint of the failed response wins over the expression and the default', () => {
  assert.equal(nextDelayMs(1, '5', headers({ 'Retry-After': '30' }), NOW), 30_000);
  assert.equal(
    nextDelayMs(1, undefined, headers({ 'Retry-After': new Date(NOW + 90_000).toUTCString() }), NOW),
    90_000,
  );
  assert.equal(nextDelayMs(1, undefined, headers({ 'X-RateLimit-Reset': '2' }), NOW), 2000);
  assert.equal(nextDelayMs(1, undefined, headers({ 'X-RateLimit-Reset-Requests': '6m5s' }), NOW), 365_000);
  assert.equal(nextDelayMs(1, undefined, headers({ 'X-RateLimit-Reset-Tokens': '20ms' }), NOW), 20);
  // A day exactly is honoured; beyond it the next rule applies.
  assert.equal(nextDelayMs(1, undefined, headers({ 'Retry-After': '86400' }), NOW), DAY);
  assert.equal(nextDelayMs(1, undefined, headers({ 'Retry-After': '86401' }), NOW), 12_000);
  assert.equal(nextDelayMs(1, '700', headers({ 'Retry-After': '86401' }), NOW), 700);
  // A date in the past: retry now. Unreadable: ignored.
  assert.equal(nextDelayMs(1, undefined, headers({ 'Retry-After': new Date(NOW - 5000).toUTCString() }), NOW), 0);
  assert.equal(nextDelayMs(1, undefined, headers({ 'Retry-After': 'soon' }), NOW), 12_000);
});
