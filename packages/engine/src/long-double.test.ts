import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  addLongDouble,
  formatLongDouble,
  isFiniteLongDouble,
  type LongDouble,
  parseLongDouble,
} from './long-double.ts';

function parse(text: string): LongDouble {
  const x = parseLongDouble(text);
  assert.ok(x !== null, `parses ${JSON.stringify(text)}`);
  return x;
}

/** What `SET k a` then `INCRBYFLOAT k b` answers, or the error's kind. */
function incr(a: string, b: string): string {
  const x = parseLongDouble(a);
  const y = parseLongDouble(b);
  if (x === null || y === null) return 'not a float';
  const sum = addLongDouble(x, y);
  return isFiniteLongDouble(sum) ? formatLongDouble(sum) : 'nan or inf';
}

// Every expectation below was read from redis-server 7.0 (x86-64, glibc) with SET + INCRBYFLOAT.
const REDIS_CASES: [string, string, string][] = [
  ['0.1', '0.2', '0.3'],
  ['10.5', '0.1', '10.6'],
  ['0.1', '0.1', '0.2'],
  ['1e10', '0.1', '10000000000.09999999962747097'],
  ['-5', '0.1', '-4.9'],
  ['-5', '-0.75', '-5.75'],
  ['5.0e3', '1', '5001'],
  ['3.0', '-3', '0'],
  ['-0', '-0', '0'],
  ['-0.00000000000000000001', '0', '0'],
  ['0x10', '0x1p-2', '16.25'],
  ['123456789012345678901234567890', '1', '123456789012345678899921813504'],
  ['99999999999999999.999', '0', '100000000000000000'],
  ['1e-17', '0', '0.00000000000000001'],
  ['0.000000000000000005', '0', '0'],
  ['0.000000000000000015', '0', '0.00000000000000002'],
  ['0.000000000000000025', '0', '0.00000000000000002'],
  // printf rounds the exact binary value half-to-even: 2^-18 ends in …625 exactly.
  ['0', '0.000003814697265625', '0.00000381469726562'],
  ['0', '0.000003814697265635', '0.00000381469726563'],
  ['0', '0.000011444091796875', '0.00001144409179688'],
  // strtold ties to even at the 64th mantissa bit: 2^40 + 2^-24 is halfway between 2^40 and 2^40 + 2^-23.
  ['1099511627776.000000059604644775390625', '-1099511627776', '0'],
  ['1099511627776.00000005960464477539062500000000000000000001', '-1099511627776', '0.00000011920928955'],
  ['1099511627776.000000178813934326171875', '-1099511627776', '0.0000002384185791'],
  ['1099511627776.0000000298023223876953125', '-1099511627776', '0'],
  ['-1e-4950', '1e-4950', '0'],
  ['0x1p-16445', '0', '0'],
  ['1', 'inf', 'nan or inf'],
  ['inf', '-inf', 'nan or inf'],
  ['1.1e4932', '1.1e4932', 'nan or inf'],
  ['1', '1e5000', 'not a float'],
  ['1', '1e-4951', 'not a float'],
  ['1', 'nan', 'not a float'],
  ['1', ' 1', 'not a float'],
  ['1', '1 ', 'not a float'],
  ['1', '', 'not a float'],
  ['1', '1e', 'not a float'],
  ['1', 'abc', 'not a float'],
  ['1', '+5', '6'],
  ['1', '.5', '1.5'],
  ['1', '5.', '6'],
  ['1', '00012', '13'],
  ['1', '1E3', '1001'],
  ['1', '1e+2', '101'],
  ['1', '0X1P-2', '1.25'],
  ['9223372036854775807', '1', '9223372036854775808'],
  ['-9223372036854775808', '-1', '-9223372036854775809'],
];

test('INCRBYFLOAT arithmetic and formatting match redis-server', () => {
  for (const [a, b, want] of REDIS_CASES) assert.equal(incr(a, b), want, `${a} + ${b}`);
});

test('huge magnitudes print every integer digit', () => {
  const max = incr('1.7976931348623157e308', '1.7976931348623157e308');
  assert.equal(max.length, 309);
  assert.ok(max.startsWith('359538626972463139991842093548208868096772893888658356970628841530353257046248'));
  const big = incr('0', '1.1e4932');
  assert.equal(big.length, 4933);
  assert.ok(big.startsWith('10999999999999999999743731075282418176590308692790434077349880018170241451065'));
});

test('parse accepts strtold forms and refuses what Redis refuses', () => {
  for (const ok of [
    '0',
    '-0',
    '+1.5',
    '.5',
    '5.',
    '1e3',
    '1E-3',
    '0x1.8p1',
    '0x.8',
    '0X1P-2',
    'inf',
    '-Infinity',
    'INF',
  ]) {
    assert.notEqual(parseLongDouble(ok), null, ok);
  }
  for (const bad of ['', ' ', '.', '+', '-', 'e5', '1e', '1e+', '0x', '0x1p', '0xg', 'nan', 'NaN', '-nan', 'infinit']) {
    assert.equal(parseLongDouble(bad), null, JSON.stringify(bad));
  }
  for (const bad of [' 1', '1 ', '1\x00', '\t1', '1,5', '1_000', '1.2.3']) assert.equal(parseLongDouble(bad), null);
  assert.equal(parseLongDouble(`1${'0'.repeat(5118)}`.slice(0, 5119)) !== null, false, 'overflows');
  assert.notEqual(parseLongDouble(`0.${'1'.repeat(5117)}`), null, '5119 characters are allowed');
  assert.equal(parseLongDouble(`0.${'1'.repeat(5118)}`), null, '5120 characters are not');
});

test('overflow and underflow in parsing are refused, but explicit infinity parses', () => {
  // The largest long double is 1.18973149535723176502126…e4932; half an ulp above it overflows.
  assert.notEqual(parseLongDouble('1.18973149535723176502e+4932'), null);
  assert.equal(parseLongDouble('1.18973149535723176509e+4932'), null);
  assert.equal(parseLongDouble('0x1p16384'), null);
  assert.notEqual(parseLongDouble('0x1.fffffffffffffffep16383'), null);
  assert.equal(parseLongDouble('1e99999999999999999999'), null);
  assert.equal(parseLongDouble('1e-99999999999999999999'), null);
  assert.equal(formatLongDouble(parse('0e99999999999999999999')), '0');
  // Half the smallest subnormal rounds to even (zero, refused); more than half rounds up to it.
  assert.equal(parseLongDouble('0x1p-16446'), null);
  assert.notEqual(parseLongDouble('0x1.8p-16446'), null);
  assert.equal(isFiniteLongDouble(parse('inf')), false);
  assert.equal(isFiniteLongDouble(parse('-inf')), false);
  assert.equal(formatLongDouble(parse('-inf')), '-inf');
});

test('addition rounds to 64 bits and keeps subnormals exact', () => {
  const tiny = parse('0x1p-16445');
  const two = addLongDouble(tiny, tiny);
  assert.equal(formatLongDouble(addLongDouble(two, parse('-0x1p-16444'))), '0');
  // 2^64 + 1 is not representable: it rounds to 2^64, then adding 1 again changes nothing.
  const big = addLongDouble(parse('18446744073709551616'), parse('1'));
  assert.equal(formatLongDouble(big), '18446744073709551616');
  assert.equal(formatLongDouble(addLongDouble(parse('18446744073709551616'), parse('2'))), '18446744073709551618');
  // 1e4000 rounds just below 10^4000, so 4000 digits (as redis-server prints it); 1e-4000 is far below an ulp.
  const huge = formatLongDouble(addLongDouble(parse('1e4000'), parse('1e-4000')));
  assert.equal(huge.length, 4000);
  assert.ok(huge.startsWith('999999999999999999996546387309'));
  const nan = addLongDouble(parse('inf'), parse('-inf'));
  assert.equal(isFiniteLongDouble(nan), false);
  assert.equal(isFiniteLongDouble(addLongDouble(nan, parse('1'))), false);
});
