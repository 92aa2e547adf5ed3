/**
 * JSON.GET, MGET, TYPE, STRLEN, OBJKEYS, OBJLEN, ARRLEN, ARRINDEX, RESP, DEBUG: the redis.io examples and
 * RedisJSON's reply shapes for JSONPath (one per match) and legacy paths (the first match, or an error).
 * No differential test: Debian's redis-server has no RedisJSON module.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as E from '../../command/errors.ts';
import { DoubleReply, ErrorReply, SimpleString } from '../../reply.ts';
import { jsonEngine } from './helpers.test-support.ts';

test('JSON.GET: JSONPath arrays, legacy single values, several paths as an object (redis.io examples)', () => {
  const { run, get } = jsonEngine();
  run('json.set', 'doc', '$', '{"a":2, "b": 3, "nested": {"a": 4, "b": null}}');
  assert.equal(run('json.get', 'doc', '$..b'), '[3,null]');
  assert.deepEqual(get('json.get', 'doc', '..a', '$..b'), { '$..b': [3, null], '..a': [2, 4] });
  assert.deepEqual(get('json.get', 'doc', '.a', '.nested'), { '.a': 2, '.nested': { a: 4, b: null } });
  assert.deepEqual(run('json.get', 'doc', '.a', '.zz'), E.jsonPathMissing('.zz'));
  assert.deepEqual(get('json.get', 'doc', '$.a', '$.zz'), { '$.a': [2], '$.zz': [] });
  assert.equal(run('json.get', 'doc', 'nested'), '{"a":4,"b":null}');
  assert.equal(run('json.get', 'doc', '.nested.a'), '4');
  assert.deepEqual(run('json.get', 'doc', '.zz'), E.jsonPathMissing('$.zz'));
  assert.equal(run('json.get', 'doc', '$.zz'), '[]');
  assert.equal(run('json.get', 'nokey'), null);
  assert.equal(run('json.get', 'nokey', '$'), null);
  run('set', 's', 'x');
  assert.equal(run('json.get', 's'), E.WRONGTYPE);
  assert.equal(run('json.get', 'doc', 'FORMAT', 'EXPAND'), E.JSON_FORMAT_RESP2);
  assert.deepEqual(run('json.get', 'doc', 'INDENT'), E.arity('json.get'));
  const bad = run('json.get', 'doc', '$.a[');
  assert.ok(bad instanceof ErrorReply && bad.message.startsWith('Error occurred on position 4, '), String(bad));
});

test('JSON.GET formatting: INDENT, NEWLINE, SPACE as RedisJSON lays them out', () => {
  const { run } = jsonEngine();
  run('json.set', 'doc', '$', '{"a":[1,{}],"b":{},"c":[]}');
  assert.equal(
    run('json.get', 'doc', 'INDENT', '\t', 'NEWLINE', '\n', 'SPACE', ' '),
    '{\n\t"a": [\n\t\t1,\n\t\t{}\n\t],\n\t"b": {},\n\t"c": []\n}',
  );
  assert.equal(run('json.get', 'doc', 'SPACE', ' ', '$.a'), '[[1,{}]]');
  assert.equal(run('json.get', 'doc', 'newline', '\n', '.b'), '{}');
  assert.equal(run('json.get', 'doc', 'INDENT', '--', 'NOESCAPE', '.a'), '[--1,--{}]');
});

test('numbers print as RedisJSON (serde/ryu): integers exact, floats keep a point or exponent', () => {
  const { run } = jsonEngine();
  const cases: [string, string][] = [
    ['1', '1'],
    ['1.0', '1.0'],
    ['-0.0', '-0.0'],
    ['-0', '0'],
    ['1.5e3', '1500.0'],
    ['1e15', '1000000000000000.0'],
    ['1e16', '1e16'],
    ['1E+2', '100.0'],
    ['0.1', '0.1'],
    ['0.00001', '0.00001'],
    ['0.000001', '1e-6'],
    ['1.5e-7', '1.5e-7'],
    ['123456789.125', '123456789.125'],
    ['9007199254740993', '9007199254740993'],
    ['-9223372036854775808', '-9223372036854775808'],
    ['18446744073709551615', '18446744073709551615'],
    ['18446744073709551616', '1.8446744073709552e19'],
    ['"é\\u0001\\n\\"\\/"', '"é\\u0001\\n\\"/"'],
  ];
  for (const [input, output] of cases) {
    run('json.set', 'n', '$', input);
    assert.equal(run('json.get', 'n'), Buffer.from(output, 'utf8').toString('latin1'), input);
  }
});

test('JSON.MGET: one reply per key, nil where missing (redis.io example)', () => {
  const { run } = jsonEngine();
  run('json.set', 'doc1', '$', '{"a":1, "b": 2, "nested": {"a": 3}, "c": null}');
  run('json.set', 'doc2', '$', '{"a":4, "b": 5, "nested": {"a": 6}, "c": null}');
  assert.deepEqual(run('json.mget', 'doc1', 'doc2', '$..a'), ['[1,3]', '[4,6]']);
  assert.deepEqual(run('json.mget', 'doc1', 'nokey', 'doc2', '.a'), ['1', null, '4']);
  run('set', 's', 'x');
  assert.deepEqual(run('json.mget', 'doc1', 's', '.zz'), [null, null]);
  assert.deepEqual(run('json.mget', 'doc1', '$.a['), [null]);
});

test('JSON.TYPE: integer, number, string, boolean, null, array, object (redis.io example)', () => {
  const { run } = jsonEngine();
  run('json.set', 'doc', '$', '{"a":2, "nested": {"a": true}, "foo": "bar"}');
  assert.deepEqual(run('json.type', 'doc', '$..foo'), ['string']);
  assert.deepEqual(run('json.type', 'doc', '$..a'), ['integer', 'boolean']);
  assert.deepEqual(run('json.type', 'doc', '$..dummy'), []);
  assert.equal(run('json.type', 'doc'), 'object');
  assert.equal(run('json.type', 'doc', '.zz'), null);
  assert.equal(run('json.type', 'nokey'), null);
  run('json.set', 'doc', '$', '[1,1.5,1.0,null,[],"s",false]');
  assert.deepEqual(run('json.type', 'doc', '$[*]'), [
    'integer',
    'number',
    'number',
    'null',
    'array',
    'string',
    'boolean',
  ]);
});

test('JSON.STRLEN (redis.io example) and its legacy errors', () => {
  const { run } = jsonEngine();
  run('json.set', 'doc', '$', '{"a":"foo", "nested": {"a": "hello"}, "nested2": {"a": 31}}');
  assert.deepEqual(run('json.strlen', 'doc', '$..a'), [3, 5, null]);
  assert.equal(run('json.strlen', 'doc', '.nested.a'), 5);
  assert.deepEqual(run('json.strlen', 'doc', '.nested2.a'), E.jsonExpected('string', 'integer'));
  assert.deepEqual(run('json.strlen', 'doc', '.zz'), E.jsonPathMissing('$.zz'));
  assert.equal(run('json.strlen', 'nokey'), null);
  assert.equal(run('json.strlen', 'nokey', '$'), E.JSON_NO_KEY);
  run('json.set', 'u', '$', '"héllo"');
  assert.equal(run('json.strlen', 'u'), 6, 'UTF-8 bytes');
});

test('JSON.OBJKEYS and JSON.OBJLEN (redis.io examples)', () => {
  const { run } = jsonEngine();
  run('json.set', 'doc', '$', '{"a":[3], "nested": {"a": {"b":2, "c": 1}}}');
  assert.deepEqual(run('json.objkeys', 'doc', '$..a'), [null, ['b', 'c']]);
  assert.deepEqual(run('json.objlen', 'doc', '$..a'), [null, 2]);
  assert.deepEqual(run('json.objkeys', 'doc'), ['a', 'nested']);
  assert.equal(run('json.objlen', 'doc'), 2);
  assert.equal(run('json.objkeys', 'doc', '.zz'), null);
  assert.equal(run('json.objlen', 'doc', '.zz'), null);
  assert.deepEqual(run('json.objkeys', 'doc', '.a'), E.jsonPathMissingOr('not an object'));
  assert.deepEqual(run('json.objlen', 'doc', '.a'), E.jsonExpected('object', 'array'));
  assert.equal(run('json.objkeys', 'nokey'), null);
  assert.equal(run('json.objkeys', 'nokey', '$'), E.JSON_NO_KEY);
  assert.equal(run('json.objlen', 'nokey'), null);
  assert.deepEqual(run('json.objlen', 'nokey', '$'), E.jsonPathMissingOr('not an object'));
});

test('JSON.ARRLEN (redis.io example) and its legacy errors', () => {
  const { run } = jsonEngine();
  run('json.set', 'item:2', '$', '{"name":"Wireless earbuds","colors":["black","white"],"max_level":[80, 100, 120]}');
  assert.deepEqual(run('json.arrlen', 'item:2', '$.max_level'), [3]);
  assert.deepEqual(run('json.arrlen', 'item:2', '$.*'), [null, 2, 3]);
  assert.equal(run('json.arrlen', 'item:2', '.colors'), 2);
  assert.deepEqual(run('json.arrlen', 'item:2', '.name'), E.jsonPathMissingOr('not an array'));
  assert.equal(run('json.arrlen', 'item:2', '.zz'), E.JSON_PATH_MISSING);
  assert.equal(run('json.arrlen', 'nokey'), null);
  assert.equal(run('json.arrlen', 'nokey', '$'), E.JSON_NO_KEY);
});

test('JSON.ARRINDEX: start and stop windows, integers never equal floats (redis.io example)', () => {
  const { run } = jsonEngine();
  run('json.set', 'item:2', '$', '{"colors":["black","silver"]}');
  assert.deepEqual(run('json.arrappend', 'item:2', '$.colors', '"blue"'), [3]);
  assert.deepEqual(run('json.arrindex', 'item:2', '$..colors', '"silver"'), [1]);
  run('json.set', 'a', '$', '[1,2,3,2,1.0,{"x":[1]},null]');
  assert.equal(run('json.arrindex', 'a', '.', '2'), 1);
  assert.equal(run('json.arrindex', 'a', '.', '2', 2), 3);
  assert.equal(run('json.arrindex', 'a', '.', '2', 2, 3), -1);
  assert.equal(run('json.arrindex', 'a', '.', '2', -4), 3);
  assert.equal(run('json.arrindex', 'a', '.', '2', 0, -4), 1);
  assert.equal(run('json.arrindex', 'a', '.', '1.0'), 4);
  assert.equal(run('json.arrindex', 'a', '.', '1', 1), -1, '1 is not 1.0');
  assert.equal(run('json.arrindex', 'a', '.', '{"x":[1]}'), 5);
  assert.equal(run('json.arrindex', 'a', '.', 'null'), 6);
  assert.equal(run('json.arrindex', 'a', '.', '2', 99), -1);
  assert.equal(run('json.arrindex', 'a', '.', '2', 0, 0), 1, 'stop 0 means the end');
  assert.deepEqual(run('json.arrindex', 'a', '$[5]', '1'), [null]);
  assert.deepEqual(run('json.arrindex', 'a', '[5]', '1'), E.jsonExpected('array', 'object'));
  assert.equal(run('json.arrindex', 'a', '.', '2', 'x'), E.NOT_INTEGER);
  assert.deepEqual(run('json.arrindex', 'a', '.', '2', 0, 1, 2), E.arity('json.arrindex'));
  assert.deepEqual(run('json.arrindex', 'a', '.', 'x'), E.jsonParse('expected value', 'x', 1));
  assert.equal(run('json.arrindex', 'nokey', '.', '1'), E.JSON_PATH_MISSING);
});

test('JSON.RESP: arrays lead with [, objects with { (redis.io example)', () => {
  const { run } = jsonEngine();
  run(
    'json.set',
    'item:2',
    '$',
    '{"name":"Wireless earbuds","connection":{"wireless":true},"price":64.99,"stock":17,"colors":["black","white"],"none":null}',
  );
  const open = (c: string) => new SimpleString(c);
  assert.deepEqual(run('json.resp', 'item:2'), [
    open('{'),
    'name',
    'Wireless earbuds',
    'connection',
    [open('{'), 'wireless', new SimpleString('true')],
    'price',
    new DoubleReply(64.99),
    'stock',
    17,
    'colors',
    [open('['), 'black', 'white'],
    'none',
    null,
  ]);
  assert.deepEqual(run('json.resp', 'item:2', '$.stock'), [17]);
  assert.deepEqual(run('json.resp', 'item:2', '.colors'), [open('['), 'black', 'white']);
  assert.equal(run('json.resp', 'nokey'), null);
});

test('JSON.DEBUG MEMORY estimates as RedisJSON lays values out; HELP', () => {
  const { run } = jsonEngine();
  run('json.set', 'doc', '$', '{"a":[1,2,3],"s":"string","f":1.5}');
  assert.equal(run('json.debug', 'memory', 'nokey'), 0);
  assert.deepEqual(run('json.debug', 'memory', 'nokey', '$'), []);
  assert.deepEqual(run('json.debug', 'MEMORY', 'doc', '$.a'), [80], 'ijson: [1,2,3] is 80 bytes');
  assert.deepEqual(run('json.debug', 'memory', 'doc', '$.s'), [14]);
  assert.equal(run('json.debug', 'memory', 'doc', '.f'), 24);
  assert.equal(typeof run('json.debug', 'memory', 'doc'), 'number');
  assert.equal((run('json.debug', 'help') as unknown[]).length, 2);
  assert.equal(run('json.debug', 'nope'), E.JSON_DEBUG_UNKNOWN);
});
