import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serialize } from '../commands/json/format.ts';
import { parseJson } from '../commands/json/parse.ts';
import { EMITTERS } from '../keyspace/rewrite.ts';
import { Hash } from '../types/hash.ts';
import type { RedisType, TypeMap } from '../types/index.ts';
import { JsonDoc } from '../types/json.ts';
import { List } from '../types/list.ts';
import { RSet } from '../types/set.ts';
import { Stream } from '../types/stream.ts';
import { makeId } from '../types/stream-id.ts';
import { ZSet } from '../types/zset.ts';
import { framePayload, RDB_VERSION, unframePayload } from './payload.ts';
import { encodeStream } from './stream-codec.ts';
import { writeLength, writeString } from './string.ts';
import { CODECS, type Decoded, dumpValue, RDB_TYPE, restoreValue } from './value.ts';

const BIN = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join('');

/** A comparable plain form of any value: insertion order for lists, sorted for the unordered types. */
function plain(d: Decoded | { type: RedisType; value: TypeMap[RedisType] }): unknown {
  const v = d.value;
  if (typeof v === 'string') return v;
  if (v instanceof JsonDoc) return serialize(v.root);
  if (v instanceof List) return [...v.values()];
  if (v instanceof Stream) return encodeStream(v);
  if (v instanceof RSet) return [...v.values()].sort();
  if (v instanceof Hash) {
    const out: [string, string][] = [];
    v.forEach((val, f) => {
      out.push([f, val]);
    });
    return out.sort((a, b) => (a[0] < b[0] ? -1 : 1));
  }
  const z = v as ZSet;
  const out: [string, number][] = [];
  for (let n = z.first, i = 0; i < z.size; i++, n = z.next(n)) out.push([z.member(n), z.scoreOf(n)]);
  return out;
}

const list = (items: string[]) => {
  const l = new List();
  for (const s of items) l.pushBack(s);
  return l;
};
const set = (items: string[]) => {
  const s = new RSet();
  for (const m of items) s.add(m);
  return s;
};
const hash = (pairs: [string, string][]) => {
  const h = new Hash();
  for (const [f, v] of pairs) h.set(f, v);
  return h;
};
const zset = (pairs: [string, number][]) => {
  const z = new ZSet();
  for (const [m, s] of pairs) z.insert(m, s);
  return z;
};
const many = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i));

/** Samples by type: a type with no codec has no entry here either, and the typed table will not compile. */
const SAMPLES: { [T in RedisType]: TypeMap[T][] } = {
  'ReJSON-RL': [
    new JsonDoc(parseJson('1')),
    new JsonDoc(parseJson('{"a":[1,2.5,1.0,-0.0,"\\u00e9\\n",null,true],"big":18446744073709551615}')),
    new JsonDoc(parseJson(`[${many(5_000, (i) => `{"k${i}":${i}}`).join(',')}]`)),
  ],
  string: ['', 'x', BIN, '12345', '-1', 'a'.repeat(70_000)],
  list: [list(['a']), list(['', BIN, 'a', 'a']), list(many(20_000, (i) => `e${i}`))],
  set: [set(['a']), set([BIN, '', '1', '2']), set(many(20_000, (i) => `m${i}`))],
  hash: [
    hash([['f', 'v']]),
    hash([
      [BIN, ''],
      ['', BIN],
    ]),
    hash(many(5_000, (i) => `f${i}`).map((f) => [f, BIN])),
  ],
  zset: [
    zset([['a', 1]]),
    zset([
      ['ninf', Number.NEGATIVE_INFINITY],
      ['pinf', Number.POSITIVE_INFINITY],
      ['negzero', -0],
      ['zero', 0],
      [BIN, 1.1],
      ['tiny', 5e-324],
      ['big', 1.7976931348623157e308],
    ]),
    zset(many(5_000, (i) => `z${i}`).map((m, i) => [m, i / 7])),
  ],
  stream: [new Stream(), streamSample()],
};

/** Entries with binary fields and an ID past 2^53, a group with a pending entry and an idle consumer. */
function streamSample(): Stream {
  const s = new Stream();
  s.append(makeId(1, 0), ['f', BIN]);
  s.append(makeId(2n ** 60n, 5), [BIN, '', 'g', 'h']);
  s.maxDeletedId = makeId(1, 1);
  const g = s.createGroup('g', makeId(1, 0), 1);
  if (g !== null) {
    const c = s.createConsumer(g, 'alice', 1000);
    s.createConsumer(g, BIN, 2000);
    if (c !== null) s.assign(g, makeId(1, 0), c, 1500, 3);
  }
  return s;
}

test('every type has a codec (the same types the snapshot rewriter knows)', () => {
  assert.deepEqual(Object.keys(CODECS).sort(), Object.keys(EMITTERS).sort());
  assert.deepEqual(Object.keys(SAMPLES).sort(), Object.keys(EMITTERS).sort());
});

test('every type round-trips: binary values, big collections, infinities and -0', () => {
  for (const type of Object.keys(SAMPLES) as RedisType[]) {
    for (const value of SAMPLES[type]) {
      const back = restoreValue(dumpValue(type, value));
      assert.ok(typeof back === 'object', `${type} did not restore`);
      assert.equal(back.type, type);
      assert.deepEqual(plain(back), plain({ type, value }));
    }
  }
  const z = restoreValue(dumpValue('zset', SAMPLES.zset[1] as ZSet));
  assert.ok(typeof z === 'object');
  assert.ok(Object.is((z.value as ZSet).score('negzero'), -0));
  assert.ok(Object.is((z.value as ZSet).score('zero'), 0));
});

test('the payload is Redis-shaped: type byte, body, RDB_VERSION, CRC-64', () => {
  const p = dumpValue('string', 'hi');
  assert.equal(p.slice(0, 4), '\x00\x02hi');
  assert.equal(p.charCodeAt(4) | (p.charCodeAt(5) << 8), RDB_VERSION);
  assert.equal(p.length, 4 + 10);
  assert.equal(dumpValue('zset', zset([['a', 1]])).charCodeAt(0), RDB_TYPE.zset2);
  // The sample below is Redis 7.0's own DUMP of SET k hello (type 0, RDB version 10).
  assert.deepEqual(restoreValue('\x00\x05hello\x0a\x00cr\xdfve4 \x0a'), {
    type: 'string',
    value: 'hello',
  });
});

test('every single-byte change of a payload is refused, never read as some other value', () => {
  for (const type of Object.keys(SAMPLES) as RedisType[]) {
    const payload = dumpValue(type, SAMPLES[type][1] as never);
    for (let i = 0; i < payload.length; i++) {
      for (const mask of [0x01, 0x80, 0xff]) {
        const bad = payload.slice(0, i) + String.fromCharCode(payload.charCodeAt(i) ^ mask) + payload.slice(i + 1);
        assert.equal(restoreValue(bad), 'frame', `${type}: byte ${i} ^ ${mask}`);
      }
    }
    for (let cut = 0; cut < payload.length; cut++) assert.equal(restoreValue(payload.slice(0, cut)), 'frame');
  }
});

test('a well-framed but malformed body is Bad data format, whatever its bytes', () => {
  const body = (s: string) => framePayload(s);
  const bad = [
    '', // no type byte
    '\x07\x01a', // unknown type
    '\x0e\x01\x00', // quicklist: a compact encoding we do not read
    '\x0b\x00', // intset
    '\x00\x05hel', // truncated string
    '\x00\x01ab', // trailing byte
    '\x01\x00', // empty list
    `\x02\x02${writeString('a')}${writeString('a')}`, // duplicate set member
    `\x04\x02${writeString('f')}${writeString('1')}${writeString('f')}${writeString('2')}`, // duplicate field
    `\x05\x01${writeString('m')}\x00\x00\x00\x00\x00\x00\xf8\x7f`, // NaN score
    `\x03\x01${writeString('m')}\xfd`, // NaN score, text form
    '\x00\xc3\x05\x7f\x00', // LZF claiming 127 bytes from almost nothing
    '\x00\xc3\x01\x80\xff\xff\xff\xff\x00', // LZF claiming 4 GB
    '\x00\xc5', // unknown special string encoding
    `\x01${writeLength(2 ** 40)}${writeString('a')}`, // a count far beyond the bytes
  ];
  for (const b of bad) assert.equal(restoreValue(body(b)), 'data', JSON.stringify(b));
  // Random corruptions of valid bodies, re-framed so the checksum passes: an answer, never a throw.
  let seed = 7;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x80000000;
  };
  for (const type of Object.keys(SAMPLES) as RedisType[]) {
    const inner = unframePayload(dumpValue(type, SAMPLES[type][1] as never)) as string;
    for (let k = 0; k < 300; k++) {
      const i = Math.floor(rand() * inner.length);
      const mutated = inner.slice(0, i) + String.fromCharCode(Math.floor(rand() * 256)) + inner.slice(i + 1);
      const r = restoreValue(body(mutated));
      assert.ok(r === 'data' || typeof r === 'object');
    }
  }
});

test("Redis's other plain forms load: RDB_TYPE_ZSET text scores, integer and LZF strings", () => {
  const z = restoreValue(
    framePayload(`\x03\x03${writeString('a')}\x031.5${writeString('b')}\xfe${writeString('c')}\xff`),
  );
  assert.ok(typeof z === 'object');
  assert.deepEqual(plain(z), [
    ['c', Number.NEGATIVE_INFINITY],
    ['a', 1.5],
    ['b', Number.POSITIVE_INFINITY],
  ]);
  assert.deepEqual(restoreValue(framePayload('\x00\xc0\x7b')), { type: 'string', value: '123' });
  assert.deepEqual(restoreValue(framePayload('\x00\xc1\x00\x80')), { type: 'string', value: '-32768' });
  assert.deepEqual(restoreValue(framePayload('\x00\xc2\xff\xff\xff\xff')), { type: 'string', value: '-1' });
  // LZF: a literal "ab" then a back-reference copying 4 bytes from 2 back → "ababab".
  assert.deepEqual(restoreValue(framePayload('\x00\xc3\x05\x06\x01ab\x40\x01')), { type: 'string', value: 'ababab' });
});
