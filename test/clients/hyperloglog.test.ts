/**
 * PFADD, PFCOUNT and PFMERGE through the real `@upstash/redis` client, auto-pipelined (`/pipeline`) and
 * not (`POST /`), plus a MULTI transaction.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createTestEngine } from '@redstash/engine/testing';
import { startTestServer } from '@redstash/server/testing';
import { client } from './support.ts';

const names = (from: number, to: number, prefix = 'u') =>
  Array.from({ length: to - from }, (_, i) => `${prefix}${from + i}`);

for (const autoPipeline of [true, false]) {
  describe(`@upstash/redis HyperLogLog (auto-pipelining ${autoPipeline ? 'on' : 'off'})`, () => {
    test('pfadd, pfcount and pfmerge', async () => {
      const { engine, run } = createTestEngine();
      const srv = await startTestServer({ engine });
      try {
        const r = client(srv, autoPipeline);
        assert.equal(await r.pfadd('a', 'x', 'y', 'z'), 1);
        assert.equal(await r.pfadd('a', 'x'), 0);
        assert.equal(await r.pfcount('a'), 3);
        assert.equal(await r.pfadd('b', ...names(0, 2000)), 1);
        assert.equal(await r.pfadd('c', ...names(1000, 5000)), 1);
        const union = await r.pfcount('b', 'c');
        assert.equal(union, run('pfcount', 'b', 'c'));
        assert.ok(Math.abs(union - 5000) < 100, `union estimate ${union}`);
        assert.equal(await r.pfmerge('d', 'b', 'c', 'missing'), 'OK');
        assert.equal(await r.pfcount('d'), union);
        assert.equal(await r.pfcount('missing'), 0);
        await r.set('s', 'not an hll');
        await assert.rejects(r.pfcount('s'), /WRONGTYPE Key is not a valid HyperLogLog string value\./);
        const tx = r.multi();
        tx.pfadd('t', 'one', 'two');
        tx.pfcount('t');
        tx.pfmerge('t2', 't', 'a');
        tx.pfcount('t2');
        assert.deepEqual(await tx.exec(), [1, 2, 'OK', 5]);
      } finally {
        await srv.close();
      }
    });
  });
}
