import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as E from '../command/errors.ts';
import type { Argv } from '../command/table.ts';
import type { Reply } from '../reply.ts';
import { createTestEngine, seededRandom } from '../testing/index.ts';
import { RSet } from '../types/set.ts';

const LONG_MAX = '9223372036854775807';

/** Set replies are unordered: compare them sorted. */
function sorted(reply: Reply): string[] {
  assert.ok(Array.isArray(reply), `expected an array, got ${String(reply)}`);
  return (reply as string[]).slice().sort();
}

function engineWithLog() {
  const t = createTestEngine();
  const log: Argv[] = [];
  t.engine.onPropagate = (batch) => log.push(...batch);
  return { ...t, log };
}

function range(n: number, prefix = ''): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}${i}`);
}

describe('SADD, SREM, SCARD, SISMEMBER, SMISMEMBER, SMEMBERS', () => {
  test('SADD counts only new members', () => {
    const { run } = createTestEngine();
    assert.equal(run('sadd', 's', 'a', 'b', 'a'), 2);
    assert.equal(run('sadd', 's', 'b', 'c'), 1);
    assert.equal(run('scard', 's'), 3);
    assert.deepEqual(sorted(run('smembers', 's')), ['a', 'b', 'c']);
  });

  test('membership', () => {
    const { run } = createTestEngine();
    run('sadd', 's', 'a', 'b');
    assert.equal(run('sismember', 's', 'a'), 1);
    assert.equal(run('sismember', 's', 'z'), 0);
    assert.equal(run('sismember', 'missing', 'a'), 0);
    assert.deepEqual(run('smismember', 's', 'a', 'z', 'b'), [1, 0, 1]);
    assert.deepEqual(run('smismember', 'missing', 'a', 'b'), [0, 0]);
    assert.equal(run('scard', 'missing'), 0);
    assert.deepEqual(run('smembers', 'missing'), []);
  });

  test('SMEMBERS returns a copy the set does not change afterwards', () => {
    const { run } = createTestEngine();
    run('sadd', 's', 'a', 'b');
    const members = run('smembers', 's') as string[];
    run('srem', 's', 'a');
    run('sadd', 's', 'c', 'd');
    assert.deepEqual(members.slice().sort(), ['a', 'b']);
  });

  test('SREM counts removals and deletes the key with its last member', () => {
    const { run, engine } = createTestEngine();
    run('sadd', 's', 'a', 'b', 'c');
    assert.equal(run('srem', 's', 'a', 'z', 'a'), 1);
    assert.equal(run('srem', 'missing', 'a'), 0);
    assert.equal(run('srem', 's', 'b', 'c', 'x'), 2);
    assert.equal(engine.db.has('s'), false);
  });

  test('WRONGTYPE against a string', () => {
    const { run } = createTestEngine();
    run('set', 'str', 'x');
    for (const argv of [
      ['sadd', 'str', 'a'],
      ['srem', 'str', 'a'],
      ['smembers', 'str'],
      ['sismember', 'str', 'a'],
      ['smismember', 'str', 'a'],
      ['scard', 'str'],
      ['spop', 'str'],
      ['srandmember', 'str'],
    ]) {
      assert.equal(run(...argv), E.WRONGTYPE, argv.join(' '));
    }
    assert.equal(run('get', 'str'), 'x');
  });

  test('arity comes from the table', () => {
    const { run } = createTestEngine();
    assert.deepEqual(run('sadd', 's'), E.arity('sadd'));
    assert.deepEqual(run('smove', 'a', 'b'), E.arity('smove'));
    assert.deepEqual(run('sintercard', '1'), E.arity('sintercard'));
    assert.deepEqual(run('sscan', 's'), E.arity('sscan'));
  });

  test('binary members: NUL and bytes 0x80-0xff are kept exactly', () => {
    const { engine, client } = createTestEngine();
    const exec = (...argv: string[]) => engine.exec(client, argv);
    const members = ['a\0b', '\0', '\x80', '\xff\xfe', 'caf\xc3\xa9', '\x80\0\xff'];
    assert.equal(exec('sadd', 'b', ...members, '\0'), members.length);
    assert.deepEqual(sorted(exec('smembers', 'b')), members.slice().sort());
    assert.equal(exec('sismember', 'b', 'a\0b'), 1);
    assert.equal(exec('sismember', 'b', 'a'), 0);
    assert.equal(exec('sismember', 'b', '\xc3\xa9'), 0);
    exec('sadd', 'c', '\x80', 'x');
    assert.deepEqual(exec('sinter', 'b', 'c'), ['\x80']);
    assert.deepEqual(sorted(exec('sdiff', 'c', 'b')), ['x']);
    assert.equal(exec('smove', 'b', 'c', '\xff\xfe'), 1);
    assert.equal(exec('sismember', 'c', '\xff\xfe'), 1);
    for (const m of exec('smembers', 'b') as string[]) {
      for (let i = 0; i < m.length; i++) assert.ok(m.charCodeAt(i) <= 0xff);
    }
  });
});

describe('SPOP', () => {
  test('without count pops one member, logs SREM, and deletes the emptied key', () => {
    const { run, log, engine } = engineWithLog();
    run('sadd', 's', 'a', 'b');
    const first = run('spop', 's') as string;
    assert.ok(first === 'a' || first === 'b');
    assert.equal(run('sismember', 's', first), 0);
    assert.deepEqual(log.at(-1), ['SREM', 's', first]);
    const second = run('spop', 's') as string;
    assert.deepEqual(new Set([first, second]), new Set(['a', 'b']));
    assert.deepEqual(log.at(-1), ['SREM', 's', second]);
    assert.equal(engine.db.has('s'), false);
    assert.equal(run('spop', 's'), null);
  });

  test('with count pops that many distinct members and logs them as one SREM', () => {
    const { run, log } = engineWithLog();
    run('sadd', 's', ...range(20));
    const popped = run('spop', 's', 5) as string[];
    assert.equal(popped.length, 5);
    assert.equal(new Set(popped).size, 5);
    assert.equal(run('scard', 's'), 15);
    for (const m of popped) assert.equal(run('sismember', 's', m), 0);
    assert.deepEqual(log.at(-1), ['SREM', 's', ...popped]);
  });

  test('a count as large as the set takes it all and logs DEL', () => {
    const { run, log, engine } = engineWithLog();
    run('sadd', 's', 'a', 'b', 'c');
    assert.deepEqual(sorted(run('spop', 's', 3)), ['a', 'b', 'c']);
    assert.equal(engine.db.has('s'), false);
    assert.deepEqual(log.at(-1), ['DEL', 's']);
    run('sadd', 's', 'a', 'b', 'c');
    assert.deepEqual(sorted(run('spop', 's', 100)), ['a', 'b', 'c']);
    assert.equal(engine.db.has('s'), false);
  });

  test('count 0 and a missing key answer an empty array', () => {
    const { run } = createTestEngine();
    run('sadd', 's', 'a');
    assert.deepEqual(run('spop', 's', 0), []);
    assert.equal(run('scard', 's'), 1);
    assert.deepEqual(run('spop', 'missing', 3), []);
    assert.deepEqual(run('spop', 'missing', 0), []);
  });

  test('errors, in Redis order: syntax, count, then type', () => {
    const { run } = createTestEngine();
    run('sadd', 's', 'a');
    run('set', 'str', 'x');
    assert.equal(run('spop', 's', 1, 2), E.SYNTAX);
    assert.equal(run('spop', 's', -1), E.NOT_POSITIVE);
    assert.equal(run('spop', 's', 'abc'), E.NOT_POSITIVE);
    assert.equal(run('spop', 's', '9223372036854775808'), E.NOT_POSITIVE);
    assert.equal(run('spop', 'str', -1), E.NOT_POSITIVE);
    assert.equal(run('spop', 'str', 0), E.WRONGTYPE);
    assert.equal(run('spop', 'str', 2), E.WRONGTYPE);
    assert.equal(run('scard', 's'), 1);
  });

  test('replaying the logged effects rebuilds the same set', () => {
    const { run, log } = engineWithLog();
    run('sadd', 's', ...range(50));
    run('spop', 's');
    run('spop', 's', 7);
    run('spop', 's', 0);
    const replica = createTestEngine({ random: seededRandom(999) });
    for (const argv of log) replica.engine.exec(replica.client, argv);
    assert.deepEqual(sorted(replica.run('smembers', 's')), sorted(run('smembers', 's')));
    run('spop', 's', 1000);
    assert.deepEqual(log.at(-1), ['DEL', 's']);
  });

  test('is deterministic for a given seed', () => {
    const a = createTestEngine({ random: seededRandom(7) });
    const b = createTestEngine({ random: seededRandom(7) });
    for (const t of [a, b]) t.run('sadd', 's', ...range(100));
    assert.deepEqual(a.run('spop', 's', 10), b.run('spop', 's', 10));
    assert.deepEqual(a.run('spop', 's'), b.run('spop', 's'));
  });
});

describe('SRANDMEMBER', () => {
  test('without count: one member, or nil for a missing key; nothing is removed', () => {
    const { run } = createTestEngine();
    run('sadd', 's', 'a', 'b', 'c');
    assert.ok(['a', 'b', 'c'].includes(run('srandmember', 's') as string));
    assert.equal(run('scard', 's'), 3);
    assert.equal(run('srandmember', 'missing'), null);
  });

  test('a positive count gives distinct members, the whole set when it is not smaller', () => {
    const { run } = createTestEngine();
    run('sadd', 's', ...range(10));
    for (const count of [1, 2, 3, 5, 9]) {
      const got = run('srandmember', 's', count) as string[];
      assert.equal(got.length, count);
      assert.equal(new Set(got).size, count);
      for (const m of got) assert.equal(run('sismember', 's', m), 1);
    }
    assert.deepEqual(sorted(run('srandmember', 's', 10)), sorted(range(10)));
    assert.deepEqual(sorted(run('srandmember', 's', LONG_MAX)), sorted(range(10)));
    assert.equal(run('scard', 's'), 10);
  });

  test('a positive count from a large set samples sparsely, still distinct', () => {
    const { run } = createTestEngine();
    run('sadd', 's', ...range(2000));
    const got = run('srandmember', 's', 50) as string[];
    assert.equal(got.length, 50);
    assert.equal(new Set(got).size, 50);
    for (const m of got) assert.equal(run('sismember', 's', m), 1);
  });

  test('a negative count may repeat members and returns exactly |count|', () => {
    const { run } = createTestEngine();
    run('sadd', 's', 'only');
    assert.deepEqual(run('srandmember', 's', -4), ['only', 'only', 'only', 'only']);
    run('sadd', 's', 'other');
    const got = run('srandmember', 's', -100) as string[];
    assert.equal(got.length, 100);
    assert.deepEqual([...new Set(got)].sort(), ['only', 'other']);
  });

  test('count 0 and a missing key answer an empty array', () => {
    const { run } = createTestEngine();
    run('sadd', 's', 'a');
    assert.deepEqual(run('srandmember', 's', 0), []);
    assert.deepEqual(run('srandmember', 'missing', 5), []);
    assert.deepEqual(run('srandmember', 'missing', -5), []);
  });

  test('errors: syntax, integer, Redis range, then type', () => {
    const { run } = createTestEngine();
    run('sadd', 's', 'a');
    run('set', 'str', 'x');
    assert.equal(run('srandmember', 's', 1, 2), E.SYNTAX);
    assert.equal(run('srandmember', 's', 'abc'), E.NOT_INTEGER);
    assert.equal(run('srandmember', 's', '1.5'), E.NOT_INTEGER);
    assert.equal(run('srandmember', 's', '9223372036854775808'), E.NOT_INTEGER);
    assert.deepEqual(
      run('srandmember', 's', '-9223372036854775808'),
      E.valueNotBetween('-9223372036854775807', LONG_MAX),
    );
    assert.equal(
      (run('srandmember', 's', '-9223372036854775808') as { message: string }).message,
      'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807',
    );
    assert.equal(run('srandmember', 'str', 'abc'), E.NOT_INTEGER);
    assert.equal(run('srandmember', 'str', 0), E.WRONGTYPE);
    assert.equal(run('srandmember', 'str', -3), E.WRONGTYPE);
  });

  test('huge negative counts are refused instead of building the reply', () => {
    const { run } = createTestEngine();
    run('sadd', 's', 'a');
    assert.deepEqual(run('srandmember', 's', '-9223372036854775807'), E.valueNotBetween('-10000000', LONG_MAX));
    assert.deepEqual(run('srandmember', 's', -10_000_001), E.valueNotBetween('-10000000', LONG_MAX));
  });

  test('a negative count samples members uniformly', () => {
    const { run } = createTestEngine();
    const members = range(5, 'm');
    run('sadd', 's', ...members);
    const counts = new Map<string, number>();
    for (const m of run('srandmember', 's', -50_000) as string[]) counts.set(m, (counts.get(m) ?? 0) + 1);
    assert.deepEqual([...counts.keys()].sort(), members);
    for (const [m, n] of counts) assert.ok(Math.abs(n - 10_000) < 500, `${m} drawn ${n} times of 50000`);
  });

  test('a positive count samples members uniformly, dense and sparse', () => {
    const { run } = createTestEngine();
    run('sadd', 'small', ...range(8));
    run('sadd', 'big', ...range(400));
    for (const [k, size, count, rounds] of [
      ['small', 8, 3, 4000],
      ['big', 400, 20, 4000],
    ] as const) {
      const counts = new Map<string, number>();
      for (let r = 0; r < rounds; r++) {
        for (const m of run('srandmember', k, count) as string[]) counts.set(m, (counts.get(m) ?? 0) + 1);
      }
      assert.equal(counts.size, size);
      const expected = (rounds * count) / size;
      for (const [m, n] of counts) assert.ok(Math.abs(n - expected) < expected * 0.35, `${k}: ${m} drawn ${n}`);
    }
  });

  test('is deterministic for a given seed', () => {
    const a = createTestEngine({ random: seededRandom(3) });
    const b = createTestEngine({ random: seededRandom(3) });
    for (const t of [a, b]) t.run('sadd', 's', ...range(100));
    for (const count of [-20, 5, 60])
      assert.deepEqual(a.run('srandmember', 's', count), b.run('srandmember', 's', count));
    assert.equal(a.run('srandmember', 's'), b.run('srandmember', 's'));
  });
});

describe('SMOVE', () => {
  test('moves a member, creating the destination and deleting an emptied source', () => {
    const { run, engine } = createTestEngine();
    run('sadd', 'src', 'a', 'b');
    assert.equal(run('smove', 'src', 'dst', 'a'), 1);
    assert.deepEqual(run('smembers', 'src'), ['b']);
    assert.deepEqual(run('smembers', 'dst'), ['a']);
    assert.equal(run('smove', 'src', 'dst', 'zz'), 0);
    assert.equal(run('smove', 'src', 'dst', 'b'), 1);
    assert.equal(engine.db.has('src'), false);
    assert.deepEqual(sorted(run('smembers', 'dst')), ['a', 'b']);
  });

  test('a member already in the destination still leaves the source', () => {
    const { run } = createTestEngine();
    run('sadd', 'src', 'a', 'b');
    run('sadd', 'dst', 'a');
    assert.equal(run('smove', 'src', 'dst', 'a'), 1);
    assert.deepEqual(run('smembers', 'src'), ['b']);
    assert.deepEqual(run('smembers', 'dst'), ['a']);
  });

  test('same source and destination only reports membership', () => {
    const { run } = createTestEngine();
    run('sadd', 's', 'a');
    assert.equal(run('smove', 's', 's', 'a'), 1);
    assert.equal(run('smove', 's', 's', 'z'), 0);
    assert.deepEqual(run('smembers', 's'), ['a']);
    assert.equal(run('smove', 'missing', 'missing', 'a'), 0);
  });

  test('WRONGTYPE ordering matches Redis', () => {
    const { run } = createTestEngine();
    run('sadd', 's', 'a');
    run('set', 'str', 'x');
    // A missing source answers 0 before the destination's type is checked.
    assert.equal(run('smove', 'missing', 'str', 'a'), 0);
    // An existing source with a wrong-type destination errors even when the member is absent.
    assert.equal(run('smove', 's', 'str', 'zz'), E.WRONGTYPE);
    assert.equal(run('smove', 's', 'str', 'a'), E.WRONGTYPE);
    assert.equal(run('smove', 'str', 's', 'a'), E.WRONGTYPE);
    assert.equal(run('smove', 'str', 'str', 'a'), E.WRONGTYPE);
    assert.deepEqual(run('smembers', 's'), ['a']);
  });
});

describe('SINTER, SINTERCARD, SINTERSTORE', () => {
  function fixture() {
    const t = createTestEngine();
    t.run('sadd', 'a', '1', '2', '3', '4', 'x');
    t.run('sadd', 'b', '2', '3', '4', '5', 'x');
    t.run('sadd', 'c', '3', '4', 'x', 'y');
    t.run('set', 'str', 'v');
    return t;
  }

  test('intersects any number of sets, smallest first or not', () => {
    const { run } = fixture();
    assert.deepEqual(sorted(run('sinter', 'a')), ['1', '2', '3', '4', 'x']);
    assert.deepEqual(sorted(run('sinter', 'a', 'b')), ['2', '3', '4', 'x']);
    assert.deepEqual(sorted(run('sinter', 'a', 'b', 'c')), ['3', '4', 'x']);
    assert.deepEqual(sorted(run('sinter', 'c', 'b', 'a')), ['3', '4', 'x']);
    assert.deepEqual(sorted(run('sinter', 'a', 'a', 'c')), ['3', '4', 'x']);
  });

  test('a missing key is an empty set, but every key is still type-checked', () => {
    const { run } = fixture();
    assert.deepEqual(run('sinter', 'a', 'missing'), []);
    assert.deepEqual(run('sinter', 'missing'), []);
    assert.equal(run('sinter', 'missing', 'str'), E.WRONGTYPE);
    assert.equal(run('sinter', 'a', 'str'), E.WRONGTYPE);
    assert.equal(run('sintercard', 2, 'missing', 'str'), E.WRONGTYPE);
    assert.equal(run('sinterstore', 'dst', 'missing', 'str'), E.WRONGTYPE);
  });

  test('SINTERCARD counts, with LIMIT (0 = none, the last one wins)', () => {
    const { run } = fixture();
    assert.equal(run('sintercard', 1, 'a'), 5);
    assert.equal(run('sintercard', 2, 'a', 'b'), 4);
    assert.equal(run('sintercard', 3, 'a', 'b', 'c'), 3);
    assert.equal(run('sintercard', 2, 'a', 'missing'), 0);
    assert.equal(run('sintercard', 2, 'a', 'b', 'LIMIT', 2), 2);
    assert.equal(run('sintercard', 2, 'a', 'b', 'limit', 10), 4);
    assert.equal(run('sintercard', 2, 'a', 'b', 'limit', 0), 4);
    assert.equal(run('sintercard', 2, 'a', 'b', 'limit', 1, 'limit', 0), 4);
    // Key names are taken by numkeys, so a key called LIMIT is a key.
    run('sadd', 'limit', 'x');
    assert.equal(run('sintercard', 2, 'a', 'limit'), 1);
  });

  test('SINTERCARD errors use Redis text', () => {
    const { run } = fixture();
    assert.equal(run('sintercard', 0, 'a'), E.NUMKEYS_NOT_POSITIVE);
    assert.equal(run('sintercard', -1, 'a'), E.NUMKEYS_NOT_POSITIVE);
    assert.equal(run('sintercard', 'abc', 'a'), E.NUMKEYS_NOT_POSITIVE);
    assert.equal(E.NUMKEYS_NOT_POSITIVE.message, 'ERR numkeys should be greater than 0');
    assert.equal(run('sintercard', 2, 'a'), E.NUMKEYS_TOO_LARGE);
    assert.equal(E.NUMKEYS_TOO_LARGE.message, "ERR Number of keys can't be greater than number of args");
    assert.equal(run('sintercard', 1, 'a', 'limit', -1), E.LIMIT_NEGATIVE);
    assert.equal(run('sintercard', 1, 'a', 'limit', 'abc'), E.LIMIT_NEGATIVE);
    assert.equal(E.LIMIT_NEGATIVE.message, "ERR LIMIT can't be negative");
    assert.equal(run('sintercard', 1, 'a', 'limit'), E.SYNTAX);
    assert.equal(run('sintercard', 1, 'a', 'foo'), E.SYNTAX);
    assert.equal(run('sintercard', 1, 'a', 'foo', 1), E.SYNTAX);
    // Options are checked before the keys' types.
    assert.equal(run('sintercard', 1, 'str', 'limit', -1), E.LIMIT_NEGATIVE);
  });

  test('SINTERSTORE stores, overwrites any type and TTL, deletes on an empty result', () => {
    const { run, engine } = fixture();
    assert.equal(run('sinterstore', 'dst', 'a', 'b', 'c'), 3);
    assert.deepEqual(sorted(run('smembers', 'dst')), ['3', '4', 'x']);
    assert.equal(run('sinterstore', 'str', 'a', 'c'), 3);
    assert.equal(run('scard', 'str'), 3);
    engine.db.setExpire('dst', engine.db.now + 100_000);
    assert.equal(run('sinterstore', 'dst', 'a', 'b'), 4);
    assert.equal(engine.db.lookup('dst')?.expireAt, 0);
    assert.equal(run('sinterstore', 'dst', 'a', 'missing'), 0);
    assert.equal(engine.db.has('dst'), false);
    run('sadd', 'dst', 'q');
    run('sadd', 'y-only', 'y');
    assert.equal(run('sinterstore', 'dst', 'a', 'y-only'), 0);
    assert.equal(engine.db.has('dst'), false);
  });

  test('SINTERSTORE may name a source as destination', () => {
    const { run } = fixture();
    assert.equal(run('sinterstore', 'a', 'a', 'c'), 3);
    assert.deepEqual(sorted(run('smembers', 'a')), ['3', '4', 'x']);
  });
});

describe('SUNION, SDIFF and their STORE forms', () => {
  function fixture() {
    const t = createTestEngine();
    t.run('sadd', 'a', '1', '2', '3');
    t.run('sadd', 'b', '3', '4');
    t.run('sadd', 'c', '4', '5', '1');
    t.run('set', 'str', 'v');
    return t;
  }

  test('SUNION', () => {
    const { run } = fixture();
    assert.deepEqual(sorted(run('sunion', 'a', 'b', 'c')), ['1', '2', '3', '4', '5']);
    assert.deepEqual(sorted(run('sunion', 'a', 'missing')), ['1', '2', '3']);
    assert.deepEqual(run('sunion', 'missing'), []);
    assert.equal(run('sunion', 'missing', 'str'), E.WRONGTYPE);
    assert.equal(run('sunion', 'a', 'str'), E.WRONGTYPE);
  });

  test('SDIFF', () => {
    const { run } = fixture();
    assert.deepEqual(sorted(run('sdiff', 'a', 'b')), ['1', '2']);
    assert.deepEqual(sorted(run('sdiff', 'a', 'b', 'c')), ['2']);
    assert.deepEqual(sorted(run('sdiff', 'a', 'missing')), ['1', '2', '3']);
    assert.deepEqual(sorted(run('sdiff', 'a')), ['1', '2', '3']);
    assert.deepEqual(run('sdiff', 'missing', 'a'), []);
    assert.deepEqual(run('sdiff', 'a', 'a'), []);
    assert.deepEqual(run('sdiff', 'a', 'b', 'a'), []);
    assert.equal(run('sdiff', 'missing', 'str'), E.WRONGTYPE);
    assert.equal(run('sdiff', 'str', 'a'), E.WRONGTYPE);
  });

  test('SDIFF gives the same answer whichever way it works', () => {
    const { run } = createTestEngine();
    // A small first set is tested member by member; a large one is copied and the others subtracted.
    run('sadd', 'small', '1', '2', '500', 'x');
    run('sadd', 'large', ...range(1000));
    run('sadd', 'tiny', '3', '4', 'x');
    assert.deepEqual(sorted(run('sdiff', 'small', 'large', 'tiny')), []);
    assert.deepEqual(sorted(run('sdiff', 'small', 'large')), ['x']);
    const rest = range(1000).filter((m) => m !== '1' && m !== '2' && m !== '500' && m !== '3' && m !== '4');
    assert.deepEqual(sorted(run('sdiff', 'large', 'small', 'tiny')), rest.sort());
    run('sadd', 'half', ...range(1000).slice(0, 999));
    assert.deepEqual(run('sdiff', 'large', 'half'), ['999']);
  });

  test('STORE forms store, overwrite any type and TTL, and delete on an empty result', () => {
    const { run, engine } = fixture();
    assert.equal(run('sunionstore', 'u', 'a', 'b', 'missing'), 4);
    assert.deepEqual(sorted(run('smembers', 'u')), ['1', '2', '3', '4']);
    assert.equal(run('sdiffstore', 'd', 'a', 'b'), 2);
    assert.deepEqual(sorted(run('smembers', 'd')), ['1', '2']);
    assert.equal(run('sunionstore', 'str', 'b'), 2);
    assert.deepEqual(sorted(run('smembers', 'str')), ['3', '4']);
    engine.db.setExpire('u', engine.db.now + 100_000);
    assert.equal(run('sunionstore', 'u', 'c'), 3);
    assert.equal(engine.db.lookup('u')?.expireAt, 0);
    assert.equal(run('sdiffstore', 'u', 'a', 'a'), 0);
    assert.equal(engine.db.has('u'), false);
    run('sadd', 'd', 'z');
    assert.equal(run('sdiffstore', 'd', 'missing', 'a'), 0);
    assert.equal(engine.db.has('d'), false);
    run('sadd', 'd', 'z');
    assert.equal(run('sunionstore', 'd', 'missing'), 0);
    assert.equal(engine.db.has('d'), false);
    run('set', 'other', 'v');
    assert.equal(run('sunionstore', 'a', 'a', 'other'), E.WRONGTYPE);
    assert.equal(run('sdiffstore', 'a', 'other'), E.WRONGTYPE);
    assert.equal(run('scard', 'a'), 3);
  });

  test('a stored result is its own set: later writes to it leave the sources alone', () => {
    const { run } = fixture();
    run('sunionstore', 'u', 'a');
    run('sadd', 'u', 'new');
    run('sdiffstore', 'd', 'a');
    run('srem', 'd', '1');
    assert.deepEqual(sorted(run('smembers', 'a')), ['1', '2', '3']);
    assert.equal(run('sdiffstore', 'a', 'a', 'b'), 2);
    assert.deepEqual(sorted(run('smembers', 'a')), ['1', '2']);
  });
});

describe('SSCAN', () => {
  test('a missing key is an empty scan; the cursor is checked first', () => {
    const { run } = createTestEngine();
    assert.deepEqual(run('sscan', 'missing', 0), ['0', []]);
    assert.equal(run('sscan', 'missing', 'abc'), E.INVALID_CURSOR);
    assert.deepEqual(run('sscan', 'missing', -1), ['0', []], 'strtoul wraps -1 to 2^64-1, a valid cursor');
    // Redis answers a missing key before it looks at the options.
    assert.deepEqual(run('sscan', 'missing', 0, 'count', 0), ['0', []]);
    assert.deepEqual(run('sscan', 'missing', 0, 'foo'), ['0', []]);
  });

  test('errors after the key: type, then options', () => {
    const { run } = createTestEngine();
    run('set', 'str', 'x');
    run('sadd', 's', 'a');
    assert.equal(run('sscan', 'str', 'abc'), E.INVALID_CURSOR);
    assert.equal(run('sscan', 'str', 0, 'count', 0), E.WRONGTYPE);
    assert.equal(run('sscan', 's', 0, 'count', 0), E.SYNTAX);
    assert.equal(run('sscan', 's', 0, 'count', 'abc'), E.NOT_INTEGER);
    assert.equal(run('sscan', 's', 0, 'match'), E.SYNTAX);
    assert.equal(run('sscan', 's', 0, 'novalues'), E.SYNTAX);
    assert.equal(run('sscan', 's', '18446744073709551616'), E.INVALID_CURSOR);
  });

  test('a small set comes back whole with cursor 0, COUNT ignored', () => {
    const { run } = createTestEngine();
    run('sadd', 's', ...range(128, 'm'));
    const [cursor, items] = run('sscan', 's', 0, 'count', 1) as [string, string[]];
    assert.equal(cursor, '0');
    assert.deepEqual(items.slice().sort(), range(128, 'm').sort());
    // Any cursor: the whole set again.
    assert.equal((run('sscan', 's', 17) as [string, string[]])[1].length, 128);
    run('sadd', 'ints', ...range(512));
    const [c2, ints] = run('sscan', 'ints', 0, 'count', 5) as [string, string[]];
    assert.equal(c2, '0');
    assert.equal(ints.length, 512);
  });

  test('MATCH filters a small set', () => {
    const { run } = createTestEngine();
    run('sadd', 's', 'apple', 'banana', 'avocado', 'cherry');
    const [cursor, items] = run('sscan', 's', 0, 'match', 'a*') as [string, string[]];
    assert.equal(cursor, '0');
    assert.deepEqual(items.slice().sort(), ['apple', 'avocado']);
    assert.deepEqual(run('sscan', 's', 0, 'match', '*'), ['0', run('smembers', 's')]);
  });

  /** Scans to the end, checking each reply's shape; returns every member seen. */
  function scanAll(run: (...a: (string | number)[]) => Reply, k: string, ...opts: (string | number)[]) {
    const seen: string[] = [];
    let cursor = '0';
    let calls = 0;
    do {
      const [next, items] = run('sscan', k, cursor, ...opts) as [string, string[]];
      cursor = next;
      seen.push(...items);
      calls++;
      assert.ok(calls < 10_000);
    } while (cursor !== '0');
    return { seen, calls };
  }

  test('a large set pages by COUNT and visits every member once', () => {
    const { run } = createTestEngine();
    run('sadd', 's', ...range(1000, 'm'));
    const { seen, calls } = scanAll(run, 's', 'count', 100);
    assert.equal(seen.length, 1000);
    assert.deepEqual(seen.sort(), range(1000, 'm').sort());
    assert.ok(calls >= 10, `${calls} calls`);
    const first = run('sscan', 's', 0) as [string, string[]];
    assert.notEqual(first[0], '0');
    assert.equal(first[1].length, 10);
  });

  test('129 members, or one member over 64 bytes, are enough to page', () => {
    const { run } = createTestEngine();
    run('sadd', 'big', ...range(129, 'm'));
    assert.notEqual((run('sscan', 'big', 0, 'count', 5) as [string])[0], '0');
    run('sadd', 'long', 'a', 'b', 'c', 'x'.repeat(65));
    const [cursor, items] = run('sscan', 'long', 0, 'count', 1) as [string, string[]];
    assert.notEqual(cursor, '0');
    assert.equal(items.length, 1);
    run('sadd', 'ints', ...range(513));
    assert.notEqual((run('sscan', 'ints', 0) as [string])[0], '0');
  });

  test('members present throughout a scan are returned despite writes between calls', () => {
    const { run } = createTestEngine();
    run('sadd', 's', ...range(600, 'm'));
    const seen = new Set<string>();
    let cursor = '0';
    let round = 0;
    do {
      const [next, items] = run('sscan', 's', cursor, 'count', 25) as [string, string[]];
      for (const m of items) seen.add(m);
      cursor = next;
      run('sadd', 's', `new${round}`);
      run('srem', 's', `m${599 - round}`);
      round++;
    } while (cursor !== '0');
    for (let i = 0; i < 600 - round; i++) assert.ok(seen.has(`m${i}`), `m${i} missed`);
  });

  test('MATCH filters a large set while paging', () => {
    const { run } = createTestEngine();
    run('sadd', 's', ...range(300, 'k'));
    const { seen } = scanAll(run, 's', 'match', 'k1?', 'count', 50);
    assert.deepEqual(seen.sort(), range(10, 'k1').sort());
  });
});

describe('RSet', () => {
  test('sample returns distinct members on both paths', () => {
    const set = new RSet();
    for (const m of range(100)) set.add(m);
    const random = seededRandom(5);
    for (const count of [1, 10, 24, 25, 50, 99]) {
      const got = set.sample(count, random);
      assert.equal(got.length, count);
      assert.equal(new Set(got).size, count);
      for (const m of got) assert.ok(set.has(m));
    }
  });

  test('pop removes what it returns', () => {
    const set = new RSet();
    for (const m of range(10)) set.add(m);
    const random = seededRandom(1);
    const popped = new Set<string>();
    while (set.size > 0) {
      const m = set.pop(random) as string;
      assert.ok(!set.has(m));
      popped.add(m);
    }
    assert.equal(popped.size, 10);
    assert.equal(set.pop(random), undefined);
  });

  test('encoding follows Redis thresholds', () => {
    const set = new RSet();
    set.add('1');
    set.add('-42');
    assert.equal(set.encoding(), 'intset');
    set.add('007');
    assert.equal(set.encoding(), 'listpack');
    set.delete('007');
    for (const m of range(510, '1')) set.add(m);
    assert.equal(set.size, 512);
    assert.equal(set.encoding(), 'intset');
    set.add('99999');
    assert.equal(set.encoding(), 'hashtable');
    const text = new RSet();
    text.add('x'.repeat(64));
    assert.equal(text.encoding(), 'listpack');
    text.add('y'.repeat(65));
    assert.equal(text.encoding(), 'hashtable');
  });

  test('clone is independent', () => {
    const set = new RSet();
    set.add('a');
    const copy = set.clone();
    copy.add('b');
    set.delete('a');
    assert.equal(set.size, 0);
    assert.deepEqual([...copy.values()].sort(), ['a', 'b']);
  });
});
