import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorReply, type Reply, SimpleString } from '@redstash/engine';
import { createScriptingTestEngine, createTestEngine, type TestEngine } from '@redstash/engine/testing';
import { Database } from './database.ts';
import { type Plan, planSet } from './plans.ts';
import { Registry } from './registry.ts';
import { tokenDigest } from './tokens.ts';

const DAILY_TEXT =
  'ERR max daily request limit exceeded. Limit: 10, Usage: 11. ' +
  'See https://upstash.com/docs/redis/troubleshooting/max_daily_request_limit for details';

/** A database on plan `plan` (of `extra` plans) over a test engine, with the quota hook installed as Platform does. */
function open(plan: string, extra: unknown[] = [], options: { eviction?: boolean; te?: TestEngine } = {}) {
  const te = options.te ?? createTestEngine();
  const p = planSet(extra).get(plan) as Plan;
  const record = {
    id: Registry.newId(),
    name: 'db',
    plan,
    eviction: options.eviction === true,
    createdAt: te.clock.now(),
    tokenDigest: tokenDigest('t'),
    readonlyTokenDigest: tokenDigest('r'),
    dataPath: 'databases/x',
    isDefault: false,
  };
  const db = new Database(record, p, { engine: te.engine, close() {} }, te.clock.now());
  te.engine.quota = db.quota;
  return { ...te, run: (...args: (string | number)[]) => plain(te.run(...args)), db };
}

/** Status replies as their text, so replies compare as plain values. */
function plain(reply: Reply): unknown {
  if (reply instanceof SimpleString) return reply.value;
  if (Array.isArray(reply)) return reply.map(plain);
  return reply;
}

function message(reply: unknown): string | undefined {
  return reply instanceof ErrorReply ? reply.message : undefined;
}

describe('Database quota hook: metering', () => {
  it('bills each command, not the operational ones or the MULTI/EXEC brackets', () => {
    const { run, db } = open('payg');
    run('PING');
    run('INFO', 'server');
    run('CONFIG', 'GET', 'maxmemory');
    run('COMMAND', 'COUNT');
    assert.equal(db.ledger.commands, 0);
    run('SET', 'k', 'v');
    run('GET', 'k');
    assert.equal(db.ledger.commands, 2);
    assert.equal(run('MULTI'), 'OK');
    run('SET', 'a', '1');
    run('INCR', 'a');
    run('PING');
    assert.equal(db.ledger.commands, 2, 'queued commands are billed when they run');
    assert.deepEqual(run('EXEC'), ['OK', 2, 'PONG']);
    assert.equal(db.ledger.commands, 4);
    assert.equal(db.ledger.writes, 3);
    assert.equal(db.ledger.reads, 1);
    assert.deepEqual(db.ledger.current().byCommand, { SET: 2, GET: 1, INCR: 1 });
    assert.equal(db.ledger.dirty, true);
  });

  it('bills a script once plus each redis.call', async () => {
    const te = await createScriptingTestEngine();
    const { run, db } = open('payg', [], { te });
    const reply = run(
      'EVAL',
      "redis.call('SET', KEYS[1], 'v'); redis.call('GET', KEYS[1]); return redis.call('STRLEN', KEYS[1])",
      1,
      'k',
    );
    assert.equal(reply, 1);
    assert.equal(db.ledger.commands, 4);
    assert.deepEqual(db.ledger.current().byCommand, { EVAL: 1, SET: 1, GET: 1, STRLEN: 1 });
  });

  it('refuses the 11th command of a 10-a-day plan with Upstash’s text, and counts again the next UTC day', () => {
    const { run, clock, db } = open('tiny', [{ name: 'tiny', dailyCommands: 10 }]);
    clock.set(Date.UTC(2026, 4, 10, 23, 59, 0));
    for (let i = 0; i < 10; i++) assert.equal(run('SET', `k${i}`, 'v'), 'OK');
    assert.equal(message(run('GET', 'k0')), DAILY_TEXT);
    assert.equal(message(run('SET', 'x', 'y')), DAILY_TEXT);
    assert.equal(run('PING'), 'PONG', 'free commands still answer');
    assert.equal(db.ledger.commands, 10);
    clock.set(Date.UTC(2026, 4, 10, 23, 59, 59, 999));
    assert.equal(message(run('GET', 'k0')), DAILY_TEXT);
    clock.set(Date.UTC(2026, 4, 11));
    assert.equal(run('GET', 'k0'), 'v');
    assert.equal(db.ledger.day, '2026-05-11');
    assert.equal(db.ledger.commands, 1);
    assert.deepEqual(
      db.ledger.history.map((d) => [d.day, d.commands]),
      [['2026-05-10', 10]],
    );
  });

  it('refuses a queued command over the daily limit inside EXEC', () => {
    const { run } = open('tiny', [{ name: 'tiny', dailyCommands: 2 }]);
    run('MULTI');
    run('SET', 'a', '1');
    run('SET', 'b', '2');
    run('SET', 'c', '3');
    const replies = run('EXEC') as unknown[];
    assert.deepEqual(replies.slice(0, 2), ['OK', 'OK']);
    assert.match(message(replies[2]) ?? '', /^ERR max daily request limit exceeded\. Limit: 2, Usage: 3\./);
  });

  it('holds the per-second limit and starts again the next second', () => {
    const { run, clock, db } = open('slow', [{ name: 'slow', maxCommandsPerSecond: 3 }]);
    clock.set(Date.UTC(2026, 0, 1, 0, 0, 0, 100));
    for (let i = 0; i < 3; i++) assert.equal(run('SET', 'k', 'v'), 'OK');
    assert.equal(message(run('GET', 'k')), 'ERR max requests per second limit exceeded. Limit: 3');
    assert.equal(run('PING'), 'PONG');
    clock.advance(899);
    assert.equal(message(run('GET', 'k')), 'ERR max requests per second limit exceeded. Limit: 3');
    clock.advance(1);
    assert.equal(run('GET', 'k'), 'v');
    assert.equal(db.ledger.commands, 4, 'refused commands are not billed');
  });
});

describe('Database quota hook: sizes and capacity', () => {
  const SMALL = [{ name: 'small', maxKeyBytes: 10, maxMemberBytes: 5, maxRecordBytes: 20 }];

  it('refuses a write with a key over the limit, not a read or a delete', () => {
    const { run, db } = open('small', SMALL);
    const long = 'k'.repeat(11);
    assert.equal(message(run('SET', long, 'v')), 'ERR max key size exceeded. Limit: 10 bytes, Actual: 11 bytes');
    assert.equal(
      message(run('MSET', 'a', '1', long, '2')),
      'ERR max key size exceeded. Limit: 10 bytes, Actual: 11 bytes',
    );
    assert.equal(run('SET', 'k'.repeat(10), 'v'), 'OK');
    assert.equal(run('GET', long), null);
    assert.equal(run('DEL', long), 0);
    assert.equal(run('EXISTS', long), 0);
    assert.equal(db.ledger.commands, 4, 'refusals are not billed');
  });

  it('refuses a set or sorted-set member over the limit', () => {
    const { run } = open('small', SMALL);
    assert.equal(
      message(run('SADD', 's', 'ok', 'sixsix')),
      'ERR max member size exceeded. Limit: 5 bytes, Actual: 6 bytes',
    );
    assert.equal(
      message(run('ZADD', 'z', 1, 'sixsix')),
      'ERR max member size exceeded. Limit: 5 bytes, Actual: 6 bytes',
    );
    assert.equal(run('SADD', 's', 'five5'), 1);
    // A hash field is not a member: only the record limit applies.
    assert.equal(run('HSET', 'h', 'sixsix', 'v'), 1);
    assert.equal(run('SISMEMBER', 's', 'sixsix'), 0);
  });

  it('refuses a value over the single record limit', () => {
    const { run } = open('small', SMALL);
    assert.equal(message(run('SET', 'k', 'v'.repeat(21))), 'ERR max single record size exceeded');
    assert.equal(message(run('HSET', 'h', 'f', 'v'.repeat(21))), 'ERR max single record size exceeded');
    assert.equal(run('SET', 'k', 'v'.repeat(20)), 'OK');
  });

  it('refuses writes at the capacity while reads and deletes are served', () => {
    const { run, engine, db } = open('cap', [{ name: 'cap', maxDataBytes: 4096 }]);
    let refused: unknown;
    let n = 0;
    for (; n < 1000; n++) {
      const reply = run('SET', `key:${n}`, 'x'.repeat(100));
      if (reply instanceof ErrorReply) {
        refused = reply;
        break;
      }
    }
    assert.equal(message(refused), 'ERR DB capacity quota exceeded');
    assert.ok(n > 5 && engine.db.usedBytes >= 4096);
    assert.equal(message(run('APPEND', 'key:0', 'more')), 'ERR DB capacity quota exceeded');
    assert.equal(run('GET', 'key:0'), 'x'.repeat(100));
    assert.equal(run('STRLEN', 'key:1'), 100);
    assert.equal(run('DEL', 'key:0'), 1);
    assert.equal(run('EXPIRE', 'key:1', 100), 1, 'not denyoom: served');
    for (let i = 2; i < n && engine.db.usedBytes >= 4096; i++) assert.equal(run('DEL', `key:${i}`), 1);
    assert.equal(run('SET', 'again', 'v'), 'OK');
    assert.equal(db.engine.stats.evictedKeys, 0);
  });

  it('a full database refuses a whole EXEC holding a write, as Redis does, and runs one of only reads', () => {
    const { run, engine } = open('cap', [{ name: 'cap', maxDataBytes: 2048 }]);
    for (let n = 0; engine.db.usedBytes < 2048 && n < 100; n++) run('SET', `key:${n}`, 'x'.repeat(100));
    run('MULTI');
    run('GET', 'key:0');
    run('SET', 'key:0', 'y');
    assert.equal(message(run('EXEC')), 'EXECABORT Transaction discarded because of: DB capacity quota exceeded');
    assert.equal(run('GET', 'key:0'), 'x'.repeat(100), 'nothing of the block ran');
    run('MULTI');
    run('GET', 'key:0');
    run('DEL', 'key:1');
    assert.deepEqual(run('EXEC'), ['x'.repeat(100), 1]);
  });

  it('with eviction on, writes succeed and keys with a TTL go first, logged as DEL and announced', () => {
    const { run, engine, effects } = open('cap', [{ name: 'cap', maxDataBytes: 4096 }], { eviction: true });
    assert.equal(run('CONFIG', 'SET', 'notify-keyspace-events', 'Ee'), 'OK');
    const announced: string[] = [];
    engine.pubsub.psubscribe('__keyevent@0__:*', (_kind, channel, message) => {
      if (channel === '__keyevent@0__:evicted') announced.push(message);
    });
    // Half the capacity without a TTL, then keys with one.
    for (let i = 0; engine.db.usedBytes < 2048 && i < 100; i++)
      assert.equal(run('SET', `plain:${i}`, 'x'.repeat(100)), 'OK');
    const plain = engine.db.size;
    for (let i = 0; i < 100; i++) assert.equal(run('SET', `ttl:${i}`, 'x'.repeat(100), 'EX', 1000 + i), 'OK');
    assert.ok(engine.db.usedBytes < 4096 + 300);
    assert.ok(engine.stats.evictedKeys > 0);
    // Every plain key survives: only TTL keys were evicted, soonest-expiring first.
    for (let i = 0; i < plain; i++) assert.equal(run('EXISTS', `plain:${i}`), 1);
    assert.equal(run('EXISTS', 'ttl:0'), 0);
    assert.equal(run('EXISTS', 'ttl:99'), 1);
    const dels = effects.filter((e) => e[0] === 'DEL').map((e) => e[1]);
    assert.equal(dels.length, engine.stats.evictedKeys);
    assert.deepEqual(announced, dels);
    assert.ok(dels.every((k) => k?.startsWith('ttl:')));
    assert.equal(dels[0], 'ttl:0');

    // With no TTL key left, the oldest plain keys go.
    for (let i = 0; i < 100; i++) assert.equal(run('SET', `more:${i}`, 'x'.repeat(100)), 'OK');
    assert.equal(run('EXISTS', 'plain:0'), 0);
    assert.ok(engine.db.usedBytes < 4096 + 300);
  });

  it('with eviction on, an oversized value admitted under the capacity is evicted for the next write', () => {
    const { run } = open('cap', [{ name: 'cap', maxDataBytes: 1024 }], { eviction: true });
    assert.equal(run('SET', 'big', 'x'.repeat(2000)), 'OK', 'admitted: the data was under the capacity');
    assert.equal(message(run('SET', 'other', 'v')), undefined, 'evicts big to make room');
    assert.equal(run('EXISTS', 'big'), 0);
  });
});

describe('Database enter/leave', () => {
  it('counts bandwidth and service time, and holds the concurrent limit', () => {
    const { db } = open('conn', [{ name: 'conn', maxConnections: 2 }]);
    assert.equal(db.enter(), undefined);
    assert.equal(db.enter(), undefined);
    assert.equal(db.enter()?.message, 'ERR max concurrent connections exceeded');
    assert.equal(db.connections, 2);
    db.leave(10, 20, 1.5);
    assert.equal(db.enter(), undefined);
    db.leave(1, 2, 0.5);
    db.leave(1, 2, 0.5);
    assert.equal(db.connections, 0);
    assert.equal(db.ledger.bytesIn, 12);
    assert.equal(db.ledger.bytesOut, 24);
    assert.equal(db.latency.count, 3);
  });

  it('samples the peak storage', () => {
    const { run, db, engine } = open('payg');
    run('SET', 'k', 'x'.repeat(1000));
    db.sampleStorage();
    const peak = db.ledger.storage;
    assert.equal(peak, engine.db.usedBytes);
    run('DEL', 'k');
    db.sampleStorage();
    assert.equal(db.ledger.storage, peak);
  });
});
