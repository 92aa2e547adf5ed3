/**
 * JSON.ARRAPPEND, ARRINSERT, ARRPOP, ARRTRIM: the redis.io examples, RedisJSON's index clamping, and
 * mutation order when one path matches arrays nested in each other. No differential test: Debian's
 * redis-server has no RedisJSON module.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as E from '../../command/errors.ts';
import { jsonEngine } from './helpers.test-support.ts';

const ITEM =
  '{"name":"Noise-cancelling Bluetooth headphones","connection":{"wireless":true,"type":"Bluetooth"},"price":99.98,"stock":25,"colors":["black","silver"]}';

test('JSON.ARRAPPEND and JSON.ARRINSERT (redis.io examples)', () => {
  const { run, get, events } = jsonEngine();
  run('json.set', 'item:1', '$', ITEM);
  assert.deepEqual(run('json.arrappend', 'item:1', '$.colors', '"blue"'), [3]);
  assert.deepEqual(get('json.get', 'item:1', '$.colors'), [['black', 'silver', 'blue']]);
  assert.deepEqual(run('json.arrinsert', 'item:1', '$.colors', 2, '"yellow"', '"gold"'), [5]);
  assert.deepEqual(get('json.get', 'item:1', '$.colors'), [['black', 'silver', 'yellow', 'gold', 'blue']]);
  assert.deepEqual(run('json.arrappend', 'item:1', '$.*', '1'), [null, null, null, null, 6]);
  assert.equal(run('json.arrappend', 'item:1', '.colors', '2', '3'), 8);
  assert.deepEqual(run('json.arrappend', 'item:1', '.name', '1'), E.jsonPathMissingOr('not an array'));
  assert.deepEqual(run('json.arrappend', 'item:1', '.colors'), E.arity('json.arrappend'));
  assert.deepEqual(
    run('json.arrappend', 'item:1', '.colors', '[1,'),
    E.jsonParse('EOF while parsing a value', '[1,', 3),
  );
  assert.equal(run('json.arrappend', 'nokey', '$', '1'), E.JSON_NO_KEY);
  assert.ok(events.includes('json.arrappend item:1') && events.includes('json.arrinsert item:1'));
});

test('JSON.ARRINSERT: negative indexes count from the end, out of range is an error', () => {
  const { run, get } = jsonEngine();
  run('json.set', 'a', '$', '[1,2,3]');
  assert.equal(run('json.arrinsert', 'a', '.', -1, '9'), 4);
  assert.deepEqual(get('json.get', 'a'), [1, 2, 9, 3]);
  assert.equal(run('json.arrinsert', 'a', '.', 4, '10'), 5, 'the length itself appends');
  assert.equal(run('json.arrinsert', 'a', '.', -5, '0'), 6);
  assert.deepEqual(get('json.get', 'a'), [0, 1, 2, 9, 3, 10]);
  assert.equal(run('json.arrinsert', 'a', '.', 7, '0'), E.JSON_INDEX_BOUNDS);
  assert.equal(run('json.arrinsert', 'a', '.', -7, '0'), E.JSON_INDEX_BOUNDS);
  assert.equal(run('json.arrinsert', 'a', '.', 'x', '0'), E.NOT_INTEGER);
  run('json.set', 'b', '$', '[[1,2,3],[1]]');
  assert.equal(run('json.arrinsert', 'b', '$[*]', 2, '0'), E.JSON_INDEX_BOUNDS);
  assert.deepEqual(get('json.get', 'b'), [[1, 2, 3], [1]], 'out of bounds anywhere inserts nothing');
  run('json.set', 'n', '$', '{"a":[[1],[2]]}');
  assert.deepEqual(run('json.arrinsert', 'n', '$..*', 0, '"x"'), [3, 2, 2, null, null], 'inner arrays first');
  assert.deepEqual(get('json.get', 'n'), { a: ['x', ['x', 1], ['x', 2]] });
});

test('JSON.ARRPOP: the last element by default, a clamped index, JSON text replies (redis.io example)', () => {
  const { run, get, events } = jsonEngine();
  run('json.set', 'key', '$', '[[{"max_level":[60,70,80,90,100]}]]');
  assert.deepEqual(run('json.arrpop', 'key', '$.[0][0].max_level', 0), ['60']);
  assert.deepEqual(get('json.get', 'key', '$..max_level'), [[70, 80, 90, 100]]);
  run('json.set', 'a', '$', '[1,2.0,"three",{"four":4},[5]]');
  assert.equal(run('json.arrpop', 'a'), '[5]');
  assert.equal(run('json.arrpop', 'a', '.', 99), '{"four":4}', 'past the end: the last');
  assert.equal(run('json.arrpop', 'a', '.', -99), '1', 'before the start: the first');
  assert.equal(run('json.arrpop', 'a', '.', 'x'), '"three"', 'not an integer: -1, as RedisJSON');
  assert.deepEqual(run('json.arrpop', 'a', '$'), ['2.0'], 'a float stays a float');
  assert.equal(run('json.arrpop', 'a', '.'), null, 'empty: nil');
  assert.deepEqual(run('json.arrpop', 'a', '$'), [null]);
  run('json.set', 'n', '$', '{"a":[[1,2,3],[4,5,6]],"b":1}');
  const popped = run('json.arrpop', 'n', '$..*', -1) as (string | null)[];
  assert.equal(popped.length, 10, 'one reply per match');
  assert.deepEqual(popped.filter((p) => p !== null).sort(), ['3', '6', '[4,5]'], 'inner arrays popped first');
  assert.deepEqual(get('json.get', 'n'), { a: [[1, 2]], b: 1 });
  assert.deepEqual(run('json.arrpop', 'n', '.b'), E.jsonPathMissingOr('not an array'));
  assert.equal(run('json.arrpop', 'n', 'FORMAT', 'EXPAND'), E.JSON_FORMAT_RESP2);
  assert.equal(run('json.arrpop', 'nokey'), E.JSON_NO_KEY);
  assert.ok(events.includes('json.arrpop n'));
});

test('JSON.ARRTRIM keeps an inclusive range, clamped as RedisJSON clamps it', () => {
  const { run, get } = jsonEngine();
  const fresh = () => run('json.set', 'a', '$', '{"x":[0,1,2,3,4,5,6,7,8]}');
  fresh();
  assert.deepEqual(run('json.arrtrim', 'a', '$.x', 1, 3), [3]);
  assert.deepEqual(get('json.get', 'a', '.x'), [1, 2, 3]);
  fresh();
  assert.equal(run('json.arrtrim', 'a', '.x', -3, -1), 3);
  assert.deepEqual(get('json.get', 'a', '.x'), [6, 7, 8]);
  fresh();
  assert.equal(run('json.arrtrim', 'a', '.x', 0, 99), 9);
  fresh();
  assert.equal(run('json.arrtrim', 'a', '.x', 9, 11), 0, 'start past the end empties');
  fresh();
  assert.equal(run('json.arrtrim', 'a', '.x', 5, 2), 0, 'start after stop empties');
  fresh();
  assert.equal(run('json.arrtrim', 'a', '.x', -99, 0), 1);
  assert.deepEqual(get('json.get', 'a', '.x'), [0]);
  assert.deepEqual(run('json.arrtrim', 'a', '$.*', 0, 0), [1]);
  assert.deepEqual(run('json.arrtrim', 'a', '.', 0, 1), E.jsonPathMissingOr('not an array'));
  assert.equal(run('json.arrtrim', 'a', '.x', 'a', 1), E.NOT_INTEGER);
  assert.equal(run('json.arrtrim', 'nokey', '.x', 0, 1), E.JSON_NO_KEY);
});
