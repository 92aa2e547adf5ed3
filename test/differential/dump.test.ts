/**
 * DUMP/RESTORE against redis-server 7.0.15. Our payloads carry RDB version 12, which Redis 7.0 (version 10)
 * refuses, so the comparisons go the other way: Redis's own payloads are restored here. Redis writes
 * strings in plain RDB (integer and LZF forms included), which we must read; its collections use compact
 * encodings (listpack, quicklist, intset) that we refuse with "Bad data format", by design.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { errors, OK } from '@redstash/engine';
import { createTestEngine } from '@redstash/engine/testing';
import { crc64 } from '../../packages/engine/src/rdb/crc64.ts';
import { REDIS_MISSING, type RedisServer, startRedisServer } from '../support/redis-server.ts';
import { type Case, differential, type Step } from './harness.ts';

/** Redis 7.0's DUMP of the string "hello". */
const HELLO = '\x00\x05hello\x0a\x00cr\xdfve4 \x0a';
/** A body framed with Redis 7.0's version, so both sides get past the checksum. */
const frame10 = (body: string) => `${body}\x0a\x00${crc64(`${body}\x0a\x00`)}`;

const steps = (...argvs: string[][]): Step[] => argvs;

const cases: Case[] = [
  {
    name: 'RESTORE errors and their order',
    steps: steps(
      ['SET', 'a', 'v'],
      ['RESTORE', 'a', '0', HELLO],
      ['RESTORE', 'a', '-1', HELLO],
      ['RESTORE', 'a', '0', HELLO, 'FREQ', '256'],
      ['RESTORE', 'x', '-1', HELLO],
      ['RESTORE', 'x', 'ten', HELLO],
      ['RESTORE', 'x', '0', HELLO, 'IDLETIME', '-1'],
      ['RESTORE', 'x', '0', HELLO, 'IDLETIME', 'x'],
      ['RESTORE', 'x', '0', HELLO, 'FREQ', '-1'],
      ['RESTORE', 'x', '0', HELLO, 'FREQ', '1', 'IDLETIME', '1'],
      ['RESTORE', 'x', '0', HELLO, 'IDLETIME', '1', 'FREQ', '1'],
      ['RESTORE', 'x', '0', HELLO, 'FREQ'],
      ['RESTORE', 'x', '0', HELLO, 'bogus'],
      ['RESTORE', 'x', '0', 'garbage'],
      ['RESTORE', 'x', '0', `${HELLO.slice(0, 3)}X${HELLO.slice(4)}`],
      ['RESTORE', 'x', '0', frame10('\x07\x01a')],
      // Redis reads a body from the whole payload, footer included, so only a length past the end is short.
      ['RESTORE', 'x', '0', frame10('\x00\x20hel')],
      ['RESTORE', 'x', '0', frame10('\x02\x00')],
      ['RESTORE', 'x', '0', frame10('\x02\x02\x01a\x01a')],
      // Not compared: a small hash with a repeated field, which Redis 7.0 loads without checking (we refuse).
      ['RESTORE', 'a', '0', 'garbage', 'REPLACE'],
      ['GET', 'a'],
      ['EXISTS', 'x'],
      ['RESTORE'],
      ['RESTORE', 'x', '0'],
      ['DUMP'],
      ['DUMP', 'missing'],
    ),
  },
  {
    name: 'RESTORE with REPLACE, TTLs, ABSTTL, IDLETIME and FREQ',
    steps: steps(
      ['RESTORE', 'x', '0', HELLO, 'FREQ', '255'],
      ['GET', 'x'],
      ['PTTL', 'x'],
      ['RESTORE', 'x', '0', HELLO, 'replace', 'idletime', '0'],
      ['RESTORE', 'y', '100000', HELLO],
      ['PTTL', 'y'],
      ['RESTORE', 'y', '1', HELLO, 'ABSTTL', 'REPLACE'],
      ['EXISTS', 'y'],
      ['RESTORE', 'z', '1', HELLO, 'ABSTTL'],
      ['EXISTS', 'z'],
      ['RESTORE', 'z', '99999999999999', HELLO, 'ABSTTL'],
      ['EXPIRETIME', 'z'],
      ['RESTORE', 'l', '0', frame10('\x01\x03\x01a\x00\x01a')],
      ['LRANGE', 'l', '0', '-1'],
      ['RESTORE', 's', '0', frame10('\x02\x02\x01a\x01b')],
      ['SMEMBERS', 's'],
      ['RESTORE', 'h', '0', frame10('\x04\x01\x01f\x01v')],
      ['HGETALL', 'h'],
      ['RESTORE', 'zs', '0', frame10('\x03\x02\x01a\x031.5\x01b\xfe')],
      ['ZRANGE', 'zs', '0', '-1', 'WITHSCORES'],
      ['TYPE', 'zs'],
    ),
  },
];

differential('dump', cases);

describe("RESTORE of Redis's own DUMP payloads", () => {
  let server: RedisServer | undefined;
  before(async () => {
    server = await startRedisServer();
  });
  after(async () => {
    await server?.stop();
  });

  test('every string form Redis writes (plain, integer, LZF, binary) restores to the same GET', async (t) => {
    if (server === undefined) return t.skip(REDIS_MISSING);
    const redis = await server.connect();
    try {
      const { raw } = createTestEngine();
      const values = [
        '',
        'hello',
        '0',
        '-1',
        '127',
        '-128',
        '32767',
        '-32769',
        '2147483647',
        '-2147483648',
        '12345678901',
        '007',
        '\x00\xff\r\n',
        'x'.repeat(100),
        'abc'.repeat(5000),
        Array.from({ length: 256 }, (_, i) => String.fromCharCode(i))
          .join('')
          .repeat(4),
      ];
      for (const [i, v] of values.entries()) {
        await redis.send(['SET', `k${i}`, v]);
        const dumped = await redis.send(['DUMP', `k${i}`]);
        assert.equal(dumped.type, 'bulk');
        const payload = (dumped as { value: string }).value;
        assert.deepEqual(raw('RESTORE', `k${i}`, '0', payload), OK, JSON.stringify(v.slice(0, 20)));
        assert.equal(raw('GET', `k${i}`), v);
      }
      // Redis's collections come in compact encodings, which we refuse rather than misread.
      await redis.send(['RPUSH', 'l', 'a', 'b']);
      await redis.send(['SADD', 'si', '1', '2']);
      await redis.send(['HSET', 'h', 'f', 'v']);
      await redis.send(['ZADD', 'z', '1', 'm']);
      for (const k of ['l', 'si', 'h', 'z']) {
        const payload = ((await redis.send(['DUMP', k])) as { value: string }).value;
        assert.deepEqual(raw('RESTORE', k, '0', payload), errors.BAD_DATA_FORMAT);
      }
    } finally {
      redis.close();
    }
  });
});
