import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as E from '../../command/errors.ts';
import { parseLexRange } from './lex.ts';
import { parseScore, parseScoreRange } from './parse.ts';

test('parseScore accepts what Redis string2d accepts (checked against redis-server)', () => {
  const ok: [string, number][] = [
    ['1', 1],
    ['-2.5', -2.5],
    ['+5', 5],
    ['.5', 0.5],
    ['5.', 5],
    ['1e3', 1000],
    ['1E-2', 0.01],
    ['0x10', 16],
    ['-0x10', -16],
    ['0x1p3', 8],
    ['0x1.8p1', 3],
    ['0X1P+2', 4],
    ['0x.8', 0.5],
    ['inf', Infinity],
    ['-inf', -Infinity],
    ['+inf', Infinity],
    ['INF', Infinity],
    ['infinity', Infinity],
    ['-Infinity', -Infinity],
    ['0e-400', 0],
    ['1e-320', 1e-320],
  ];
  for (const [text, value] of ok) assert.equal(parseScore(text), value, text);
});

test('parseScore refuses spaces, trailing text, NaN, overflow and underflow to zero', () => {
  const bad = ['', ' 1', '\t1', '1 ', '1x', '0x', '1e', 'e5', '.', '-', 'nan', '-nan', 'NaN(1)', 'infinit', '1e400'];
  for (const text of [...bad, '-1e400', '1e-400', '0x1p-1080', '1\x00']) {
    assert.throws(
      () => parseScore(text),
      (e) => e === E.NOT_FLOAT,
      JSON.stringify(text),
    );
  }
  assert.throws(
    () => parseScore('x', E.WEIGHTS_NOT_FLOAT),
    (e) => e === E.WEIGHTS_NOT_FLOAT,
  );
});

test('parseScoreRange reads C strings with strtod, `(` making a bound exclusive', () => {
  assert.deepEqual(parseScoreRange('(1', '5'), { min: 1, max: 5, minex: true, maxex: false });
  assert.deepEqual(parseScoreRange('-inf', '(+inf'), { min: -Infinity, max: Infinity, minex: false, maxex: true });
  // Leading white space, an empty bound (0), a lone `(`, overflow to inf, and text after a NUL byte.
  assert.deepEqual(parseScoreRange(' 1', '(\t2'), { min: 1, max: 2, minex: false, maxex: true });
  assert.deepEqual(parseScoreRange('', '('), { min: 0, max: 0, minex: false, maxex: true });
  assert.deepEqual(parseScoreRange('1e400', '0x10'), { min: Infinity, max: 16, minex: false, maxex: false });
  assert.deepEqual(parseScoreRange('3\x00junk', '4'), { min: 3, max: 4, minex: false, maxex: false });
  for (const bad of ['x', '1 ', ' ', 'nan', '(nan', '((1', '[1']) {
    assert.throws(
      () => parseScoreRange(bad, '1'),
      (e) => e === E.MIN_MAX_NOT_FLOAT,
      JSON.stringify(bad),
    );
    assert.throws(
      () => parseScoreRange('1', bad),
      (e) => e === E.MIN_MAX_NOT_FLOAT,
    );
  }
});

test('parseLexRange: [ and ( prefixes, - and + alone', () => {
  assert.deepEqual(parseLexRange('[a', '(b'), {
    min: 'a',
    max: 'b',
    minEdge: 0,
    maxEdge: 0,
    minex: false,
    maxex: true,
  });
  assert.deepEqual(parseLexRange('-', '+'), { min: '', max: '', minEdge: -1, maxEdge: 1, minex: true, maxex: true });
  assert.deepEqual(parseLexRange('[', '(\xff\x00'), {
    min: '',
    max: '\xff\x00',
    minEdge: 0,
    maxEdge: 0,
    minex: false,
    maxex: true,
  });
  for (const bad of ['', 'a', '+a', '-a', ' [a']) {
    assert.throws(
      () => parseLexRange(bad, '+'),
      (e) => e === E.MIN_MAX_NOT_LEX,
      JSON.stringify(bad),
    );
  }
});
