/** Shared by the JSON.* unit tests: an engine whose every reply is checked against the memory estimate. */
import assert from 'node:assert/strict';
import { toUtf8 } from '../../bytes.ts';
import type { Reply } from '../../reply.ts';
import { createTestEngine } from '../../testing/index.ts';
import { type JsonDoc, sizeOf } from '../../types/json.ts';

export function jsonEngine() {
  const t = createTestEngine();
  const events: string[] = [];
  t.engine.exec(t.engine.createClient(), ['config', 'set', 'notify-keyspace-events', 'KEA']);
  t.engine.pubsub.psubscribe('__keyevent@0__:*', (_kind, channel, message) => {
    events.push(`${channel.slice('__keyevent@0__:'.length)} ${message}`);
  });
  /** Runs a command, then checks every document's incremental byte count against a recount. */
  const run = (...args: (string | number)[]): Reply => {
    const r = t.run(...args);
    for (const [key, entry] of t.engine.db.entries()) {
      if (entry.type !== 'ReJSON-RL') continue;
      const doc = entry.value as JsonDoc;
      assert.equal(doc.bytes, sizeOf(doc.root), `bytes of ${key} after ${args.join(' ')}`);
    }
    return r;
  };
  /** A JSON text reply, parsed (JSON.parse: fine for tests whose numbers are small). */
  const get = (...args: (string | number)[]): unknown => {
    const r = run(...args);
    if (typeof r !== 'string') return r;
    return JSON.parse(toUtf8(r));
  };
  return { ...t, run, get, events };
}
