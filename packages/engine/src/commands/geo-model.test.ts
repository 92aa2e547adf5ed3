/**
 * GEO commands against plain spherical geometry, over seeded random points in clusters (some across the
 * antimeridian and near the latitude limit): GEOPOS gives back each point within the geohash's ~0.6 m,
 * GEODIST is symmetric and within 0.5% of the haversine distance, and GEOSEARCH BYRADIUS finds exactly the
 * points inside the circle, give or take a boundary epsilon, in distance order.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Reply } from '../reply.ts';
import { createTestEngine, seededRandom } from '../testing/index.ts';

/** The earth radius Redis's geohash_helper.c uses, in metres. */
const R = 6372797.560856;
const rad = (deg: number) => (deg * Math.PI) / 180;

function haversine(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const u = Math.sin(rad(lat2 - lat1) / 2);
  const v = Math.sin(rad(lon2 - lon1) / 2);
  return 2 * R * Math.asin(Math.sqrt(u * u + Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * v * v));
}

interface Point {
  member: string;
  lon: number;
  lat: number;
}

const wrap = (lon: number) => (lon > 180 ? lon - 360 : lon < -180 ? lon + 360 : lon);

/** Points in a cluster of about ±spread degrees, with longitudes wrapped into [-180, 180]. */
function cluster(rnd: () => number, name: string, lon: number, lat: number, spread: number, n: number): Point[] {
  return Array.from({ length: n }, (_, i) => {
    const x = wrap(lon + (rnd() * 2 - 1) * spread);
    const y = Math.max(-85, Math.min(85, lat + (rnd() * 2 - 1) * spread));
    return { member: `${name}${i}`, lon: x, lat: y };
  });
}

function setup(seed: number) {
  const rnd = seededRandom(seed);
  const t = createTestEngine();
  const points = [
    ...cluster(rnd, 'eq', 10, 0, 0.5, 60),
    ...cluster(rnd, 'mid', -73.9, 40.7, 0.3, 60),
    ...cluster(rnd, 'anti', 179.9, -16, 0.4, 60),
    ...cluster(rnd, 'north', 20, 84.5, 0.5, 40),
    ...Array.from({ length: 40 }, (_, i) => ({
      member: `any${i}`,
      lon: rnd() * 360 - 180,
      lat: rnd() * 170 - 85,
    })),
  ];
  for (let i = 0; i < points.length; i += 50) {
    const batch = points.slice(i, i + 50);
    assert.equal(t.run('geoadd', 'g', ...batch.flatMap((p) => [p.lon, p.lat, p.member])), batch.length);
  }
  return { ...t, rnd, points };
}

test('GEOPOS returns each point within 0.6 m of where it was added', () => {
  for (const seed of [1, 2, 3]) {
    const { run, points } = setup(seed);
    const got = run('geopos', 'g', ...points.map((p) => p.member)) as Reply[];
    points.forEach((p, i) => {
      const [lon, lat] = (got[i] as string[]).map(Number) as [number, number];
      const off = haversine(p.lon, p.lat, lon, lat);
      assert.ok(off < 0.6, `${p.member} (${p.lon}, ${p.lat}) came back as (${lon}, ${lat}), ${off.toFixed(3)} m off`);
    });
  }
});

test('GEODIST is symmetric and within 0.5% (or the ~1 m cell) of the haversine distance', () => {
  const { run, points, rnd } = setup(4);
  for (let k = 0; k < 400; k++) {
    const a = points[Math.floor(rnd() * points.length)] as Point;
    const b = points[Math.floor(rnd() * points.length)] as Point;
    const ab = Number(run('geodist', 'g', a.member, b.member));
    assert.equal(run('geodist', 'g', b.member, a.member), run('geodist', 'g', a.member, b.member));
    const truth = haversine(a.lon, a.lat, b.lon, b.lat);
    assert.ok(
      Math.abs(ab - truth) <= Math.max(0.005 * truth, 1.2),
      `${a.member}–${b.member}: ${ab} m, haversine ${truth} m`,
    );
    const km = Number(run('geodist', 'g', a.member, b.member, 'km'));
    assert.ok(Math.abs(km * 1000 - ab) <= 0.1, 'the same distance in km');
  }
});

test('GEOSEARCH BYRADIUS finds exactly the points inside the circle, nearest first', () => {
  const EPS = 1.5; // metres: the stored points sit up to ~0.6 m from the added ones
  for (const seed of [5, 6]) {
    const { run, points, rnd } = setup(seed);
    for (let k = 0; k < 60; k++) {
      const fromMember = rnd() < 0.5;
      const centre = points[Math.floor(rnd() * points.length)] as Point;
      const lon = fromMember ? centre.lon : wrap(centre.lon + (rnd() - 0.5) * 0.4);
      const lat = fromMember ? centre.lat : Math.max(-85, Math.min(85, centre.lat + (rnd() - 0.5) * 0.4));
      const radiusKm = 1 + rnd() * 60;
      const from = fromMember ? ['frommember', centre.member] : ['fromlonlat', lon, lat];
      const reply = run('geosearch', 'g', ...from, 'byradius', radiusKm, 'km', 'asc', 'withdist') as [string, string][];
      assert.ok(Array.isArray(reply), `${from.join(' ')}: ${String(reply)}`);
      const found = new Map(reply.map(([m, dist]) => [m, Number(dist)]));
      const r = radiusKm * 1000;
      const what = `seed ${seed} search ${k} from ${from.join(' ')} within ${radiusKm} km`;
      for (const p of points) {
        const dist = haversine(lon, lat, p.lon, p.lat);
        if (dist < r - EPS) assert.ok(found.has(p.member), `${what}: missed ${p.member} at ${dist} m`);
        if (dist > r + EPS) assert.ok(!found.has(p.member), `${what}: ${p.member} at ${dist} m is outside`);
        const reported = found.get(p.member);
        if (reported !== undefined) assert.ok(Math.abs(reported * 1000 - dist) <= EPS, `${what}: ${p.member} dist`);
      }
      const dists = reply.map(([, dist]) => Number(dist));
      assert.deepEqual(
        dists,
        [...dists].sort((x, y) => x - y),
        `${what}: ASC order`,
      );
      if (fromMember) assert.equal(reply[0]?.[0] === centre.member || dists[0] === 0, true, `${what}: itself first`);
    }
  }
});

test('GEOSEARCH BYBOX finds exactly the points inside the box, by the rule Redis uses', () => {
  // Redis's rule (geohashGetDistanceIfInRectangle): the north-south distance from the centre, and the
  // east-west distance measured along the point's own latitude, each within half the box.
  const EPS = 1.5;
  const { run, points, rnd } = setup(8);
  for (let k = 0; k < 80; k++) {
    const centre = points[Math.floor(rnd() * points.length)] as Point;
    const lon = wrap(centre.lon + (rnd() - 0.5) * 0.2);
    const lat = Math.max(-85, Math.min(85, centre.lat + (rnd() - 0.5) * 0.2));
    const w = 1000 + rnd() * 80_000;
    const h = 1000 + rnd() * 80_000;
    const reply = run('geosearch', 'g', 'fromlonlat', lon, lat, 'bybox', w, h, 'm', 'asc') as string[];
    assert.ok(Array.isArray(reply), String(reply));
    const found = new Set(reply);
    const what = `box ${w.toFixed(0)}×${h.toFixed(0)} m at (${lon}, ${lat})`;
    for (const p of points) {
      const ns = R * Math.abs(rad(p.lat) - rad(lat));
      const ew = haversine(p.lon, p.lat, lon, p.lat);
      const inside = ns < h / 2 - EPS && ew < w / 2 - EPS;
      const outside = ns > h / 2 + EPS || ew > w / 2 + EPS;
      if (inside) assert.ok(found.has(p.member), `${what}: missed ${p.member} (${ew} m E-W, ${ns} m N-S)`);
      if (outside) assert.ok(!found.has(p.member), `${what}: ${p.member} is outside (${ew} m E-W, ${ns} m N-S)`);
    }
  }
});
