// The harness's own rules, without a redis-server: a comparison that cannot fail would prove nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RespReply } from '../support/resp-client.ts';
import { compareReplies, KNOWN_DIFFERENCES, parseCmd, script } from './harness.ts';

const bulk = (value: string): RespReply => ({ type: 'bulk', value });
const arr = (...value: RespReply[]): RespReply => ({ type: 'array', value });
const int = (value: number): RespReply => ({ type: 'integer', value });
const noAsk = () => Promise.reject(new Error('no redis here'));
const base = (r: RespReply, o: RespReply) => compareReplies(r, o);

test('parses command lines with quotes and byte escapes', () => {
  assert.deepEqual(parseCmd('SET k "a\\x00b" ""  "q\\"\\\\" x'), ['SET', 'k', 'a\x00b', '', 'q"\\', 'x']);
  assert.throws(() => parseCmd('GET "open'), /unterminated/);
});

test('scripts carry annotations and sleeps', () => {
  const steps = script(`
    // a comment
    SMEMBERS s @unordered
    SRANDMEMBER s 2 @distinct @among=a,b
    @sleep 10
    PTTL k @ttl=5
  `);
  assert.deepEqual(steps, [
    { cmd: 'SMEMBERS s', unordered: true },
    { cmd: 'SRANDMEMBER s 2', random: { among: ['a', 'b'], distinct: true } },
    { sleep: 10 },
    { cmd: 'PTTL k', ttlTolerance: 5 },
  ]);
  assert.throws(() => script('GET k @bogus'), /unknown annotation/);
});

test('exact comparison tells types, order and integers apart', () => {
  assert.equal(compareReplies(bulk('1'), bulk('1')), undefined);
  assert.notEqual(compareReplies(bulk('1'), int(1)), undefined);
  assert.notEqual(compareReplies({ type: 'nil' }, { type: 'nil-array' }), undefined);
  assert.notEqual(compareReplies({ type: 'status', value: 'OK' }, bulk('OK')), undefined);
  assert.notEqual(compareReplies(arr(bulk('a'), bulk('b')), arr(bulk('b'), bulk('a'))), undefined);
  assert.equal(compareReplies(arr(bulk('a'), bulk('b')), arr(bulk('b'), bulk('a')), { unordered: true }), undefined);
  assert.notEqual(
    compareReplies(arr(bulk('a'), bulk('1'), bulk('b'), bulk('2')), arr(bulk('a'), bulk('2'), bulk('b'), bulk('1')), {
      unordered: 'pairs',
    }),
    undefined,
  );
  assert.equal(compareReplies(int(100), int(99), { ttlTolerance: 1 }), undefined);
  assert.notEqual(compareReplies(int(100), int(98), { ttlTolerance: 1 }), undefined);
  assert.notEqual(compareReplies(int(-1), int(0), { ttlTolerance: 1 }), undefined);
});

test('the float-format rule forgives only %.17g artifacts', async () => {
  const rule = KNOWN_DIFFERENCES.find((d) => d.id === 'float-format');
  assert.ok(rule);
  assert.ok(rule.applies(['ZSCORE', 'z', 'm']));
  assert.ok(!rule.applies(['INCRBYFLOAT', 'k', '1']));
  const check = (redis: string, ours: string) => rule.check(bulk(redis), bulk(ours), ['ZSCORE', 'z', 'm'], noAsk, base);
  assert.equal(await check('1.1000000000000001', '1.1'), undefined);
  assert.equal(await check('0.10000000000000001', '0.1'), undefined);
  assert.equal(await check('1.5', '1.5'), undefined);
  assert.notEqual(await check('1.5', '1.50'), undefined);
  assert.notEqual(await check('1.1000000000000001', '1.1000000000000001'), undefined);
  assert.notEqual(await check('1.1000000000000001', '1.2'), undefined);
});

test('COPY k k: 0 is accepted only where Redis refuses the same key', async () => {
  const rule = KNOWN_DIFFERENCES.find((d) => d.id === 'copy-same-key');
  assert.ok(rule);
  const same: RespReply = { type: 'error', value: 'ERR source and destination objects are the same' };
  assert.equal(await rule.check(same, int(0), ['COPY', 'k', 'k'], noAsk, base), undefined);
  assert.notEqual(await rule.check(same, int(1), ['COPY', 'k', 'k'], noAsk, base), undefined);
  assert.ok(!rule.applies(['COPY', 'a', 'b']));
});
