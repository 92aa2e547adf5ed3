import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as E from '../command/errors.ts';
import { ErrorReply, OK, type Reply, SimpleString } from '../reply.ts';
import { createTestEngine } from '../testing/index.ts';

function setup() {
  const t = createTestEngine();
  return { ...t, now: () => t.clock.now() };
}

const BIN_KEY = 'k\x00\x80\xff';
const status = (s: string) => new SimpleString(s);

/** Every SCAN key (and, with WITHTYPE, type) over a whole iteration. */
function scanAll(run: (...a: (string | number)[]) => Reply, ...opts: string[]): string[] {
  const out: string[] = [];
  let cursor = '0';
  let calls = 0;
  do {
    const reply = run('scan', cursor, ...opts) as [string, string[]];
    cursor = reply[0];
    out.push(...reply[1]);
    assert.ok(++calls < 1000);
  } while (cursor !== '0');
  return out;
}

test('DEL and UNLINK count the keys they removed, of any type', () => {
  const { run, raw } = setup();
  run('mset', 'a', '1', 'b', '2');
  run('hset', 'h', 'f', 'v');
  raw('set', BIN_KEY, 'x');
  assert.equal(run('del', 'a', 'b', 'c', 'a'), 2);
  assert.equal(run('del', 'a'), 0);
  assert.equal(run('unlink', 'h', 'nope'), 1);
  assert.equal(raw('unlink', BIN_KEY), 1);
  assert.equal(run('dbsize'), 0);
  assert.deepEqual(run('del'), E.arity('del'));
});

test('EXISTS and TOUCH count existing keys, repeats included, and ignore expired ones', () => {
  const { run, clock } = setup();
  run('set', 'a', '1');
  run('set', 'b', '2', 'px', '100');
  assert.equal(run('exists', 'a', 'a', 'b', 'c'), 3);
  assert.equal(run('touch', 'a', 'b', 'c'), 2);
  clock.advance(100);
  assert.equal(run('exists', 'b'), 0);
  assert.equal(run('touch', 'a', 'b'), 1);
});

test('TYPE names each type, and none for a missing key', () => {
  const { run, raw } = setup();
  run('set', 's', 'v');
  run('hset', 'h', 'f', 'v');
  run('rpush', 'l', 'x');
  run('sadd', 'st', 'm');
  run('zadd', 'z', '1', 'm');
  raw('set', BIN_KEY, 'x');
  assert.deepEqual(run('type', 's'), status('string'));
  assert.deepEqual(run('type', 'h'), status('hash'));
  assert.deepEqual(run('type', 'l'), status('list'));
  assert.deepEqual(run('type', 'st'), status('set'));
  assert.deepEqual(run('type', 'z'), status('zset'));
  assert.deepEqual(run('type', 'nope'), status('none'));
  assert.deepEqual(raw('type', BIN_KEY), status('string'));
});

test('EXPIRE family sets TTLs; TTL/PTTL/EXPIRETIME/PEXPIRETIME read them', () => {
  const { run, clock, now } = setup();
  run('set', 'k', 'v');
  assert.equal(run('ttl', 'k'), -1);
  assert.equal(run('pttl', 'k'), -1);
  assert.equal(run('expiretime', 'k'), -1);
  assert.equal(run('pexpiretime', 'k'), -1);
  assert.equal(run('ttl', 'nope'), -2);
  assert.equal(run('pttl', 'nope'), -2);
  assert.equal(run('expiretime', 'nope'), -2);
  assert.equal(run('pexpiretime', 'nope'), -2);
  assert.equal(run('expire', 'k', '100'), 1);
  assert.equal(run('ttl', 'k'), 100);
  assert.equal(run('pttl', 'k'), 100000);
  assert.equal(run('pexpiretime', 'k'), now() + 100000);
  assert.equal(run('expiretime', 'k'), (now() + 100000) / 1000);
  assert.equal(run('pexpire', 'k', '1500'), 1);
  assert.equal(run('ttl', 'k'), 2, 'TTL rounds to the nearest second');
  clock.advance(1001);
  assert.equal(run('ttl', 'k'), 0);
  assert.equal(run('pttl', 'k'), 499);
  assert.equal(run('expireat', 'k', '2000000000'), 1);
  assert.equal(run('expiretime', 'k'), 2000000000);
  assert.equal(run('pexpireat', 'k', '2000000000500'), 1);
  assert.equal(run('pexpiretime', 'k'), 2000000000500);
  assert.equal(run('expiretime', 'k'), 2000000001, 'EXPIRETIME rounds too');
  assert.equal(run('pexpireat', 'k', '2000000000499'), 1);
  assert.equal(run('expiretime', 'k'), 2000000000);
  assert.equal(run('expire', 'nope', '100'), 0);
  assert.equal(run('exists', 'nope'), 0);
  run('pexpire', 'k', '10');
  clock.advance(10);
  assert.equal(run('ttl', 'k'), -2);
});

test('an expiry not in the future deletes the key', () => {
  const { run, now } = setup();
  for (const cmd of [
    ['expire', '0'],
    ['expire', '-1'],
    ['pexpire', '-100'],
    ['expireat', '1'],
    ['pexpireat', '0'],
    ['pexpireat', String(now())],
  ]) {
    run('set', 'k', 'v');
    assert.equal(run(cmd[0] as string, 'k', cmd[1] as string), 1, cmd.join(' '));
    assert.equal(run('exists', 'k'), 0, cmd.join(' '));
  }
  run('hset', 'h', 'f', 'v');
  assert.equal(run('expire', 'h', '-5'), 1);
  assert.equal(run('hget', 'h', 'f'), null);
});

test('EXPIRE NX / XX / GT / LT, a key without TTL counting as infinite', () => {
  const { run } = setup();
  run('set', 'k', 'v');
  assert.equal(run('expire', 'k', '100', 'xx'), 0);
  assert.equal(run('expire', 'k', '100', 'gt'), 0, 'nothing is greater than no TTL');
  assert.equal(run('ttl', 'k'), -1);
  assert.equal(run('expire', 'k', '100', 'lt'), 1, 'anything is less than no TTL');
  assert.equal(run('expire', 'k', '200', 'nx'), 0);
  assert.equal(run('expire', 'k', '50', 'gt'), 0);
  assert.equal(run('expire', 'k', '200', 'GT'), 1);
  assert.equal(run('ttl', 'k'), 200);
  assert.equal(run('expire', 'k', '300', 'lt'), 0);
  assert.equal(run('expire', 'k', '200', 'lt'), 0, 'equal is not less');
  assert.equal(run('expire', 'k', '200', 'gt'), 0, 'equal is not greater');
  assert.equal(run('expire', 'k', '50', 'Lt'), 1);
  assert.equal(run('ttl', 'k'), 50);
  assert.equal(run('expire', 'k', '100', 'xx', 'gt'), 1);
  assert.equal(run('ttl', 'k'), 100);
  assert.equal(run('expire', 'k', '10', 'xx', 'lt', 'xx'), 1);
  assert.equal(run('ttl', 'k'), 10);
  assert.equal(run('persist', 'k'), 1);
  assert.equal(run('expire', 'k', '100', 'nx'), 1);
  assert.equal(run('expire', 'k', '-1', 'gt'), 0);
  assert.equal(run('exists', 'k'), 1);
  assert.equal(run('expire', 'k', '-1', 'lt'), 1);
  assert.equal(run('exists', 'k'), 0);
  assert.equal(run('expire', 'nope', '10', 'nx'), 0);
});

test('EXPIRE option and value errors, in Redis order', () => {
  const { run } = setup();
  run('set', 'k', 'v');
  assert.equal(run('expire', 'k', '10', 'nx', 'xx'), E.NX_AND_XX_GT_LT);
  assert.equal(run('expire', 'k', '10', 'nx', 'gt'), E.NX_AND_XX_GT_LT);
  assert.equal(run('expire', 'k', '10', 'lt', 'nx'), E.NX_AND_XX_GT_LT);
  assert.equal(run('expire', 'k', '10', 'gt', 'lt'), E.GT_AND_LT);
  assert.deepEqual(run('expire', 'k', '10', 'foo'), E.unsupportedOption('foo'));
  assert.deepEqual(run('expire', 'k', 'abc', 'foo'), E.unsupportedOption('foo'), 'options are checked first');
  assert.deepEqual(run('expire', 'k', '10', 'a\r\nb'), new ErrorReply('ERR Unsupported option a  b'));
  assert.deepEqual(run('expire', 'k', '10', 'a\x00b'), new ErrorReply('ERR Unsupported option a'));
  assert.equal(run('expire', 'k', 'abc'), E.NOT_INTEGER);
  assert.equal(run('expire', 'k', '1.5'), E.NOT_INTEGER);
  assert.deepEqual(run('expire', 'k', '9223372036854776'), E.INVALID_EXPIRE('expire'));
  assert.deepEqual(run('expire', 'k', '-9223372036854776'), E.INVALID_EXPIRE('expire'));
  assert.deepEqual(run('expire', 'k', '9223372036854775'), E.INVALID_EXPIRE('expire'), 'overflows with now added');
  assert.deepEqual(run('pexpire', 'k', '9223372036854775807'), E.INVALID_EXPIRE('pexpire'));
  assert.deepEqual(run('expireat', 'k', '9223372036854776'), E.INVALID_EXPIRE('expireat'));
  assert.deepEqual(run('expire', 'nope', '9223372036854776'), E.INVALID_EXPIRE('expire'), 'even for a missing key');
  assert.equal(run('ttl', 'k'), -1);
  assert.equal(run('expireat', 'k', '9223372036854775'), 1);
  assert.equal(run('expiretime', 'k'), 9223372036854775n);
  assert.equal(run('pexpireat', 'k', '9223372036854775807'), 1);
  assert.equal(typeof run('pexpiretime', 'k'), 'bigint');
  assert.equal(run('expire', 'k', '-9223372036854775'), 1, 'large negative values delete');
  assert.equal(run('exists', 'k'), 0);
  assert.deepEqual(run('expire', 'k'), E.arity('expire'));
});

test('EXPIRE family propagates PEXPIREAT with the absolute time, or DEL; one that changes nothing, nothing', () => {
  const { run, effects, now } = setup();
  run('set', 'k', 'v');
  effects.length = 0;
  run('expire', 'k', '100');
  assert.equal(run('pexpire', 'k', '5000', 'gt'), 0);
  assert.equal(run('pexpire', 'k', '500000', 'gt'), 1);
  run('expireat', 'k', '2000000000');
  run('pexpireat', 'k', '2000000000123');
  assert.equal(run('expire', 'nope', '10'), 0);
  run('expire', 'k', '0');
  // As Redis: a command that left the keyspace as it was (condition unmet, no key) is not propagated.
  assert.deepEqual(effects, [
    ['PEXPIREAT', 'k', String(now() + 100000)],
    ['PEXPIREAT', 'k', String(now() + 500000), 'gt'],
    ['PEXPIREAT', 'k', '2000000000000'],
    ['PEXPIREAT', 'k', '2000000000123'],
    ['DEL', 'k'],
  ]);
  effects.length = 0;
  run('expire', 'k', '10', 'nx', 'xx');
  assert.deepEqual(effects, [], 'errors propagate nothing');
});

test('PERSIST removes a TTL', () => {
  const { run, clock } = setup();
  run('set', 'k', 'v', 'px', '100');
  assert.equal(run('persist', 'k'), 1);
  assert.equal(run('persist', 'k'), 0);
  assert.equal(run('persist', 'nope'), 0);
  clock.advance(200);
  assert.equal(run('get', 'k'), 'v');
  assert.equal(run('ttl', 'k'), -1);
});

test('RENAME moves value and TTL, replacing the destination', () => {
  const { run, raw, clock } = setup();
  run('set', 'a', 'v', 'ex', '100');
  run('hset', 'h', 'f', 'v');
  assert.equal(run('rename', 'a', 'b'), OK);
  assert.equal(run('exists', 'a'), 0);
  assert.equal(run('get', 'b'), 'v');
  assert.equal(run('ttl', 'b'), 100);
  assert.equal(run('rename', 'b', 'h'), OK);
  assert.equal(run('get', 'h'), 'v');
  assert.equal(run('ttl', 'h'), 100);
  assert.equal(run('rename', 'h', 'h'), OK);
  assert.equal(run('get', 'h'), 'v');
  assert.equal(run('rename', 'nope', 'x'), E.NO_SUCH_KEY);
  assert.equal(run('rename', 'nope', 'nope'), E.NO_SUCH_KEY);
  raw('set', BIN_KEY, 'bin');
  assert.equal(raw('rename', BIN_KEY, 'c\xff'), OK);
  assert.equal(raw('get', 'c\xff'), 'bin');
  clock.advance(100000);
  assert.equal(run('exists', 'h'), 0, 'the moved TTL still fires');
  assert.equal(run('rename', 'h', 'x'), E.NO_SUCH_KEY);
});

test('RENAMENX renames only onto a missing key', () => {
  const { run } = setup();
  run('mset', 'a', '1', 'b', '2');
  assert.equal(run('renamenx', 'a', 'b'), 0);
  assert.deepEqual(run('mget', 'a', 'b'), ['1', '2']);
  assert.equal(run('renamenx', 'a', 'c'), 1);
  assert.deepEqual(run('mget', 'a', 'c'), [null, '1']);
  assert.equal(run('renamenx', 'c', 'c'), 0);
  assert.equal(run('renamenx', 'nope', 'c'), E.NO_SUCH_KEY);
  assert.equal(run('renamenx', 'nope', 'nope'), E.NO_SUCH_KEY);
});

test('COPY copies value and TTL deeply; REPLACE; only DB 0', () => {
  const { run, clock } = setup();
  run('set', 's', 'v', 'ex', '100');
  assert.equal(run('copy', 's', 't'), 1);
  assert.equal(run('get', 't'), 'v');
  assert.equal(run('ttl', 't'), 100);
  run('set', 's', 'w');
  assert.equal(run('copy', 's', 't'), 0);
  assert.equal(run('get', 't'), 'v');
  assert.equal(run('copy', 's', 't', 'REPLACE'), 1);
  assert.equal(run('get', 't'), 'w');
  assert.equal(run('ttl', 't'), -1);
  assert.equal(run('copy', 'nope', 't'), 0);
  assert.equal(run('copy', 's', 's'), 0, 'Upstash answers 0 where Redis errors');
  assert.equal(run('copy', 's', 'u', 'db', '0'), 1);
  run('hset', 'h', 'f', 'v');
  run('rpush', 'l', 'a', 'b');
  assert.equal(run('copy', 'h', 'h2'), 1);
  assert.equal(run('copy', 'l', 'l2'), 1);
  run('hset', 'h2', 'f', 'changed');
  run('rpush', 'l2', 'c');
  assert.equal(run('hget', 'h', 'f'), 'v', 'the copy is independent');
  assert.deepEqual(run('lrange', 'l', '0', '-1'), ['a', 'b']);
  assert.deepEqual(run('lrange', 'l2', '0', '-1'), ['a', 'b', 'c']);
  run('set', 'x', 'v', 'px', '50');
  run('copy', 'x', 'y');
  clock.advance(50);
  assert.equal(run('exists', 'y'), 0);
});

test('COPY errors', () => {
  const { run } = setup();
  run('set', 's', 'v');
  assert.equal(run('copy', 's', 't', 'db', '1'), E.DB_INDEX_OUT_OF_RANGE);
  assert.equal(run('copy', 's', 't', 'db', '-1'), E.DB_INDEX_OUT_OF_RANGE);
  assert.equal(run('copy', 's', 't', 'db', 'x'), E.NOT_INTEGER);
  assert.deepEqual(run('copy', 's', 't', 'db', '99999999999'), E.valueNotBetween('-2147483648', '2147483647'));
  assert.equal(run('copy', 's', 't', 'db'), E.SYNTAX);
  assert.equal(run('copy', 's', 't', 'replace', 'foo'), E.SYNTAX);
  assert.equal(run('copy', 's', 's', 'foo'), E.SYNTAX, 'options are checked before the same-key answer');
  assert.equal(run('exists', 't'), 0);
});

test('KEYS matches live keys with glob patterns, binary keys included', () => {
  const { run, raw, clock } = setup();
  run('mset', 'user:1', 'a', 'user:2', 'b', 'user:10', 'c', 'other', 'd');
  run('set', 'user:3', 'e', 'px', '10');
  raw('set', BIN_KEY, 'x');
  const sorted = (r: Reply) => [...(r as string[])].sort();
  assert.deepEqual(sorted(run('keys', 'user:?')), ['user:1', 'user:2', 'user:3']);
  clock.advance(10);
  assert.deepEqual(sorted(run('keys', 'user:?')), ['user:1', 'user:2']);
  assert.deepEqual(sorted(run('keys', 'user:*')), ['user:1', 'user:10', 'user:2']);
  assert.deepEqual(sorted(run('keys', '*')), sorted(['user:1', 'user:2', 'user:10', 'other', BIN_KEY]));
  assert.deepEqual(sorted(run('keys', 'user:[^1]')), ['user:2']);
  assert.deepEqual(raw('keys', 'k\x00*'), [BIN_KEY]);
  assert.deepEqual(run('keys', 'nomatch*'), []);
  run('set', '', 'empty');
  assert.ok((run('keys', '*') as string[]).includes(''), 'a lone * matches even the empty key');
  assert.ok(!(run('keys', '**') as string[]).includes(''));
});

test('SCAN visits every key once over a full iteration, with MATCH, COUNT and TYPE', () => {
  const { run } = setup();
  for (let i = 0; i < 50; i++) run('set', `s:${i}`, 'v');
  for (let i = 0; i < 5; i++) run('hset', `h:${i}`, 'f', 'v');
  run('rpush', 'l:0', 'x');
  const all = scanAll(run);
  assert.equal(all.length, 56);
  assert.equal(new Set(all).size, 56);
  assert.deepEqual(
    scanAll(run, 'match', 's:1*').sort(),
    ['s:1', ...Array.from({ length: 10 }, (_, i) => `s:1${i}`)].sort(),
  );
  assert.deepEqual(scanAll(run, 'type', 'hash').sort(), ['h:0', 'h:1', 'h:2', 'h:3', 'h:4']);
  assert.deepEqual(scanAll(run, 'TYPE', 'LIST', 'count', '3'), ['l:0']);
  assert.deepEqual(scanAll(run, 'type', 'nosuchtype'), [], 'an unknown type matches nothing');
  assert.deepEqual(scanAll(run, 'match', 'h:*', 'type', 'string'), []);
  const first = run('scan', '0', 'count', '10') as [string, string[]];
  assert.notEqual(first[0], '0');
  assert.equal(first[1].length, 10);
  const whole = run('scan', '0', 'count', '1000') as [string, string[]];
  assert.equal(whole[0], '0');
  assert.equal(whole[1].length, 56);
});

test('SCAN keeps its guarantee across writes between calls', () => {
  const { run } = setup();
  for (let i = 0; i < 30; i++) run('set', `k${i}`, 'v');
  const seen = new Set<string>();
  let cursor = '0';
  let round = 0;
  do {
    const [next, keys] = run('scan', cursor, 'count', '5') as [string, string[]];
    for (const k of keys) seen.add(k);
    run('set', `new${round}`, 'v');
    run('del', `k${29 - round}`);
    cursor = next;
    round++;
  } while (cursor !== '0');
  for (let i = 0; i < 30 - round; i++) assert.ok(seen.has(`k${i}`), `k${i} was present throughout`);
});

test('SCAN skips and expires keys past their time', () => {
  const { run, clock, engine } = setup();
  run('set', 'a', '1');
  run('set', 'b', '2', 'px', '10');
  clock.advance(10);
  assert.equal(engine.db.size, 2, 'not yet removed');
  assert.deepEqual(scanAll(run), ['a']);
  assert.equal(engine.db.size, 1);
});

test("SCAN WITHTYPE (Upstash's extension) pairs each key with its type", () => {
  const { run } = setup();
  run('set', 's', 'v');
  run('hset', 'h', 'f', 'v');
  run('zadd', 'z', '1', 'm');
  assert.deepEqual(run('scan', '0', 'withtype', 'count', '100'), ['0', ['s', 'string', 'h', 'hash', 'z', 'zset']]);
  assert.deepEqual(run('scan', '0', 'WITHTYPE', 'type', 'hash'), ['0', ['h', 'hash']]);
  assert.deepEqual(run('scan', '0', 'match', 'z*', 'withtype'), ['0', ['z', 'zset']]);
});

test('SCAN argument errors', () => {
  const { run } = setup();
  assert.equal(run('scan', 'abc'), E.INVALID_CURSOR);
  assert.equal(run('scan', '18446744073709551616'), E.INVALID_CURSOR);
  assert.equal(run('scan', '0', 'count', '0'), E.SYNTAX);
  assert.equal(run('scan', '0', 'count', 'x'), E.NOT_INTEGER);
  assert.equal(run('scan', '0', 'match'), E.SYNTAX);
  assert.equal(run('scan', '0', 'type'), E.SYNTAX);
  assert.equal(run('scan', '0', 'foo'), E.SYNTAX);
  assert.equal(run('scan', '0', 'novalues'), E.SYNTAX);
  assert.deepEqual(run('scan'), E.arity('scan'));
});

test('RANDOMKEY returns a live key, or nil', () => {
  const { run, clock } = setup();
  assert.equal(run('randomkey'), null);
  run('set', 'a', '1', 'px', '10');
  run('set', 'b', '2');
  for (let i = 0; i < 20; i++) assert.ok(['a', 'b'].includes(run('randomkey') as string));
  clock.advance(10);
  for (let i = 0; i < 20; i++) assert.equal(run('randomkey'), 'b');
  run('del', 'b');
  assert.equal(run('randomkey'), null);
  assert.deepEqual(run('randomkey', 'x'), E.arity('randomkey'));
});

test('commands on expired keys behave as on missing ones', () => {
  const { run, clock } = setup();
  run('set', 'k', 'v', 'px', '5');
  run('set', 'dst', 'old');
  clock.advance(5);
  assert.equal(run('type', 'k'), run('type', 'missing'));
  assert.equal(run('rename', 'k', 'dst'), E.NO_SUCH_KEY);
  assert.equal(run('copy', 'k', 'x'), 0);
  assert.equal(run('persist', 'k'), 0);
  assert.equal(run('expire', 'k', '10'), 0);
  assert.equal(run('del', 'k'), 0);
});

test('writes that answer 0 because nothing changed are not propagated and do not touch WATCHed keys', () => {
  const { run, effects, engine } = setup();
  run('mset', 'a', '1', 'b', '2');
  run('hset', 'h', 'f', 'v');
  run('sadd', 's', 'm');
  run('zadd', 'z', '1', 'm');
  run('rpush', 'l', 'x');
  run('xadd', 'x', '1-0', 'f', 'v');
  effects.length = 0;
  const noops: (string | number)[][] = [
    ['del', 'missing'],
    ['unlink', 'missing'],
    ['persist', 'a'],
    ['hdel', 'h', 'other'],
    ['hsetnx', 'h', 'f', 'w'],
    ['sadd', 's', 'm'],
    ['srem', 's', 'other'],
    ['smove', 's', 's2', 'other'],
    ['zrem', 'z', 'other'],
    ['zremrangebyscore', 'z', '5', '9'],
    ['lrem', 'l', '0', 'other'],
    ['lpushx', 'missing', 'v'],
    ['linsert', 'missing', 'before', 'x', 'y'],
    ['setnx', 'a', 'z'],
    ['msetnx', 'a', 'z', 'c', 'z'],
    ['renamenx', 'a', 'b'],
    ['copy', 'a', 'b'],
    ['xdel', 'x', '9-0'],
    ['xtrim', 'x', 'maxlen', '5'],
  ];
  for (const argv of noops) assert.equal(run(...argv), 0, argv.join(' '));
  assert.deepEqual(effects, []);
  // WATCH is not disturbed by them, as in Redis (no signalModifiedKey without a change).
  const watcher = engine.createClient();
  engine.exec(watcher, ['WATCH', 'a', 'h', 's']);
  run('del', 'missing');
  run('hdel', 'h', 'other');
  run('setnx', 'a', 'z');
  engine.exec(watcher, ['MULTI']);
  engine.exec(watcher, ['SET', 'c', '1']);
  assert.deepEqual(engine.exec(watcher, ['EXEC']), [status('OK')]);
  // The same commands when they do change something are propagated.
  effects.length = 0;
  assert.equal(run('del', 'c'), 1);
  assert.equal(run('sadd', 's', 'n'), 1);
  assert.deepEqual(effects, [
    ['del', 'c'],
    ['sadd', 's', 'n'],
  ]);
});
