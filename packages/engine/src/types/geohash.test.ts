import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '../testing/index.ts';
import {
  decodeArea,
  decodeScore,
  distance,
  exactFixed,
  fixed,
  humanCoordinate,
  LAT_MAX,
  LAT_MIN,
  LAT_RANGE,
  LONG_RANGE,
  scoreOf,
  standardGeohash,
} from './geohash.ts';

test('encode then decode lands within half a cell of the point, for random points', () => {
  const random = seededRandom(7);
  const cellLon = 360 / 2 ** 26;
  const cellLat = (LAT_MAX - LAT_MIN) / 2 ** 26;
  for (let i = 0; i < 20000; i++) {
    const lon = -180 + random() * 360;
    const lat = LAT_MIN + random() * (LAT_MAX - LAT_MIN);
    const score = scoreOf(lon, lat);
    assert.ok(Number.isInteger(score) && score >= 0 && score < 2 ** 52, `score ${score}`);
    const [dlon, dlat] = decodeScore(score);
    assert.ok(Math.abs(dlon - lon) <= cellLon / 2 + 1e-12, `lon ${lon} → ${dlon}`);
    assert.ok(Math.abs(dlat - lat) <= cellLat / 2 + 1e-12, `lat ${lat} → ${dlat}`);
    assert.equal(scoreOf(dlon, dlat), score, 'a cell centre encodes to its own cell');
  }
});

test('the grid edges: the top limits index one past the grid and decode clamped', () => {
  assert.deepEqual(decodeScore(scoreOf(180, LAT_MAX)), [180, LAT_MAX]);
  assert.deepEqual(
    decodeScore(scoreOf(-180, LAT_MIN)).map((x) => Math.round(x)),
    [-180, -85],
  );
  assert.equal(scoreOf(-180, LAT_MIN), 0);
});

test('distance is the haversine on Redis earth radius', () => {
  assert.equal(distance(0, 0, 0, 0), 0);
  assert.equal(fixed(distance(0, 0, 180, 0), 4), fixed(Math.PI * 6372797.560856, 4));
  const [lon1, lat1] = decodeScore(scoreOf(13.361389, 38.115556));
  const [lon2, lat2] = decodeScore(scoreOf(15.087269, 37.502669));
  assert.equal(fixed(distance(lon1, lat1, lon2, lat2), 4), '166274.1516', "Redis's documented GEODIST");
});

test('fixed is printf %.Nf on the exact binary value, ties to even; coordinates trim zeros', () => {
  assert.equal(fixed(0.125, 2), '0.12');
  assert.equal(fixed(0.375, 2), '0.38');
  assert.equal(fixed(1e22, 1), '10000000000000000000000.0');
  assert.equal(fixed(-0.5, 0), '-0');
  assert.equal(fixed(-Infinity, 6), '-inf');
  assert.equal(humanCoordinate(180), '180');
  assert.equal(humanCoordinate(-0), '0');
  assert.equal(humanCoordinate(0.1), '0.10000000000000001');
});

test('GEOHASH text: ten 5-bit characters and a padding zero', () => {
  assert.equal(standardGeohash(scoreOf(13.361389, 38.115556)), 'sqc8b49rny0');
  assert.equal(standardGeohash(scoreOf(0, 0)).length, 11);
});

test('decodeScore without BigInt gives the same centre as the BigInt geohash decode, to the bit', () => {
  const random = seededRandom(11);
  const scores = [0, 1, 2 ** 32 - 1, 2 ** 32, 2 ** 52 - 1, 2 ** 51, 0x5555555555555, 0xaaaaaaaaaaaaa];
  for (let i = 0; i < 50_000; i++) scores.push(Math.floor(random() * 2 ** 52));
  for (const score of scores) {
    const area = decodeArea(LONG_RANGE, LAT_RANGE, { bits: BigInt(score), step: 26 });
    const lon = Math.min(180, Math.max(-180, (area.lon.min + area.lon.max) / 2));
    const lat = Math.min(LAT_MAX, Math.max(LAT_MIN, (area.lat.min + area.lat.max) / 2));
    assert.deepEqual(decodeScore(score), [lon, lat], `score ${score}`);
  }
});

test('fixed takes toFixed where no tie can occur and matches the exact printf rounding everywhere', () => {
  const random = seededRandom(13);
  const values = [0, -0, 0.5, -0.5, 1.5, 2.5, 2 ** -18, -(2 ** -18), 3 * 2 ** -18, 1e-20, -1e-20, 123.456, 1e20];
  for (let i = 0; i < 20_000; i++) {
    const magnitude = 10 ** Math.floor(random() * 12 - 6);
    values.push((random() - 0.5) * magnitude, Math.round(random() * 2 ** 20) / 2 ** (1 + Math.floor(random() * 24)));
  }
  for (const [lon, lat] of values.slice(0, 5000).map((_, i) => decodeScore(Math.floor(random() * 2 ** 52) + i)))
    values.push(lon, lat);
  for (const x of values) for (const digits of [0, 4, 6, 17]) assert.equal(fixed(x, digits), exactFixed(x, digits));
  // The ties themselves round to even, as glibc does.
  assert.equal(fixed(0.5, 0), '0');
  assert.equal(fixed(2.5, 0), '2');
  assert.equal(fixed(-0.5, 0), '-0');
  assert.equal(fixed(2 ** -18, 17), '0.00000381469726562');
});
