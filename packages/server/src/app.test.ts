import assert from 'node:assert/strict';
import { test } from 'node:test';
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
