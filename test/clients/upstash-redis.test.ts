/**
 * The contract with the real `@upstash/redis` client: every command family it exposes for strings, keys,
 * hashes, lists, sets and sorted sets, run twice — through the default client (auto-pipelined, base64,
 * so `/pipeline` and `/`) and through a client with auto-pipelining off (everything via `POST /`) — plus
 * the transports (`multi()`, `pipeline()`), tokens, read-your-writes and the request size limit.
 *
 * Each case gets a fresh in-process server over an engine with a manual clock, so TTLs are exact and no
 * case sees another's keys.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Engine } from '@redstash/engine';
import { createTestEngine, type ManualClock } from '@redstash/engine/testing';
import { startTestServer, type TestServer } from '@redstash/server/testing';
import { Redis } from '@upstash/redis';

interface Env {
  clock: ManualClock;
  engine: Engine;
  srv: TestServer;
  /** The clock's time at the start, in ms and in whole seconds. */
  ms: number;
  sec: number;
}
type Case = (r: Redis, env: Env) => Promise<void>;

const sorted = <T>(xs: readonly T[]): T[] => [...xs].sort();

function client(srv: TestServer, autoPipeline: boolean, token = srv.token): Redis {
  return new Redis({
    url: srv.url,
    token,
    enableAutoPipelining: autoPipeline,
    enableTelemetry: false,
    retry: false,
  });
}

async function withServer(fn: (env: Env) => Promise<void>, maxRequestBytes?: number): Promise<void> {
  const { engine, clock } = createTestEngine();
  const srv = await startTestServer(maxRequestBytes === undefined ? { engine } : { engine, maxRequestBytes });
  const ms = clock.now();
  try {
    await fn({ clock, engine, srv, ms, sec: Math.floor(ms / 1000) });
  } finally {
    await srv.close();
  }
}

/** Scans to the end with any of the SCAN family, collecting the flat items. */
async function scanAll(step: (cursor: string) => Promise<[string, unknown[]]>): Promise<unknown[]> {
  const out: unknown[] = [];
  let cursor = '0';
  let rounds = 0;
  do {
    const [next, items] = await step(cursor);
    out.push(...items);
    cursor = String(next);
    assert.ok(++rounds < 1000, 'the scan ends');
  } while (cursor !== '0');
  return out;
}

const strings: Record<string, Case> = {
  'GET and SET, with JSON values and non-ASCII text': async (r) => {
    assert.equal(await r.set('k', 'v'), 'OK');
    assert.equal(await r.get('k'), 'v');
    assert.equal(await r.get('missing'), null);
    await r.set('obj', { a: 1, b: [true, null] });
    assert.deepEqual(await r.get('obj'), { a: 1, b: [true, null] });
    await r.set('num', 42);
    assert.equal(await r.get('num'), 42);
    await r.set('text', 'héllo 🚀 世界');
    assert.equal(await r.get('text'), 'héllo 🚀 世界');
    await r.set('empty', '');
    assert.equal(await r.get('empty'), '');
  },
  'SET with EX, PX, EXAT, PXAT, KEEPTTL, NX, XX and GET': async (r, { clock, ms, sec }) => {
    assert.equal(await r.set('k', 'v', { ex: 10 }), 'OK');
    assert.equal(await r.ttl('k'), 10);
    await r.set('k', 'v', { px: 1500 });
    assert.equal(await r.pttl('k'), 1500);
    await r.set('k', 'v', { exat: sec + 20 });
    assert.equal(await r.ttl('k'), 20);
    await r.set('k', 'v', { pxat: ms + 2500 });
    assert.equal(await r.pttl('k'), 2500);
    await r.set('k', 'v2', { keepTtl: true });
    assert.equal(await r.pttl('k'), 2500);
    assert.equal(await r.set('nx', 'a', { nx: true }), 'OK');
    assert.equal(await r.set('nx', 'b', { nx: true }), null);
    assert.equal(await r.get('nx'), 'a');
    assert.equal(await r.set('xx', 'a', { xx: true }), null);
    assert.equal(await r.exists('xx'), 0);
    assert.equal(await r.set('k', 'v3', { get: true }), 'v2');
    assert.equal(await r.ttl('k'), -1, 'SET without KEEPTTL clears the TTL');
    assert.equal(await r.set('k', 'v4', { xx: true, get: true }), 'v3');
    assert.equal(await r.set('fresh', 'v', { get: true }), null);
    await r.set('gone', 'v', { px: 100 });
    clock.advance(100);
    assert.equal(await r.get('gone'), null);
    await assert.rejects(r.set('k', 'v', { ex: 0 }), /invalid expire time/);
  },
  SETNX: async (r) => {
    assert.equal(await r.setnx('k', 'a'), 1);
    assert.equal(await r.setnx('k', 'b'), 0);
    assert.equal(await r.get('k'), 'a');
  },
  'SETEX and PSETEX': async (r, { clock }) => {
    assert.equal(await r.setex('k', 10, 'v'), 'OK');
    assert.equal(await r.ttl('k'), 10);
    assert.equal(await r.psetex('p', 1500, 'v'), 'OK');
    assert.equal(await r.pttl('p'), 1500);
    clock.advance(1500);
    assert.equal(await r.get('p'), null);
    assert.equal(await r.get('k'), 'v');
  },
  GETSET: async (r) => {
    assert.equal(await r.getset('k', 'a'), null);
    assert.equal(await r.getset('k', 'b'), 'a');
    assert.equal(await r.get('k'), 'b');
  },
  GETDEL: async (r) => {
    await r.set('k', 'v');
    assert.equal(await r.getdel('k'), 'v');
    assert.equal(await r.get('k'), null);
    assert.equal(await r.getdel('k'), null);
  },
  'GETEX with EX, PX, EXAT, PXAT and PERSIST': async (r, { ms, sec }) => {
    await r.set('k', 'v');
    assert.equal(await r.getex('k', { ex: 100 }), 'v');
    assert.equal(await r.ttl('k'), 100);
    assert.equal(await r.getex('k', { px: 5000 }), 'v');
    assert.equal(await r.pttl('k'), 5000);
    assert.equal(await r.getex('k', { exat: sec + 30 }), 'v');
    assert.equal(await r.ttl('k'), 30);
    assert.equal(await r.getex('k', { pxat: ms + 700 }), 'v');
    assert.equal(await r.pttl('k'), 700);
    assert.equal(await r.getex('k', { persist: true }), 'v');
    assert.equal(await r.ttl('k'), -1);
    assert.equal(await r.getex('k'), 'v');
    assert.equal(await r.getex('missing', { ex: 1 }), null);
  },
  'MGET, MSET and MSETNX': async (r) => {
    assert.equal(await r.mset({ a: '1', b: 'x' }), 'OK');
    assert.deepEqual(await r.mget('a', 'b', 'c'), [1, 'x', null]);
    assert.deepEqual(await r.mget(['a', 'b']), [1, 'x']);
    assert.equal(await r.msetnx({ a: '2', z: '3' }), 0);
    assert.equal(await r.get('z'), null);
    assert.equal(await r.msetnx({ y: '1', z: '2' }), 1);
    assert.deepEqual(await r.mget('y', 'z'), [1, 2]);
  },
  'APPEND and STRLEN': async (r) => {
    assert.equal(await r.append('k', 'Hello'), 5);
    assert.equal(await r.append('k', ' World'), 11);
    assert.equal(await r.get('k'), 'Hello World');
    assert.equal(await r.strlen('k'), 11);
    assert.equal(await r.strlen('missing'), 0);
    await r.set('u', 'é');
    assert.equal(await r.strlen('u'), 2, 'STRLEN counts bytes');
  },
  'INCR, INCRBY, INCRBYFLOAT, DECR and DECRBY': async (r) => {
    assert.equal(await r.incr('n'), 1);
    assert.equal(await r.incrby('n', 10), 11);
    assert.equal(await r.decr('n'), 10);
    assert.equal(await r.decrby('n', 15), -5);
    assert.equal(await r.incrbyfloat('f', 1.5), 1.5);
    assert.equal(await r.incrbyfloat('f', 0.1), 1.6);
    assert.equal(await r.get('f'), 1.6);
    await r.set('s', 'x');
    await assert.rejects(r.incr('s'), /ERR value is not an integer or out of range/);
    await r.set('max', '9223372036854775807');
    await assert.rejects(r.incr('max'), /ERR increment or decrement would overflow/);
    await assert.rejects(r.incrbyfloat('s', 1), /ERR value is not a valid float/);
  },
  'GETRANGE and SETRANGE': async (r) => {
    await r.set('k', 'Hello World');
    assert.equal(await r.getrange('k', 0, 4), 'Hello');
    assert.equal(await r.getrange('k', -5, -1), 'World');
    assert.equal(await r.getrange('k', 20, 30), '');
    assert.equal(await r.setrange('k', 6, 'Redis'), 11);
    assert.equal(await r.get('k'), 'Hello Redis');
    assert.equal(await r.setrange('pad', 3, 'x'), 4);
    assert.equal(await r.get('pad'), '\0\0\0x');
  },
  LCS: async (r) => {
    await r.mset({ key1: 'ohmytext', key2: 'mynewtext' });
    assert.equal(await r.exec(['LCS', 'key1', 'key2']), 'mytext');
    assert.equal(await r.exec(['LCS', 'key1', 'key2', 'LEN']), 6);
  },
};

const keys: Record<string, Case> = {
  'DEL, UNLINK, EXISTS and TOUCH': async (r) => {
    await r.mset({ a: 1, b: 2, c: 3 });
    assert.equal(await r.exists('a', 'b', 'x'), 2);
    assert.equal(await r.exists('a', 'a'), 2);
    assert.equal(await r.touch('a', 'b', 'x'), 2);
    assert.equal(await r.del('a', 'x'), 1);
    assert.equal(await r.unlink('b', 'c'), 2);
    assert.equal(await r.exists('a', 'b', 'c'), 0);
  },
  TYPE: async (r) => {
    await r.set('s', 'v');
    await r.rpush('l', 'a');
    await r.sadd('set', 'a');
    await r.zadd('z', { score: 1, member: 'a' });
    await r.hset('h', { f: 'v' });
    assert.equal(await r.type('s'), 'string');
    assert.equal(await r.type('l'), 'list');
    assert.equal(await r.type('set'), 'set');
    assert.equal(await r.type('z'), 'zset');
    assert.equal(await r.type('h'), 'hash');
    assert.equal(await r.type('missing'), 'none');
  },
  'EXPIRE, PEXPIRE, TTL, PTTL and PERSIST (with NX, XX, GT, LT)': async (r, { clock }) => {
    await r.set('k', 'v');
    assert.equal(await r.ttl('k'), -1);
    assert.equal(await r.ttl('missing'), -2);
    assert.equal(await r.pttl('missing'), -2);
    assert.equal(await r.expire('k', 100), 1);
    assert.equal(await r.ttl('k'), 100);
    assert.equal(await r.pexpire('k', 1500), 1);
    assert.equal(await r.pttl('k'), 1500);
    assert.equal(await r.ttl('k'), 2, 'TTL rounds to the nearest second');
    assert.equal(await r.persist('k'), 1);
    assert.equal(await r.persist('k'), 0);
    assert.equal(await r.ttl('k'), -1);
    assert.equal(await r.expire('missing', 10), 0);
    assert.equal(await r.expire('k', 100, 'NX'), 1);
    assert.equal(await r.expire('k', 200, 'NX'), 0);
    assert.equal(await r.expire('k', 50, 'GT'), 0);
    assert.equal(await r.expire('k', 300, 'GT'), 1);
    assert.equal(await r.expire('k', 10, 'LT'), 1);
    assert.equal(await r.expire('k', 20, 'XX'), 1);
    assert.equal(await r.ttl('k'), 20);
    clock.advance(20_000);
    assert.equal(await r.get('k'), null);
    await r.set('k', 'v');
    assert.equal(await r.expire('k', 5, 'XX'), 0);
    await assert.rejects(r.expire('k', 5, 'whatever' as 'NX'), /ERR Unsupported option whatever/);
  },
  'EXPIREAT, PEXPIREAT, EXPIRETIME and PEXPIRETIME': async (r, { ms, sec }) => {
    await r.set('k', 'v');
    assert.equal(await r.exec(['EXPIRETIME', 'k']), -1);
    assert.equal(await r.exec(['EXPIRETIME', 'missing']), -2);
    assert.equal(await r.expireat('k', sec + 100), 1);
    assert.equal(await r.ttl('k'), 100);
    assert.equal(await r.exec(['EXPIRETIME', 'k']), sec + 100);
    assert.equal(await r.pexpireat('k', ms + 5000), 1);
    assert.equal(await r.exec(['PEXPIRETIME', 'k']), ms + 5000);
    assert.equal(await r.pexpireat('missing', ms + 5000), 0);
    assert.equal(await r.expireat('k', sec - 1), 1, 'a time in the past deletes the key');
    assert.equal(await r.exists('k'), 0);
  },
  'RENAME and RENAMENX': async (r) => {
    await r.set('a', 'v');
    await r.expire('a', 100);
    assert.equal(await r.rename('a', 'b'), 'OK');
    assert.equal(await r.get('b'), 'v');
    assert.equal(await r.ttl('b'), 100, 'the TTL moves with the key');
    assert.equal(await r.exists('a'), 0);
    await assert.rejects(r.rename('missing', 'x'), /ERR no such key/);
    await r.set('c', 'w');
    assert.equal(await r.renamenx('b', 'c'), 0);
    assert.equal(await r.renamenx('b', 'd'), 1);
    assert.equal(await r.get('d'), 'v');
  },
  COPY: async (r) => {
    await r.set('a', 'v');
    assert.equal(await r.copy('a', 'b'), 'COPIED');
    assert.equal(await r.get('b'), 'v');
    await r.set('a', 'w');
    assert.equal(await r.copy('a', 'b'), 'NOT_COPIED');
    assert.equal(await r.copy('a', 'b', { replace: true }), 'COPIED');
    assert.equal(await r.get('b'), 'w');
    assert.equal(await r.copy('missing', 'x'), 'NOT_COPIED');
    await r.hset('h', { f: 'v' });
    await r.copy('h', 'h2');
    await r.hset('h2', { g: 'w' });
    assert.equal(await r.hlen('h'), 1, 'a copy is independent of its source');
  },
  'KEYS, SCAN (MATCH, COUNT, TYPE), RANDOMKEY and DBSIZE': async (r) => {
    assert.equal(await r.randomkey(), null);
    assert.equal(await r.dbsize(), 0);
    await r.mset({ 'user:1': 'a', 'user:2': 'b', other: 'c' });
    await r.sadd('set:1', 'm');
    assert.deepEqual(sorted(await r.keys('*')), ['other', 'set:1', 'user:1', 'user:2']);
    assert.deepEqual(sorted(await r.keys('user:*')), ['user:1', 'user:2']);
    assert.deepEqual(await r.keys('nothing*'), []);
    assert.equal(await r.dbsize(), 4);
    assert.ok(['other', 'set:1', 'user:1', 'user:2'].includes((await r.randomkey()) as string));
    const all = await scanAll((c) => r.scan(c, { count: 2 }));
    assert.deepEqual(sorted(all), ['other', 'set:1', 'user:1', 'user:2']);
    assert.deepEqual(sorted(await scanAll((c) => r.scan(c, { match: 'user:*' }))), ['user:1', 'user:2']);
    assert.deepEqual(await scanAll((c) => r.scan(c, { type: 'set' })), ['set:1']);
  },
  'FLUSHDB and FLUSHALL': async (r) => {
    await r.mset({ a: 1, b: 2 });
    assert.equal(await r.flushdb(), 'OK');
    assert.equal(await r.dbsize(), 0);
    await r.mset({ a: 1, b: 2 });
    assert.equal(await r.flushall(), 'OK');
    assert.equal(await r.dbsize(), 0);
    await r.set('a', 1);
    assert.equal(await r.flushdb({ async: true }), 'OK');
    assert.equal(await r.flushall([{ async: true }]), 'OK');
    assert.equal(await r.dbsize(), 0);
  },
};

const hashes: Record<string, Case> = {
  'HSET, HGET, HGETALL, HMSET, HSETNX and HMGET': async (r) => {
    assert.equal(await r.hset('h', { f1: 'v1', f2: 2 }), 2);
    assert.equal(await r.hset('h', { f1: 'v1b', f3: 'x' }), 1);
    assert.equal(await r.hget('h', 'f1'), 'v1b');
    assert.equal(await r.hget('h', 'f2'), 2);
    assert.equal(await r.hget('h', 'nope'), null);
    assert.equal(await r.hget('missing', 'f'), null);
    assert.deepEqual(await r.hgetall('h'), { f1: 'v1b', f2: 2, f3: 'x' });
    assert.equal(await r.hgetall('missing'), null);
    assert.equal(await r.hmset('h', { f4: 'y' }), 'OK');
    assert.equal(await r.hsetnx('h', 'f1', 'z'), 0);
    assert.equal(await r.hsetnx('h', 'f5', 'z'), 1);
    assert.deepEqual(await r.hmget('h', 'f1', 'nope'), { f1: 'v1b', nope: null });
    assert.equal(await r.hmget('missing', 'a'), null);
    await r.set('s', 'v');
    await assert.rejects(r.hset('s', { f: 'v' }), /WRONGTYPE/);
  },
  'HDEL, HEXISTS, HLEN, HKEYS, HVALS and HSTRLEN': async (r) => {
    await r.hset('h', { a: '1', b: 'hello' });
    assert.equal(await r.hexists('h', 'a'), 1);
    assert.equal(await r.hexists('h', 'x'), 0);
    assert.equal(await r.hlen('h'), 2);
    assert.deepEqual(sorted(await r.hkeys('h')), ['a', 'b']);
    assert.deepEqual(sorted((await r.hvals('h')).map(String)), ['1', 'hello']);
    assert.equal(await r.hstrlen('h', 'b'), 5);
    assert.equal(await r.hstrlen('h', 'x'), 0);
    assert.equal(await r.hdel('h', 'a', 'zz'), 1);
    assert.equal(await r.hdel('h', 'b'), 1);
    assert.equal(await r.exists('h'), 0, 'the last field takes the key with it');
    assert.deepEqual(await r.hkeys('missing'), []);
  },
  'HINCRBY and HINCRBYFLOAT': async (r) => {
    assert.equal(await r.hincrby('h', 'n', 5), 5);
    assert.equal(await r.hincrby('h', 'n', -2), 3);
    assert.equal(await r.hincrbyfloat('h', 'f', 1.5), 1.5);
    assert.equal(await r.hincrbyfloat('h', 'f', 0.25), 1.75);
    await r.hset('h', { s: 'x' });
    await assert.rejects(r.hincrby('h', 's', 1), /ERR hash value is not an integer/);
    await assert.rejects(r.hincrbyfloat('h', 's', 1), /ERR hash value is not a float/);
  },
  HRANDFIELD: async (r) => {
    assert.equal(await r.hrandfield('missing'), null);
    await r.hset('h', { a: 1, b: 2, c: 3 });
    assert.ok(['a', 'b', 'c'].includes((await r.hrandfield('h')) as string));
    const two = await r.hrandfield('h', 2);
    assert.equal(new Set(two).size, 2);
    assert.equal((await r.hrandfield('h', -5)).length, 5, 'a negative count may repeat fields');
    assert.equal((await r.hrandfield('h', 10)).length, 3);
    assert.deepEqual(await r.hrandfield('h', 3, true), { a: 1, b: 2, c: 3 });
  },
  HSCAN: async (r) => {
    const fields: Record<string, string> = {};
    for (let i = 0; i < 50; i++) fields[`f${i}`] = `v${i}`;
    await r.hset('h', fields);
    const flat = await scanAll((c) => r.hscan('h', c, { count: 7 }));
    const seen: Record<string, unknown> = {};
    for (let i = 0; i < flat.length; i += 2) seen[flat[i] as string] = flat[i + 1];
    assert.deepEqual(seen, fields);
    const matched = await scanAll((c) => r.hscan('h', c, { match: 'f1*' }));
    assert.deepEqual(
      sorted(matched.filter((_, i) => i % 2 === 0)),
      sorted(Object.keys(fields).filter((f) => f.startsWith('f1'))),
    );
  },
};

const lists: Record<string, Case> = {
  'LPUSH, RPUSH, LPUSHX, RPUSHX, LRANGE and LLEN': async (r) => {
    assert.equal(await r.rpush('l', 'a', 'b'), 2);
    assert.equal(await r.lpush('l', 'z', 'y'), 4);
    assert.deepEqual(await r.lrange('l', 0, -1), ['y', 'z', 'a', 'b']);
    assert.equal(await r.llen('l'), 4);
    assert.equal(await r.lpushx('missing', 'x'), 0);
    assert.equal(await r.rpushx('missing', 'x'), 0);
    assert.equal(await r.exists('missing'), 0);
    assert.equal(await r.rpushx('l', 'c'), 5);
    assert.equal(await r.lpushx('l', 'w'), 6);
    assert.deepEqual(await r.lrange('l', 1, 2), ['y', 'z']);
    assert.deepEqual(await r.lrange('l', -2, 100), ['b', 'c']);
    assert.deepEqual(await r.lrange('l', 10, 20), []);
    assert.equal(await r.llen('missing'), 0);
  },
  'LPOP and RPOP, with and without a count': async (r) => {
    await r.rpush('l', 'a', 'b', 'c', 'd');
    assert.equal(await r.lpop('l'), 'a');
    assert.equal(await r.rpop('l'), 'd');
    assert.deepEqual(await r.lpop('l', 5), ['b', 'c']);
    assert.equal(await r.exists('l'), 0);
    assert.equal(await r.lpop('l'), null);
    assert.equal(await r.rpop('l', 2), null);
    await r.rpush('l', 'a', 'b', 'c');
    assert.deepEqual(await r.rpop('l', 2), ['c', 'b']);
  },
  'LINDEX, LSET and LINSERT': async (r) => {
    await r.rpush('l', 'a', 'b', 'c');
    assert.equal(await r.lindex('l', 0), 'a');
    assert.equal(await r.lindex('l', -1), 'c');
    assert.equal(await r.lindex('l', 10), null);
    assert.equal(await r.lset('l', 1, 'B'), 'OK');
    await assert.rejects(r.lset('l', 10, 'x'), /ERR index out of range/);
    await assert.rejects(r.lset('missing', 0, 'x'), /ERR no such key/);
    assert.equal(await r.linsert('l', 'before', 'B', 'x'), 4);
    assert.equal(await r.linsert('l', 'after', 'c', 'y'), 5);
    assert.equal(await r.linsert('l', 'after', 'nope', 'y'), -1);
    assert.equal(await r.linsert('missing', 'after', 'a', 'y'), 0);
    assert.deepEqual(await r.lrange('l', 0, -1), ['a', 'x', 'B', 'c', 'y']);
  },
  'LREM and LTRIM': async (r) => {
    await r.rpush('l', 'a', 'b', 'a', 'c', 'a');
    assert.equal(await r.lrem('l', 2, 'a'), 2);
    assert.deepEqual(await r.lrange('l', 0, -1), ['b', 'c', 'a']);
    assert.equal(await r.lrem('l', -1, 'a'), 1);
    assert.equal(await r.lrem('l', 0, 'zz'), 0);
    assert.equal(await r.ltrim('l', 0, 0), 'OK');
    assert.deepEqual(await r.lrange('l', 0, -1), ['b']);
    assert.equal(await r.ltrim('l', 5, 10), 'OK');
    assert.equal(await r.exists('l'), 0);
  },
  LPOS: async (r) => {
    await r.rpush('l', 'a', 'b', 'c', 'b', 'd', 'b');
    assert.equal(await r.lpos('l', 'b'), 1);
    assert.equal(await r.lpos('l', 'b', { rank: 2 }), 3);
    assert.equal(await r.lpos('l', 'b', { rank: -1 }), 5);
    assert.deepEqual(await r.lpos('l', 'b', { count: 0 }), [1, 3, 5]);
    assert.deepEqual(await r.lpos('l', 'b', { count: 5, maxLen: 4 }), [1, 3]);
    assert.equal(await r.lpos('l', 'zz'), null);
    await assert.rejects(r.lpos('l', 'b', { rank: 0 }), /RANK can't be zero/);
  },
  'LMOVE and RPOPLPUSH': async (r) => {
    await r.rpush('src', 'a', 'b', 'c');
    assert.equal(await r.lmove('src', 'dst', 'left', 'right'), 'a');
    assert.equal(await r.lmove('src', 'dst', 'right', 'left'), 'c');
    assert.deepEqual(await r.lrange('dst', 0, -1), ['c', 'a']);
    assert.equal(await r.exec(['RPOPLPUSH', 'src', 'dst']), 'b');
    assert.equal(await r.exists('src'), 0);
    assert.deepEqual(await r.lrange('dst', 0, -1), ['b', 'c', 'a']);
    assert.equal(await r.lmove('missing', 'dst', 'left', 'left'), null);
    assert.equal(await r.lmove('dst', 'dst', 'left', 'right'), 'b', 'rotating a list onto itself');
    assert.deepEqual(await r.lrange('dst', 0, -1), ['c', 'a', 'b']);
  },
  LMPOP: async (r) => {
    await r.rpush('l1', 'a', 'b', 'c');
    assert.deepEqual(await r.lmpop(2, ['empty', 'l1'], 'LEFT'), ['l1', ['a']]);
    assert.deepEqual(await r.lmpop(1, ['l1'], 'RIGHT', 5), ['l1', ['c', 'b']]);
    assert.equal(await r.lmpop(1, ['l1'], 'LEFT'), null);
    assert.equal(await r.exists('l1'), 0);
  },
  'list WRONGTYPE': async (r) => {
    await r.set('s', 'v');
    await assert.rejects(r.lpush('s', 'x'), /WRONGTYPE Operation against a key holding the wrong kind of value/);
    await assert.rejects(r.lrange('s', 0, -1), /WRONGTYPE/);
  },
};

const sets: Record<string, Case> = {
  'SADD, SCARD, SISMEMBER, SMISMEMBER, SMEMBERS and SREM': async (r) => {
    assert.equal(await r.sadd('s', 'a', 'b', 'c'), 3);
    assert.equal(await r.sadd('s', 'a'), 0);
    assert.equal(await r.scard('s'), 3);
    assert.equal(await r.sismember('s', 'a'), 1);
    assert.equal(await r.sismember('s', 'x'), 0);
    assert.deepEqual(await r.smismember('s', ['a', 'x', 'c']), [1, 0, 1]);
    assert.deepEqual(sorted(await r.smembers('s')), ['a', 'b', 'c']);
    assert.equal(await r.srem('s', 'a', 'x'), 1);
    assert.equal(await r.srem('s', 'b', 'c'), 2);
    assert.equal(await r.exists('s'), 0);
    assert.deepEqual(await r.smembers('missing'), []);
    assert.equal(await r.scard('missing'), 0);
  },
  'SPOP and SRANDMEMBER': async (r) => {
    const all = ['a', 'b', 'c', 'd', 'e', 'f'];
    await r.sadd('s', 'a', 'b', 'c', 'd', 'e', 'f');
    const one = (await r.spop('s')) as string;
    assert.ok(all.includes(one));
    assert.equal(await r.scard('s'), 5);
    const two = (await r.spop('s', 2)) as string[];
    assert.equal(two.length, 2);
    assert.equal(await r.scard('s'), 3);
    assert.ok(all.includes((await r.srandmember('s')) as string));
    assert.equal(((await r.srandmember('s', 2)) as string[]).length, 2);
    assert.equal(((await r.srandmember('s', 10)) as string[]).length, 3);
    assert.equal(((await r.srandmember('s', -7)) as string[]).length, 7);
    assert.equal(await r.scard('s'), 3, 'SRANDMEMBER does not remove');
    assert.equal(await r.spop('missing'), null);
    assert.equal(await r.srandmember('missing'), null);
  },
  'SDIFF, SINTER, SUNION, their STORE forms and SINTERCARD': async (r) => {
    await r.sadd('s1', 'a', 'b', 'c');
    await r.sadd('s2', 'b', 'c', 'd');
    assert.deepEqual(sorted(await r.sdiff('s1', 's2')), ['a']);
    assert.deepEqual(sorted(await r.sinter('s1', 's2')), ['b', 'c']);
    assert.deepEqual(sorted(await r.sunion('s1', 's2')), ['a', 'b', 'c', 'd']);
    assert.deepEqual(await r.sinter('s1', 'missing'), []);
    assert.equal(await r.sdiffstore('d', 's1', 's2'), 1);
    assert.deepEqual(await r.smembers('d'), ['a']);
    assert.equal(await r.sinterstore('i', 's1', 's2'), 2);
    assert.deepEqual(sorted(await r.smembers('i')), ['b', 'c']);
    assert.equal(await r.sunionstore('u', 's1', 's2'), 4);
    assert.equal(await r.scard('u'), 4);
    assert.equal(await r.sintercard(['s1', 's2']), 2);
    assert.equal(await r.sintercard(['s1', 's2'], { limit: 1 }), 1);
    assert.equal(await r.sinterstore('i', 's1', 'missing'), 0);
    assert.equal(await r.exists('i'), 0, 'an empty result deletes the destination');
  },
  SMOVE: async (r) => {
    await r.sadd('s1', 'a', 'b');
    assert.equal(await r.smove('s1', 's2', 'a'), 1);
    assert.equal(await r.smove('s1', 's2', 'a'), 0);
    assert.equal(await r.sismember('s2', 'a'), 1);
    assert.equal(await r.smove('s1', 's2', 'b'), 1);
    assert.equal(await r.exists('s1'), 0);
  },
  SSCAN: async (r) => {
    const members = Array.from({ length: 100 }, (_, i) => `m${i}`);
    await r.sadd('s', members[0] as string, ...members.slice(1));
    assert.deepEqual(sorted(await scanAll((c) => r.sscan('s', c, { count: 10 }))), sorted(members));
    const matched = await scanAll((c) => r.sscan('s', c, { match: 'm9*' }));
    assert.deepEqual(sorted(matched), sorted(members.filter((m) => m.startsWith('m9'))));
  },
};

const sortedSets: Record<string, Case> = {
  'ZADD (NX, XX, GT, LT, CH, INCR), ZCARD, ZSCORE, ZINCRBY and ZMSCORE': async (r) => {
    assert.equal(await r.zadd('z', { score: 1, member: 'a' }, { score: 2, member: 'b' }), 2);
    assert.equal(await r.zadd('z', { nx: true }, { score: 5, member: 'a' }), 0);
    assert.equal(await r.zscore('z', 'a'), 1);
    assert.equal(await r.zadd('z', { xx: true, ch: true }, { score: 5, member: 'a' }), 1);
    assert.equal(await r.zadd('z', { xx: true }, { score: 5, member: 'new' }), 0);
    assert.equal(await r.zadd('z', { gt: true }, { score: 1, member: 'a' }), 0);
    assert.equal(await r.zscore('z', 'a'), 5);
    assert.equal(await r.zadd('z', { lt: true, ch: true }, { score: 3, member: 'a' }), 1);
    assert.equal(await r.zadd('z', { incr: true }, { score: 2, member: 'a' }), 5);
    assert.equal(await r.zincrby('z', 1.5, 'b'), 3.5);
    assert.equal(await r.zcard('z'), 2);
    assert.deepEqual(await r.zmscore('z', ['a', 'b', 'x']), [5, 3.5, null]);
    assert.equal(await r.zscore('z', 'x'), null);
    assert.equal(await r.zcard('missing'), 0);
    await r.zadd('z', { score: 0.1, member: 'tenth' });
    assert.equal(await r.zscore('z', 'tenth'), 0.1);
    await assert.rejects(r.exec(['ZADD', 'z', 'nx', 'xx', '1', 'a']), /XX and NX options at the same time/);
  },
  'ZRANGE by rank, BYSCORE, BYLEX, REV, LIMIT and WITHSCORES': async (r) => {
    await r.zadd(
      'z',
      { score: 1, member: 'a' },
      { score: 2, member: 'b' },
      { score: 3, member: 'c' },
      { score: 4, member: 'd' },
    );
    assert.deepEqual(await r.zrange('z', 0, -1), ['a', 'b', 'c', 'd']);
    assert.deepEqual(await r.zrange('z', 0, 1, { withScores: true }), ['a', 1, 'b', 2]);
    assert.deepEqual(await r.zrange('z', 0, -1, { rev: true }), ['d', 'c', 'b', 'a']);
    assert.deepEqual(await r.zrange('z', 2, '+inf', { byScore: true }), ['b', 'c', 'd']);
    assert.deepEqual(await r.zrange('z', '(1', 3, { byScore: true, offset: 1, count: 1 }), ['c']);
    assert.deepEqual(await r.zrange('z', '+inf', '-inf', { byScore: true, rev: true }), ['d', 'c', 'b', 'a']);
    await r.zadd(
      'lex',
      { score: 0, member: 'a' },
      { score: 0, member: 'b' },
      { score: 0, member: 'c' },
      { score: 0, member: 'd' },
      { score: 0, member: 'e' },
    );
    assert.deepEqual(await r.zrange('lex', '[b', '(d', { byLex: true }), ['b', 'c']);
    assert.deepEqual(await r.zrange('lex', '-', '+', { byLex: true, offset: 1, count: 2 }), ['b', 'c']);
    assert.deepEqual(await r.zrange('lex', '+', '[c', { byLex: true, rev: true }), ['e', 'd', 'c']);
    assert.deepEqual(await r.zrange('missing', 0, -1), []);
  },
  'ZRANK, ZREVRANK, ZCOUNT and ZLEXCOUNT': async (r) => {
    await r.zadd('z', { score: 1, member: 'a' }, { score: 2, member: 'b' }, { score: 3, member: 'c' });
    assert.equal(await r.zrank('z', 'c'), 2);
    assert.equal(await r.zrevrank('z', 'c'), 0);
    assert.equal(await r.zrank('z', 'x'), null);
    assert.equal(await r.zcount('z', 2, 3), 2);
    assert.equal(await r.zcount('z', '(1', '+inf'), 2);
    assert.equal(await r.zcount('z', '-inf', '+inf'), 3);
    await r.zadd('lex', { score: 0, member: 'a' }, { score: 0, member: 'b' }, { score: 0, member: 'c' });
    assert.equal(await r.zlexcount('lex', '[b', '[c'), 2);
    assert.equal(await r.zlexcount('lex', '-', '+'), 3);
    await assert.rejects(r.zlexcount('lex', 'b', 'c'), /ERR min or max not valid string range item/);
  },
  'ZREM, ZREMRANGEBYRANK, ZREMRANGEBYSCORE and ZREMRANGEBYLEX': async (r) => {
    await r.zadd(
      'z',
      { score: 1, member: 'a' },
      { score: 2, member: 'b' },
      { score: 3, member: 'c' },
      { score: 4, member: 'd' },
    );
    assert.equal(await r.zrem('z', 'a', 'x'), 1);
    assert.equal(await r.zremrangebyrank('z', 0, 0), 1);
    assert.equal(await r.zremrangebyscore('z', 4, '+inf'), 1);
    assert.deepEqual(await r.zrange('z', 0, -1), ['c']);
    await r.zadd('lex', { score: 0, member: 'a' }, { score: 0, member: 'b' }, { score: 0, member: 'c' });
    assert.equal(await r.zremrangebylex('lex', '[a', '[b'), 2);
    assert.equal(await r.zremrangebylex('lex', '-', '+'), 1);
    assert.equal(await r.exists('lex'), 0);
  },
  'ZPOPMIN and ZPOPMAX': async (r) => {
    await r.zadd('z', { score: 1, member: 'a' }, { score: 2, member: 'b' }, { score: 3, member: 'c' });
    assert.deepEqual(await r.zpopmin('z'), ['a', 1]);
    assert.deepEqual(await r.zpopmax('z', 2), ['c', 3, 'b', 2]);
    assert.equal(await r.exists('z'), 0);
    assert.deepEqual(await r.zpopmin('z'), []);
  },
  'ZUNION, ZUNIONSTORE, ZINTERSTORE and ZDIFFSTORE (WEIGHTS, AGGREGATE)': async (r) => {
    await r.zadd('z1', { score: 1, member: 'a' }, { score: 2, member: 'b' });
    await r.zadd('z2', { score: 3, member: 'b' }, { score: 4, member: 'c' });
    assert.deepEqual(await r.zunion(2, ['z1', 'z2']), ['a', 'c', 'b']);
    assert.deepEqual(await r.zunion(2, ['z1', 'z2'], { withScores: true }), ['a', 1, 'c', 4, 'b', 5]);
    assert.deepEqual(await r.zunion(2, ['z1', 'z2'], { withScores: true, weights: [2, 1], aggregate: 'max' }), [
      'a',
      2,
      'b',
      4,
      'c',
      4,
    ]);
    assert.equal(await r.zunionstore('u', 2, ['z1', 'z2']), 3);
    assert.equal(await r.zscore('u', 'b'), 5);
    assert.equal(await r.zinterstore('i', 2, ['z1', 'z2'], { aggregate: 'min' }), 1);
    assert.equal(await r.zscore('i', 'b'), 2);
    assert.equal(await r.zinterstore('i', 2, ['z1', 'z2'], { weights: [1, 10] }), 1);
    assert.equal(await r.zscore('i', 'b'), 32);
    assert.equal(await r.zdiffstore('d', 2, 'z1', 'z2'), 1);
    assert.deepEqual(await r.zrange('d', 0, -1), ['a']);
    assert.equal(await r.zinterstore('i', 2, ['z1', 'missing']), 0);
    assert.equal(await r.exists('i'), 0);
  },
  'the other sorted-set commands through exec': async (r) => {
    await r.zadd(
      'z',
      { score: 1, member: 'a' },
      { score: 2, member: 'b' },
      { score: 3, member: 'c' },
      { score: 4, member: 'd' },
    );
    await r.zadd('lex', { score: 0, member: 'a' }, { score: 0, member: 'b' }, { score: 0, member: 'c' });
    await r.zadd('z2', { score: 10, member: 'b' }, { score: 20, member: 'x' });
    assert.deepEqual(await r.exec(['ZRANGEBYSCORE', 'z', '1', '2', 'WITHSCORES']), ['a', 1, 'b', 2]);
    assert.deepEqual(await r.exec(['ZRANGEBYSCORE', 'z', '-inf', '+inf', 'LIMIT', '1', '2']), ['b', 'c']);
    assert.deepEqual(await r.exec(['ZREVRANGEBYSCORE', 'z', '+inf', '3']), ['d', 'c']);
    assert.deepEqual(await r.exec(['ZREVRANGE', 'z', '0', '0', 'WITHSCORES']), ['d', 4]);
    assert.deepEqual(await r.exec(['ZRANGEBYLEX', 'lex', '[a', '[b']), ['a', 'b']);
    assert.deepEqual(await r.exec(['ZREVRANGEBYLEX', 'lex', '+', '[b']), ['c', 'b']);
    assert.ok(['a', 'b', 'c', 'd'].includes(await r.exec<string>(['ZRANDMEMBER', 'z'])));
    assert.equal((await r.exec<unknown[]>(['ZRANDMEMBER', 'z', '2', 'WITHSCORES'])).length, 4);
    assert.deepEqual(await r.exec(['ZINTER', '2', 'z', 'z2', 'WITHSCORES']), ['b', 12]);
    assert.deepEqual(await r.exec(['ZDIFF', '2', 'z', 'z2']), ['a', 'c', 'd']);
    assert.equal(await r.exec(['ZINTERCARD', '2', 'z', 'z2']), 1);
    assert.equal(await r.exec(['ZRANGESTORE', 'dst', 'z', '0', '1']), 2);
    assert.deepEqual(await r.exec(['ZRANGE', 'dst', '0', '-1']), ['a', 'b']);
    assert.deepEqual(await r.exec(['ZMPOP', '2', 'missing', 'z', 'MIN', 'COUNT', '2']), [
      'z',
      [
        ['a', 1],
        ['b', 2],
      ],
    ]);
  },
  ZSCAN: async (r) => {
    const members = Array.from({ length: 60 }, (_, i) => ({ score: i, member: `m${i}` }));
    await r.zadd('z', members[0] as { score: number; member: string }, ...members.slice(1));
    const flat = await scanAll((c) => r.zscan('z', c, { count: 9 }));
    const scores: Record<string, unknown> = {};
    for (let i = 0; i < flat.length; i += 2) scores[flat[i] as string] = flat[i + 1];
    assert.deepEqual(scores, Object.fromEntries(members.map((m) => [m.member, m.score])));
  },
  'sorted-set WRONGTYPE': async (r) => {
    await r.set('s', 'v');
    await assert.rejects(r.zadd('s', { score: 1, member: 'a' }), /WRONGTYPE/);
  },
};

const server: Record<string, Case> = {
  'PING, ECHO, TIME, DBSIZE and INFO': async (r, { sec }) => {
    assert.equal(await r.ping(), 'PONG');
    assert.equal(await r.ping(['hello']), 'hello');
    assert.equal(await r.echo('hé 🚀'), 'hé 🚀');
    const [s, micro] = await r.time();
    assert.equal(s, sec);
    assert.equal(typeof micro, 'number');
    assert.equal(await r.dbsize(), 0);
    await r.set('k', 'v');
    assert.equal(await r.dbsize(), 1);
    const info = await r.exec<string>(['INFO']);
    assert.match(info, /redis_version:/);
    assert.match(await r.exec<string>(['info', 'keyspace']), /db0:keys=1/);
    assert.match(await r.exec<string>(['info', 'stats']), /total_commands_processed:\d+/);
  },
};

const families = { strings, keys, hashes, lists, sets, sortedSets, server };

for (const [mode, autoPipeline] of [
  ['auto-pipelined (default client)', true],
  ['POST / (auto-pipelining off)', false],
] as const) {
  describe(`@upstash/redis, ${mode}`, () => {
    for (const [family, cases] of Object.entries(families)) {
      describe(family, () => {
        for (const [name, fn] of Object.entries(cases)) {
          test(name, () => withServer((env) => fn(client(env.srv, autoPipeline), env)));
        }
      });
    }
  });
}

// These use only GET, SET and PING, so they test the transport whatever the engine's families can do.
describe('@upstash/redis transports and tokens', () => {
  test('commands issued together are auto-pipelined and each gets its own answer or error', () =>
    withServer(async ({ srv }) => {
      const r = client(srv, true);
      const results = await Promise.allSettled([r.set('a', 1), r.get('a'), r.set('b', 1, { ex: -1 }), r.ping()]);
      assert.deepEqual(
        results.map((x) => x.status),
        ['fulfilled', 'fulfilled', 'rejected', 'fulfilled'],
      );
      assert.equal((results[1] as PromiseFulfilledResult<unknown>).value, 1);
      assert.match(String((results[2] as PromiseRejectedResult).reason), /ERR invalid expire time in 'set' command/);
    }));

  test('redis.multi() runs atomically through /multi-exec, runtime errors in place', () =>
    withServer(async ({ srv }) => {
      const r = client(srv, true);
      const tx = r.multi();
      tx.set('k', 1);
      tx.set('k', 2, { get: true });
      tx.get('k');
      assert.deepEqual(await tx.exec(), ['OK', 1, 2]);
      const bad = r.multi();
      bad.set('s', 'x');
      bad.set('s', 'y', { ex: -1 });
      bad.get('s');
      const kept = await bad.exec({ keepErrors: true });
      assert.equal(kept[0]?.result, 'OK');
      assert.match(String(kept[1]?.error), /invalid expire time/);
      assert.equal(kept[2]?.result, 'x');
      const again = r.multi();
      again.set('s', 'y');
      again.set('s', 'z', { ex: -1 });
      await assert.rejects(again.exec(), /Command 2 \[ set \] failed: ERR invalid expire time/);
      assert.equal(await r.get('s'), 'y', 'the commands around the failed one still ran');
    }));

  test('redis.pipeline() through /pipeline', () =>
    withServer(async ({ srv }) => {
      const r = client(srv, false);
      const p = r.pipeline();
      p.set('a', 'x');
      p.get('a');
      p.set('b', { n: 1 });
      p.get('b');
      p.ping();
      assert.deepEqual(await p.exec(), ['OK', 'x', 'OK', { n: 1 }, 'PONG']);
    }));

  test('the read-only token reads, and writes fail with NOPERM, alone or in a transaction', () =>
    withServer(async ({ srv }) => {
      await client(srv, true).set('k', 'v');
      for (const auto of [true, false]) {
        const ro = client(srv, auto, srv.readonlyToken);
        assert.equal(await ro.get('k'), 'v');
        await assert.rejects(ro.set('k', 'w'), /NOPERM this user has no permissions to run the 'set' command/);
        const tx = ro.multi();
        tx.get('k');
        tx.set('k', 'w');
        await assert.rejects(tx.exec(), /EXECABORT.*NOPERM/);
      }
      assert.equal(await client(srv, true).get('k'), 'v');
    }));

  test('a bad token makes the client throw WRONGPASS', () =>
    withServer(async ({ srv }) => {
      for (const auto of [true, false]) {
        await assert.rejects(client(srv, auto, 'not-the-token').get('k'), /WRONGPASS invalid or missing auth token/);
      }
    }));

  test('path style and _token, via fetch', () =>
    withServer(async ({ srv, engine, ms }) => {
      const auth = { authorization: `Bearer ${srv.token}` };
      assert.deepEqual(await (await fetch(`${srv.url}/set/pk/pv?EX=100`, { headers: auth })).json(), { result: 'OK' });
      assert.equal(engine.db.lookup('pk')?.expireAt, ms + 100_000, 'EX 100 came from the query string');
      assert.deepEqual(await (await fetch(`${srv.url}/get/pk?_token=${srv.token}`)).json(), { result: 'pv' });
      const post = await fetch(`${srv.url}/set/body`, { method: 'POST', headers: auth, body: 'raw value' });
      assert.deepEqual(await post.json(), { result: 'OK' });
      assert.equal(await client(srv, true).get('body'), 'raw value');
    }));

  test('the sync token changes after writes, pipelines and transactions, not after reads', () =>
    withServer(async ({ srv }) => {
      const r = client(srv, true);
      await r.get('k');
      const t0 = r.readYourWritesSyncToken;
      assert.ok(t0 !== undefined && t0 !== '');
      await r.set('k', 'v');
      const t1 = r.readYourWritesSyncToken;
      assert.notEqual(t1, t0);
      await r.get('k');
      assert.equal(r.readYourWritesSyncToken, t1);
      const p = r.pipeline();
      p.set('n', 1);
      await p.exec();
      const t2 = r.readYourWritesSyncToken;
      assert.notEqual(t2, t1);
      const tx = r.multi();
      tx.set('n', 2);
      await tx.exec();
      assert.notEqual(r.readYourWritesSyncToken, t2);
    }));

  test('a request over the size limit gets ERR max request size exceeded; the server keeps serving', () =>
    withServer(async ({ srv }) => {
      const r = client(srv, false);
      await assert.rejects(r.set('big', 'x'.repeat(11 * 1024 * 1024)), /ERR max request size exceeded/);
      assert.equal(await r.get('big'), null);
      const nine = 'y'.repeat(9 * 1024 * 1024);
      assert.equal(await r.set('big', nine), 'OK');
      assert.equal(await r.get('big'), nine);
    }));

  test('without base64 response encoding, text still round-trips', () =>
    withServer(async ({ srv }) => {
      const r = new Redis({ url: srv.url, token: srv.token, responseEncoding: false, enableTelemetry: false });
      await r.set('k', 'héllo 🚀');
      assert.equal(await r.get('k'), 'héllo 🚀');
      assert.equal(await r.get('missing'), null);
    }));
});
