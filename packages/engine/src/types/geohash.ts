/**
 * The geohash arithmetic behind the GEO commands, replicating Redis's geohash.c, geohash_helper.c and the
 * decoding in geo.c operation for operation, because replies are compared to Redis digit for digit: a
 * point is stored as the 52-bit interleaving of its latitude (even bits) and longitude (odd bits) cell
 * indexes, the zset score, and read back as the centre of its cell. Bits are BigInts where Redis uses
 * uint64_t so wrap-around and the edge overflows (a latitude at the limit indexes one cell past the grid)
 * come out as in C.
 */

export const STEP_MAX = 26;
export const LONG_MIN = -180;
export const LONG_MAX = 180;
export const LAT_MIN = -85.05112878;
export const LAT_MAX = 85.05112878;
export const EARTH_RADIUS = 6372797.560856;
const MERCATOR_MAX = 20037726.37;
const D_R = Math.PI / 180.0;

export interface Range {
  min: number;
  max: number;
}
/** A cell: its index bits at `step` bits per axis. Step 0 stands for "no cell" (GZERO). */
export interface Bits {
  bits: bigint;
  step: number;
}
export interface Area {
  lon: Range;
  lat: Range;
}

export const LONG_RANGE: Range = { min: LONG_MIN, max: LONG_MAX };
export const LAT_RANGE: Range = { min: LAT_MIN, max: LAT_MAX };

const U64 = (x: bigint) => BigInt.asUintN(64, x);
const EVEN = 0x5555555555555555n;
const ODD = 0xaaaaaaaaaaaaaaaan;

/** Spreads the 32 bits of `x` to the even positions of a 64-bit word. */
function spread(x: bigint): bigint {
  let v = x & 0xffffffffn;
  v = (v | (v << 16n)) & 0x0000ffff0000ffffn;
  v = (v | (v << 8n)) & 0x00ff00ff00ff00ffn;
  v = (v | (v << 4n)) & 0x0f0f0f0f0f0f0f0fn;
  v = (v | (v << 2n)) & 0x3333333333333333n;
  v = (v | (v << 1n)) & EVEN;
  return v;
}

/** The inverse of `spread`: the even bits of `x` packed into 32. */
function squash(x: bigint): bigint {
  let v = x & EVEN;
  v = (v | (v >> 1n)) & 0x3333333333333333n;
  v = (v | (v >> 2n)) & 0x0f0f0f0f0f0f0f0fn;
  v = (v | (v >> 4n)) & 0x00ff00ff00ff00ffn;
  v = (v | (v >> 8n)) & 0x0000ffff0000ffffn;
  v = (v | (v >> 16n)) & 0x00000000ffffffffn;
  return v;
}

/** C's (uint32_t) cast of a non-negative double below 2^32. */
const toU32 = (x: number) => BigInt(Math.trunc(x)) & 0xffffffffn;

/** geohashEncode: null where Redis returns 0 (outside the WGS84 limits or the given ranges). */
export function encode(lonRange: Range, latRange: Range, lon: number, lat: number, step: number): Bits | null {
  if (lon > 180 || lon < -180 || lat > LAT_MAX || lat < LAT_MIN) return null;
  if (lat < latRange.min || lat > latRange.max || lon < lonRange.min || lon > lonRange.max) return null;
  let latOffset = (lat - latRange.min) / (latRange.max - latRange.min);
  let lonOffset = (lon - lonRange.min) / (lonRange.max - lonRange.min);
  latOffset *= 2 ** step;
  lonOffset *= 2 ** step;
  return { bits: spread(toU32(latOffset)) | (spread(toU32(lonOffset)) << 1n), step };
}

/** The 52-bit score of a point (geohashEncodeWGS84 at full precision, then geohashAlign52Bits). */
export function scoreOf(lon: number, lat: number): number {
  const hash = encode(LONG_RANGE, LAT_RANGE, lon, lat, STEP_MAX) as Bits;
  return Number(align52(hash));
}

export const align52 = (hash: Bits): bigint => U64(hash.bits << BigInt(52 - hash.step * 2));

/** geohashDecode: the cell's bounds. */
export function decodeArea(lonRange: Range, latRange: Range, hash: Bits): Area {
  const scale = 2 ** hash.step;
  const ilat = Number(squash(hash.bits));
  const ilon = Number(squash(hash.bits >> 1n));
  const latScale = latRange.max - latRange.min;
  const lonScale = lonRange.max - lonRange.min;
  return {
    lat: {
      min: latRange.min + ((ilat * 1.0) / scale) * latScale,
      max: latRange.min + ((((ilat + 1) >>> 0) * 1.0) / scale) * latScale,
    },
    lon: {
      min: lonRange.min + ((ilon * 1.0) / scale) * lonScale,
      max: lonRange.min + ((((ilon + 1) >>> 0) * 1.0) / scale) * lonScale,
    },
  };
}

/** C's (uint64_t) conversion of a double as x86-64 code does it, for scores no GEOADD wrote. */
function doubleToU64(x: number): bigint {
  const TWO63 = 2 ** 63;
  if (x >= TWO63) return x - TWO63 >= TWO63 ? 0n : U64(BigInt(x - TWO63) ^ (1n << 63n));
  if (!(x > -TWO63 - 1) || Number.isNaN(x)) return 1n << 63n;
  return U64(BigInt(Math.trunc(x)));
}

/** `squash` on a 32-bit number: its 16 even bits, packed. */
function squash32(x: number): number {
  let v = x & 0x55555555;
  v = (v | (v >>> 1)) & 0x33333333;
  v = (v | (v >>> 2)) & 0x0f0f0f0f;
  v = (v | (v >>> 4)) & 0x00ff00ff;
  return (v | (v >>> 8)) & 0x0000ffff;
}

const TWO32 = 2 ** 32;
const TWO52 = 2 ** 52;
const SCALE_MAX = 2 ** STEP_MAX;

/** decodeGeohash: a score's cell centre as [longitude, latitude], clamped to the limits. */
export function decodeScore(score: number): [number, number] {
  let lonMin: number;
  let lonMax: number;
  let latMin: number;
  let latMax: number;
  if (Number.isInteger(score) && score >= 0 && score < TWO52) {
    // Every score GEOADD writes: 52 bits, exact in a double, de-interleaved as two 32-bit halves without
    // BigInt (a search decodes every candidate). Same arithmetic as decodeArea at STEP_MAX.
    const lo = score >>> 0;
    const hi = Math.floor(score / TWO32);
    const ilat = squash32(lo) + squash32(hi) * 65536;
    const ilon = squash32(lo >>> 1) + squash32(hi >>> 1) * 65536;
    const latScale = LAT_MAX - LAT_MIN;
    const lonScale = LONG_MAX - LONG_MIN;
    latMin = LAT_MIN + (ilat / SCALE_MAX) * latScale;
    latMax = LAT_MIN + ((ilat + 1) / SCALE_MAX) * latScale;
    lonMin = LONG_MIN + (ilon / SCALE_MAX) * lonScale;
    lonMax = LONG_MIN + ((ilon + 1) / SCALE_MAX) * lonScale;
  } else {
    const area = decodeArea(LONG_RANGE, LAT_RANGE, { bits: doubleToU64(score), step: STEP_MAX });
    lonMin = area.lon.min;
    lonMax = area.lon.max;
    latMin = area.lat.min;
    latMax = area.lat.max;
  }
  let lon = (lonMin + lonMax) / 2;
  if (lon > LONG_MAX) lon = LONG_MAX;
  if (lon < LONG_MIN) lon = LONG_MIN;
  let lat = (latMin + latMax) / 2;
  if (lat > LAT_MAX) lat = LAT_MAX;
  if (lat < LAT_MIN) lat = LAT_MIN;
  return [lon, lat];
}

const GEOALPHABET = '0123456789bcdefghjkmnpqrstuvwxyz';

/** GEOHASH's text: the point re-encoded over latitude ±90 (the standard geohash), 11 characters. */
export function standardGeohash(score: number): string {
  const [lon, lat] = decodeScore(score);
  const hash = encode({ min: -180, max: 180 }, { min: -90, max: 90 }, lon, lat, STEP_MAX);
  const bits = hash === null ? 0n : hash.bits;
  let out = '';
  for (let i = 0; i < 11; i++) {
    // 52 bits make ten characters and two bits; Redis pads the eleventh as zero.
    const idx = i === 10 ? 0 : Number((bits >> BigInt(52 - (i + 1) * 5)) & 0x1fn);
    out += GEOALPHABET[idx];
  }
  return out;
}

const degRad = (a: number) => a * D_R;
const radDeg = (a: number) => a / D_R;

export function latDistance(lat1: number, lat2: number): number {
  return EARTH_RADIUS * Math.abs(degRad(lat2) - degRad(lat1));
}

/** Haversine distance in meters (geohashGetDistance). */
export function distance(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const lon1r = degRad(lon1);
  const lon2r = degRad(lon2);
  const v = Math.sin((lon2r - lon1r) / 2);
  if (v === 0.0) return latDistance(lat1, lat2);
  const lat1r = degRad(lat1);
  const lat2r = degRad(lat2);
  const u = Math.sin((lat2r - lat1r) / 2);
  const a = u * u + Math.cos(lat1r) * Math.cos(lat2r) * v * v;
  return 2.0 * EARTH_RADIUS * Math.asin(Math.sqrt(a));
}

/** A search area: a circle or a box (sizes in the request's unit, `conversion` meters per unit). */
export interface Shape {
  lon: number;
  lat: number;
  conversion: number;
  radius: number;
  width: number;
  height: number;
  /** A BYBOX search (width × height) rather than a circle (radius). */
  box: boolean;
}

/** The distance of a point from the centre when it is inside the shape, else null (geoAppendIfWithinShape). */
export function distanceIfWithin(shape: Shape, lon: number, lat: number): number | null {
  if (!shape.box) {
    const d = distance(shape.lon, shape.lat, lon, lat);
    return d > shape.radius * shape.conversion ? null : d;
  }
  const width = shape.width * shape.conversion;
  const height = shape.height * shape.conversion;
  if (latDistance(lat, shape.lat) > height / 2) return null;
  if (distance(lon, lat, shape.lon, lat) > width / 2) return null;
  return distance(shape.lon, shape.lat, lon, lat);
}

function stepsByRadius(rangeMeters: number, lat: number): number {
  if (rangeMeters === 0) return 26;
  let step = 1;
  let range = rangeMeters;
  while (range < MERCATOR_MAX) {
    range *= 2;
    step++;
  }
  step -= 2;
  // Cells narrow towards the poles.
  if (lat > 66 || lat < -66) {
    step--;
    if (lat > 80 || lat < -80) step--;
  }
  if (step < 1) step = 1;
  if (step > 26) step = 26;
  return step;
}

function boundingBox(shape: Shape): [number, number, number, number] {
  const { lon, lat } = shape;
  const height = shape.conversion * (shape.box ? shape.height / 2 : shape.radius);
  const width = shape.conversion * (shape.box ? shape.width / 2 : shape.radius);
  const latDelta = radDeg(height / EARTH_RADIUS);
  const lonDeltaTop = radDeg(width / EARTH_RADIUS / Math.cos(degRad(lat + latDelta)));
  const lonDeltaBottom = radDeg(width / EARTH_RADIUS / Math.cos(degRad(lat - latDelta)));
  const south = lat < 0;
  return [
    south ? lon - lonDeltaBottom : lon - lonDeltaTop,
    lat - latDelta,
    south ? lon + lonDeltaBottom : lon + lonDeltaTop,
    lat + latDelta,
  ];
}

function moveX(hash: Bits, d: number): Bits {
  if (d === 0) return hash;
  let x = hash.bits & ODD;
  const y = hash.bits & EVEN;
  const zz = EVEN >> BigInt(64 - hash.step * 2);
  if (d > 0) x = U64(x + (zz + 1n));
  else x = U64((x | zz) - (zz + 1n));
  x &= ODD >> BigInt(64 - hash.step * 2);
  return { bits: x | y, step: hash.step };
}

function moveY(hash: Bits, d: number): Bits {
  if (d === 0) return hash;
  const x = hash.bits & ODD;
  let y = hash.bits & EVEN;
  const zz = ODD >> BigInt(64 - hash.step * 2);
  if (d > 0) y = U64(y + (zz + 1n));
  else y = U64((y | zz) - (zz + 1n));
  y &= EVEN >> BigInt(64 - hash.step * 2);
  return { bits: x | y, step: hash.step };
}

const ZERO: Bits = { bits: 0n, step: 0 };
const move = (h: Bits, dx: number, dy: number) => moveY(moveX(h, dx), dy);

/**
 * The cells to scan for a shape, in Redis's order (own cell, N, S, E, W, NE, NW, SE, SW), ZERO for the
 * neighbours it proves useless (geohashCalculateAreasByShapeWGS84 then membersOfAllNeighbors' list).
 */
export function searchCells(shape: Shape): Bits[] {
  const [minLon, minLat, maxLon, maxLat] = boundingBox(shape);
  const radiusMeters =
    (shape.box
      ? Math.sqrt((shape.width / 2) * (shape.width / 2) + (shape.height / 2) * (shape.height / 2))
      : shape.radius) * shape.conversion;
  let steps = stepsByRadius(radiusMeters, shape.lat);
  let hash = encode(LONG_RANGE, LAT_RANGE, shape.lon, shape.lat, steps) as Bits;
  const north = decodeArea(LONG_RANGE, LAT_RANGE, move(hash, 0, 1));
  const south = decodeArea(LONG_RANGE, LAT_RANGE, move(hash, 0, -1));
  const east = decodeArea(LONG_RANGE, LAT_RANGE, move(hash, 1, 0));
  const west = decodeArea(LONG_RANGE, LAT_RANGE, move(hash, -1, 0));
  // A step estimated too coarse near the edge of the area leaves part of the shape uncovered.
  const decrease = north.lat.max < maxLat || south.lat.min > minLat || east.lon.max < maxLon || west.lon.min > minLon;
  if (steps > 1 && decrease) {
    steps--;
    hash = encode(LONG_RANGE, LAT_RANGE, shape.lon, shape.lat, steps) as Bits;
  }
  const area = decodeArea(LONG_RANGE, LAT_RANGE, hash);
  const cells = [
    hash,
    move(hash, 0, 1),
    move(hash, 0, -1),
    move(hash, 1, 0),
    move(hash, -1, 0),
    move(hash, 1, 1),
    move(hash, -1, 1),
    move(hash, 1, -1),
    move(hash, -1, -1),
  ];
  if (steps >= 2) {
    const drop = (...i: number[]) => {
      for (const j of i) cells[j] = ZERO;
    };
    if (area.lat.min < minLat) drop(2, 8, 7);
    if (area.lat.max > maxLat) drop(1, 5, 6);
    if (area.lon.min < minLon) drop(4, 8, 6);
    if (area.lon.max > maxLon) drop(3, 7, 5);
  }
  return cells;
}

/** The score interval [min, max) a cell covers (scoresOfGeoHashBox). */
export function cellScores(hash: Bits): [number, number] {
  return [Number(align52(hash)), Number(align52({ bits: hash.bits + 1n, step: hash.step }))];
}

/**
 * printf's `%.<digits>f` of a double: the exact binary value rounded half-to-even, as glibc does
 * (Number#toFixed rounds ties up and switches to exponent form past 1e21).
 */
export function fixed(x: number, digits: number): string {
  if (Number.isNaN(x)) return x < 0 ? '-nan' : 'nan';
  if (!Number.isFinite(x)) return x < 0 ? '-inf' : 'inf';
  // toFixed is exact too and only rounds a tie differently (away from zero). x·10^digits can end in exactly
  // .5 only when x's last binary fraction digit is at 2^-(digits+1); every other x takes the fast path.
  if (Math.abs(x) < 1e21 && digits <= 20) {
    const tie = Number.isInteger(x * 2 ** (digits + 1)) && !Number.isInteger(x * 2 ** digits);
    // toFixed prints -0 unsigned; printf keeps the sign.
    if (!tie) return Object.is(x, -0) ? `-${x.toFixed(digits)}` : x.toFixed(digits);
  }
  return exactFixed(x, digits);
}

/** `fixed` by exact BigInt arithmetic on the double's bits, ties to even; for finite x. */
export function exactFixed(x: number, digits: number): string {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const neg = view.getUint32(0) >>> 31 === 1;
  const biased = (view.getUint32(0) >>> 20) & 0x7ff;
  let mant = (BigInt(view.getUint32(0) & 0xfffff) << 32n) | BigInt(view.getUint32(4));
  let exp: number;
  if (biased === 0) exp = -1074;
  else {
    mant |= 1n << 52n;
    exp = biased - 1075;
  }
  const scale = 10n ** BigInt(digits);
  let q: bigint;
  if (exp >= 0) q = (mant << BigInt(exp)) * scale;
  else {
    const shift = BigInt(-exp);
    const scaled = mant * scale;
    q = scaled >> shift;
    const rest = scaled - (q << shift);
    const half = 1n << (shift - 1n);
    if (rest > half || (rest === half && (q & 1n) === 1n)) q++;
  }
  const int = (q / scale).toString();
  const sign = neg ? '-' : '';
  if (digits === 0) return sign + int;
  return `${sign}${int}.${(q % scale).toString().padStart(digits, '0')}`;
}

/** `%.17Lf` of a double widened to long double, trailing zeros trimmed (addReplyHumanLongDouble). */
export function humanCoordinate(x: number): string {
  let text = fixed(x, 17);
  if (text.includes('.')) text = text.replace(/0+$/, '').replace(/\.$/, '');
  return text === '-0' ? '0' : text;
}
