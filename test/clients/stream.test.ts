/** The stream commands through the real `@upstash/redis` client, over the REST server: what it sends, what it gets. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestEngine } from '@redstash/engine/testing';
import { startTestServer } from '@redstash/server/testing';
import { client } from './support.ts';

test('@upstash/redis stream commands: xadd … xdelex, with and without auto-pipelining', async () => {
  const { engine, clock } = createTestEngine();
  const srv = await startTestServer({ engine });
  try {
    for (const autoPipeline of [true, false]) {
      const r = client(srv, autoPipeline);
      await r.flushall();
      assert.equal(await r.xadd('s', '1-1', { name: 'ada', n: 1 }), '1-1');
      assert.equal(await r.xadd('s', '2-1', { name: 'bob', n: 2 }), '2-1');
      const auto = await r.xadd('s', '*', { name: 'cy', n: 3 });
      assert.match(auto, /^\d+-0$/);
      assert.equal(
        await r.xadd('s', '*', { x: 'y' }, { trim: { type: 'MAXLEN', comparison: '~', threshold: 100 } }),
        `${Number(auto.split('-')[0])}-1`,
      );
      assert.equal(await r.xadd('nokey', '*', { a: 'b' }, { nomkStream: true }), null);
      assert.equal(await r.xlen('s'), 4);
      assert.deepEqual(await r.xrange('s', '-', '+', 2), {
        '1-1': { name: 'ada', n: 1 },
        '2-1': { name: 'bob', n: 2 },
      });
      assert.deepEqual(await r.xrevrange('s', '(2-1', '-'), { '1-1': { name: 'ada', n: 1 } });
      assert.deepEqual(await r.xread('s', '1-1', { count: 1 }), [['s', [['2-1', ['name', 'bob', 'n', 2]]]]]);
      assert.equal(await r.xread('s', '$', { blockMS: 10 }), null);

      assert.equal(await r.xgroup('s', { type: 'CREATE', group: 'g', id: '0' }), 'OK');
      assert.equal(await r.xgroup('m', { type: 'CREATE', group: 'g', id: '$', options: { MKSTREAM: true } }), 'OK');
      assert.equal(await r.xgroup('s', { type: 'CREATECONSUMER', group: 'g', consumer: 'idle' }), 1);
      assert.deepEqual(await r.xreadgroup('g', 'alice', 's', '>', { count: 2 }), [
        [
          's',
          [
            ['1-1', ['name', 'ada', 'n', 1]],
            ['2-1', ['name', 'bob', 'n', 2]],
          ],
        ],
      ]);
      clock.advance(1000);
      assert.deepEqual(await r.xpending('s', 'g', '-', '+', 10), [
        ['1-1', 'alice', 1000, 1],
        ['2-1', 'alice', 1000, 1],
      ]);
      assert.deepEqual(await r.xpending('s', 'g', '-', '+', 10, { consumer: 'idle' }), []);
      assert.deepEqual(await r.xclaim('s', 'g', 'bob', 500, '1-1', { justId: true }), ['1-1']);
      assert.deepEqual(await r.xautoclaim('s', 'g', 'cy', 500, '0-0', { count: 5 }), [
        '0-0',
        [['2-1', ['name', 'bob', 'n', 2]]],
        [],
      ]);
      assert.equal(await r.xack('s', 'g', ['1-1', '9-9']), 1);
      const groups = (await r.xinfo('s', { type: 'GROUPS' })) as unknown[][];
      assert.deepEqual(groups[0]?.slice(0, 6), ['name', 'g', 'consumers', 4, 'pending', 1]);
      const consumers = (await r.xinfo('s', { type: 'CONSUMERS', group: 'g' })) as unknown[][];
      assert.deepEqual(
        consumers.map((c) => c[1]),
        ['alice', 'bob', 'cy', 'idle'],
      );
      assert.equal(await r.xgroup('s', { type: 'SETID', group: 'g', id: '$', options: { ENTRIESREAD: 4 } }), 'OK');
      assert.equal(await r.xgroup('s', { type: 'DELCONSUMER', group: 'g', consumer: 'idle' }), 0);
      assert.equal(await r.xgroup('m', { type: 'DESTROY', group: 'g' }), 1);

      assert.deepEqual(await r.xackdel('s', 'g', 'KEEPREF', '2-1', '7-7'), [1, -1]);
      assert.deepEqual(await r.xdelex('s', 'ACKED', '1-1'), [1]);
      assert.equal(await r.xdel('s', [auto]), 1);
      assert.equal(await r.xadd('s', '*', { more: 'x' }).then((id) => typeof id), 'string');
      assert.equal(await r.xtrim('s', { strategy: 'MAXLEN', exactness: '=', threshold: 1 }), 1);
      assert.equal(await r.xlen('s'), 1);
      assert.equal(await r.type('s'), 'stream');
      await assert.rejects(r.xadd('s', '1-1', { a: 'b' }), /equal or smaller than the target stream top item/);
      await assert.rejects(r.xreadgroup('nog', 'c', 's', '>'), /NOGROUP/);
    }
  } finally {
    await srv.close();
  }
});
