/**
 * A value as a DUMP payload body: one RDB type byte, then the value in RDB's plain encodings (strings and
 * lengths from ./string.ts, zset scores as little-endian doubles). These are the encodings Redis itself
 * can read, and Redis payloads of the same plain forms load here; Redis's compact forms (listpack,
 * quicklist, intset, ziplist) are refused, as is any malformed, empty or duplicate-holding body.
 */
import { string2d } from '../strtod.ts';
import { Hash } from '../types/hash.ts';
import type { RedisType, TypeMap } from '../types/index.ts';
import { List } from '../types/list.ts';
import { RSet } from '../types/set.ts';
import { ZSet } from '../types/zset.ts';
import { framePayload, unframePayload } from './payload.ts';
import { RdbReader, writeLength, writeString } from './string.ts';

/** RDB object type numbers (rdb.h). */
export const RDB_TYPE = { string: 0, list: 1, set: 2, zset: 3, hash: 4, zset2: 5 } as const;

export interface Decoded<T extends RedisType = RedisType> {
  type: T;
  value: TypeMap[T];
}

interface Codec<T extends RedisType> {
  /** The type byte written (reading may accept others, see DECODERS). */
  typeByte: number;
  encode(value: TypeMap[T]): string;
}

/** Encoders by type; `value.test.ts` fails for a type without one. */
export const CODECS: { [T in RedisType]: Codec<T> } = {
  string: { typeByte: RDB_TYPE.string, encode: (s) => writeString(s) },
  list: {
    typeByte: RDB_TYPE.list,
    encode: (list) => {
      let out = writeLength(list.size);
      for (const item of list.values()) out += writeString(item);
      return out;
    },
  },
  set: {
    typeByte: RDB_TYPE.set,
    encode: (set) => {
      let out = writeLength(set.size);
      for (const m of set.values()) out += writeString(m);
      return out;
    },
  },
  hash: {
    typeByte: RDB_TYPE.hash,
    encode: (hash) => {
      let out = writeLength(hash.size);
      hash.forEach((v, f) => {
        out += writeString(f) + writeString(v);
      });
      return out;
    },
  },
  zset: {
    typeByte: RDB_TYPE.zset2,
    encode: (zset) => {
      let out = writeLength(zset.size);
      for (let node = zset.first, i = 0; i < zset.size; i++, node = zset.next(node)) {
        out += writeString(zset.member(node)) + writeDouble(zset.scoreOf(node));
      }
      return out;
    },
  },
};

const F64 = new Float64Array(1);
const F64_BYTES = new Uint8Array(F64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function writeDouble(d: number): string {
  F64[0] = d;
  let out = '';
  for (let i = 0; i < 8; i++) out += String.fromCharCode(F64_BYTES[LITTLE_ENDIAN ? i : 7 - i] as number);
  return out;
}

function readDouble(r: RdbReader): number | null {
  const raw = r.take(8);
  if (raw === null) return null;
  for (let i = 0; i < 8; i++) F64_BYTES[LITTLE_ENDIAN ? i : 7 - i] = raw.charCodeAt(i);
  return F64[0] as number;
}

/** RDB_TYPE_ZSET's score: a length byte (253 NaN, 254 +inf, 255 -inf) then that many ASCII digits. */
function readTextDouble(r: RdbReader): number | null {
  const len = r.byte();
  if (len === null || len === 253) return null;
  if (len === 254) return Number.POSITIVE_INFINITY;
  if (len === 255) return Number.NEGATIVE_INFINITY;
  const text = r.take(len);
  return text === null ? null : string2d(text);
}

/** A collection's element count; the special string encodings are not counts. */
function count(r: RdbReader): number | null {
  const n = r.length();
  return typeof n === 'number' && n > 0 ? n : null;
}

function readList(r: RdbReader): List | null {
  const n = count(r);
  if (n === null) return null;
  const list = new List();
  for (let i = 0; i < n; i++) {
    const s = r.string();
    if (s === null) return null;
    list.pushBack(s);
  }
  return list;
}

function readSet(r: RdbReader): RSet | null {
  const n = count(r);
  if (n === null) return null;
  const set = new RSet();
  for (let i = 0; i < n; i++) {
    const s = r.string();
    if (s === null || !set.add(s)) return null;
  }
  return set;
}

function readHash(r: RdbReader): Hash | null {
  const n = count(r);
  if (n === null) return null;
  const hash = new Hash();
  for (let i = 0; i < n; i++) {
    const f = r.string();
    const v = f === null ? null : r.string();
    if (f === null || v === null || !hash.set(f, v)) return null;
  }
  return hash;
}

function readZSet(r: RdbReader, score: (r: RdbReader) => number | null): ZSet | null {
  const n = count(r);
  if (n === null) return null;
  const zset = new ZSet();
  for (let i = 0; i < n; i++) {
    const m = r.string();
    const s = m === null ? null : score(r);
    if (m === null || s === null || Number.isNaN(s) || zset.get(m) !== undefined) return null;
    zset.insert(m, s);
  }
  return zset;
}

/** Readers by RDB type byte: ours, plus RDB_TYPE_ZSET, which older Redis wrote. */
const DECODERS: Record<number, (r: RdbReader) => Decoded | null> = {
  [RDB_TYPE.string]: (r) => wrap('string', r.string()),
  [RDB_TYPE.list]: (r) => wrap('list', readList(r)),
  [RDB_TYPE.set]: (r) => wrap('set', readSet(r)),
  [RDB_TYPE.hash]: (r) => wrap('hash', readHash(r)),
  [RDB_TYPE.zset]: (r) => wrap('zset', readZSet(r, readTextDouble)),
  [RDB_TYPE.zset2]: (r) => wrap('zset', readZSet(r, readDouble)),
};

function wrap<T extends RedisType>(type: T, value: TypeMap[T] | null): Decoded | null {
  return value === null ? null : ({ type, value } as Decoded);
}

/** The DUMP payload of a value: type byte, body, version, CRC-64. */
export function dumpValue<T extends RedisType>(type: T, value: TypeMap[T]): string {
  const codec = CODECS[type] as Codec<T>;
  return framePayload(String.fromCharCode(codec.typeByte) + codec.encode(value));
}

/**
 * The value in a payload: 'frame' when the version or checksum is wrong, 'data' when the body cannot be
 * read (unknown type, compact encoding, truncation, trailing bytes, empty or duplicate elements).
 */
export function restoreValue(payload: string): Decoded | 'frame' | 'data' {
  const body = unframePayload(payload);
  if (body === null) return 'frame';
  const r = new RdbReader(body);
  const typeByte = r.byte();
  const decode = typeByte === null ? undefined : DECODERS[typeByte];
  const decoded = decode === undefined ? null : decode(r);
  return decoded === null || !r.done ? 'data' : decoded;
}
