import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appendQueryArgs, pathArgs, percentDecode, queryToken } from './url.ts';

test('percent-decoding yields bytes, not UTF-8 text', () => {
  assert.equal(percentDecode('a%FFb'), 'a\xffb');
  assert.equal(percentDecode('%00%0a%2F'), '\x00\n/');
  assert.equal(percentDecode('%C3%A9'), '\xc3\xa9');
  assert.equal(percentDecode('plain'), 'plain');
  assert.equal(percentDecode('a+b'), 'a+b');
  assert.equal(percentDecode('a+b', true), 'a b');
});

test('malformed escapes are refused', () => {
  for (const bad of ['%', '%Z1', '%1', 'a%zz', '%%41', '%-1']) assert.equal(percentDecode(bad), undefined, bad);
});

test('the raw path is split before decoding: %2F stays inside an argument and .. is just an argument', () => {
  assert.deepEqual(pathArgs('/set/a%2Fb/v'), ['set', 'a/b', 'v']);
  assert.deepEqual(pathArgs('/get/%2e%2e/flushall'), ['get', '..', 'flushall']);
  assert.deepEqual(pathArgs('/get/../flushall'), ['get', '..', 'flushall']);
  assert.deepEqual(pathArgs('/set/k/'), ['set', 'k', '']);
  assert.deepEqual(pathArgs('/GET/k'), ['GET', 'k']);
  assert.equal(pathArgs('/get/%ZZ'), undefined);
});

test('query parameters become name/value arguments; _token is left out', () => {
  const argv = ['set', 'k', 'v'];
  assert.equal(appendQueryArgs('EX=100&_token=secret&NX&GET=&a%20b=c+d', argv), true);
  assert.deepEqual(argv, ['set', 'k', 'v', 'EX', '100', 'NX', 'GET', 'a b', 'c d']);
  assert.equal(appendQueryArgs('x=%G0', []), false);
});

test('the _token parameter is found wherever it is', () => {
  assert.equal(queryToken('_token=abc'), 'abc');
  assert.equal(queryToken('EX=1&_token=a%2Bb'), 'a+b');
  assert.equal(queryToken('EX=1'), undefined);
  assert.equal(queryToken('x_token=abc'), undefined);
});
