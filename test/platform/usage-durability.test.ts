/**
 * Usage counters are durable: the real binary, killed with SIGKILL, comes back with every count it had
 * written, and it writes them once a second, so a crash loses at most the last second of counting. The
 * registry (databases and token digests) survives too.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { USAGE_FILE } from '@redstash/platform';
import { startServer } from '../durability/server-process.ts';

const KEY = 'usage-durability-admin-key';
const AUTH = `Basic ${Buffer.from(`admin:${KEY}`).toString('base64')}`;

// biome-ignore lint/suspicious/noExplicitAny: management API JSON, checked field by field by the assertions
async function api(url: string, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${url}/v2/redis/${path}`, {
    method,
    headers: { authorization: AUTH },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  assert.equal(res.status, 200, `${method} ${path}`);
  return res.json();
}

async function commands(url: string, token: string, n: number): Promise<void> {
  const res = await fetch(`${url}/pipeline`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: JSON.stringify(Array.from({ length: n }, (_, i) => ['SET', `k${i}`, 'v'])),
  });
  assert.equal(res.status, 200);
}

/** The commands of `id` today as the usage file holds them, once it does (bounded wait on real time). */
async function flushedCount(dataDir: string, id: string, atLeast: number): Promise<number> {
  for (let i = 0; i < 100; i++) {
    try {
      const saved = JSON.parse(readFileSync(join(dataDir, USAGE_FILE), 'utf8'));
      const days = saved.databases?.[id]?.days as { commands: number }[] | undefined;
      const n = days?.at(-1)?.commands ?? 0;
      if (n >= atLeast) return n;
    } catch {
      // not written yet, or being replaced
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the usage file never showed ${atLeast} commands for ${id}`);
}

test('usage counters survive SIGKILL; a crash loses at most the last second; SIGTERM loses nothing', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'redstash-usage-'));
  try {
    let srv = await startServer(dataDir, 'everysec', ['--admin-key', KEY]);
    const db = await api(srv.url, 'POST', 'database', { database_name: 'metered', plan: 'payg' });
    await commands(srv.url, db.rest_token, 500);
    assert.equal(await flushedCount(dataDir, db.database_id, 500), 500);
    // Written within a second; what came after the last write may be lost, never more.
    await commands(srv.url, db.rest_token, 20);
    srv.child.kill('SIGKILL');
    await srv.exit;

    srv = await startServer(dataDir, 'everysec', ['--admin-key', KEY]);
    let stats = await api(srv.url, 'GET', `stats/${db.database_id}`);
    assert.ok(
      stats.daily_net_commands >= 500 && stats.daily_net_commands <= 520,
      `after SIGKILL: ${stats.daily_net_commands} commands (500 were written to disk before it)`,
    );
    const before = stats.daily_net_commands as number;
    // The registry survived: the same token still opens the database.
    await commands(srv.url, db.rest_token, 30);
    srv.child.kill('SIGTERM');
    assert.deepEqual(await srv.exit, { code: 0, signal: null });

    srv = await startServer(dataDir, 'everysec', ['--admin-key', KEY]);
    stats = await api(srv.url, 'GET', `stats/${db.database_id}`);
    assert.equal(stats.daily_net_commands, before + 30, 'a clean stop writes the last counts');
    srv.child.kill('SIGTERM');
    await srv.exit;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
