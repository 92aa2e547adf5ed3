/**
 * GEO commands. A geo set is a sorted set whose scores are 52-bit geohashes (types/geohash.ts), so they
 * share the zset type and helpers; GEOADD is ZADD with computed scores, as in Redis's geo.c.
 */
import { float, int, is } from '../command/args.ts';
import type { Ctx } from '../command/context.ts';
import * as E from '../command/errors.ts';
import { type Argv, type CommandDef, command, key } from '../command/table.ts';
import { NOTIFY, notifyMiss } from '../pubsub/notify.ts';
import { NIL_ARRAY, type Reply } from '../reply.ts';
import {
  type Bits,
  cellScores,
  decodeScore,
  distance,
  distanceIfWithin,
  fixed,
  humanCoordinate,
  LAT_MAX,
  LAT_MIN,
  LONG_MAX,
  LONG_MIN,
  type Shape,
  scoreOf,
  searchCells,
  standardGeohash,
} from '../types/geohash.ts';
import type { ZSet } from '../types/zset.ts';
import { byScoreThenMember, type Entry, zsetFromSorted } from './sorted-set/entries.ts';
import { writeHandlers } from './sorted-set/write.ts';

/** extractLongLatOrReply */
function lonLat(argv: Argv, i: number): [number, number] {
  const lon = float(argv[i]);
  const lat = float(argv[i + 1]);
  if (lon < LONG_MIN || lon > LONG_MAX || lat < LAT_MIN || lat > LAT_MAX)
    throw E.geoInvalidPair(fixed(lon, 6), fixed(lat, 6));
  return [lon, lat];
}

/** extractUnitOrReply: meters per unit. */
function unit(arg: string | undefined): number {
  if (is(arg, 'm')) return 1;
  if (is(arg, 'km')) return 1000;
  if (is(arg, 'ft')) return 0.3048;
  if (is(arg, 'mi')) return 1609.34;
  throw E.GEO_UNIT;
}

/** A distance reply: `%.4f` as a bulk string (addReplyDoubleDistance). */
const distanceReply = (meters: number) => fixed(meters, 4);

/** GEOADD key [NX|XX] [CH] longitude latitude member … */
function geoadd(ctx: Ctx, argv: Argv): Reply {
  let nx = false;
  let xx = false;
  let first = 2;
  for (; first < argv.length; first++) {
    const a = argv[first];
    if (is(a, 'nx')) nx = true;
    else if (is(a, 'xx')) xx = true;
    else if (!is(a, 'ch')) break;
  }
  if ((argv.length - first) % 3 !== 0 || (xx && nx)) throw E.SYNTAX;
  const zargv = ['zadd', ...argv.slice(1, first)];
  for (let i = first; i < argv.length; i += 3) {
    const [lon, lat] = lonLat(argv, i);
    zargv.push(String(scoreOf(lon, lat)), argv[i + 2] as string);
  }
  return writeHandlers.zadd(ctx, zargv);
}

/** GEOPOS key member … */
function geopos(ctx: Ctx, argv: Argv): Reply {
  const z = ctx.db.get(argv[1] as string, 'zset');
  const out: Reply[] = [];
  for (let i = 2; i < argv.length; i++) {
    const score = z?.score(argv[i] as string);
    if (score === undefined) out.push(NIL_ARRAY);
    else {
      const [lon, lat] = decodeScore(score);
      out.push([humanCoordinate(lon), humanCoordinate(lat)]);
    }
  }
  return out;
}

/** GEODIST key member1 member2 [unit] */
function geodist(ctx: Ctx, argv: Argv): Reply {
  let toMeters = 1;
  if (argv.length === 5) toMeters = unit(argv[4]);
  else if (argv.length > 5) throw E.SYNTAX;
  const z = ctx.db.get(argv[1] as string, 'zset');
  const a = z?.score(argv[2] as string);
  const b = z?.score(argv[3] as string);
  if (a === undefined || b === undefined) return null;
  const [lon1, lat1] = decodeScore(a);
  const [lon2, lat2] = decodeScore(b);
  return distanceReply(distance(lon1, lat1, lon2, lat2) / toMeters);
}

/** GEOHASH key member … */
function geohash(ctx: Ctx, argv: Argv): Reply {
  const z = ctx.db.get(argv[1] as string, 'zset');
  const out: Reply[] = [];
  for (let i = 2; i < argv.length; i++) {
    const score = z?.score(argv[i] as string);
    out.push(score === undefined ? null : standardGeohash(score));
  }
  return out;
}

interface Point {
  member: string;
  score: number;
  lon: number;
  lat: number;
  dist: number;
}

/** longLatFromMember */
function memberPosition(z: ZSet, member: string): [number, number] {
  const score = z.score(member);
  if (score === undefined) throw E.GEO_MEMBER_UNDECODABLE;
  return decodeScore(score);
}

/** membersOfAllNeighbors: every cell's members inside the shape, in cell then score order. */
function collect(z: ZSet, shape: Shape, limit: number): Point[] {
  const cells = searchCells(shape);
  const out: Point[] = [];
  let last = 0;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i] as Bits;
    if (cell.bits === 0n && cell.step === 0) continue;
    // Huge radii make neighbours coincide; Redis skips a repeat of the cell just scanned (never of cell 0).
    const prev = cells[last] as Bits;
    if (last !== 0 && cell.bits === prev.bits && cell.step === prev.step) continue;
    if (out.length > 0 && limit > 0 && out.length >= limit) break;
    const [min, max] = cellScores(cell);
    const start = z.countWhile((n) => z.scoreOf(n) < min);
    for (let n = z.at(start); n !== 0; n = z.next(n)) {
      const score = z.scoreOf(n);
      if (score >= max) break;
      const [lon, lat] = decodeScore(score);
      const dist = distanceIfWithin(shape, lon, lat);
      if (dist !== null) out.push({ member: z.member(n), score, lon, lat, dist });
      if (out.length > 0 && limit > 0 && out.length >= limit) break;
    }
    last = i;
  }
  return out;
}

const SEARCH = 1;
const SEARCH_STORE = 2;
const BY_MEMBER = 4;
const BY_COORDS = 8;
const NO_STORE = 16;

/** georadiusGeneric: GEORADIUS*, GEOSEARCH and GEOSEARCHSTORE. */
function search(ctx: Ctx, argv: Argv, srcIndex: number, flags: number): Reply {
  const z = ctx.db.get(argv[srcIndex] as string, 'zset');
  // The writing variants too read their source with lookupKeyRead, which reports a miss.
  if (z === undefined) notifyMiss(ctx, argv[srcIndex] as string);
  const shape: Shape = { lon: 0, lat: 0, conversion: 1, radius: 0, width: 0, height: 0, box: false };
  let storeKey: string | undefined;
  let storeDist = false;
  let base: number;
  const radius = (i: number) => {
    const r = float(argv[i], E.GEO_NEED_RADIUS);
    if (r < 0) throw E.GEO_NEGATIVE_RADIUS;
    shape.radius = r;
    shape.conversion = unit(argv[i + 1]);
  };
  if (flags & BY_COORDS) {
    base = 6;
    [shape.lon, shape.lat] = lonLat(argv, 2);
    radius(4);
  } else if (flags & BY_MEMBER) {
    base = 5;
    if (z !== undefined) {
      [shape.lon, shape.lat] = memberPosition(z, argv[2] as string);
      radius(3);
    }
  } else {
    base = 2;
    if (flags & SEARCH_STORE) {
      base = 3;
      storeKey = argv[1] as string;
    }
  }

  let withDist = false;
  let withHash = false;
  let withCoord = false;
  let fromMember = false;
  let fromLoc = false;
  let byRadius = false;
  let byBox = false;
  let sort = 0;
  let any = false;
  let count = 0;
  const remaining = argv.length - base;
  for (let i = 0; i < remaining; i++) {
    const a = argv[base + i];
    const at = (k: number) => argv[base + i + k];
    if (is(a, 'withdist')) withDist = true;
    else if (is(a, 'withhash')) withHash = true;
    else if (is(a, 'withcoord')) withCoord = true;
    else if (is(a, 'any')) any = true;
    else if (is(a, 'asc')) sort = 1;
    else if (is(a, 'desc')) sort = -1;
    else if (is(a, 'count') && i + 1 < remaining) {
      count = int(at(1));
      if (count <= 0) throw E.GEO_COUNT_POSITIVE;
      i++;
    } else if ((is(a, 'store') || is(a, 'storedist')) && i + 1 < remaining && !(flags & (NO_STORE | SEARCH))) {
      storeKey = at(1);
      storeDist = is(a, 'storedist');
      i++;
    } else if (is(a, 'storedist') && flags & SEARCH_STORE) storeDist = true;
    else if (is(a, 'frommember') && i + 1 < remaining && flags & SEARCH && !fromLoc) {
      if (z !== undefined) [shape.lon, shape.lat] = memberPosition(z, at(1) as string);
      fromMember = true;
      i++;
    } else if (is(a, 'fromlonlat') && i + 2 < remaining && flags & SEARCH && !fromMember) {
      [shape.lon, shape.lat] = lonLat(argv, base + i + 1);
      fromLoc = true;
      i += 2;
    } else if (is(a, 'byradius') && i + 2 < remaining && flags & SEARCH && !byBox) {
      radius(base + i + 1);
      shape.box = false;
      byRadius = true;
      i += 2;
    } else if (is(a, 'bybox') && i + 3 < remaining && flags & SEARCH && !byRadius) {
      const w = float(at(1), E.GEO_NEED_WIDTH);
      const h = float(at(2), E.GEO_NEED_HEIGHT);
      if (h < 0 || w < 0) throw E.GEO_NEGATIVE_BOX;
      shape.conversion = unit(at(3));
      shape.width = w;
      shape.height = h;
      shape.box = true;
      byBox = true;
      i += 3;
    } else throw E.SYNTAX;
  }

  const name = argv[0] as string;
  if (storeKey !== undefined && (withDist || withHash || withCoord))
    throw E.geoStoreIncompatible(flags & SEARCH_STORE ? 'GEOSEARCHSTORE' : 'STORE option in GEORADIUS');
  if (flags & SEARCH && !(fromMember || fromLoc)) throw E.geoNeedFrom(name);
  if (flags & SEARCH && !(byRadius || byBox)) throw E.geoNeedBy(name);
  if (any && count === 0) throw E.GEO_ANY_NEEDS_COUNT;

  if (z === undefined) {
    if (storeKey === undefined) return [];
    storeDeleted(ctx, storeKey);
    return 0;
  }
  if (count !== 0 && sort === 0 && !any) sort = 1;

  const found = collect(z, shape, any ? count : 0);
  if (found.length === 0 && storeKey === undefined) return [];
  const returned = count === 0 || found.length < count ? found.length : count;
  // Redis's qsort (glibc's merge sort) keeps equal distances in discovery order.
  if (sort !== 0) found.sort((a, b) => (a.dist === b.dist ? 0 : (a.dist > b.dist ? 1 : -1) * sort));

  if (storeKey === undefined) {
    const out: Reply[] = [];
    const nested = withDist || withHash || withCoord;
    for (let i = 0; i < returned; i++) {
      const p = found[i] as Point;
      if (!nested) {
        out.push(p.member);
        continue;
      }
      const item: Reply[] = [p.member];
      if (withDist) item.push(distanceReply(p.dist / shape.conversion));
      if (withHash) item.push(p.score);
      if (withCoord) item.push([humanCoordinate(p.lon), humanCoordinate(p.lat)]);
      out.push(item);
    }
    return out;
  }
  if (returned === 0) {
    storeDeleted(ctx, storeKey);
    return 0;
  }
  const byMember = new Map<string, number>();
  for (let i = 0; i < returned; i++) {
    const p = found[i] as Point;
    byMember.set(p.member, storeDist ? p.dist / shape.conversion : p.score);
  }
  const entries: Entry[] = [...byMember].map(([member, score]) => ({ member, score }));
  entries.sort(byScoreThenMember);
  ctx.db.set(storeKey, 'zset', zsetFromSorted(entries));
  ctx.notify(NOTIFY.ZSET, flags & SEARCH ? 'geosearchstore' : 'georadiusstore', storeKey);
  return returned;
}

function storeDeleted(ctx: Ctx, storeKey: string): void {
  if (ctx.db.delete(storeKey)) ctx.notify(NOTIFY.GENERIC, 'del', storeKey);
}

const georadius = (ctx: Ctx, argv: Argv) => search(ctx, argv, 1, BY_COORDS);
const georadiusRo = (ctx: Ctx, argv: Argv) => search(ctx, argv, 1, BY_COORDS | NO_STORE);
const georadiusbymember = (ctx: Ctx, argv: Argv) => search(ctx, argv, 1, BY_MEMBER);
const georadiusbymemberRo = (ctx: Ctx, argv: Argv) => search(ctx, argv, 1, BY_MEMBER | NO_STORE);
const geosearch = (ctx: Ctx, argv: Argv) => search(ctx, argv, 1, SEARCH);
const geosearchstore = (ctx: Ctx, argv: Argv) => search(ctx, argv, 2, SEARCH | SEARCH_STORE);

const storeKeys = (from: number) => [
  key(1),
  { keyword: 'STORE', startfrom: from, last: 0, step: 1 },
  { keyword: 'STOREDIST', startfrom: from, last: 0, step: 1 },
];

export const geoCommands: CommandDef[] = [
  command('geoadd', -5, 'write denyoom', [key(1)], geoadd),
  command('geodist', -4, 'readonly', [key(1)], geodist),
  command('geohash', -2, 'readonly', [key(1)], geohash),
  command('geopos', -2, 'readonly', [key(1)], geopos),
  command('georadius', -6, 'write denyoom', storeKeys(6), georadius),
  command('georadius_ro', -6, 'readonly', [key(1)], georadiusRo),
  command('georadiusbymember', -5, 'write denyoom', storeKeys(5), georadiusbymember),
  command('georadiusbymember_ro', -5, 'readonly', [key(1)], georadiusbymemberRo),
  command('geosearch', -7, 'readonly', [key(1)], geosearch),
  command('geosearchstore', -8, 'write denyoom', [key(1), key(2)], geosearchstore),
];
