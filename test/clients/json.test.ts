/**
 * The `redis.json.*` namespace of the real `@upstash/redis` client (all 23 methods) over the REST server,
 * with and without auto-pipelining: what it sends (objects as JSON text, defaults such as ARRLEN's `$`)
 * and how it parses what comes back (JSON text replies are JSON.parse'd). There is no differential test
 * for JSON: Debian's redis-server has no RedisJSON module to compare against.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestEngine } from '@redstash/engine/testing';
import { startTestServer } from '@redstash/server/testing';
import { client } from './support.ts';

test('@upstash/redis json.* methods', async () => {
  const { engine } = createTestEngine();
  const srv = await startTestServer({ engine });
  try {
    for (const autoPipeline of [true, false]) {
      const r = client(srv, autoPipeline);
      await r.flushall();
      const doc = { name: 'earbuds', price: 64.99, stock: 17, tags: ['a', 'b'], conn: { wireless: true } };
      assert.equal(await r.json.set('item', '$', doc), 'OK');
      assert.equal(await r.json.set('item', '$.name', '"x"', { nx: true }), null);
      assert.equal(await r.json.set('item', '$.sku', '"s1"', { nx: true }), 'OK');
      assert.equal(await r.json.set('item', '$.zz', '1', { xx: true }), null);
      assert.deepEqual(await r.json.get('item', '$.name'), ['earbuds']);
      assert.deepEqual(await r.json.get('item', { indent: '  ', newline: '\n', space: ' ' }, '$.conn'), [
        { wireless: true },
      ]);
      assert.deepEqual(await r.json.get('item', '$.name', '$.stock'), { '$.name': ['earbuds'], '$.stock': [17] });
      assert.deepEqual(await r.json.get('item'), { ...doc, sku: 's1' });
      assert.equal(await r.json.get('missing'), null);

      assert.deepEqual(await r.json.type('item', '$.price'), ['number']);
      assert.equal(await r.json.type('item'), 'object');
      assert.deepEqual(await r.json.strlen('item', '$.name'), [7]);
      assert.deepEqual(await r.json.strappend('item', '$.name', '"-pro"'), [11]);
      assert.deepEqual(await r.json.numincrby('item', '$.stock', 3), [20]);
      assert.deepEqual(await r.json.nummultby('item', '$.stock', 2), [40]);
      assert.deepEqual(await r.json.toggle('item', '$.conn.wireless'), [0]);
      assert.deepEqual(await r.json.objkeys('item', '$.conn'), [['wireless']]);
      assert.deepEqual(await r.json.objlen('item', '$'), [6]);

      assert.deepEqual(await r.json.arrappend('item', '$.tags', '"c"', '"d"'), [4]);
      assert.deepEqual(await r.json.arrinsert('item', '$.tags', 0, '"z"'), [5]);
      assert.deepEqual(await r.json.arrindex('item', '$.tags', '"c"'), [3]);
      assert.deepEqual(await r.json.arrlen('item', '$.tags'), [5]);
      assert.deepEqual(await r.json.arrlen('item'), [null], 'the client sends $ by default');
      assert.deepEqual(await r.json.arrpop('item', '$.tags'), ['d']);
      assert.deepEqual(await r.json.arrpop('item', '$.tags', 0), ['z']);
      assert.deepEqual(await r.json.arrtrim('item', '$.tags', 0, 1), [2]);
      assert.deepEqual(await r.json.get('item', '$.tags'), [['a', 'b']]);

      assert.deepEqual(await r.json.resp('item', '$.stock'), [40]);
      assert.equal(await r.json.merge('item', '$', { price: null, color: 'red' }), 'OK');
      assert.deepEqual(await r.json.get('item', '$.color', '$.price'), { '$.color': ['red'], '$.price': [] });
      assert.equal(
        await r.json.mset({ key: 'm1', path: '$', value: { a: 1 } }, { key: 'm2', path: '$', value: { a: 2 } }),
        'OK',
      );
      assert.deepEqual(await r.json.mget(['m1', 'm2', 'missing'], '$.a'), [[1], [2], null]);
      assert.equal(await r.json.clear('m1', '$.a'), 1);
      assert.deepEqual(await r.json.get('m1', '$.a'), [0]);
      assert.equal(await r.json.del('m1', '$.a'), 1);
      assert.equal(await r.json.forget('m2'), 1);
      assert.equal(await r.exists('m2'), 0);
      await assert.rejects(r.json.set('nokey', '$.a', 1), /new objects must be created at the root/);
      await assert.rejects(r.json.get('item', '.nope'), /Path '\$\.nope' does not exist/);

      const p = r.pipeline();
      p.json.set('pk', '$', { n: 1 });
      p.json.numincrby('pk', '$.n', 1.5);
      p.json.get('pk', '$.n');
      assert.deepEqual(await p.exec(), ['OK', [2.5], [2.5]]);
    }
  } finally {
    await srv.close();
  }
});
