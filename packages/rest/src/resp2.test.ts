import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DoubleReply, ErrorReply, MapReply, NIL_ARRAY, OK } from '@redstash/engine';
import { resp2 } from './resp2.ts';

test('RESP2 for every reply kind, byte-exact lengths', () => {
  assert.equal(resp2('bar'), '$3\r\nbar\r\n');
  assert.equal(resp2('\xc3\xa9\x00'), '$3\r\n\xc3\xa9\x00\r\n');
  assert.equal(resp2(''), '$0\r\n\r\n');
  assert.equal(resp2(null), '$-1\r\n');
  assert.equal(resp2(12), ':12\r\n');
  assert.equal(resp2(-9223372036854775808n), ':-9223372036854775808\r\n');
  assert.equal(resp2(OK), '+OK\r\n');
  assert.equal(resp2(new ErrorReply('ERR bad\r\nthing')), '-ERR bad  thing\r\n');
  assert.equal(resp2(new DoubleReply(0.1)), '$3\r\n0.1\r\n');
  assert.equal(resp2(new MapReply(['f', 1])), '*2\r\n$1\r\nf\r\n:1\r\n');
  assert.equal(resp2(NIL_ARRAY), '*-1\r\n');
  assert.equal(resp2(['a', [1, null]]), '*2\r\n$1\r\na\r\n*2\r\n:1\r\n$-1\r\n');
});
