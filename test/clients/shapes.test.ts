/**
 * Reply shapes at the edges, through the real `@upstash/redis` client with auto-pipelining on and off:
 * infinite and exponent-formatted scores, float formatting of the INCRBYFLOAT family, numbers too large
 * for a double, binary and multi-byte values, and the client's JSON parsing of each. The per-family
 * behaviour is in upstash-redis.test.ts; these pin what a TypeScript caller actually receives.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { client, withServer } from './support.ts';

for (const autoPipeline of [true, false]) {
  describe(`@upstash/redis reply shapes (auto-pipelining ${autoPipeline ? 'on' : 'off'})`, () => {
    test('sorted-set scores: infinities, exponents and shortest round-trip digits', () =>
      withServer(async (srv) => {
        const r = client(srv, autoPipeline);
        // JSON has no infinities (the client would send null), so those go as Redis's own words.
        assert.equal(await r.exec(['ZADD', 'z', '-inf', 'lo', '+inf', 'hi']), 2);
        assert.equal(await r.zadd('z', { score: 0.1, member: 'tenth' }, { score: 1e20, member: 'big' }), 2);
        // "inf" is not JSON, and "1e+20" does not print back as itself, so both stay strings.
        assert.equal(await r.zscore('z', 'hi'), 'inf');
        assert.equal(await r.zscore('z', 'lo'), '-inf');
        assert.equal(await r.zscore('z', 'big'), '1e+20');
        assert.equal(await r.zscore('z', 'tenth'), 0.1);
        assert.deepEqual(await r.zrange('z', 0, -1, { withScores: true }), [
          'lo',
          '-inf',
          'tenth',
          0.1,
          'big',
          '1e+20',
          'hi',
          'inf',
        ]);
        assert.deepEqual(await r.zmscore('z', ['hi', 'tenth', 'none']), ['inf', 0.1, null]);
        assert.equal(await r.zcount('z', '-inf', '+inf'), 4);
        assert.equal(await r.zincrby('z', 1, 'hi'), 'inf');
        await assert.rejects(r.exec(['ZINCRBY', 'z', '-inf', 'hi']), /ERR resulting score is not a number \(NaN\)/);
        assert.deepEqual(await r.zpopmax('z'), ['hi', 'inf']);
        assert.equal(await r.zadd('z', { incr: true }, { score: 2.5, member: 'tenth' }), 2.6);
        assert.deepEqual(await r.zunion(1, ['z'], { withScores: true, weight: 2 }), [
          'lo',
          '-inf',
          'tenth',
          5.2,
          'big',
          '2e+20',
        ]);
        assert.equal(await r.zunionstore('u', 1, ['z'], { weight: 0 }), 3);
        // -inf × 0 is NaN, which Redis stores as 0.
        assert.deepEqual(await r.zrange('u', 0, -1, { withScores: true }), ['big', 0, 'lo', 0, 'tenth', 0]);
      }));

    test('INCRBYFLOAT and HINCRBYFLOAT format like Redis', () =>
      withServer(async (srv) => {
        const r = client(srv, autoPipeline);
        assert.equal(await r.incrbyfloat('f', 0.1), 0.1);
        assert.equal(await r.incrbyfloat('f', 0.2), 0.3, 'long-double arithmetic, 17 digits, trimmed');
        await r.set('e', '5.0e3');
        assert.equal(await r.incrbyfloat('e', 200), 5200);
        assert.equal(await r.get('e'), 5200);
        assert.equal(await r.incrbyfloat('n', -1.5), -1.5);
        assert.equal(await r.hincrbyfloat('h', 'x', 10.5), 10.5);
        assert.equal(await r.hincrbyfloat('h', 'x', 0.1), 10.6);
        assert.equal(await r.hget('h', 'x'), 10.6);
        await assert.rejects(r.exec(['INCRBYFLOAT', 'f', 'inf']), /ERR increment would produce NaN or Infinity/);
      }));

    test('numbers past 2^53 and strings that look like JSON', () =>
      withServer(async (srv) => {
        const r = client(srv, autoPipeline);
        await r.set('big', '9007199254740993');
        assert.equal(await r.get('big'), '9007199254740993', 'kept as text: it would not survive a double');
        assert.equal(await r.incr('big'), 9007199254740994);
        await r.set('max', '9223372036854775806');
        // The JSON number 9223372036854775807 parses to the nearest double.
        assert.equal(await r.incr('max'), Number(9223372036854775807n));
        assert.equal(await r.get('max'), '9223372036854775807');
        await r.set('float', '1.50');
        assert.equal(await r.get('float'), '1.50');
        await r.set('json', '{"a":[1,"2"]}');
        assert.deepEqual(await r.get('json'), { a: [1, '2'] });
        assert.equal(await client(srv, autoPipeline, { automaticDeserialization: false }).get('json'), '{"a":[1,"2"]}');
        await r.rpush<unknown>('l', 1, '01', 'true', { b: null });
        assert.deepEqual(await r.lrange('l', 0, -1), [1, '01', true, { b: null }]);
        assert.deepEqual(await client(srv, autoPipeline, { automaticDeserialization: false }).lrange('l', 0, -1), [
          '1',
          '01',
          'true',
          '{"b":null}',
        ]);
        await r.hset('h', { 1: 'one', two: 2 });
        assert.deepEqual(await r.hgetall('h'), { 1: 'one', two: 2 });
        await r.sadd<unknown>('s', 3, 'x');
        assert.deepEqual((await r.smembers('s')).map(String).sort(), ['3', 'x']);
      }));

    test('binary-safe and multi-byte values', () =>
      withServer(async (srv) => {
        const r = client(srv, autoPipeline);
        const nul = 'a\u0000b\u0001\u00ff';
        await r.set('bin', nul);
        assert.equal(await r.get('bin'), nul);
        assert.equal(await r.strlen('bin'), 6, 'ÿ is two UTF-8 bytes');
        await r.set('text', '日本');
        assert.equal(await r.strlen('text'), 6);
        assert.equal(await r.getrange('text', 0, 2), '日');
        assert.equal(await r.append('text', '語'), 9);
        await r.hset('h', { ключ: 'значение' });
        assert.deepEqual(await r.hgetall('h'), { ключ: 'значение' });
        assert.equal(await r.hstrlen('h', 'ключ'), 16);
        await r.zadd('z', { score: 1, member: '🚀' });
        assert.deepEqual(await r.zrange('z', 0, -1), ['🚀']);
        await r.set('🔑', 'v');
        assert.deepEqual(await r.keys('🔑'), ['🔑']);
      }));
  });
}
