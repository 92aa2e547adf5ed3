/**
 * The bitmap commands through the real `@upstash/redis` client, auto-pipelined and not, against a fresh
 * in-process server per case.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createTestEngine } from '@redstash/engine/testing';
import { startTestServer } from '@redstash/server/testing';
import type { Redis } from '@upstash/redis';
import { client } from './support.ts';

async function withClient(autoPipeline: boolean, fn: (r: Redis) => Promise<void>): Promise<void> {
  const { engine } = createTestEngine();
  const srv = await startTestServer({ engine });
  try {
    await fn(client(srv, autoPipeline));
  } finally {
    await srv.close();
  }
}

for (const autoPipeline of [true, false]) {
  describe(`@upstash/redis bitmaps (auto-pipelining ${autoPipeline ? 'on' : 'off'})`, () => {
    test('setbit, getbit, bitcount and bitpos', () =>
      withClient(autoPipeline, async (r) => {
        assert.equal(await r.setbit('k', 7, 1), 0);
        assert.equal(await r.setbit('k', 7, 1), 1);
        assert.equal(await r.getbit('k', 7), 1);
        assert.equal(await r.getbit('k', 6), 0);
        await r.set('s', 'foobar');
        assert.equal(await r.bitcount('s', 0, -1), 26);
        assert.equal(await r.bitcount('s', 1, 1), 6);
        assert.equal(await r.bitpos('s', 1), 1);
        assert.equal(await r.bitpos('s', 0, 2, -1), 16);
        assert.equal(await r.bitpos('missing', 1), -1);
      }));

    test('bitop, including the Redis 8.2 operations', () =>
      withClient(autoPipeline, async (r) => {
        await r.set('a', 'abc');
        await r.set('b', 'a');
        assert.equal(await r.bitop('and', 'd', 'a', 'b'), 3);
        assert.equal(await r.bitcount('d', 0, -1), 3);
        assert.equal(await r.bitop('xor', 'd', 'a', 'a'), 3);
        assert.equal(await r.bitcount('d', 0, -1), 0);
        assert.equal(await r.bitop('not', 'd', 'b'), 1);
        assert.equal(await r.getbit('d', 0), 1);
        assert.equal(await r.bitop('diff', 'd', 'a', 'b'), 3);
        // "a" & ~"a" clears the first byte; "bc" stays.
        assert.equal(await r.bitcount('d', 0, 0), 0);
        assert.equal(await r.bitcount('d', 0, -1), 7);
        assert.equal(await r.bitop('diff1', 'd', 'b', 'a'), 3);
        assert.equal(await r.bitcount('d', 0, -1), 7);
        assert.equal(await r.bitop('andor', 'd', 'a', 'b', 'missing'), 3);
        assert.equal(await r.bitcount('d', 0, -1), 3);
        assert.equal(await r.bitop('one', 'd', 'a', 'b'), 3);
        assert.equal(await r.bitcount('d', 0, -1), 7);
        await assert.rejects(r.bitop('diff', 'd', 'a'), /BITOP DIFF must be called with at least two source keys/);
      }));

    // The auto-pipelining proxy does not expose BITFIELD's builder (a client limitation), so there the
    // commands go through an explicit pipeline.
    test('bitfield get, set, incrby and overflow', () =>
      withClient(autoPipeline, async (r) => {
        const first = (b: ReturnType<Redis['bitfield']>) =>
          b.set('u8', 0, 200).incrby('u8', 0, 100).overflow('SAT').incrby('i8', '#1', -300).get('u4', 0);
        const second = (b: ReturnType<Redis['bitfield']>) => b.overflow('FAIL').incrby('u8', 0, 300);
        if (autoPipeline) {
          const p = r.pipeline();
          first(p.bitfield('f') as unknown as ReturnType<Redis['bitfield']>).exec();
          second(p.bitfield('f') as unknown as ReturnType<Redis['bitfield']>).exec();
          assert.deepEqual(await p.exec(), [[0, 44, -128, 2], [null]]);
        } else {
          assert.deepEqual(await first(r.bitfield('f')).exec(), [0, 44, -128, 2]);
          assert.deepEqual(await second(r.bitfield('f')).exec(), [null]);
        }
      }));
  });
}
