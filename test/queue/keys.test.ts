/**
 * Signing keys: GET /v2/keys, POST /v2/keys/rotate (current := next, next := new), the SDK's Receiver across a
 * rotation, the exact JWT claims, and the keys kept across a restart over the same data directory.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Receiver } from '@upstash/qstash';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { type QueueServer, startQueueServer, startReceiver } from './support.ts';

interface Keys {
  current: string;
  next: string;
}

async function keys(srv: QueueServer): Promise<Keys> {
  const res = await fetch(`${srv.app.url}/v2/keys`, { headers: { authorization: `Bearer ${srv.token}` } });
  assert.equal(res.status, 200);
  return (await res.json()) as Keys;
}

async function rotate(srv: QueueServer): Promise<Keys> {
  const res = await fetch(`${srv.app.url}/v2/keys/rotate`, {
    method: 'POST',
    headers: { authorization: `Bearer ${srv.token}` },
  });
  assert.equal(res.status, 200);
  return (await res.json()) as Keys;
}

test('GET /v2/keys answers the signing keys; it needs the token (Bearer or qstash_token); rotate needs POST', async () => {
  const srv = await startQueueServer();
  try {
    const k = await keys(srv);
    const creds = srv.app.qstash?.credentials();
    assert.deepEqual(k, { current: creds?.currentSigningKey, next: creds?.nextSigningKey });
    assert.match(k.current, /^sig_[A-Za-z0-9_-]{20,}$/);
    assert.notEqual(k.current, k.next);
    assert.equal((await fetch(`${srv.app.url}/v2/keys`)).status, 401);
    assert.equal(
      (await fetch(`${srv.app.url}/v2/keys`, { headers: { authorization: 'Bearer redis-token' } })).status,
      401,
    );
    const byQuery = await fetch(`${srv.app.url}/v2/keys?qstash_token=${encodeURIComponent(srv.token)}`);
    assert.deepEqual(await byQuery.json(), k);
    const get = await fetch(`${srv.app.url}/v2/keys/rotate`, { headers: { authorization: `Bearer ${srv.token}` } });
    assert.equal(get.status, 405);
    assert.deepEqual(await keys(srv), k, 'a refused rotation changes nothing');
  } finally {
    await srv.close();
  }
});

test('rotation: current := next, next := new; receivers with the old or the new keys accept what they should', async () => {
  const srv = await startQueueServer();
  const rcv = await startReceiver(srv.clock);
  try {
    const before = await keys(srv);
    const url = `${rcv.url}/signed`;
    await srv.client.publish({ url, body: 'before rotation' });
    await srv.settle();
    const a = rcv.deliveries[0] as (typeof rcv.deliveries)[number];

    const after = await rotate(srv);
    assert.equal(after.current, before.next);
    assert.match(after.next, /^sig_/);
    assert.notEqual(after.next, before.current);
    assert.notEqual(after.next, before.next);
    assert.deepEqual(await keys(srv), after);
    assert.deepEqual(srv.app.qstash?.credentials(), {
      token: srv.token,
      currentSigningKey: after.current,
      nextSigningKey: after.next,
    });

    await srv.client.publish({ url, body: 'after rotation' });
    await srv.settle();
    const b = rcv.deliveries[1] as (typeof rcv.deliveries)[number];
    const sig = (d: typeof a) => d.headers['upstash-signature'] as string;

    // An app still configured with the old pair accepts both: the new signatures through its nextSigningKey.
    const oldReceiver = new Receiver({ currentSigningKey: before.current, nextSigningKey: before.next });
    assert.equal(await oldReceiver.verify({ signature: sig(a), body: 'before rotation', url }), true);
    assert.equal(await oldReceiver.verify({ signature: sig(b), body: 'after rotation', url }), true);
    // An app updated to the new pair accepts new signatures; ones made with the retired key are refused.
    const newReceiver = new Receiver({ currentSigningKey: after.current, nextSigningKey: after.next });
    assert.equal(await newReceiver.verify({ signature: sig(b), body: 'after rotation', url }), true);
    await assert.rejects(newReceiver.verify({ signature: sig(a), body: 'before rotation', url }));

    // Tampered bodies and another URL are refused.
    await assert.rejects(oldReceiver.verify({ signature: sig(b), body: 'after rotation!', url }), /body hash/i);
    await assert.rejects(newReceiver.verify({ signature: sig(b), body: '', url }), /body hash/i);
    await assert.rejects(
      newReceiver.verify({ signature: sig(b), body: 'after rotation', url: `${url}x` }),
      /invalid subject/,
    );
    await assert.rejects(newReceiver.verify({ signature: `${sig(b)}x`, body: 'after rotation', url }));

    // The token after rotation is signed with the new current key, with exactly QStash's claims.
    const { payload } = await jwtVerify(sig(b), new TextEncoder().encode(after.current), { issuer: 'Upstash' });
    assert.deepEqual(decodeProtectedHeader(sig(b)), { alg: 'HS256', typ: 'JWT' });
    assert.deepEqual(Object.keys(payload).sort(), ['body', 'exp', 'iat', 'iss', 'jti', 'nbf', 'sub']);
    assert.equal(payload.sub, url);
    assert.equal(payload.nbf, payload.iat);
    assert.equal((payload.exp as number) - (payload.iat as number), 300);
    assert.match(payload.jti as string, /^jwt_/);
    assert.equal(payload.body, `${createHash('sha256').update('after rotation').digest('base64url')}=`);
    await assert.rejects(jwtVerify(sig(b), new TextEncoder().encode(before.current)));

    // Rotating again retires the key that was current.
    const third = await rotate(srv);
    assert.equal(third.current, after.next);
    await srv.client.publish({ url, body: 'third' });
    await srv.settle();
    const c = rcv.deliveries[2] as (typeof rcv.deliveries)[number];
    assert.equal(await newReceiver.verify({ signature: sig(c), body: 'third', url }), true);
    await assert.rejects(oldReceiver.verify({ signature: sig(c), body: 'third', url }));
  } finally {
    await rcv.close();
    await srv.close();
  }
});

test('rotated keys and the token survive a restart over the same data directory', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'redstash-keys-'));
  try {
    const first = await startQueueServer({ dataDir });
    const generated = await keys(first);
    const rotated = await rotate(first);
    const token = first.token;
    await first.close();

    const second = await startQueueServer({ dataDir, clock: first.clock });
    try {
      assert.equal(second.token, token, 'the generated token is kept');
      assert.deepEqual(await keys(second), rotated);
      assert.equal(rotated.current, generated.next);
      const rcv = await startReceiver(second.clock);
      try {
        await second.client.publish({ url: `${rcv.url}/r`, body: 'x' });
        await second.settle();
        const signature = rcv.deliveries[0]?.headers['upstash-signature'] as string;
        assert.equal(await second.receiver.verify({ signature, body: 'x', url: `${rcv.url}/r` }), true);
      } finally {
        await rcv.close();
      }
    } finally {
      await second.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('given keys win for the run; rotating them is not stored, so the generated keys come back after', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'redstash-keys-given-'));
  try {
    const first = await startQueueServer({ dataDir });
    const generated = await keys(first);
    const token = first.token;
    await first.close();

    const given = { token: 'given-token', currentSigningKey: 'sig_given_current', nextSigningKey: 'sig_given_next' };
    const second = await startQueueServer({ dataDir, clock: first.clock, credentials: given });
    try {
      assert.equal(second.token, 'given-token');
      assert.deepEqual(await keys(second), { current: 'sig_given_current', next: 'sig_given_next' });
      const rotated = await rotate(second);
      assert.equal(rotated.current, 'sig_given_next');
      assert.deepEqual(await keys(second), rotated, 'the rotation holds for this run');
    } finally {
      await second.close();
    }

    const third = await startQueueServer({ dataDir, clock: first.clock });
    try {
      assert.equal(third.token, token);
      assert.deepEqual(await keys(third), generated);
    } finally {
      await third.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
