import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as E from '../command/errors.ts';
import { OK } from '../reply.ts';
import { createTestEngine } from '../testing/index.ts';
import { HLL_DENSE_SIZE, SPARSE_MAX_BYTES } from '../types/hll.ts';

const HEADER_SPARSE = 'HYLL\x01\x00\x00\x00';
/** An empty sparse HLL: one XZERO opcode over all 16384 registers. */
const EMPTY_REGISTERS = '\x7f\xff';

function names(from: number, to: number): string[] {
  const out: string[] = [];
  for (let i = from; i < to; i++) out.push(`n${i}`);
  return out;
}

test('PFADD creates the key even without elements, and answers 1 only when a register changed', () => {
  const { run, raw } = createTestEngine();
  assert.equal(run('pfadd', 'h'), 1);
  assert.equal(raw('get', 'h'), `${HEADER_SPARSE}\x00\x00\x00\x00\x00\x00\x00\x80${EMPTY_REGISTERS}`);
  assert.equal(run('pfadd', 'h'), 0);
  assert.equal(run('pfadd', 'h', 'a', 'b', 'c'), 1);
  assert.equal(run('pfadd', 'h', 'a', 'b', 'c'), 0);
  assert.equal(run('pfadd', 'h', 'c', 'd'), 1);
  assert.equal(run('pfcount', 'h'), 4);
  assert.deepEqual(run('pfadd'), E.arity('pfadd'));
});

test('PFCOUNT caches the estimate in the header and PFADD invalidates it', () => {
  const { run, raw } = createTestEngine();
  run('pfadd', 'h', 'x', 'y', 'z');
  const before = raw('get', 'h') as string;
  assert.equal(before.charCodeAt(15), 0x80, 'stale after PFADD');
  assert.equal(run('pfcount', 'h'), 3);
  const cached = raw('get', 'h') as string;
  assert.equal(cached.slice(8, 16), '\x03\x00\x00\x00\x00\x00\x00\x00');
  assert.equal(cached.slice(16), before.slice(16), 'registers untouched');
  // A forged cache is believed, as by Redis: proof the cache is read rather than recomputed.
  raw('set', 'h', `${cached.slice(0, 8)}\x2a${cached.slice(9)}`);
  assert.equal(run('pfcount', 'h'), 42);
  run('pfadd', 'h', 'w');
  assert.equal(run('pfcount', 'h'), 4);
  assert.equal(run('pfcount', 'missing'), 0);
  assert.equal(raw('exists', 'missing'), 0);
});

test('a cached cardinality with the top byte set is replied as a signed 64-bit integer', () => {
  const { raw } = createTestEngine();
  raw('set', 'h', `${HEADER_SPARSE}\xff\xff\xff\xff\xff\xff\xff\x7f${EMPTY_REGISTERS}`);
  assert.equal(raw('pfcount', 'h'), 9223372036854775807n);
  raw('set', 'h', `${HEADER_SPARSE}\x01\x00\x00\x00\x00\x00\x00\x00${EMPTY_REGISTERS}`);
  assert.equal(raw('pfcount', 'h'), 1);
});

test('the sparse encoding turns dense past 3000 bytes', () => {
  const { run, raw } = createTestEngine();
  let n = 0;
  let last = 0;
  while (n < 5000) {
    run('pfadd', 'h', `n${n++}`);
    const len = raw('strlen', 'h') as number;
    if (len === HLL_DENSE_SIZE) break;
    assert.ok(len <= SPARSE_MAX_BYTES, `sparse stays within the limit (${len})`);
    last = len;
  }
  assert.equal(raw('strlen', 'h'), HLL_DENSE_SIZE);
  assert.ok(last > SPARSE_MAX_BYTES - 5, `promoted only near the limit (was ${last})`);
  assert.equal((raw('get', 'h') as string).charCodeAt(4), 0, 'dense encoding byte');
  const count = run('pfcount', 'h') as number;
  assert.ok(Math.abs(count - n) / n < 0.03, `estimate ${count} of ${n}`);
});

test('PFCOUNT of several keys is the union and caches nothing', () => {
  const { run, raw } = createTestEngine();
  run('pfadd', 'a', ...names(0, 100));
  run('pfadd', 'b', ...names(50, 150));
  const a = raw('get', 'a');
  assert.equal(run('pfcount', 'a', 'b'), 150);
  assert.equal(run('pfcount', 'a', 'b', 'missing'), 150);
  assert.equal(raw('get', 'a'), a);
  assert.equal(run('pfcount', 'missing1', 'missing2'), 0);
});

test('PFMERGE merges into the destination (itself an input), dense when any input is', () => {
  const { run, raw } = createTestEngine();
  run('pfadd', 'a', ...names(0, 100));
  run('pfadd', 'd', ...names(100, 120));
  const union = run('pfcount', 'a', 'd');
  assert.ok(union === 119 || union === 120 || union === 121);
  assert.equal(run('pfmerge', 'd', 'a', 'missing'), OK);
  assert.equal(run('pfcount', 'd'), union);
  assert.notEqual(raw('strlen', 'd'), HLL_DENSE_SIZE, 'sparse inputs give a sparse result');
  run('pfadd', 'big', ...names(0, 3000));
  assert.equal(raw('strlen', 'big'), HLL_DENSE_SIZE);
  assert.equal(run('pfmerge', 'new', 'a'), OK);
  assert.equal(
    raw('get', 'new'),
    `${(raw('get', 'a') as string).slice(0, 15)}\x80${(raw('get', 'a') as string).slice(16)}`,
  );
  assert.equal(run('pfcount', 'new'), run('pfcount', 'a'));
  assert.equal(run('pfmerge', 'new', 'big'), OK);
  assert.equal(raw('strlen', 'new'), HLL_DENSE_SIZE);
  assert.equal(run('pfmerge', 'empty'), OK);
  assert.equal(run('pfcount', 'empty'), 0);
  assert.equal(raw('exists', 'empty'), 1);
});

test('type errors: other types, strings that are no HLL, corrupt sparse data', () => {
  const { run, raw } = createTestEngine();
  run('rpush', 'l', 'x');
  run('set', 's', 'plain');
  assert.deepEqual(run('pfadd', 'l', 'a'), E.WRONGTYPE);
  assert.deepEqual(run('pfcount', 'l'), E.WRONGTYPE);
  assert.deepEqual(run('pfadd', 's', 'a'), E.NOT_HLL);
  assert.deepEqual(run('pfcount', 's'), E.NOT_HLL);
  assert.deepEqual(run('pfcount', 'missing', 's'), E.NOT_HLL);
  assert.deepEqual(run('pfmerge', 'd', 's'), E.NOT_HLL);
  assert.equal(run('exists', 'd'), 0);
  assert.deepEqual(run('pfmerge', 's', 'missing'), E.NOT_HLL);
  // Dense must be exactly 12304 bytes; the encoding byte must be 0 or 1.
  raw('set', 'd1', `HYLL\x00${'\x00'.repeat(11)}\x00`);
  assert.deepEqual(run('pfcount', 'd1'), E.NOT_HLL);
  raw('set', 'e2', `HYLL\x02\x00\x00\x00${'\x00'.repeat(8)}${EMPTY_REGISTERS}`);
  assert.deepEqual(run('pfcount', 'e2'), E.NOT_HLL);
  // Sparse opcodes covering 16383 registers.
  raw('set', 'c', `${HEADER_SPARSE}${'\x00'.repeat(7)}\x80\x7f\xfe`);
  assert.deepEqual(run('pfcount', 'c'), E.CORRUPT_HLL);
  assert.deepEqual(run('pfcount', 'c', 'missing'), E.CORRUPT_HLL);
  assert.deepEqual(run('pfmerge', 'd', 'c'), E.CORRUPT_HLL);
});

// As Redis: a PFADD that changed no register is not propagated (nor does it dirty a WATCH).
test('writes propagate as sent, a PFADD that changed nothing not at all; the TTL survives an update', () => {
  const { run, effects, clock } = createTestEngine();
  run('pfadd', 'h', 'a');
  run('pfadd', 'h', 'a');
  run('pexpire', 'h', 5000);
  clock.advance(1000);
  run('pfadd', 'h', 'b');
  run('pfmerge', 'h', 'h');
  assert.equal(run('pttl', 'h'), 4000);
  assert.deepEqual(
    effects.filter((e) => e[0] !== 'PEXPIREAT'),
    [
      ['pfadd', 'h', 'a'],
      ['pfadd', 'h', 'b'],
      ['pfmerge', 'h', 'h'],
    ],
  );
});
