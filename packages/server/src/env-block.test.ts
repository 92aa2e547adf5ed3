import assert from 'node:assert/strict';
import { test } from 'node:test';
import { envBlock, publicUrl } from './env-block.ts';

/** The block's `NAME="value"` lines as an object. */
function variables(block: string): Record<string, unknown> {
  return Object.fromEntries(
    block
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), JSON.parse(l.slice(l.indexOf('=') + 1))]),
  );
}

test('the .env block names every variable the clients read, and no TCP URL', () => {
  const block = envBlock('http://127.0.0.1:8079', { token: 'T', readonlyToken: 'R' });
  const vars = variables(block);
  assert.deepEqual(vars, {
    UPSTASH_REDIS_REST_URL: 'http://127.0.0.1:8079',
    UPSTASH_REDIS_REST_TOKEN: 'T',
    KV_REST_API_URL: 'http://127.0.0.1:8079',
    KV_REST_API_TOKEN: 'T',
    KV_REST_API_READ_ONLY_TOKEN: 'R',
  });
});

test('with the queue on, the block adds what @upstash/qstash reads', () => {
  const block = envBlock(
    'http://127.0.0.1:8079',
    { token: 'T', readonlyToken: 'R' },
    { url: 'http://127.0.0.1:8080', token: 'Q', currentSigningKey: 'sig_c', nextSigningKey: 'sig_n' },
  );
  const vars = variables(block);
  assert.deepEqual(vars, {
    UPSTASH_REDIS_REST_URL: 'http://127.0.0.1:8079',
    UPSTASH_REDIS_REST_TOKEN: 'T',
    KV_REST_API_URL: 'http://127.0.0.1:8079',
    KV_REST_API_TOKEN: 'T',
    KV_REST_API_READ_ONLY_TOKEN: 'R',
    QSTASH_URL: 'http://127.0.0.1:8080',
    QSTASH_TOKEN: 'Q',
    QSTASH_CURRENT_SIGNING_KEY: 'sig_c',
    QSTASH_NEXT_SIGNING_KEY: 'sig_n',
  });
});

test('public URLs: wildcard binds are reached through loopback, IPv6 is bracketed', () => {
  assert.equal(publicUrl('127.0.0.1', 1), 'http://127.0.0.1:1');
  assert.equal(publicUrl('0.0.0.0', 2), 'http://127.0.0.1:2');
  assert.equal(publicUrl('::', 3), 'http://[::1]:3');
  assert.equal(publicUrl('::1', 4), 'http://[::1]:4');
  assert.equal(publicUrl('localhost', 5), 'http://localhost:5');
});
