/**
 * JSON text and paths: serde_json's parse errors (positions as it counts them), ryu's float layout, legacy
 * path rewriting, RedisJSON's JSONPath dialect on top of RFC 9535, filters over bigints and integral floats,
 * names that need escaping both ways.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as E from '../../command/errors.ts';
import { JFloat } from '../../types/json.ts';
import { formatFloat } from './format.ts';
import { jsonEngine } from './helpers.test-support.ts';
import { parseJson } from './parse.ts';
import { parsePath } from './paths.ts';

test("parse errors are serde_json's, at its line and column", () => {
  const cases: [string, string, number][] = [
    ['', 'EOF while parsing a value', 0],
    ['x', 'expected value', 1],
    ['tru', 'EOF while parsing a value', 3],
    ['trux', 'expected ident', 4],
    ['{"a":1} x', 'trailing characters', 9],
    ['[1 2]', 'expected `,` or `]`', 4],
    ['{"a" 1}', 'expected `:`', 6],
    ['{"a":1 "b":2}', 'expected `,` or `}`', 8],
    ['{1:2}', 'key must be a string', 2],
    ['{"a":1,}', 'trailing comma', 8],
    ['"abc', 'EOF while parsing a string', 4],
    ['"a\tb"', 'control character (\\u0000-\\u001F) found while parsing a string', 3],
    ['"\\x"', 'invalid escape', 3],
    ['"\\ud800"', 'unexpected end of hex escape', 8],
    ['01', 'invalid number', 2],
    ['1.', 'EOF while parsing a value', 2],
    ['1.x', 'invalid number', 3],
    ['-', 'invalid number', 1],
    ['1e400', 'number out of range', 5],
    ['[\n1,\n]', 'trailing comma', 6],
  ];
  for (const [text, msg, at] of cases) {
    let got: unknown;
    try {
      parseJson(text);
    } catch (err) {
      got = err;
    }
    assert.deepEqual(got, E.jsonParse(msg, text, at), text);
  }
  assert.equal(E.jsonParse('trailing comma', '[\n1,\n]', 6).message, 'trailing comma at line 3 column 1');
  assert.throws(
    () => parseJson('['.repeat(129)),
    (e) => (e as { message: string }).message.startsWith('recursion limit exceeded'),
  );
  assert.equal((parseJson('['.repeat(128) + ']'.repeat(128)) as unknown[]).length, 1);
});

test('numbers keep their kind: integers (bigint past 2^53), floats (boxed when integral)', () => {
  assert.equal(parseJson('12'), 12);
  assert.equal(parseJson('1.5'), 1.5);
  assert.deepEqual(parseJson('1.0'), new JFloat(1));
  assert.deepEqual(parseJson('2e2'), new JFloat(200));
  assert.equal(parseJson('9007199254740993'), 9007199254740993n);
  assert.deepEqual(parseJson('-9223372036854775809'), new JFloat(-(2 ** 63)), 'below i64: a float');
  assert.deepEqual(parseJson('"\\ud83d\\ude00\\u00e9"'), '😀é');
  assert.deepEqual(parseJson('"\xc3\xa9"'), 'é', 'UTF-8 bytes decode');
  assert.equal(formatFloat(0.1 + 0.2), '0.30000000000000004');
  assert.equal(formatFloat(-1e-7), '-1e-7');
  assert.equal(formatFloat(1.2345e20), '1.2345e20');
  assert.equal(formatFloat(123e-20), '1.23e-18');
});

test('legacy paths are rewritten as RedisJSON does, then into RFC 9535', () => {
  const p = (s: string) => {
    const { display, expr, legacy, root } = parsePath(s);
    return { display, expr, legacy, root };
  };
  assert.deepEqual(p('.'), { display: '$', expr: '$', legacy: true, root: true });
  assert.deepEqual(p('$'), { display: '$', expr: '$', legacy: false, root: true });
  assert.deepEqual(p('a.b'), { display: '$.a.b', expr: '$.a.b', legacy: true, root: false });
  assert.deepEqual(p('.a[0]'), { display: '$.a[0]', expr: '$.a[0]', legacy: true, root: false });
  assert.deepEqual(p('[0]'), { display: '$.[0]', expr: '$[0]', legacy: true, root: false });
  assert.deepEqual(p('.a-b.1c'), { display: '$.a-b.1c', expr: "$['a-b']['1c']", legacy: true, root: false });
  assert.deepEqual(p('..a'), { display: '$..a', expr: '$..a', legacy: true, root: false });
  assert.deepEqual(p("$.a[?(@.b['x]'] > 1)].c"), {
    display: "$.a[?(@.b['x]'] > 1)].c",
    expr: "$.a[?(@.b['x]'] > 1)].c",
    legacy: false,
    root: false,
  });
  assert.equal(p('$x').legacy, true, '$ must be followed by . or [ to be JSONPath');
});

test('filters, wildcards, slices and odd names through the library; bigints and 1.0 compare as numbers', () => {
  const { run, get } = jsonEngine();
  run('json.set', 'd', '$', '{"a":[{"p":1.0},{"p":2},{"p":9007199254740993},{"q":1}],"it\'s":1,"a b":2,"\\n":3}');
  assert.deepEqual(get('json.get', 'd', '$.a[?(@.p>=1)].p'), [1, 2, 9007199254740992]);
  assert.equal(run('json.get', 'd', '$.a[?@.p==1].p'), '[1.0]');
  assert.equal(run('json.get', 'd', '$.a[?@.p>2].p'), '[9007199254740993]', 'the document value, exact');
  assert.equal(run('json.get', 'd', '$.a[-1]'), '[{"q":1}]');
  assert.equal(run('json.get', 'd', '$.a[1:3].p'), '[2,9007199254740993]');
  assert.equal(run('json.get', 'd', '$.a[*].q'), '[1]');
  assert.equal(run('json.get', 'd', '$.a[?length(@)==1].p'), '[1.0,2,9007199254740993]');
  assert.equal(run('json.get', 'd', "$['it\\'s']"), '[1]');
  assert.equal(run('json.get', 'd', '$["a b"]'), '[2]');
  assert.equal(run('json.get', 'd', "$['\\n']"), '[3]');
  assert.equal(run('json.set', 'd', "$['it\\'s']", '5'), run('json.set', 'd', '$["a b"]', '6'));
  assert.equal(run('json.del', 'd', "$..['\\n']"), 1);
  assert.deepEqual(get('json.get', 'd', '$.*'), [[{ p: 1 }, { p: 2 }, { p: 9007199254740992 }, { q: 1 }], 5, 6]);
  assert.equal(run('json.numincrby', 'd', '$.a[?@.p>1].p', '1'), '[3,9007199254740994]');
});
