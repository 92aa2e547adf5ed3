import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileRetryDelay } from './retry-delay.ts';

function run(expr: string, retried: number): number {
  const f = compileRetryDelay(expr);
  if (typeof f === 'string') throw new Error(f);
  return f(retried);
}

test('arithmetic with precedence, unary minus, parentheses and the variable retried', () => {
  assert.equal(run('1000 * (1 + retried)', 0), 1000);
  assert.equal(run('1000 * (1 + retried)', 4), 5000);
  assert.equal(run('1 + 2 * 3', 0), 7);
  assert.equal(run('(1 + 2) * 3', 0), 9);
  assert.equal(run('10 - 4 - 3', 0), 3);
  assert.equal(run('100 / 4 / 5', 0), 5);
  assert.equal(run('7 % 4', 0), 3);
  assert.equal(run('-retried + 10', 3), 7);
  assert.equal(run('2 ^ 10', 0), 1024);
  assert.equal(run('1.5 * 1000', 0), 1500);
  assert.equal(run('  retried  ', 9), 9);
});

test('the documented functions', () => {
  assert.equal(run('pow(2, retried) * 1000', 3), 8000);
  assert.equal(run('sqrt(16)', 0), 4);
  assert.equal(run('abs(0 - 5)', 0), 5);
  assert.equal(run('exp(0)', 0), 1);
  assert.equal(run('floor(2.7) + ceil(2.1) + round(2.5)', 0), 8);
  assert.equal(run('min(5000, 1000 * retried)', 10), 5000);
  assert.equal(run('max(100, 50, retried)', 200), 200);
  assert.equal(run('min(max(1, retried), 3)', 0), 1);
});

test('anything outside the grammar is refused with a message, never evaluated', () => {
  for (const bad of [
    '',
    'process.exit(1)',
    'constructor(1)',
    '__proto__',
    'toString()',
    'hasOwnProperty(1)',
    'retried;1',
    'Math.pow(2, 3)',
    'require("fs")',
    'globalThis',
    '1 +',
    '(1 + 2',
    '1 2',
    'pow(2)',
    'sqrt(1, 2)',
    'min()',
    'pow',
    'x',
    'retried = 5',
    '`1`',
    '1e3',
    'a'.repeat(1001),
  ]) {
    const r = compileRetryDelay(bad);
    assert.equal(typeof r, 'string', bad);
  }
  assert.match(compileRetryDelay('process.exit(1)') as string, /unknown name 'process'/);
  assert.match(compileRetryDelay('constructor(1)') as string, /unknown name 'constructor'/);
});

test('deep nesting within the length limit compiles', () => {
  const expr = `${'('.repeat(400)}retried${')'.repeat(400)}`;
  assert.equal(run(expr, 3), 3);
});
