import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDouble } from './bytes.ts';

test('formatDouble: integers within ±2^62 print exactly, as Redis d2string', () => {
  assert.equal(formatDouble(0), '0');
  assert.equal(formatDouble(-0), '-0');
  assert.equal(formatDouble(42), '42');
  assert.equal(formatDouble(-7), '-7');
  assert.equal(formatDouble(2 ** 53 + 2), '9007199254740994');
  assert.equal(formatDouble(2 ** 62), '4611686018427387904');
  assert.equal(formatDouble(-(2 ** 62)), '-4611686018427387904');
  assert.equal(formatDouble(1e18), '1000000000000000000');
});

test('formatDouble: special values', () => {
  assert.equal(formatDouble(Infinity), 'inf');
  assert.equal(formatDouble(-Infinity), '-inf');
  assert.equal(formatDouble(Number.NaN), 'nan');
});

// Expected texts come from Redis's own fpconv_dtoa + d2string compiled from its source (Redis ≥ 7.2).
const FPCONV: [number, string][] = [
  [0.1, '0.1'],
  [1.1, '1.1'],
  [-2.5, '-2.5'],
  [2.5625, '2.5625'],
  [0.000001, '0.000001'],
  [0.00005, '0.00005'],
  [0.0012345678, '0.0012345678'],
  [1234.5678912, '1234.5678912'],
  [12345.678912, '12345.678912'],
  [4503599627370495.5, '4503599627370495.5'],
  // Exponent form: no zero padding, `e+`/`e-`, and decimals with 7+ places past 4 integer digits.
  [1e-7, '1e-7'],
  [0.0000015, '1.5e-6'],
  [0.00012345678, '1.2345678e-4'],
  [123456.1234567, '1.234561234567e+5'],
  [1e20, '1e+20'],
  [1e21, '1e+21'],
  [5e18, '5e+18'],
  [1e100, '1e+100'],
  [-1.5e-300, '-1.5e-300'],
  [5e-324, '5e-324'],
  [1.7976931348623157e308, '1.7976931348623157e+308'],
  [-1.7976931348623157e308, '-1.7976931348623157e+308'],
  // Beyond 2^62 integers take the fpconv path: plain while at most 7 trailing zeros are added.
  [2 ** 63, '9223372036854776000'],
  [1.2345678901234568e21, '1234567890123456800000'],
  // Grisu2 is not always shortest: Redis prints these digits, not JS's.
  [0.58115, '0.5811500000000001'],
  [4083.184528, '4083.1845279999998'],
  [91614.281293, '9.161428129299999e+4'],
  [1e23, '99999999999999990000000'],
];

test('formatDouble: fpconv_dtoa digits and layout', () => {
  for (const [value, text] of FPCONV) assert.equal(formatDouble(value), text, `formatDouble(${value})`);
});

test('formatDouble: output always round-trips', () => {
  let x = 7;
  const view = new DataView(new ArrayBuffer(8));
  for (let i = 0; i < 2000; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    view.setUint32(0, x);
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    view.setUint32(4, x);
    const v = view.getFloat64(0);
    if (Number.isFinite(v)) assert.equal(Number(formatDouble(v)), v);
  }
});
