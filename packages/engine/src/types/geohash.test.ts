import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '../testing/index.ts';
import {
  decodeScore,
  distance,
  fixed,
  humanCoordinate,
  LAT_MAX,
  LAT_MIN,
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
