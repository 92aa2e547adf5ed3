import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDuration, retryHint } from './duration.ts';

test('QStash durations: <n><unit> concatenated, a bare number is seconds', () => {
  assert.equal(parseDuration('50s'), 50_000);
  assert.equal(parseDuration('10d'), 864_000_000);
  assert.equal(parseDuration('1d10h30m'), 124_200_000);
  assert.equal(parseDuration('90'), 90_000);
  assert.equal(parseDuration(' 2m '), 120_000);
  assert.equal(parseDuration('0s'), 0);
});

test('Go durations: fractions and sub-second units', () => {
  assert.equal(parseDuration('6m5s'), 365_000);
  assert.equal(parseDuration('1.5s'), 1500);
  assert.equal(parseDuration('2h45m'), 9_900_000);
  assert.equal(parseDuration('1h0m0s'), 3_600_000);
  assert.equal(parseDuration('300ms'), 300);
  assert.equal(parseDuration('1s500ms'), 1500);
  assert.equal(parseDuration('2500us'), 3);
  assert.equal(parseDuration('2000000ns'), 2);
  assert.equal(parseDuration('4µs'), 0);
});

test('malformed durations are undefined', () => {
  for (const bad of ['', '  ', 's', '5x', '1h 30m', '-5s', '1.s', 'h1', '5s!', '1e3s', '10 s'])
    assert.equal(parseDuration(bad), undefined, bad);
});

test('retry hints: seconds, Go durations and HTTP dates, relative to now', () => {
  const now = Date.UTC(2026, 10, 27, 12, 0, 0);
  assert.equal(retryHint(null, now), undefined);
  assert.equal(retryHint('120', now), 120_000);
  assert.equal(retryHint('0.25', now), 250);
  assert.equal(retryHint('6m5s', now), 365_000);
  assert.equal(retryHint('Fri, 27 Nov 2026 12:01:00 GMT', now), 60_000);
  assert.equal(retryHint(new Date(now + 3_600_000).toUTCString(), now), 3_600_000);
  assert.equal(retryHint('Fri, 27 Nov 2026 11:00:00 GMT', now), 0);
  assert.equal(retryHint('Friday, 27-Nov-26 12:00:30 GMT', now), 30_000);
  assert.equal(retryHint('Fri Nov 27 12:00:30 2026', now), 30_000);
  assert.equal(retryHint('whenever', now), undefined);
  // Junk that Date.parse would read as a date long past (an immediate retry) is no hint.
  for (const junk of ['-5', 'x-1', 'abc 1', '1.5.2', 'soon 5', '12:00:00'])
    assert.equal(retryHint(junk, now), undefined, junk);
  assert.equal(retryHint('', now), undefined);
});
