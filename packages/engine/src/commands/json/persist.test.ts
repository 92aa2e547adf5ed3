/**
 * A JSON document survives every way a value leaves and re-enters the engine: the snapshot rewrite
 * (JSON.SET key $ <compact json>), DUMP/RESTORE, COPY (a deep clone), and append-only replay.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Argv } from '../../command/table.ts';
import { rewriteEntry } from '../../keyspace/rewrite.ts';
import { OK } from '../../reply.ts';
import { createTestEngine } from '../../testing/index.ts';

const DOC =
  '{"s":"héllo \\u0001 \\"q\\"","i":-42,"f":1.0,"g":0.1,"e":1e300,"big":18446744073709551615,"neg":-9223372036854775808,"t":true,"n":null,"a":[[],{},[1,[2]]],"o":{"__proto__":1,"":2}}';

test('the rewrite emits one JSON.SET at the root, which rebuilds the document exactly', () => {
  const { run, engine } = createTestEngine();
  run('json.set', 'k', '$', DOC);
  run('pexpire', 'k', 5000);
  const out: Argv[] = [];
  for (const [key, entry] of engine.db.entries()) rewriteEntry(key, entry, (argv) => out.push(argv));
  assert.equal(out.length, 2);
  assert.deepEqual(out[0]?.slice(0, 3), ['JSON.SET', 'k', '$']);
  assert.equal(out[1]?.[0], 'PEXPIREAT');
  const fresh = createTestEngine();
  for (const argv of out) fresh.engine.replay(argv);
  assert.equal(fresh.run('json.get', 'k'), run('json.get', 'k'));
  assert.deepEqual(fresh.run('json.type', 'k', '$.f'), ['number']);
  assert.deepEqual(fresh.run('json.type', 'k', '$.big'), ['integer']);
});

test('DUMP and RESTORE round-trip a document; COPY makes an independent copy', () => {
  const { run, raw } = createTestEngine();
  run('json.set', 'k', '$', DOC);
  const payload = run('dump', 'k') as string;
  assert.equal(payload.charCodeAt(0), 7, 'RDB_TYPE_MODULE_2 as our type byte');
  assert.equal(raw('restore', 'r', '0', payload), OK);
  assert.equal(run('json.get', 'r'), run('json.get', 'k'));
  assert.equal(run('copy', 'k', 'c'), 1);
  run('json.set', 'c', '$.a[2][1][0]', '3');
  assert.deepEqual(run('json.get', 'k', '$.a[2][1][0]'), '[2]');
  assert.deepEqual(run('json.get', 'c', '$.a[2][1][0]'), '[3]');
  assert.equal(run('object', 'encoding', 'k'), 'raw');
});

test('JSON writes replay from the log into the same document', () => {
  const t = createTestEngine();
  const cmds: (string | number)[][] = [
    ['json.set', 'k', '$', '{"a":[1,2,3],"n":1,"s":"x","b":false}'],
    ['json.arrappend', 'k', '$.a', '4', '{"z":1}'],
    ['json.arrinsert', 'k', '$.a', 0, '0'],
    ['json.arrpop', 'k', '$.a', 1],
    ['json.arrtrim', 'k', '$.a', 0, 3],
    ['json.numincrby', 'k', '$.n', '2.5'],
    ['json.nummultby', 'k', '.n', '2'],
    ['json.strappend', 'k', '$.s', '"yz"'],
    ['json.toggle', 'k', '$.b'],
    ['json.merge', 'k', '$', '{"m":{"x":1},"s":null}'],
    ['json.del', 'k', '$.a[0]'],
    ['json.clear', 'k', '$.m'],
    ['json.mset', 'k', '$.new', '[]', 'j', '$', '1'],
  ];
  for (const c of cmds) t.run(...c);
  const fresh = createTestEngine();
  for (const argv of t.effects) fresh.engine.replay(argv);
  assert.equal(fresh.run('json.get', 'k'), t.run('json.get', 'k'));
  assert.equal(t.run('json.get', 'k'), '{"a":[2,3,4],"n":7.0,"b":true,"m":{},"new":[]}');
});
