/**
 * A value as a DUMP payload body: one RDB type byte, then the value in RDB's plain encodings (strings and
 * lengths from ./string.ts, zset scores as little-endian doubles). These are the encodings Redis itself
 * can read, and Redis payloads of the same plain forms load here; Redis's compact forms (listpack,
 * quicklist, intset, ziplist) are refused, as is any malformed, empty or duplicate-holding body.
 */
import { serialize } from '../commands/json/format.ts';
import { parseJson } from '../commands/json/parse.ts';
import { string2d } from '../strtod.ts';
import { Hash } from '../types/hash.ts';
import type { RedisType, TypeMap } from '../types/index.ts';
import { JsonDoc } from '../types/json.ts';
import { List } from '../types/list.ts';
import { RSet } from '../types/set.ts';
import { ZSet } from '../types/zset.ts';
import { framePayload, unframePayload } from './payload.ts';
import { decodeStream, encodeStream, RDB_TYPE_STREAM } from './stream-codec.ts';
import { RdbReader, writeLength, writeString } from './string.ts';

/** RDB object type numbers (rdb.h). */
export const RDB_TYPE = {
  string: 0,
  list: 1,
  set: 2,
  zset: 3,
  hash: 4,
  zset2: 5,
  hashMetadata: 24,
  module2: 7,
} as const;

export interface Decoded<T extends RedisType = RedisType> {
  type: T;
  value: TypeMap[T];
}

interface Codec<T extends RedisType> {
  /** The type byte written (reading may accept others, see DECODERS). */
  typeByte: number;
  /** The type byte for this particular value, when a type has more than one form (a hash with field TTLs). */
  typeByteOf?: (value: TypeMap[T]) => number;
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
    // Redis's RDB_TYPE_HASH_METADATA number, with our own plain body: count, then field, value and the
    // field's expiry in ms as an RDB length (0: none) for each field. Plain hashes keep RDB_TYPE_HASH.
    typeByteOf: (hash) => (hash.hasFieldTtl ? RDB_TYPE.hashMetadata : RDB_TYPE.hash),
    encode: (hash) => {
      let out = writeLength(hash.size);
      const ttl = hash.hasFieldTtl;
      hash.forEach((v, f) => {
        out += writeString(f) + writeString(v);
        if (ttl) out += writeLength(hash.expireAt(f));
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
  // RDB_TYPE_MODULE_2's number with our own body: the document as compact JSON text. (Redis frames a
  // module value with its module id, so neither side loads the other's JSON payloads.)
  'ReJSON-RL': { typeByte: RDB_TYPE.module2, encode: (doc) => writeString(serialize(doc.root)) },
  stream: { typeByte: RDB_TYPE_STREAM, encode: encodeStream },
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

/**
 * RDB_TYPE_HASH_METADATA in our form (see CODECS.hash). TTLs go on last to first, which rebuilds a small
 * hash's listpackex order (a field given a TTL goes before those with the same one).
 */
function readHashWithTtl(r: RdbReader): Hash | null {
  const n = count(r);
  if (n === null) return null;
  const hash = new Hash();
  const ttls: [string, number][] = [];
  for (let i = 0; i < n; i++) {
    const f = r.string();
    const v = f === null ? null : r.string();
    const at = v === null ? null : r.length();
    if (f === null || v === null || typeof at !== 'number' || !hash.set(f, v)) return null;
    if (at !== 0) ttls.push([f, at]);
  }
  for (let i = ttls.length - 1; i >= 0; i--) hash.setExpireAt(...(ttls[i] as [string, number]));
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
  [RDB_TYPE.hashMetadata]: (r) => wrap('hash', readHashWithTtl(r)),
  [RDB_TYPE.zset]: (r) => wrap('zset', readZSet(r, readTextDouble)),
  [RDB_TYPE.zset2]: (r) => wrap('zset', readZSet(r, readDouble)),
  [RDB_TYPE.module2]: (r) => wrap('ReJSON-RL', readJson(r)),
  [RDB_TYPE_STREAM]: (r) => wrap('stream', decodeStream(r)),
};

function readJson(r: RdbReader): JsonDoc | null {
  const text = r.string();
  if (text === null) return null;
  try {
    return new JsonDoc(parseJson(text));
  } catch {
    return null;
  }
}

function wrap<T extends RedisType>(type: T, value: TypeMap[T] | null): Decoded | null {
  return value === null ? null : ({ type, value } as Decoded);
}

/** The DUMP payload of a value: type byte, body, version, CRC-64. */
export function dumpValue<T extends RedisType>(type: T, value: TypeMap[T]): string {
  const codec = CODECS[type] as Codec<T>;
  const typeByte = codec.typeByteOf?.(value) ?? codec.typeByte;
  return framePayload(String.fromCharCode(typeByte) + codec.encode(value));
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
