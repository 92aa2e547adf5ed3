import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestEngine } from '@redstash/engine/testing';
import { bearerToken, tokenAuthenticator } from './auth.ts';

test('the full token opens read-write, the read-only token read-only, anything else nothing', () => {
  const { engine } = createTestEngine();
  const auth = tokenAuthenticator({ token: 'full-token', readonlyToken: 'ro-token', engine });
  assert.deepEqual(auth('full-token'), { engine, readonly: false });
  assert.deepEqual(auth('ro-token'), { engine, readonly: true });
  for (const bad of ['', 'full-toke', 'full-token ', 'FULL-TOKEN', 'x'.repeat(10_000), 'ro-token\0']) {
    assert.equal(auth(bad), undefined, JSON.stringify(bad.slice(0, 20)));
  }
});

test('without a read-only token only the full token works', () => {
  const { engine } = createTestEngine();
  const auth = tokenAuthenticator({ token: 't', engine });
  assert.equal(auth('t')?.readonly, false);
  assert.equal(auth(''), undefined);
});

test('tokens must be non-empty and distinct', () => {
  const { engine } = createTestEngine();
  assert.throws(() => tokenAuthenticator({ token: '', engine }));
  assert.throws(() => tokenAuthenticator({ token: 'a', readonlyToken: 'a', engine }));
  assert.throws(() => tokenAuthenticator({ token: 'a', readonlyToken: '', engine }));
});

test('Bearer header parsing', () => {
  assert.equal(bearerToken('Bearer abc'), 'abc');
  assert.equal(bearerToken('bearer abc'), 'abc');
  assert.equal(bearerToken('BEARER  abc '), 'abc');
  assert.equal(bearerToken('Bearer '), '');
  assert.equal(bearerToken('Bearer'), undefined);
  assert.equal(bearerToken('Basic abc'), undefined);
  assert.equal(bearerToken(undefined), undefined);
});
