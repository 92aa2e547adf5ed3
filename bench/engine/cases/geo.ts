/**
 * A million members in one geo set, spread uniformly (seeded) over a 10° × 10° box in Europe rather than the
 * whole globe: over the globe a 10 km radius would hold under one member on average, and COUNT 10 would
 * never cut anything short. Here a 10 km circle holds about 350 members, so GEOSEARCH has real sorting to do.
 */
import { seededRandom } from '@redstash/engine/testing';
import type { Argv, EngineBenchCase } from '../case.ts';

const KEY = 'geo';
const BATCH = 100;
const LON = [0, 10] as const;
const LAT = [40, 50] as const;

const coord = (rnd: () => number, [lo, hi]: readonly [number, number]) => (lo + rnd() * (hi - lo)).toFixed(6);

function* load(entries: number): Iterable<Argv> {
  const rnd = seededRandom(7);
  for (let i = 0; i < entries; i += BATCH) {
    const argv = ['GEOADD', KEY];
    for (let j = i; j < Math.min(entries, i + BATCH); j++) argv.push(coord(rnd, LON), coord(rnd, LAT), `m:${j}`);
    yield argv;
  }
}

/** A seeded point per call: the i-th call always asks about the same place. */
function point(i: number): [string, string] {
  const rnd = seededRandom(1000 + i);
  return [coord(rnd, LON), coord(rnd, LAT)];
}

/** A member per call, spread over the set (a smaller --entries run shrinks `entries`, so it reads geoCase's). */
const member = (i: number) => `m:${Math.floor(seededRandom(5000 + i)() * geoCase.entries)}`;

export const geoCase: EngineBenchCase = {
  family: 'geo',
  entries: 1_000_000,
  load,
  loadOp: `GEOADD (${BATCH} members)`,
  ops: [
    {
      name: 'GEOSEARCH FROMLONLAT BYRADIUS 10 km COUNT 10 ASC',
      argv: (i) => ['GEOSEARCH', KEY, 'FROMLONLAT', ...point(i), 'BYRADIUS', '10', 'km', 'COUNT', '10', 'ASC'],
    },
    {
      name: 'GEOSEARCH FROMLONLAT BYBOX 20×20 km COUNT 10 ASC',
      argv: (i) => ['GEOSEARCH', KEY, 'FROMLONLAT', ...point(i), 'BYBOX', '20', '20', 'km', 'COUNT', '10', 'ASC'],
    },
    { name: 'GEODIST', argv: (i) => ['GEODIST', KEY, member(i), member(i + 1), 'km'] },
    { name: 'GEOPOS 1 member', argv: (i) => ['GEOPOS', KEY, member(i)] },
  ],
  redisComparable: true,
};
