import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorReply, MapReply, OK } from '../reply.ts';
import { createScriptingTestEngine, createTestEngine, type TestEngine } from '../testing/index.ts';

/**
 * An engine with `notify-keyspace-events` set to `flags` and a pattern subscriber on both notification
 * channel families; `take()` returns the events since the last call as `channel message` lines.
 */
function notifying(flags: string, t: TestEngine = createTestEngine()) {
  const seen: string[] = [];
  t.engine.pubsub.psubscribe('__key*__:*', (_kind, channel, message) => seen.push(`${channel} ${message}`));
  assert.equal(t.run('CONFIG', 'SET', 'notify-keyspace-events', flags), OK);
  const take = () => seen.splice(0);
  return { ...t, take };
}

/** The keyevent channel only: `event key` per line is enough to read. */
function events(flags = 'EA', t?: TestEngine) {
  const n = notifying(flags, t);
  return {
    ...n,
    /** Runs one command and returns the `event key` pairs it published. */
    on: (...args: (string | number)[]) => {
      n.take();
      // Byte strings as they are (DUMP payloads), so no UTF-8 encoding of the arguments.
      n.raw(...args.map(String));
      return n.take().map((line) => line.replace(/^__keyevent@0__:/, ''));
    },
  };
}

test('off by default: no command publishes, and CONFIG GET says ""', () => {
  const t = createTestEngine();
  const seen: string[] = [];
  t.engine.pubsub.psubscribe('*', (_k, ch) => seen.push(ch));
  t.run('SET', 'a', '1');
  t.run('GET', 'nosuch');
  t.run('DEL', 'a');
  assert.deepEqual(seen, []);
  assert.deepEqual(t.run('CONFIG', 'GET', 'notify-keyspace-events'), new MapReply(['notify-keyspace-events', '']));
});

test('K publishes on the key channel, E on the event channel, both with KE', () => {
  const k = notifying('K$');
  k.run('SET', 'a', '1');
  assert.deepEqual(k.take(), ['__keyspace@0__:a set']);
  const e = notifying('E$');
  e.run('SET', 'a', '1');
  assert.deepEqual(e.take(), ['__keyevent@0__:set a']);
  const ke = notifying('KE$');
  ke.run('SET', 'a', '1');
  assert.deepEqual(ke.take(), ['__keyspace@0__:a set', '__keyevent@0__:set a']);
  // A class without K or E publishes nothing, and K or E without the class neither.
  const none = notifying('$');
  none.run('SET', 'a', '1');
  assert.deepEqual(none.take(), []);
  const noClass = notifying('KEl');
  noClass.run('SET', 'a', '1');
  assert.deepEqual(noClass.take(), []);
});

test('strings: set, expire, incrby, incrbyfloat, append, setrange, getdel, getex', () => {
  const { on } = events();
  assert.deepEqual(on('SET', 's', 'v', 'EX', 10), ['set s', 'expire s']);
  assert.deepEqual(on('SET', 's', 'v', 'NX'), []);
  assert.deepEqual(on('SETEX', 'e', 10, 'v'), ['set e', 'expire e']);
  assert.deepEqual(on('MSET', 'a', '1', 'b', '2'), ['set a', 'set b']);
  assert.deepEqual(on('MSETNX', 'a', '1', 'c', '2'), []);
  assert.deepEqual(on('INCR', 'n'), ['incrby n']);
  assert.deepEqual(on('DECRBY', 'n', 3), ['incrby n']);
  assert.deepEqual(on('INCRBYFLOAT', 'f', '1.5'), ['incrbyfloat f']);
  assert.deepEqual(on('APPEND', 'ap', 'x'), ['append ap']);
  assert.deepEqual(on('SETRANGE', 'r', 1, 'x'), ['setrange r']);
  assert.deepEqual(on('SETRANGE', 'r', 1, ''), []);
  assert.deepEqual(on('GETSET', 'g', 'v'), ['set g']);
  assert.deepEqual(on('GETEX', 'g', 'EX', 10), ['expire g']);
  assert.deepEqual(on('GETEX', 'g', 'PERSIST'), ['persist g']);
  assert.deepEqual(on('GETEX', 'g', 'PERSIST'), []);
  assert.deepEqual(on('GETEX', 'g', 'PXAT', 1), ['del g']);
  assert.deepEqual(on('GETDEL', 'a'), ['del a']);
  assert.deepEqual(on('GETDEL', 'a'), []);
  // A time already past: Redis reports `expired` when it meets the key; here the key goes at once.
  assert.deepEqual(on('SET', 'p', 'v', 'PXAT', 1), ['set p', 'expire p', 'expired p']);
  assert.deepEqual(on('INCR', 'n', 'x'), []);
});

test('generic: del, expire family, persist, rename, copy, restore', () => {
  const t = events();
  const { on, run } = t;
  run('SET', 'a', '1');
  run('SET', 'b', '1');
  assert.deepEqual(on('DEL', 'a', 'nosuch', 'b'), ['del a', 'del b']);
  run('SET', 'k', 'v');
  assert.deepEqual(on('EXPIRE', 'k', 100), ['expire k']);
  assert.deepEqual(on('EXPIRE', 'k', 100, 'NX'), []);
  assert.deepEqual(on('PERSIST', 'k'), ['persist k']);
  assert.deepEqual(on('PERSIST', 'k'), []);
  assert.deepEqual(on('EXPIRE', 'nosuch', 100), []);
  assert.deepEqual(on('PEXPIREAT', 'k', 1), ['del k']);
  run('SET', 'x', '1');
  assert.deepEqual(on('RENAME', 'x', 'y'), ['rename_from x', 'rename_to y']);
  assert.deepEqual(on('RENAME', 'y', 'y'), []);
  assert.deepEqual(on('RENAMENX', 'y', 'z'), ['rename_from y', 'rename_to z']);
  assert.deepEqual(on('COPY', 'z', 'c'), ['copy_to c']);
  assert.deepEqual(on('COPY', 'z', 'c'), []);
  const payload = t.raw('DUMP', 'z') as string;
  assert.deepEqual(on('RESTORE', 'r', 0, payload), ['restore r']);
  assert.deepEqual(on('RESTORE', 'r', 1, payload, 'REPLACE', 'ABSTTL'), ['del r']);
  assert.deepEqual(on('UNLINK', 'z', 'c'), ['del z', 'del c']);
  // FLUSHALL reports nothing per key, as in Redis.
  run('SET', 'a', '1');
  assert.deepEqual(on('FLUSHALL'), []);
});

test('hashes: hset, hincrby, hincrbyfloat, hdel, then del when emptied', () => {
  const { on } = events();
  assert.deepEqual(on('HSET', 'h', 'a', '1'), ['hset h']);
  assert.deepEqual(on('HSET', 'h', 'a', '1'), ['hset h']);
  assert.deepEqual(on('HMSET', 'h', 'b', '2'), ['hset h']);
  assert.deepEqual(on('HSETNX', 'h', 'a', '9'), []);
  assert.deepEqual(on('HSETNX', 'h', 'c', '3'), ['hset h']);
  assert.deepEqual(on('HINCRBY', 'h', 'n', 1), ['hincrby h']);
  assert.deepEqual(on('HINCRBYFLOAT', 'h', 'f', '1.5'), ['hincrbyfloat h']);
  assert.deepEqual(on('HDEL', 'h', 'nosuch'), []);
  assert.deepEqual(on('HDEL', 'h', 'a', 'b'), ['hdel h']);
  assert.deepEqual(on('HDEL', 'h', 'c', 'n', 'f'), ['hdel h', 'del h']);
});

test('lists: pushes, pops, lset, linsert, lrem, ltrim, lmove (push before pop), lmpop', () => {
  const { on } = events();
  assert.deepEqual(on('LPUSH', 'l', 'a', 'b'), ['lpush l']);
  assert.deepEqual(on('RPUSHX', 'l', 'c'), ['rpush l']);
  assert.deepEqual(on('LPUSHX', 'nosuch', 'c'), []);
  assert.deepEqual(on('LINSERT', 'l', 'BEFORE', 'a', 'x'), ['linsert l']);
  assert.deepEqual(on('LINSERT', 'l', 'BEFORE', 'nosuch', 'x'), []);
  assert.deepEqual(on('LSET', 'l', 0, 'y'), ['lset l']);
  assert.deepEqual(on('LREM', 'l', 0, 'nosuch'), []);
  assert.deepEqual(on('LREM', 'l', 0, 'y'), ['lrem l']);
  assert.deepEqual(on('LTRIM', 'l', 0, -1), ['ltrim l']);
  assert.deepEqual(on('LMOVE', 'l', 'm', 'LEFT', 'RIGHT'), ['rpush m', 'lpop l']);
  assert.deepEqual(on('RPOPLPUSH', 'l', 'm'), ['lpush m', 'rpop l']);
  assert.deepEqual(on('LMOVE', 'l', 'm', 'LEFT', 'LEFT'), ['lpush m', 'lpop l', 'del l']);
  assert.deepEqual(on('LPOP', 'm', 0), []);
  assert.deepEqual(on('LMPOP', 2, 'nosuch', 'm', 'RIGHT'), ['rpop m']);
  assert.deepEqual(on('RPOP', 'm', 10), ['rpop m', 'del m']);
  assert.deepEqual(on('RPUSH', 't', 'a'), ['rpush t']);
  assert.deepEqual(on('LTRIM', 't', 5, 10), ['ltrim t', 'del t']);
});

test('sets: sadd, srem, spop, smove, the STORE forms (del when the result is empty)', () => {
  const { on } = events();
  assert.deepEqual(on('SADD', 's', 'a', 'b', 'c'), ['sadd s']);
  assert.deepEqual(on('SADD', 's', 'a'), []);
  assert.deepEqual(on('SREM', 's', 'nosuch'), []);
  assert.deepEqual(on('SREM', 's', 'a'), ['srem s']);
  assert.deepEqual(on('SMOVE', 's', 'd', 'b'), ['srem s', 'sadd d']);
  assert.deepEqual(on('SMOVE', 's', 's', 'c'), []);
  assert.deepEqual(on('SMOVE', 's', 'd', 'c'), ['srem s', 'del s', 'sadd d']);
  assert.deepEqual(on('SINTERSTORE', 'i', 'd', 'd'), ['sinterstore i']);
  assert.deepEqual(on('SUNIONSTORE', 'u', 'd', 'nosuch'), ['sunionstore u']);
  assert.deepEqual(on('SDIFFSTORE', 'df', 'd', 'd'), []);
  assert.deepEqual(on('SDIFFSTORE', 'u', 'd', 'd'), ['del u']);
  assert.deepEqual(on('SPOP', 'i'), ['spop i']);
  assert.deepEqual(on('SPOP', 'i', 5), ['spop i', 'del i']);
  assert.deepEqual(on('SPOP', 'd', 0), []);
});

test('sorted sets: zadd/zincr, zrem, zremrangeby*, pops, the STORE forms', () => {
  const { on } = events();
  assert.deepEqual(on('ZADD', 'z', 1, 'a', 2, 'b', 3, 'c'), ['zadd z']);
  assert.deepEqual(on('ZADD', 'z', 1, 'a'), []);
  assert.deepEqual(on('ZADD', 'z', 'INCR', 1, 'a'), ['zincr z']);
  assert.deepEqual(on('ZINCRBY', 'z', 0, 'a'), []);
  assert.deepEqual(on('ZADD', 'z', 'XX', 1, 'nosuch'), []);
  assert.deepEqual(on('ZREM', 'z', 'a'), ['zrem z']);
  assert.deepEqual(on('ZREMRANGEBYSCORE', 'z', 100, 200), []);
  assert.deepEqual(on('ZREMRANGEBYRANK', 'z', 0, 0), ['zremrangebyrank z']);
  assert.deepEqual(on('ZADD', 'z', 0, 'x', 0, 'y'), ['zadd z']);
  assert.deepEqual(on('ZREMRANGEBYSCORE', 'z', 3, 3), ['zremrangebyscore z']);
  assert.deepEqual(on('ZREMRANGEBYLEX', 'z', '[x', '[x'), ['zremrangebylex z']);
  assert.deepEqual(on('ZPOPMIN', 'z'), ['zpopmin z', 'del z']);
  on('ZADD', 'y', 1, 'a', 2, 'b');
  assert.deepEqual(on('ZUNIONSTORE', 'u', 1, 'y'), ['zunionstore u']);
  assert.deepEqual(on('ZINTERSTORE', 'i', 2, 'y', 'u'), ['zinterstore i']);
  assert.deepEqual(on('ZDIFFSTORE', 'd', 2, 'y', 'u'), []);
  assert.deepEqual(on('ZDIFFSTORE', 'i', 2, 'y', 'u'), ['del i']);
  assert.deepEqual(on('ZRANGESTORE', 'r', 'y', 0, 0), ['zrangestore r']);
  assert.deepEqual(on('ZRANGESTORE', 'r', 'y', 5, 9), ['del r']);
  assert.deepEqual(on('ZMPOP', 1, 'y', 'MAX', 'COUNT', 9), ['zpopmax y', 'del y']);
});

test('geo (GEOADD is a zadd), hyperloglog (PFMERGE is a pfadd), bitmaps, SORT … STORE', () => {
  const { on } = events();
  assert.deepEqual(on('GEOADD', 'g', '13.36', '38.11', 'Palermo'), ['zadd g']);
  assert.deepEqual(on('GEOSEARCHSTORE', 'gs', 'g', 'FROMLONLAT', 13, 38, 'BYRADIUS', 500, 'km'), ['geosearchstore gs']);
  assert.deepEqual(on('GEORADIUS', 'g', 13, 38, 500, 'km', 'STORE', 'gr'), ['georadiusstore gr']);
  assert.deepEqual(on('GEORADIUS', 'g', 0, 0, 1, 'm', 'STORE', 'gr'), ['del gr']);
  assert.deepEqual(on('PFADD', 'h', 'a'), ['pfadd h']);
  assert.deepEqual(on('PFADD', 'h', 'a'), []);
  assert.deepEqual(on('PFMERGE', 'h2', 'h'), ['pfadd h2']);
  assert.deepEqual(on('SETBIT', 'b', 7, 1), ['setbit b']);
  assert.deepEqual(on('SETBIT', 'b', 7, 1), []);
  assert.deepEqual(on('BITOP', 'NOT', 'bn', 'b'), ['set bn']);
  assert.deepEqual(on('BITOP', 'AND', 'bn', 'nosuch'), ['del bn']);
  assert.deepEqual(on('BITFIELD', 'bf', 'SET', 'u8', 0, 1), ['setbit bf']);
  assert.deepEqual(on('BITFIELD', 'bf', 'GET', 'u8', 0), []);
  on('RPUSH', 'src', 2, 1);
  assert.deepEqual(on('SORT', 'src', 'STORE', 'dst'), ['sortstore dst']);
  assert.deepEqual(on('SORT', 'nosuch', 'STORE', 'dst'), ['del dst']);
  assert.deepEqual(on('SORT', 'src'), []);
});

test('expired: lazily, on the lookup that finds the key past its time, and by the active cycle', () => {
  const { on, run, clock, engine, take } = events('EA');
  run('SET', 'a', '1', 'PX', 10);
  run('SET', 'b', '1', 'PX', 10);
  take();
  clock.advance(20);
  assert.deepEqual(on('GET', 'a'), ['expired a']);
  assert.equal(engine.activeExpire(), 1);
  assert.deepEqual(take(), ['__keyevent@0__:expired b']);
  // The host's expiry hook still sees each key.
  const logged: string[] = [];
  engine.db.onExpire = (key) => logged.push(key);
  run('SET', 'c', '1', 'PX', 10);
  take();
  clock.advance(20);
  assert.deepEqual(on('SET', 'c', '2'), ['expired c', 'set c']);
  assert.deepEqual(logged, ['c']);
});

test('x alone reports expiries and nothing else; n alone reports key creation', () => {
  const x = events('Ex');
  x.run('SET', 'a', '1', 'PX', 10);
  x.clock.advance(20);
  assert.deepEqual(x.on('EXISTS', 'a'), ['expired a']);
  const n = events('En');
  assert.deepEqual(n.on('SET', 'a', '1'), ['new a']);
  assert.deepEqual(n.on('SET', 'a', '2'), []);
  assert.deepEqual(n.on('LPUSH', 'l', 'x'), ['new l']);
  assert.deepEqual(n.on('LMOVE', 'l', 'l2', 'LEFT', 'LEFT'), ['new l2']);
  assert.deepEqual(n.on('RENAME', 'a', 'b'), ['new b']);
  assert.deepEqual(n.on('COPY', 'b', 'c'), ['new c']);
  assert.deepEqual(n.on('RESTORE', 'd', 0, n.raw('DUMP', 'c') as string), ['new d']);
  // `new` comes before the command's own event, as Redis's dbAdd runs first.
  const both = events('EAn');
  assert.deepEqual(both.on('HSET', 'h', 'f', 'v'), ['new h', 'hset h']);
  assert.deepEqual(both.on('CONFIG', 'GET', 'notify-keyspace-events'), []);
  assert.deepEqual(both.run('CONFIG', 'GET', 'notify-keyspace-events'), new MapReply(['notify-keyspace-events', 'AE']));
});

test('keymiss: every missed lookup of a read command, and of writes that read as Redis does', () => {
  const { on, run } = events('Em');
  run('SET', 'a', '1');
  assert.deepEqual(on('GET', 'nosuch'), ['keymiss nosuch']);
  assert.deepEqual(on('GET', 'a'), []);
  assert.deepEqual(on('MGET', 'a', 'b', 'c'), ['keymiss b', 'keymiss c']);
  assert.deepEqual(on('EXISTS', 'x', 'x'), ['keymiss x', 'keymiss x']);
  assert.deepEqual(on('SINTER', 'x', 'y'), ['keymiss x', 'keymiss y']);
  // Write lookups do not count; OBJECT and SCAN look without reporting, as in Redis.
  assert.deepEqual(on('DEL', 'nosuch'), []);
  assert.deepEqual(on('LPOP', 'nosuch'), []);
  assert.deepEqual(on('OBJECT', 'ENCODING', 'nosuch'), []);
  assert.deepEqual(on('SCAN', 0), []);
  // These writes read their keys as Redis's lookupKeyRead does.
  assert.deepEqual(on('GETDEL', 'nosuch'), ['keymiss nosuch']);
  assert.deepEqual(on('SET', 'n', 'v', 'GET'), ['keymiss n']);
  assert.deepEqual(on('COPY', 'nosuch', 'd'), ['keymiss nosuch']);
  assert.deepEqual(on('SUNIONSTORE', 'd', 'x', 'a2'), ['keymiss x', 'keymiss a2']);
  assert.deepEqual(on('BITOP', 'OR', 'd', 'x'), ['keymiss x']);
  assert.deepEqual(on('SORT', 'x', 'STORE', 'd'), ['keymiss x']);
  // A key past its time is first expired (x is not selected here), then missed.
  const t = events('Emx');
  t.run('SET', 'e', '1', 'PX', 10);
  t.clock.advance(20);
  assert.deepEqual(t.on('GET', 'e'), ['expired e', 'keymiss e']);
});

test('MULTI and scripts: each command inside reports as it runs', async () => {
  const { on } = events('EA', await createScriptingTestEngine());
  on('MULTI');
  assert.deepEqual(on('SET', 'a', '1'), []);
  assert.deepEqual(on('INCR', 'a'), []);
  assert.deepEqual(on('EXEC'), ['set a', 'incrby a']);
  assert.deepEqual(on('EVAL', "redis.call('del', KEYS[1]); return redis.call('get', KEYS[1])", 1, 'a'), ['del a']);
  const m = events('Em', await createScriptingTestEngine());
  assert.deepEqual(m.on('EVAL', "return redis.call('get', KEYS[1])", 1, 'x'), ['keymiss x']);
});

test('turning notifications off stops keyspace-level events too', () => {
  const { on, run, clock } = events('EAnm');
  run('SET', 'a', '1', 'PX', 10);
  run('CONFIG', 'SET', 'notify-keyspace-events', '');
  clock.advance(20);
  assert.deepEqual(on('GET', 'a'), []);
  assert.deepEqual(on('SET', 'b', '1'), []);
  assert.ok(run('CONFIG', 'SET', 'notify-keyspace-events', 'Q') instanceof ErrorReply);
});
