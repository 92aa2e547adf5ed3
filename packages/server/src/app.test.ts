import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startApp } from './app.ts';
import { startTestServer } from './testing.ts';

test('INFO memory reports what the host measures', async () => {
  const srv = await startTestServer();
  try {
    const res = await fetch(srv.url, {
      method: 'POST',
      headers: { authorization: `Bearer ${srv.token}` },
      body: JSON.stringify(['INFO', 'memory']),
    });
    const { result } = (await res.json()) as { result: string };
    assert.match(result, /^# Memory\r\n/);
    assert.match(result, /used_memory:\d+\r\n/);
    assert.match(result, /used_memory_rss:\d+\r\n/);
  } finally {
    await srv.close();
  }
});

test('CONFIG GET/SET reach the durability settings', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'redstash-config-'));
  const app = await startApp({ host: '127.0.0.1', port: 0, token: 't', persistence: { dataDir, fsync: 'everysec' } });
  const call = async (...cmd: string[]): Promise<{ result?: string; error?: string }> => {
    const res = await fetch(app.url, {
      method: 'POST',
      headers: { authorization: 'Bearer t' },
      body: JSON.stringify(cmd),
    });
    return (await res.json()) as { result?: string; error?: string };
  };
  try {
    assert.deepEqual(await call('CONFIG', 'GET', 'append*'), {
      result: ['appendonly', 'yes', 'appendfsync', 'everysec'],
    });
    assert.deepEqual(await call('CONFIG', 'SET', 'appendfsync', 'always'), { result: 'OK' });
    assert.equal(app.persistence?.fsync, 'always');
    assert.deepEqual(await call('CONFIG', 'SET', 'appendfsync', 'sometimes'), {
      error:
        "ERR CONFIG SET failed (possibly related to argument 'appendfsync') - argument(s) must be one of the following: always, everysec, no",
    });
    assert.deepEqual(await call('CONFIG', 'SET', 'auto-aof-rewrite-min-size', '1mb'), { result: 'OK' });
    assert.deepEqual(await call('CONFIG', 'GET', 'auto-aof-rewrite-min-size'), {
      result: ['auto-aof-rewrite-min-size', '1048576'],
    });
    assert.match((await call('INFO', 'persistence')).result ?? '', /appendfsync:always\r\n/);
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test("the server's request size limit applies to the default database (its plan defers to it)", async () => {
  const app = await startApp({ host: '127.0.0.1', port: 0, token: 't', maxRequestBytes: 1000 });
  try {
    const post = (size: number) =>
      fetch(app.url, {
        method: 'POST',
        headers: { authorization: 'Bearer t' },
        body: JSON.stringify(['SET', 'k', 'x'.repeat(size)]),
      });
    const big = await post(2000);
    assert.equal(big.status, 413);
    assert.deepEqual(await big.json(), { error: 'ERR max request size exceeded' });
    assert.deepEqual(await (await post(100)).json(), { result: 'OK' });
  } finally {
    await app.close({ force: true });
  }
});
