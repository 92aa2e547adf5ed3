import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '../testing/index.ts';
import { packFields, unpackFields } from './packed-fields.ts';

test('field lists round-trip byte for byte: empty, binary, and every length-header boundary', () => {
  const all = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join('');
  const cases: string[][] = [
    [],
    ['', ''],
    ['f', 'v'],
    ['\0', '\xff', '\xff\xff\xff\xff\xff', all],
    ['a'.repeat(254), 'b'.repeat(255), 'c'.repeat(256), 'd'.repeat(65_536), 'e'.repeat(16_777_217)],
  ];
  for (const fields of cases) {
    const packed = packFields(fields);
    assert.deepEqual(unpackFields(packed), fields);
  }
  // One header char per short element, five for a long one.
  assert.equal(packFields(['a'.repeat(254)]).length, 255);
  assert.equal(packFields(['a'.repeat(255)]).length, 260);
});

test('random field lists round-trip', () => {
  const random = seededRandom(42);
  for (let round = 0; round < 500; round++) {
    const fields: string[] = [];
    const count = Math.floor(random() * 8);
    for (let i = 0; i < count; i++) {
      const length = random() < 0.1 ? 200 + Math.floor(random() * 400) : Math.floor(random() * 20);
      fields.push(Array.from({ length }, () => String.fromCharCode(Math.floor(random() * 256))).join(''));
    }
    assert.deepEqual(unpackFields(packFields(fields)), fields);
  }
});
