/**
 * JSON.SET, MSET, MERGE, DEL/FORGET, CLEAR, TOGGLE, NUMINCRBY, NUMMULTBY, STRAPPEND: the redis.io
 * examples for each command, then RedisJSON's edge cases (legacy paths, creation rules, errors). There is
 * no differential test: Debian's redis-server has no RedisJSON module.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as E from '../../command/errors.ts';
import { OK, SimpleString } from '../../reply.ts';
import { jsonEngine } from './helpers.test-support.ts';

test('JSON.SET: replace, add a member, update every match (redis.io examples)', () => {
  const { run, get } = jsonEngine();
  assert.equal(run('json.set', 'doc', '$', '{"a":2}'), OK);
  assert.equal(run('json.set', 'doc', '$.a', '3'), OK);
  assert.deepEqual(get('json.get', 'doc', '$'), [{ a: 3 }]);
  run('json.set', 'doc', '$', '{"a":2}');
  assert.equal(run('json.set', 'doc', '$.b', '8'), OK);
  assert.deepEqual(get('json.get', 'doc', '$'), [{ a: 2, b: 8 }]);
  run('json.set', 'doc', '$', '{"f1": {"a":1}, "f2":{"a":2}}');
  assert.equal(run('json.set', 'doc', '$..a', '3'), OK);
  assert.deepEqual(get('json.get', 'doc'), { f1: { a: 3 }, f2: { a: 3 } });
  assert.equal(run('json.set', 'nonexistentkey', '$.x', '5'), E.JSON_NEW_AT_ROOT);
  assert.equal(run('json.set', 'nonexistentkey', '.x', '5'), E.JSON_NEW_AT_ROOT);
});

test('JSON.SET NX and XX, creation rules and errors', () => {
  const { run, get, events } = jsonEngine();
  assert.equal(run('json.set', 'k', '$', '{"a":1}', 'XX'), null);
  assert.equal(run('json.set', 'k', '.', '{"a":1}', 'NX'), OK);
  assert.equal(run('json.set', 'k', '$', '{}', 'NX'), null);
  assert.equal(run('json.set', 'k', '$.a', '2', 'NX'), null, 'NX: the member exists');
  assert.equal(run('json.set', 'k', '$.b', '2', 'XX'), null, 'XX: the member does not');
  assert.equal(run('json.set', 'k', '$.b', '2', 'nx'), OK);
  assert.equal(run('json.set', 'k', '.a', '5', 'xx'), OK);
  assert.deepEqual(get('json.get', 'k'), { a: 5, b: 2 });
  assert.equal(run('json.set', 'k', '$.a', '1', 'NX', 'XX'), E.SYNTAX);
  assert.equal(run('json.set', 'k', '$.a', '1', 'bogus'), E.SYNTAX);
  assert.equal(run('json.set', 'k', '$.a', '1', 'FORMAT', 'BSON'), E.JSON_WRONG_FORMAT);
  assert.equal(run('json.set', 'k', '$.a', '1', 'FORMAT', 'JSON'), OK);
  assert.equal(run('json.set', 'k', '$.x.y', '1'), null, 'a missing parent creates nothing');
  assert.equal(run('json.set', 'k', '$..z', '1'), E.JSON_WRONG_STATIC_PATH);
  assert.equal(run('json.set', 'k', '$.c', '[1]'), OK);
  assert.equal(run('json.set', 'k', '$.c[0]', '7'), OK);
  assert.equal(run('json.set', 'k', '$.c[-1]', '8'), OK);
  assert.equal(run('json.set', 'k', '$.c[5]', '9'), E.JSON_ARRAY_INDEX_RANGE);
  assert.equal(run('json.set', 'k', '[0]', '9'), E.JSON_ARRAY_INDEX_RANGE, 'the root is no array');
  assert.deepEqual(get('json.get', 'k', '$.c'), [[8]]);
  assert.deepEqual(run('json.set', 'k', '$', '{"a":'), E.jsonParse('EOF while parsing a value', '{"a":', 5));
  run('set', 's', 'x');
  assert.equal(run('json.set', 's', '$', '1'), E.WRONGTYPE);
  assert.equal(run('json.set', 'k', 'a-b', '1'), OK, 'a legacy name RFC shorthand cannot spell');
  assert.deepEqual(get('json.get', 'k', '["a-b"]'), 1);
  assert.ok(
    events.filter((e) => e !== 'set s').every((e) => e === 'json.set k'),
    events.join(),
  );
});

test('JSON.SET at the root keeps the TTL; a new key needs the root', () => {
  const { run } = jsonEngine();
  run('json.set', 'k', '$', '{"a":1}');
  run('pexpire', 'k', 10_000);
  run('json.set', 'k', '$', '[1]');
  run('json.set', 'k', '$[0]', '2');
  assert.equal(run('pttl', 'k'), 10_000);
  assert.equal(run('json.set', 'j', '$', '"x"'), OK);
  assert.deepEqual(run('type', 'j'), new SimpleString('ReJSON-RL'));
});

test('JSON.MSET: all triplets are checked first, then applied (redis.io example)', () => {
  const { run, get, events } = jsonEngine();
  assert.equal(
    run('json.mset', 'doc1', '$', '{"a":1}', 'doc2', '$', '{"f":{"a":2}}', 'doc3', '$', '{"f1":{"a":0},"f2":{"a":0}}'),
    OK,
  );
  assert.equal(
    run('json.mset', 'doc1', '$', '{"a":2}', 'doc2', '$.f.a', '3', 'doc3', '$', '{"f1":{"a":1},"f2":{"a":2}}'),
    OK,
  );
  assert.deepEqual(get('json.get', 'doc1', '$'), [{ a: 2 }]);
  assert.deepEqual(get('json.get', 'doc2', '$'), [{ f: { a: 3 } }]);
  assert.deepEqual(get('json.get', 'doc3'), { f1: { a: 1 }, f2: { a: 2 } });
  assert.equal(run('json.mset', 'doc1', '$', '1', 'new', '$.a', '1'), E.JSON_NEW_AT_ROOT);
  assert.deepEqual(
    run('json.mset', 'doc1', '$', '1', 'doc2', '$', '{'),
    E.jsonParse('EOF while parsing an object', '{', 1),
  );
  assert.deepEqual(get('json.get', 'doc1'), { a: 2 }, 'nothing applied when a triplet fails');
  assert.deepEqual(run('json.mset', 'doc1', '$'), E.arity('json.mset'));
  assert.equal(run('json.mset', 'doc1', '$.missing.x', '1'), null);
  assert.ok(events.includes('json.mset doc2'));
});

test('JSON.MERGE: RFC 7396, null deletes (redis.io examples)', () => {
  const { run, get, events } = jsonEngine();
  run('json.set', 'doc', '$', '{"a":2}');
  assert.equal(run('json.merge', 'doc', '$.a', '3'), OK);
  assert.deepEqual(get('json.get', 'doc', '$'), [{ a: 3 }]);
  run('json.set', 'doc', '$', '{"a":2}');
  assert.equal(run('json.merge', 'doc', '$.b', '8'), OK);
  assert.deepEqual(get('json.get', 'doc', '$'), [{ a: 2, b: 8 }]);
  run('json.set', 'doc', '$', '{"a":2}');
  assert.equal(run('json.merge', 'doc', '$', '{"a":null}'), OK);
  assert.deepEqual(get('json.get', 'doc', '$'), [{}]);
  run('json.set', 'doc', '$', '{"a":[2,4,6,8]}');
  assert.equal(run('json.merge', 'doc', '$.a', '[10,12]'), OK);
  assert.deepEqual(get('json.get', 'doc', '$'), [{ a: [10, 12] }]);
  run('json.set', 'doc', '$', '{"f1": {"a":1}, "f2":{"a":2}}');
  assert.equal(run('json.merge', 'doc', '$', '{"f1": null, "f2":{"a":3, "b":4}, "f3":[2,4,6]}'), OK);
  assert.deepEqual(get('json.get', 'doc', '$'), [{ f2: { a: 3, b: 4 }, f3: [2, 4, 6] }]);
  assert.equal(run('json.merge', 'doc', '$..a', '{"x":{"y":null,"z":1}}'), OK);
  assert.deepEqual(get('json.get', 'doc', '$.f2'), [{ a: { x: { z: 1 } }, b: 4 }]);
  assert.equal(run('json.merge', 'nokey', '$.a', '1'), E.JSON_NEW_AT_ROOT);
  assert.equal(run('json.merge', 'nokey', '$', '{"a":1}'), OK);
  assert.equal(run('json.merge', 'doc', '$.none.x', '1'), null);
  assert.equal(run('json.merge', 'doc', '$', '1', 'X'), E.SYNTAX);
  assert.ok(events.includes('json.merge doc'));
});

test('JSON.DEL and JSON.FORGET: every match, nested matches once, the root (or emptying it) deletes the key', () => {
  const { run, get, events } = jsonEngine();
  run('json.set', 'doc', '$', '{"a": 1, "nested": {"a": 2, "b": 3}}');
  assert.equal(run('json.del', 'doc', '$..a'), 2);
  assert.deepEqual(get('json.get', 'doc', '$'), [{ nested: { b: 3 } }]);
  run('json.set', 'doc', '$', '{"a": 1, "nested": {"a": 2, "b": 3}}');
  assert.equal(run('json.forget', 'doc', '$..a'), 2);
  assert.deepEqual(get('json.get', 'doc', '$'), [{ nested: { b: 3 } }]);
  assert.equal(run('json.del', 'doc', '$.missing'), 0);
  assert.equal(run('json.del', 'doc', '.nested.b'), 1);
  assert.deepEqual(get('json.get', 'doc'), { nested: {} }, 'an emptied object stays');
  run('json.set', 'arr', '$', '[[1,2,3],[4,5,6],7]');
  assert.equal(run('json.del', 'arr', '$..*'), 3, 'children of a deleted array are not counted again');
  assert.equal(run('exists', 'arr'), 0, 'an emptied root deletes the key');
  run('json.set', 'arr', '$', '[0,1,2,3,4]');
  assert.equal(run('json.del', 'arr', '$[1:4]'), 3, 'indexes shift as elements go: highest first');
  assert.deepEqual(get('json.get', 'arr'), [0, 4]);
  assert.equal(run('json.del', 'doc'), 1);
  assert.equal(run('exists', 'doc'), 0);
  assert.equal(run('json.del', 'doc', '$'), 0);
  assert.equal(run('json.del', 'arr', '$'), 1);
  assert.deepEqual(events.filter((e) => e.startsWith('json.del')).length, 7);
});

test('JSON.CLEAR empties containers and zeroes numbers (redis.io example)', () => {
  const { run, get, events } = jsonEngine();
  run(
    'json.set',
    'doc',
    '$',
    '{"obj":{"a":1, "b":2}, "arr":[1,2,3], "str": "foo", "bool": true, "int": 42, "float": 3.14}',
  );
  assert.equal(run('json.clear', 'doc', '$.*'), 4);
  assert.deepEqual(get('json.get', 'doc', '$'), [{ obj: {}, arr: [], str: 'foo', bool: true, int: 0, float: 0 }]);
  assert.equal(run('json.clear', 'doc', '$.*'), 0, 'nothing left to clear');
  assert.equal(run('json.clear', 'doc'), 1);
  assert.deepEqual(get('json.get', 'doc'), {});
  assert.equal(run('json.clear', 'nokey'), E.JSON_NO_KEY);
  assert.deepEqual(run('json.clear', 'doc', '$', 'x'), E.arity('json.clear'));
  assert.deepEqual(events, ['json.set doc', 'json.clear doc', 'json.clear doc']);
});

test('JSON.TOGGLE flips booleans: 1/0 per match, "true"/"false" for a legacy path', () => {
  const { run, get } = jsonEngine();
  run('json.set', 'doc', '$', '{"bool": true}');
  assert.deepEqual(run('json.toggle', 'doc', '$.bool'), [0]);
  assert.deepEqual(get('json.get', 'doc', '$'), [{ bool: false }]);
  assert.deepEqual(run('json.toggle', 'doc', '$.bool'), [1]);
  assert.equal(run('json.toggle', 'doc', '.bool'), 'false');
  run('json.set', 'doc', '$', '{"a":true,"b":{"a":1},"c":{"a":false}}');
  assert.deepEqual(run('json.toggle', 'doc', '$..a'), [0, null, 1]);
  assert.deepEqual(run('json.toggle', 'doc', '.b.a'), E.jsonPathMissingOr('not a bool'));
  assert.deepEqual(run('json.toggle', 'doc', '$.zz'), []);
  assert.equal(run('json.toggle', 'nokey', '$'), E.JSON_NO_KEY);
});

test('JSON.NUMINCRBY / NUMMULTBY: integers stay integers, floats stay floats (redis.io examples)', () => {
  const { run, get } = jsonEngine();
  run('json.set', 'doc', '.', '{"a":"b","b":[{"a":2}, {"a":5}, {"a":"c"}]}');
  assert.equal(run('json.numincrby', 'doc', '$.a', '2'), '[null]');
  assert.equal(run('json.numincrby', 'doc', '$..a', '2'), '[null,4,7,null]');
  run('json.set', 'doc', '.', '{"a":"b","b":[{"a":2}, {"a":5}, {"a":"c"}]}');
  assert.equal(run('json.nummultby', 'doc', '$.a', '2'), '[null]');
  assert.equal(run('json.nummultby', 'doc', '$..a', '2'), '[null,4,10,null]');
  run('json.set', 'n', '$', '{"i":1,"f":1.5,"g":1.0}');
  assert.equal(run('json.numincrby', 'n', '.i', '1'), '2');
  assert.equal(run('json.numincrby', 'n', '.i', '1.0'), '3.0', 'a float argument makes a float');
  assert.deepEqual(get('json.type', 'n', '$.i'), ['number']);
  assert.equal(run('json.numincrby', 'n', '.f', '0.5'), '2.0');
  assert.equal(run('json.numincrby', 'n', '.g', '1'), '2.0');
  assert.equal(run('json.nummultby', 'n', '$.f', '1e300'), '[2e300]');
  assert.equal(run('json.nummultby', 'n', '$.f', '1e300'), E.JSON_RESULT_NAN);
  assert.deepEqual(run('json.numincrby', 'n', '$.i', 'x'), E.jsonParse('expected value', 'x', 1));
  assert.equal(run('json.numincrby', 'n', '$.i', '"1"'), E.JSON_BAD_NUMBER);
  assert.deepEqual(run('json.numincrby', 'n', '.none', '1'), E.jsonPathMissingOr('does not contains a number'));
  assert.equal(run('json.numincrby', 'nokey', '$', '1'), E.JSON_NO_KEY);
  run('json.set', 'two', '$', '[1.5,1e308]');
  assert.equal(run('json.nummultby', 'two', '$[*]', '10'), E.JSON_RESULT_NAN);
  assert.equal(run('json.get', 'two'), '[1.5,1e308]', 'an overflow anywhere changes nothing');
  run('json.set', 'big', '$', '9007199254740993');
  assert.equal(run('json.numincrby', 'big', '$', '2'), '[9007199254740995]', 'exact past 2^53');
  assert.equal(run('json.numincrby', 'big', '.', '9223372036854775807'), '-9214364837600034814', 'wraps as i64');
  assert.equal(run('json.get', 'big'), '-9214364837600034814');
});

test('JSON.STRAPPEND appends a JSON string, lengths in UTF-8 bytes (redis.io example)', () => {
  const { run, get, events } = jsonEngine();
  run('json.set', 'doc', '$', '{"a":"foo", "nested": {"a": "hello"}, "nested2": {"a": 31}}');
  assert.deepEqual(run('json.strappend', 'doc', '$..a', '"baz"'), [6, 8, null]);
  assert.deepEqual(get('json.get', 'doc', '$'), [{ a: 'foobaz', nested: { a: 'hellobaz' }, nested2: { a: 31 } }]);
  assert.equal(run('json.strappend', 'doc', '.a', '"é"'), 8);
  run('json.set', 's', '$', '"x"');
  assert.equal(run('json.strappend', 's', '"yz"'), 3, 'the path defaults to the root');
  assert.deepEqual(run('json.strappend', 's', '$', 'yz'), E.jsonParse('expected value', 'yz', 1));
  assert.deepEqual(run('json.strappend', 's', '$', '1'), E.jsonExpected('string', '1'));
  assert.deepEqual(run('json.strappend', 'doc', '.nested2.a', '"x"'), E.jsonPathMissingOr('not a string'));
  assert.deepEqual(run('json.strappend', 'doc', '$.nested2.a', 'not json'), [null], 'no string: the value is not read');
  assert.equal(run('json.strappend', 'nokey', '"x"'), E.JSON_NO_KEY);
  assert.ok(events.includes('json.strappend s'));
});

test('writes that change nothing are not propagated', () => {
  const { run, effects } = jsonEngine();
  run('json.set', 'k', '$', '{"a":[1],"b":true}');
  const before = effects.length;
  run('json.set', 'k', '$.a', '1', 'NX');
  run('json.del', 'k', '$.zz');
  run('json.clear', 'k', '$.b');
  run('json.arrpop', 'k', '$.zz');
  run('json.toggle', 'k', '$.a');
  assert.equal(effects.length, before);
  run('json.toggle', 'k', '$.b');
  assert.equal(effects.length, before + 1);
});
