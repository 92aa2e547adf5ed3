import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DoubleReply, ErrorReply, MapReply, NIL_ARRAY, OK, SimpleString } from '@redstash/engine';
import { jsonResult, jsonResults, jsonValue } from './json.ts';

const b64 = (s: string) => Buffer.from(s, 'latin1').toString('base64');

test('plain JSON: strings are their bytes read as UTF-8, numbers and nil as they are', () => {
  assert.equal(jsonValue('bar', false), '"bar"');
  assert.equal(jsonValue('h\xc3\xa9 "q"\n', false), '"hé \\"q\\"\\n"');
  assert.equal(jsonValue('\xff\x00', false), '"\ufffd\\u0000"');
  assert.equal(jsonValue(42, false), '42');
  assert.equal(jsonValue(-7, false), '-7');
  assert.equal(jsonValue(null, false), 'null');
  assert.equal(jsonValue(NIL_ARRAY, false), 'null');
  assert.equal(jsonValue(OK, false), '"OK"');
});

test('bigint integers keep every digit in the JSON text', () => {
  assert.equal(jsonValue(9223372036854775807n, false), '9223372036854775807');
  assert.equal(jsonValue(-9223372036854775808n, true), '-9223372036854775808');
});

test('doubles are strings in Redis 7.2+ format, maps are flat arrays', () => {
  assert.equal(jsonValue(new DoubleReply(1.5), false), '"1.5"');
  assert.equal(jsonValue(new DoubleReply(Infinity), false), '"inf"');
  assert.equal(jsonValue(new DoubleReply(1e21), false), '"1e+21"');
  assert.equal(jsonValue(new MapReply(['f', 'v', 'g', 1]), false), '["f","v","g",1]');
  assert.equal(jsonValue([], false), '[]');
});

test('base64 encodes every bulk and status string at every depth, never integers, nil or errors', () => {
  assert.equal(jsonValue('bar', true), `"${b64('bar')}"`);
  assert.equal(jsonValue('\x00\xff\xfe', true), '"AP/+"');
  assert.equal(jsonValue(OK, true), `"${b64('OK')}"`);
  assert.equal(jsonValue(new SimpleString('string'), true), `"${b64('string')}"`);
  assert.equal(jsonValue(new DoubleReply(2.5), true), `"${b64('2.5')}"`);
  assert.equal(
    jsonValue(['a', 1, null, ['b', new MapReply(['c', 'd'])], NIL_ARRAY, new ErrorReply('ERR x')], true),
    `["${b64('a')}",1,null,["${b64('b')}",["${b64('c')}","${b64('d')}"]],null,"ERR x"]`,
  );
});

test('results and errors wrap the value; a pipeline answer is one object per reply', () => {
  assert.equal(jsonResult('v', false), '{"result":"v"}');
  assert.equal(jsonResult(null, true), '{"result":null}');
  assert.equal(jsonResult(new ErrorReply('WRONGTYPE Operation'), true), '{"error":"WRONGTYPE Operation"}');
  assert.equal(
    jsonResult(new ErrorReply("ERR unknown command '\xc3\xa9'"), false),
    `{"error":"ERR unknown command 'é'"}`,
  );
  assert.equal(
    jsonResults([1, new ErrorReply('ERR e'), 'x'], false),
    '[{"result":1},{"error":"ERR e"},{"result":"x"}]',
  );
  assert.equal(jsonResults([], false), '[]');
});

test('every encoded answer parses back as JSON', () => {
  const big = Array.from({ length: 1000 }, (_, i) => (i % 2 === 0 ? String.fromCharCode(i % 256) : i));
  for (const base64 of [false, true]) {
    const parsed = JSON.parse(jsonResult(big, base64)) as { result: unknown[] };
    assert.equal(parsed.result.length, 1000);
  }
});
