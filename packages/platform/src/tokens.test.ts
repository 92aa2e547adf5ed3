import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { generateToken, TokenIndex, tokenDigest } from './tokens.ts';

describe('tokens', () => {
  it('generates 256-bit base64url tokens, each different', () => {
    const a = generateToken();
    const b = generateToken();
    assert.match(a, /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(a, b);
  });

  it('stores the hex SHA-256 of a token', () => {
    const digest = tokenDigest('secret');
    assert.match(digest, /^[0-9a-f]{64}$/);
    assert.equal(digest, createHash('sha256').update('secret').digest('hex'));
    assert.equal(digest, '2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b');
  });

  it('finds what a token opens, and nothing for another token', () => {
    const index = new TokenIndex<string>();
    const a = generateToken();
    const b = generateToken();
    index.add(tokenDigest(a), 'db-a');
    index.add(tokenDigest(b), 'db-b');
    assert.equal(index.size, 2);
    assert.equal(index.lookup(a), 'db-a');
    assert.equal(index.lookup(b), 'db-b');
    assert.equal(index.lookup(''), undefined);
    assert.equal(index.lookup(`${a}x`), undefined);
    // The same length, one character changed.
    const wrong = (a[0] === 'A' ? 'B' : 'A') + a.slice(1);
    assert.equal(wrong.length, a.length);
    assert.equal(index.lookup(wrong), undefined);
  });

  it('refuses a token whose digest shares the stored prefix but not the rest', () => {
    const index = new TokenIndex<string>();
    const token = generateToken();
    const real = tokenDigest(token);
    // Stored under the same 16-byte prefix, a different tail: the full comparison must refuse it.
    const forged = real.slice(0, 32) + (real[32] === '0' ? '1' : '0') + real.slice(33);
    index.add(forged, 'db');
    assert.equal(index.lookup(token), undefined);
  });

  it('forgets a removed token at once, and only on its exact digest', () => {
    const index = new TokenIndex<string>();
    const token = generateToken();
    const digest = tokenDigest(token);
    index.add(digest, 'db');
    // A digest of the same prefix but another tail removes nothing.
    index.remove(digest.slice(0, 32) + '0'.repeat(32));
    assert.equal(index.lookup(token), 'db');
    index.remove(digest);
    assert.equal(index.lookup(token), undefined);
    assert.equal(index.size, 0);
    index.remove(digest);
  });
});
