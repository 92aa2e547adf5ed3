import { c, differential, type Gen, generated, type Step } from './harness.ts';

/** Points across the grid: the poles' limits, the antimeridian, zero, and ordinary cities. */
const POINTS = [
  ['13.361389', '38.115556', 'Palermo'],
  ['15.087269', '37.502669', 'Catania'],
  ['2.349014', '48.864716', 'Paris'],
  ['-0.127758', '51.507351', 'London'],
  ['-73.935242', '40.730610', 'NYC'],
  ['139.691711', '35.689487', 'Tokyo'],
  ['151.209290', '-33.868820', 'Sydney'],
  ['-58.381592', '-34.603722', 'BuenosAires'],
  ['0', '0', 'zero'],
  ['-0', '-0', 'negzero'],
  ['0.000001', '-0.000001', 'nearzero'],
  ['180', '0', 'east180'],
  ['-180', '0', 'west180'],
  ['179.9999', '10', 'anti1'],
  ['-179.9999', '10', 'anti2'],
  ['179.5', '-20.25', 'anti3'],
  ['-179.5', '-20.25', 'anti4'],
  ['0', '85.05112878', 'north'],
  ['0', '-85.05112878', 'south'],
  ['45', '85', 'nearnorth'],
  ['-120', '-84.9', 'nearsouth'],
  ['100', '70', 'arctic'],
  ['-100', '-82', 'antarctic'],
  ['180', '85.05112878', 'corner1'],
  ['-180', '-85.05112878', 'corner2'],
];

const addAll = `GEOADD g ${POINTS.map((p) => p.join(' ')).join(' ')}`;

const cases = [
  c(
    'GEOADD, GEOPOS, GEOHASH and GEODIST over the whole grid',
    `
    ${addAll}
    ZRANGE g 0 -1 WITHSCORES
    GEOPOS g ${POINTS.map((p) => p[2]).join(' ')} missing
    GEOHASH g ${POINTS.map((p) => p[2]).join(' ')} missing
    GEODIST g Palermo Catania
    GEODIST g Palermo Catania km
    GEODIST g Palermo Catania MI
    GEODIST g Palermo Catania ft
    GEODIST g Palermo Catania m
    GEODIST g Palermo Catania yards
    GEODIST g Palermo Catania km extra
    GEODIST g Palermo missing
    GEODIST missing a b
    GEODIST g east180 west180
    GEODIST g anti1 anti2 km
    GEODIST g north south km
    GEODIST g zero negzero
    GEODIST g zero nearzero
    GEODIST g NYC Tokyo mi
    GEODIST g Sydney BuenosAires km
    GEODIST g Palermo Palermo
    GEOPOS missing a b
    GEOHASH missing a b
    `,
  ),
  c(
    'GEOADD options, errors and replies',
    `
    GEOADD g 13.361389 38.115556 Palermo
    GEOADD g NX 1 1 Palermo 2 2 other
    GEOPOS g Palermo
    GEOADD g XX 1 1 Palermo 3 3 new
    GEOADD g XX CH 1 1 Palermo 3 3 new
    GEOADD g CH 5 5 Palermo 6 6 x
    GEOADD g CH XX NX 5 5 Palermo
    GEOADD g 1 2
    GEOADD g 1 2 a 3
    GEOADD g 181 0 bad
    GEOADD g -180.000001 0 bad
    GEOADD g 0 85.05112879 bad
    GEOADD g 0 -86 bad
    GEOADD g 1e300 0 bad
    GEOADD g inf 0 bad
    GEOADD g 0 -inf bad
    GEOADD g abc 0 bad
    GEOADD g 0 nan bad
    GEOADD g 1 1 ok 200 1 bad
    ZCARD g
    GEOADD g GT 1 1 x
    SET s v
    GEOADD s 1 1 a
    GEOPOS s a
    GEODIST s a b
    GEOHASH s a
    GEOSEARCH s FROMLONLAT 0 0 BYRADIUS 1 km
    ZADD z 0 a -1 b 4503599627370496 c 9007199254740992 d 1.5 e 1e20 f inf g -inf h
    GEOPOS z a b c d e f g h
    GEOHASH z a b c d e f g h
    GEODIST z a c
    `,
  ),
  c(
    'GEORADIUS and GEORADIUSBYMEMBER with each option',
    `
    ${addAll}
    GEORADIUS g 15 37 200 km
    GEORADIUS g 15 37 200 km ASC
    GEORADIUS g 15 37 200 km DESC
    GEORADIUS g 15 37 200 km WITHDIST WITHCOORD WITHHASH ASC
    GEORADIUS g 15 37 2000 mi WITHDIST DESC
    GEORADIUS g 15 37 20000 km COUNT 3
    GEORADIUS g 15 37 20000 km COUNT 3 DESC WITHDIST
    GEORADIUS g 15 37 20000 km COUNT 3 ANY
    GEORADIUS g 15 37 20000 km ANY
    GEORADIUS g 15 37 20000 km COUNT 0
    GEORADIUS g 15 37 20000 km COUNT -1
    GEORADIUS g 15 37 20000 km COUNT x
    GEORADIUS g 15 37 20000 km COUNT
    GEORADIUS g 15 37 -1 km
    GEORADIUS g 15 37 x km
    GEORADIUS g 15 37 1 parsec
    GEORADIUS g 200 37 1 km
    GEORADIUS g 15 37 200 km BOGUS
    GEORADIUS g 179.9 10 100 km WITHDIST ASC
    GEORADIUS g -179.9 -20 200 km WITHDIST ASC
    GEORADIUS g 0 85 500 km WITHDIST WITHCOORD ASC
    GEORADIUS g 0 -85 3000 km WITHDIST ASC
    GEORADIUS g 0 0 1 m WITHDIST WITHHASH
    GEORADIUS g 0 0 0 m WITHDIST
    GEORADIUS g 0 0 30000 km WITHDIST ASC
    GEORADIUS g 0 0 5000000 ft ASC
    GEORADIUS g 15 37 200 km STORE dst
    ZRANGE dst 0 -1 WITHSCORES
    GEORADIUS g 15 37 2000 km STOREDIST dst2 COUNT 2
    ZRANGE dst2 0 -1 WITHSCORES
    GEORADIUS g 15 37 1 m STORE dst
    EXISTS dst
    GEORADIUS missing 15 37 1 km STORE dst2
    EXISTS dst2
    GEORADIUS missing 15 37 1 km
    GEORADIUS g 15 37 200 km STORE dst WITHDIST
    GEORADIUS_RO g 15 37 200 km WITHDIST ASC
    GEORADIUS_RO g 15 37 200 km STORE dst
    GEORADIUSBYMEMBER g Palermo 500 km WITHDIST ASC
    GEORADIUSBYMEMBER g north 1000 km WITHCOORD DESC
    GEORADIUSBYMEMBER g east180 300 km WITHDIST ASC
    GEORADIUSBYMEMBER g missing 500 km
    GEORADIUSBYMEMBER missing missing 500 km
    GEORADIUSBYMEMBER missing missing x km STORE d
    GEORADIUSBYMEMBER g Palermo 500 km STOREDIST d3
    ZRANGE d3 0 -1 WITHSCORES
    GEORADIUSBYMEMBER_RO g Palermo 500 km ASC COUNT 1
    GEORADIUSBYMEMBER_RO g Palermo 500 km STOREDIST x
    `,
  ),
  c(
    'GEOSEARCH and GEOSEARCHSTORE',
    `
    ${addAll}
    GEOSEARCH g FROMLONLAT 15 37 BYRADIUS 200 km ASC
    GEOSEARCH g FROMMEMBER Palermo BYRADIUS 300 km DESC WITHDIST WITHCOORD WITHHASH
    GEOSEARCH g FROMLONLAT 15 37 BYBOX 400 400 km ASC WITHDIST
    GEOSEARCH g FROMLONLAT 15 37 BYBOX 40000 4000 km ASC WITHDIST
    GEOSEARCH g FROMLONLAT 0 0 BYBOX 100 100 m WITHCOORD
    GEOSEARCH g FROMLONLAT 180 0 BYBOX 1000 5000 km ASC
    GEOSEARCH g FROMLONLAT -179 -20 BYBOX 500 500 km WITHDIST ASC
    GEOSEARCH g FROMLONLAT 0 84 BYBOX 2000 500 km WITHDIST ASC
    GEOSEARCH g FROMLONLAT 0 0 BYRADIUS 20000 km COUNT 4 ANY
    GEOSEARCH g FROMLONLAT 0 0 BYRADIUS 20000 km COUNT 4 ANY ASC
    GEOSEARCH g FROMLONLAT 0 0 BYRADIUS 20000 km COUNT 4
    GEOSEARCH g FROMLONLAT 0 0 BYRADIUS 20000 mi
    GEOSEARCH g FROMLONLAT 0 0 BYBOX 1 1 ft
    GEOSEARCH g FROMMEMBER missing BYRADIUS 1 km
    GEOSEARCH missing FROMMEMBER missing BYRADIUS 1 km
    GEOSEARCH missing FROMLONLAT 0 0 BYRADIUS 1 km
    GEOSEARCH g FROMLONLAT 0 0 FROMMEMBER zero BYRADIUS 1 km
    GEOSEARCH g FROMMEMBER zero FROMLONLAT 0 0 BYRADIUS 1 km
    GEOSEARCH g FROMLONLAT 0 0 BYRADIUS 1 km BYBOX 1 1 km
    GEOSEARCH g FROMLONLAT 0 0
    GEOSEARCH g BYRADIUS 1 km ASC
    geosearch g byradius 1 km asc
    GEOSEARCH g FROMLONLAT 0 0 BYBOX -1 1 km
    GEOSEARCH g FROMLONLAT 0 0 BYBOX x 1 km
    GEOSEARCH g FROMLONLAT 0 0 BYBOX 1 x km
    GEOSEARCH g FROMLONLAT 0 0 BYBOX 1 1 yd
    GEOSEARCH g FROMLONLAT 0 0 BYRADIUS 1 km ANY
    GEOSEARCH g FROMLONLAT 0 0 BYRADIUS 1 km STORE x
    GEOSEARCH g FROMLONLAT 0 0 BYRADIUS 1 km STOREDIST
    GEOSEARCH g FROMLONLAT 0 91 BYRADIUS 1 km
    GEOSEARCHSTORE dst g FROMLONLAT 15 37 BYRADIUS 200 km ASC
    ZRANGE dst 0 -1 WITHSCORES
    GEOSEARCHSTORE dst g FROMLONLAT 15 37 BYBOX 4000 4000 km STOREDIST COUNT 3
    ZRANGE dst 0 -1 WITHSCORES
    GEOSEARCHSTORE dst g FROMLONLAT 15 37 BYRADIUS 200 km WITHDIST
    GEOSEARCHSTORE dst g FROMLONLAT 15 37 BYRADIUS 1 m
    EXISTS dst
    GEOSEARCHSTORE dst missing FROMLONLAT 15 37 BYRADIUS 1 m
    GEOSEARCHSTORE g g FROMMEMBER Palermo BYRADIUS 200 km STOREDIST
    ZRANGE g 0 -1 WITHSCORES
    `,
  ),
];

/** Random points with up to 6 decimals, clustered so small searches find something. */
function coord(g: Gen, lo: number, hi: number): string {
  const v = lo + g.next() * (hi - lo);
  return g.chance(0.2) ? String(Math.round(v)) : v.toFixed(g.int(1, 6));
}

function point(g: Gen): [string, string] {
  if (g.chance(0.3)) return [coord(g, 179, 180), coord(g, -5, 5)];
  if (g.chance(0.2)) return [coord(g, -180, 180), coord(g, 80, 85.05)];
  if (g.chance(0.2)) return [coord(g, -1, 1), coord(g, -1, 1)];
  return [coord(g, -180, 180), coord(g, -85, 85)];
}

function op(g: Gen): Step {
  const m = `m${g.int(0, 30)}`;
  const units = ['m', 'km', 'mi', 'ft'];
  const opts = () =>
    [
      g.chance(0.4) ? 'WITHDIST' : '',
      g.chance(0.3) ? 'WITHCOORD' : '',
      g.chance(0.2) ? 'WITHHASH' : '',
      g.chance(0.5) ? g.pick(['ASC', 'DESC']) : '',
      g.chance(0.3) ? `COUNT ${g.int(1, 5)}` : '',
    ].join(' ');
  const size = () => String(g.pick([1, 50, 500, 5000, 20000]) * (0.5 + g.next()));
  switch (g.int(0, 8)) {
    case 0:
    case 1:
    case 2: {
      const [lon, lat] = point(g);
      return `GEOADD g ${lon} ${lat} ${m}`;
    }
    case 3:
      return `GEOPOS g ${m} m${g.int(0, 30)}`;
    case 4:
      return `GEODIST g ${m} m${g.int(0, 30)} ${g.pick(units)}`;
    case 5:
      return `GEOHASH g ${m}`;
    case 6: {
      const [lon, lat] = point(g);
      // No order: members come back in cell order, which both sides must agree on too.
      return `GEORADIUS g ${lon} ${lat} ${size()} km ${opts()}`;
    }
    case 7:
      return `GEOSEARCH g FROMMEMBER ${m} BYBOX ${size()} ${size()} km ${opts()}`;
    default: {
      const [lon, lat] = point(g);
      return `GEOSEARCH g FROMLONLAT ${lon} ${lat} BYRADIUS ${size()} ${g.pick(units)} ${opts()}`;
    }
  }
}

differential('geo', [...cases, ...generated('random geo operations', 8, 120, op)]);
