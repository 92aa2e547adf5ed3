import assert from 'node:assert/strict';
import { test } from 'node:test';
import { globMatch } from './glob.ts';

/**
 * [pattern, subject, match?] — every expectation was read from a real redis-server 7.0 (KEYS against a
 * database holding just the subject), except `*` against '': KEYS special-cases a lone `*`, while
 * `stringmatchlen` itself (used for all other patterns) answers no, as `**` shows.
 */
const REDIS_TABLE: [string, string, boolean][] = [
  ['*', '', false],
  ['**', '', false],
  ['*', 'abc', true],
  ['a*', 'a', true],
  ['a*', 'abc', true],
  ['a*c', 'ac', true],
  ['a*c', 'abbbc', true],
  ['a*c', 'abcd', false],
  ['*c', 'c', true],
  ['a**b', 'ab', true],
  ['a*b*c', 'aXbYc', true],
  ['a*b*c', 'aXcYb', false],
  ['?', '', false],
  ['?', 'a', true],
  ['?', 'ab', false],
  ['a?c', 'abc', true],
  ['a?c', 'ac', false],
  ['??', '\x00\xff', true],
  ['[abc]', 'b', true],
  ['[abc]', 'd', false],
  ['[^abc]', 'd', true],
  ['[^abc]', 'a', false],
  ['[a-c]', 'b', true],
  ['[c-a]', 'b', true],
  ['[a-c]', 'd', false],
  ['[^a-c]x', 'dx', true],
  ['[', '[', false],
  ['[', 'a', false],
  ['[a', 'a', true],
  ['[ab', 'b', true],
  ['[^', 'x', true],
  ['[^', '', false],
  ['[]', ']', false],
  ['[]]', ']', false],
  ['[]a]', 'a', false],
  ['[a-]', '-', false],
  ['[a-]', '_', true],
  ['[a-]', 'a', true],
  ['[-a]', '-', true],
  ['[\\]]', ']', true],
  ['[\\', '\\', true],
  ['[a\\-z]', '-', true],
  ['[a\\-z]', 'b', false],
  ['\\*', '*', true],
  ['\\*', 'a', false],
  ['\\?', '?', true],
  ['\\[a]', '[a]', true],
  ['a\\', 'a\\', true],
  ['\\', '\\', true],
  ['a\\', 'a', false],
  ['[\x80-\xff]', '\xe9', true],
  ['[a-\xff]', 'b', false],
  ['[a-\xff]', '\xe9', false],
  ['[a-\xff]', '\x00', true],
  ['\x00*', '\x00abc', true],
  ['*\xff', 'x\xff', true],
  ['h[ae]llo', 'hello', true],
  ['h[^e]llo', 'hello', false],
  ['h*llo', 'heeeello', true],
  ['a*', '', false],
  ['', '', true],
  ['', 'a', false],
  ['[a-c]*[x-z]', 'bqqz', true],
  ['*[', 'ab[', false],
  ['*a*a*a*a*b', 'aaaaaaaaaaaaaaaaaaaaaaaa', false],
];

test('globMatch agrees with redis-server on a table of patterns', () => {
  for (const [pattern, subject, expected] of REDIS_TABLE) {
    assert.equal(globMatch(pattern, subject), expected, `${JSON.stringify(pattern)} ~ ${JSON.stringify(subject)}`);
  }
});

test('* matches any run of bytes but needs a byte left to try', () => {
  assert.equal(globMatch('*', 'x'), true);
  assert.equal(globMatch('***', 'anything at all'), true);
  assert.equal(globMatch('*', ''), false);
  assert.equal(globMatch('a*', 'a'), true, 'trailing stars are skipped once the subject ends');
  assert.equal(globMatch('a*b*', 'ab'), true);
  assert.equal(globMatch('a*?', 'a'), false);
  assert.equal(globMatch('*.txt', 'notes.txt'), true);
  assert.equal(globMatch('*.txt', 'notes.txt.bak'), false);
  assert.equal(globMatch('*x*y*z', 'axbyc'), false);
});

test('? matches exactly one byte, including NUL and high bytes', () => {
  assert.equal(globMatch('a?c', 'a\x00c'), true);
  assert.equal(globMatch('a?c', 'a\xffc'), true);
  assert.equal(globMatch('???', 'ab'), false);
});

test('classes: sets, negation, ranges in either order, escapes', () => {
  assert.equal(globMatch('[xyz]1', 'y1'), true);
  assert.equal(globMatch('[^xyz]1', 'y1'), false);
  assert.equal(globMatch('[^xyz]1', 'q1'), true);
  assert.equal(globMatch('[0-9][0-9]', '42'), true);
  assert.equal(globMatch('[9-0]', '5'), true);
  assert.equal(globMatch('[a-cx-z]', 'y'), true);
  assert.equal(globMatch('[a-cx-z]', 'm'), false);
  assert.equal(globMatch('[\\^]', '^'), true);
  assert.equal(globMatch('[\\[]', '['), true);
  assert.equal(globMatch('[!a]', '!'), true, '! is not a negation in Redis');
  assert.equal(globMatch('[!a]', 'b'), false);
});

test('an unterminated class takes the rest of the pattern; a lone [ never matches', () => {
  assert.equal(globMatch('x[abc', 'xb'), true);
  assert.equal(globMatch('x[abc', 'xd'), false);
  assert.equal(globMatch('x[', 'x['), false);
  assert.equal(globMatch('x[^', 'xq'), true);
  assert.equal(globMatch('[a-', 'a'), true);
  assert.equal(globMatch('[a-', '-'), true);
});

test('range bounds compare as signed bytes, like C char', () => {
  assert.equal(globMatch('[\x80-\xff]', '\x80'), true);
  assert.equal(globMatch('[\x80-\xff]', '\x7f'), false);
  // 0xff is -1 as a signed char, so [a-\xff] spans -1..'a': 0xff and 0x00..'a', but not 'b' or 0xe9.
  assert.equal(globMatch('[a-\xff]', '\xff'), true);
  assert.equal(globMatch('[a-\xff]', 'A'), true);
  assert.equal(globMatch('[a-\xff]', 'b'), false);
  // \x90 is -112, so [\x01-\x90] is -112..1: it takes in 0xa0 and NUL, and leaves out 'A'.
  assert.equal(globMatch('[\x01-\x90]', '\xa0'), true);
  assert.equal(globMatch('[\x01-\x90]', '\x00'), true);
  assert.equal(globMatch('[\x01-\x90]', 'A'), false);
});

test('backslash escapes the next byte; a trailing one stands for itself', () => {
  assert.equal(globMatch('\\*x', '*x'), true);
  assert.equal(globMatch('\\*x', 'ax'), false);
  assert.equal(globMatch('a\\b', 'ab'), true);
  assert.equal(globMatch('ab\\', 'ab\\'), true);
  assert.equal(globMatch('ab\\', 'ab'), false);
  assert.equal(globMatch('\\\\', '\\'), true);
});

test('nocase folds ASCII letters only, outside classes and in ranges, not for escaped class bytes', () => {
  assert.equal(globMatch('HeLLo', 'hello', true), true);
  assert.equal(globMatch('HeLLo', 'hello'), false);
  assert.equal(globMatch('h[A-E]llo', 'hello', true), true);
  assert.equal(globMatch('h[a-e]llo', 'HELLO', true), true);
  assert.equal(globMatch('[E]', 'e', true), true);
  assert.equal(globMatch('[\\E]', 'e', true), false);
  assert.equal(globMatch('\\E', 'e', true), true);
  assert.equal(globMatch('\xc9', '\xe9', true), false, 'no folding beyond ASCII');
  // Bounds are swapped before folding: [Z-a] is Z..a, which folds to the empty z..a.
  assert.equal(globMatch('[Z-a]', '_'), true);
  assert.equal(globMatch('[Z-a]', '_', true), false);
});

test('more than 1000 nested stars never match, as Redis guards against abusive patterns', () => {
  const subject = 'a'.repeat(1100);
  assert.equal(globMatch('*a'.repeat(1000), subject), true);
  assert.equal(globMatch('*a'.repeat(1001), subject), false);
});

test('pathological patterns finish quickly', () => {
  const subject = 'a'.repeat(5000);
  const started = performance.now();
  assert.equal(globMatch(`${'*a'.repeat(30)}b`, subject), false);
  assert.equal(globMatch('*a*a*a*a*a*a*a*a*a*a*c', `${'a'.repeat(100000)}b`), false);
  assert.ok(performance.now() - started < 1000);
});
