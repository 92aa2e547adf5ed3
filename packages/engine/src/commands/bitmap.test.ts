import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as E from '../command/errors.ts';
import { createTestEngine } from '../testing/index.ts';

test('SETBIT grows with zero bytes, answers the previous bit and keeps the TTL', () => {
  const { raw: run, clock } = createTestEngine();
  assert.equal(run('setbit', 'k', '9', '1'), 0);
  assert.equal(run('get', 'k'), '\x00\x40');
  assert.equal(run('setbit', 'k', '9', '0'), 1);
  assert.equal(run('setbit', 'k', '9', '0'), 0);
  assert.equal(run('get', 'k'), '\x00\x00');
  assert.equal(run('setbit', 'fresh', '0', '0'), 0);
  assert.equal(run('get', 'fresh'), '\x00');
  run('set', 't', 'a', 'px', '1000');
  run('setbit', 't', '7', '0');
  assert.equal(run('get', 't'), '`');
  clock.advance(1001);
  assert.equal(run('get', 't'), null);
});

test('bit offsets and bit values are checked as Redis does', () => {
  const { raw: run } = createTestEngine();
  assert.deepEqual(run('setbit', 'k', '-1', '1'), E.BIT_OFFSET);
  assert.deepEqual(run('setbit', 'k', String(2 ** 32), '1'), E.BIT_OFFSET);
  assert.deepEqual(run('getbit', 'k', '1.5'), E.BIT_OFFSET);
  assert.deepEqual(run('setbit', 'k', '0', '2'), E.BIT_VALUE);
  assert.deepEqual(run('setbit', 'k', '0', 'x'), E.BIT_VALUE);
  assert.equal(run('getbit', 'k', String(2 ** 32 - 1)), 0);
  run('hset', 'h', 'f', 'v');
  assert.deepEqual(run('setbit', 'h', '0', '1'), E.WRONGTYPE);
  // The offset is checked before the type.
  assert.deepEqual(run('getbit', 'h', '-1'), E.BIT_OFFSET);
});

test('BITCOUNT counts in byte and bit ranges with negative indexes', () => {
  const { raw: run } = createTestEngine();
  run('set', 'k', 'foobar');
  assert.equal(run('bitcount', 'k'), 26);
  assert.equal(run('bitcount', 'k', '1', '1'), 6);
  assert.equal(run('bitcount', 'k', '-2', '-1'), 7);
  assert.equal(run('bitcount', 'k', '5', '30', 'BIT'), 17);
  assert.equal(run('bitcount', 'k', '-1', '-3'), 0);
  assert.deepEqual(run('bitcount', 'k', '0'), E.SYNTAX);
  assert.deepEqual(run('bitcount', 'k', '0', '1', 'nibble'), E.SYNTAX);
  // Redis ≥ 7.2: arguments are checked even when the key is missing.
  assert.deepEqual(run('bitcount', 'missing', 'x', '1'), E.NOT_INTEGER);
  assert.equal(run('bitcount', 'missing', '0', '-1'), 0);
});

test('BITPOS treats the string as zero-padded only without an explicit end', () => {
  const { raw: run } = createTestEngine();
  run('set', 'k', '\xff\xff');
  assert.equal(run('bitpos', 'k', '0'), 16);
  assert.equal(run('bitpos', 'k', '0', '1'), 16);
  assert.equal(run('bitpos', 'k', '0', '0', '-1'), -1);
  assert.equal(run('bitpos', 'k', '0', '3', '-1', 'BIT'), -1);
  run('set', 'z', '\x00\x01');
  assert.equal(run('bitpos', 'z', '1'), 15);
  assert.equal(run('bitpos', 'z', '1', '0', '14', 'BIT'), -1);
  assert.equal(run('bitpos', 'z', '0', '15', '15', 'BIT'), -1);
  assert.equal(run('bitpos', 'missing', '0'), 0);
  assert.equal(run('bitpos', 'missing', '1'), -1);
  assert.deepEqual(run('bitpos', 'k', '2'), E.BITPOS_BIT);
  assert.deepEqual(run('bitpos', 'missing', '1', 'x'), E.NOT_INTEGER);
});

test('BITOP DIFF, DIFF1, ANDOR and ONE (Redis 8.2) combine the first key with the others', () => {
  const { raw: run } = createTestEngine();
  run('set', 'x', '\xf0');
  run('set', 'y1', '\xc0');
  run('set', 'y2', '\x0c\x81');
  // OR of the others: \xcc\x81.
  assert.equal(run('bitop', 'DIFF', 'd', 'x', 'y1', 'y2'), 2);
  assert.equal(run('get', 'd'), '\x30\x00');
  assert.equal(run('bitop', 'diff1', 'd', 'x', 'y1', 'y2'), 2);
  assert.equal(run('get', 'd'), '\x0c\x81');
  assert.equal(run('bitop', 'ANDOR', 'd', 'x', 'y1', 'y2'), 2);
  assert.equal(run('get', 'd'), '\xc0\x00');
  // Exactly one of x, y1, y2: bits 7 and 6 are set twice.
  assert.equal(run('bitop', 'ONE', 'd', 'x', 'y1', 'y2'), 2);
  assert.equal(run('get', 'd'), '\x3c\x81');
  run('set', 'y3', '\x3c');
  assert.equal(run('bitop', 'ONE', 'd', 'x', 'y1', 'y2', 'y3'), 2);
  assert.equal(run('get', 'd'), '\x00\x81');
  assert.equal(run('bitop', 'ONE', 'd', 'y2'), 2);
  assert.equal(run('get', 'd'), '\x0c\x81');
  assert.equal(run('bitop', 'DIFF', 'd', 'missing', 'x'), 1);
  assert.equal(run('get', 'd'), '\x00');
  assert.deepEqual(run('bitop', 'diff', 'd', 'x'), E.bitopTwoKeys('DIFF'));
  assert.equal(E.bitopTwoKeys('DIFF').message, 'ERR BITOP DIFF must be called with at least two source keys.');
  assert.deepEqual(run('bitop', 'Diff1', 'd', 'x'), E.bitopTwoKeys('DIFF1'));
  assert.deepEqual(run('bitop', 'andor', 'd', 'x'), E.bitopTwoKeys('ANDOR'));
  assert.deepEqual(run('bitop', 'not', 'd', 'x', 'y1'), E.BITOP_NOT_ONE_KEY);
  assert.equal(run('bitop', 'one', 'd', 'missing'), 0);
  assert.equal(run('exists', 'd'), 0);
});

test('BITFIELD wraps, saturates or fails, with #N offsets', () => {
  const { raw: run } = createTestEngine();
  assert.deepEqual(
    run('bitfield', 'k', 'set', 'i8', '#1', '-1', 'get', 'u8', '8', 'incrby', 'u4', '#2', '20'),
    [0, 255, 3],
  );
  assert.equal(run('get', 'k'), '\x00\x3f');
  assert.deepEqual(
    run('bitfield', 'k', 'overflow', 'sat', 'incrby', 'i8', '0', '200', 'overflow', 'fail', 'incrby', 'i8', '0', '1'),
    [127, null],
  );
  assert.deepEqual(
    run('bitfield', 'k', 'set', 'i64', '0', '-9223372036854775808', 'get', 'i64', '0', 'get', 'u63', '0'),
    [9169047366349619200n, -9223372036854775808n, 4611686018427387904n],
  );
  assert.deepEqual(run('bitfield', 'k', 'get', 'u64', '0'), E.BITFIELD_TYPE);
  assert.deepEqual(run('bitfield', 'k', 'overflow', 'none'), E.BITFIELD_OVERFLOW);
  assert.deepEqual(run('bitfield_ro', 'k', 'get', 'u8', '0', 'set', 'u8', '0', '1'), E.BITFIELD_RO_GET_ONLY);
  assert.deepEqual(run('bitfield_ro', 'k', 'get', 'u8', '0'), [128]);
  // A FAIL that writes nothing still creates the key, zero-filled to the furthest field.
  assert.deepEqual(run('bitfield', 'n', 'overflow', 'fail', 'set', 'u8', '8', '256'), [null]);
  assert.equal(run('get', 'n'), '\x00\x00');
});

test('writes reaching past the string limit are refused', () => {
  const { raw: run } = createTestEngine();
  // The last addressable bitfield reaches into byte 2^29 + 7: beyond 512 MB, Redis's limit and ours.
  assert.deepEqual(run('bitfield', 'k', 'set', 'u8', String(2 ** 32 - 1), '1'), E.STRING_TOO_LONG);
  assert.equal(run('exists', 'k'), 0);
});

test('large bitmaps: a SETBIT far out, then reads and BITOP over 8 MB', () => {
  const { raw: run } = createTestEngine();
  const bit = 8 * 1024 * 1024 * 8 - 1;
  assert.equal(run('setbit', 'big', String(bit), '1'), 0);
  assert.equal(run('strlen', 'big'), 8 * 1024 * 1024);
  assert.equal(run('setbit', 'big', '3', '1'), 0);
  assert.equal(run('bitcount', 'big'), 2);
  assert.equal(run('bitpos', 'big', '1', '1'), bit);
  assert.equal(run('bitop', 'xor', 'd', 'big', 'big'), 8 * 1024 * 1024);
  assert.equal(run('bitcount', 'd'), 0);
});
