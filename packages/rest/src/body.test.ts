import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorReply } from '@redstash/engine';
import { parseJson, toArgv } from './body.ts';
import * as H from './errors.ts';

test('JSON arguments become byte strings as JS String() spells them', () => {
  assert.deepEqual(toArgv(['set', 'k', 42, 1.5, -0, 1e21, true, false, 'é']), [
    'set',
    'k',
    '42',
    '1.5',
    '0',
    '1e+21',
    'true',
    'false',
    '\xc3\xa9',
  ]);
});

test('null, objects and nested arrays are refused with the position', () => {
  for (const [argv, pos] of [
    [['set', 'k', null], 2],
    [['set', {}, 'v'], 1],
    [['set', 'k', ['v']], 2],
  ] as const) {
    const err = toArgv(argv);
    assert.ok(err instanceof ErrorReply);
    assert.match(err.message, new RegExp(`^ERR invalid argument at position ${pos}: `));
  }
});

test('empty commands and non-arrays', () => {
  assert.equal(toArgv([]), H.EMPTY_COMMAND);
  assert.equal(toArgv('get'), H.ITEM_NOT_COMMAND);
  assert.equal(toArgv({ 0: 'get' }), H.ITEM_NOT_COMMAND);
});

test('bad JSON is an error reply, not an exception; deep nesting is only a bad argument', () => {
  assert.equal(parseJson(Buffer.from('["get"')), H.INVALID_JSON);
  assert.equal(parseJson(Buffer.from('')), H.INVALID_JSON);
  const deep = `["get",${'['.repeat(100_000)}${']'.repeat(100_000)}]`;
  const err = toArgv(parseJson(Buffer.from(deep)));
  assert.ok(err instanceof ErrorReply);
  assert.match(err.message, /position 1: an array/);
});
