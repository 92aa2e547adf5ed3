/** Conversation memory (@redstash/ai/memory) through the real `@upstash/redis` client over the REST server. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { createMemory, type Memory, type MemoryRedis, type PlainMessage } from '@redstash/ai/memory';
import { createScriptingTestEngine, type ManualClock } from '@redstash/engine/testing';
import { startTestServer, type TestServer } from '@redstash/server/testing';
import { Redis } from '@upstash/redis';

let srv: TestServer;
let clock: ManualClock;
let redis: Redis;

before(async () => {
  const t = await createScriptingTestEngine();
  clock = t.clock;
  srv = await startTestServer({ engine: t.engine });
  redis = client(false);
});
after(() => srv.close());

function client(enableAutoPipelining: boolean): Redis {
  return new Redis({ url: srv.url, token: srv.token, enableAutoPipelining, enableTelemetry: false, retry: false });
}

/** Records the command bodies of every REST request `fn` makes to our server. */
async function recordRequests(fn: () => Promise<void>): Promise<unknown[]> {
  const seen: unknown[] = [];
  const original = globalThis.fetch;
  globalThis.fetch = (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (url.startsWith(srv.url)) seen.push(typeof init?.body === 'string' ? JSON.parse(init.body) : init?.body);
    return original(input, init);
  };
  try {
    await fn();
  } finally {
    globalThis.fetch = original;
  }
  return seen;
}

const msg = (i: number): PlainMessage => ({ role: i % 2 ? 'assistant' : 'user', content: `m${i}` });

test('@upstash/redis Redis is assignable to MemoryRedis', () => {
  const typed: MemoryRedis = redis;
  assert.ok(typed);
});

test('keeps the last 20 messages with the TTL refreshed on every append, then expires', async () => {
  await redis.flushall();
  const memory = createMemory<PlainMessage>({ redis, ttlSeconds: 60 });
  for (let i = 0; i < 25; i++) {
    assert.equal(await memory.append('s1', msg(i)), Math.min(i + 1, 20));
    assert.equal(await redis.pttl('chat:s1'), 60_000);
    clock.advance(30_000);
    assert.equal(await redis.pttl('chat:s1'), 30_000);
  }
  const all = await memory.get('s1');
  assert.deepEqual(
    all.map((m) => m.content),
    Array.from({ length: 20 }, (_, i) => `m${i + 5}`),
  );
  assert.deepEqual(await redis.lrange('chat:s1', 0, 0), [msg(5)], 'RPUSH layout: oldest first, plain JSON');
  clock.advance(30_001);
  assert.deepEqual(await memory.get('s1'), []);
  assert.equal(await redis.exists('chat:s1'), 0);
});

test('no ttlSeconds: no TTL; a batch append keeps its order; clear deletes', async () => {
  await redis.flushall();
  const memory = createMemory({ redis, maxMessages: 3 });
  assert.equal(await memory.append('s', msg(1), msg(2), msg(3), msg(4)), 3);
  assert.equal(await redis.pttl('chat:s'), -1);
  assert.deepEqual(await memory.get('s'), [msg(2), msg(3), msg(4)]);
  assert.equal(await memory.append('s'), 3, 'an empty append reports the length');
  await memory.clear('s');
  assert.equal(await redis.exists('chat:s'), 0);
  assert.equal(await memory.append('s'), 0);
});

test('each append is ONE REST request (EVAL), also with a TTL and trimming', async () => {
  await redis.flushall();
  const memory = createMemory({ redis, ttlSeconds: 10, maxMessages: 2 });
  for (let i = 0; i < 4; i++) {
    const bodies = await recordRequests(async () => {
      await memory.append('one', msg(i), msg(i + 100));
    });
    assert.equal(bodies.length, 1);
    assert.equal((bodies[0] as string[])[0], 'eval');
  }
});

test('windowed read is one LRANGE with negative indices', async () => {
  await redis.flushall();
  const memory = createMemory({ redis, maxMessages: 50 });
  await memory.append('w', ...Array.from({ length: 30 }, (_, i) => msg(i)));
  let window: PlainMessage[] = [];
  const bodies = await recordRequests(async () => {
    window = (await memory.get('w', { last: 5 })) as PlainMessage[];
  });
  assert.deepEqual(bodies, [['lrange', 'chat:w', -5, -1]]);
  assert.deepEqual(
    window.map((m) => m.content),
    ['m25', 'm26', 'm27', 'm28', 'm29'],
  );
  assert.deepEqual(await memory.get('w', { last: 0 }), []);
  assert.equal((await memory.get('w', { last: 100 })).length, 30);
});

/** 20 appenders, each appending its own numbered sequence (some in pairs), concurrently. */
async function runAppenders(memory: Memory<PlainMessage>, session: string, perAppender: number) {
  const lengths: number[] = [];
  await Promise.all(
    Array.from({ length: 20 }, async (_, a) => {
      for (let i = 0; i < perAppender; ) {
        const batch = i % 3 === 0 && i + 1 < perAppender ? [i, i + 1] : [i];
        const n = await memory.append(session, ...batch.map((j) => ({ role: 'user', content: `a${a}:${j}` })));
        lengths.push(n);
        i += batch.length;
      }
    }),
  );
  return lengths;
}

const parse = (m: PlainMessage) => {
  const [a, j] = String(m.content).slice(1).split(':').map(Number);
  return { a: a as number, j: j as number };
};

for (const autoPipelining of [false, true]) {
  test(`20 concurrent appenders: no loss, no disorder, exactly the last 20 (autoPipelining ${autoPipelining})`, async () => {
    await redis.flushall();
    const r = client(autoPipelining);
    const perAppender = 12;
    const total = 20 * perAppender;

    // Uncapped: every message lands, each appender's sequence in order, and the lengths the appends
    // report are distinct and account for every message (each append saw a unique post-state).
    const all = createMemory<PlainMessage>({ redis: r, maxMessages: 0, ttlSeconds: 100 });
    const lengths = await runAppenders(all, 'all', perAppender);
    assert.equal(new Set(lengths).size, lengths.length);
    assert.equal(Math.max(...lengths), total);
    const stored = (await all.get('all')).map(parse);
    assert.equal(stored.length, total);
    for (let a = 0; a < 20; a++) {
      assert.deepEqual(
        stored.filter((m) => m.a === a).map((m) => m.j),
        Array.from({ length: perAppender }, (_, j) => j),
      );
    }

    // Capped at 20: exactly 20 remain; per appender what remains is a suffix of its sequence (anything
    // later than a kept message is kept too), in order; pairs stay adjacent.
    const capped = createMemory<PlainMessage>({ redis: r, ttlSeconds: 100 });
    const cappedLengths = await runAppenders(capped, 'capped', perAppender);
    assert.ok(cappedLengths.every((n) => n >= 1 && n <= 20));
    assert.equal(cappedLengths.filter((n) => n === 20).length >= 1, true);
    const last = (await capped.get('capped')).map(parse);
    assert.equal(last.length, 20);
    assert.equal(await r.llen('chat:capped'), 20);
    for (let a = 0; a < 20; a++) {
      const js = last.filter((m) => m.a === a).map((m) => m.j);
      const from = perAppender - js.length;
      assert.deepEqual(
        js,
        Array.from({ length: js.length }, (_, k) => from + k),
      );
    }
    // The newest message overall belongs to some appender's final message.
    assert.equal(last.at(-1)?.j, perAppender - 1);
    assert.equal(await r.pttl('chat:capped'), 100_000);
  });
}

test('AI SDK UIMessage round-trips unchanged (redstash and LangChain layouts)', async () => {
  await redis.flushall();
  const ui = [
    { id: 'u1', role: 'user' as const, parts: [{ type: 'text', text: 'Hello' }] },
    {
      id: 'a1',
      role: 'assistant' as const,
      metadata: { model: 'fake', cached: true },
      parts: [
        { type: 'step-start' },
        { type: 'text', text: 'Hi ', state: 'done' },
        { type: 'text', text: 'there', state: 'done' },
      ],
    },
  ];
  for (const layout of ['redstash', 'langchain-js', 'langchain-py'] as const) {
    const memory = createMemory({ redis, layout });
    await memory.append('ui', ...ui);
    assert.deepEqual(await memory.get('ui'), ui, layout);
    assert.deepEqual(await memory.get('ui', { last: 1 }), [ui[1]], layout);
  }
  // What a LangChain reader sees of a UIMessage: its text.
  const [newest] = await redis.lrange<{ type: string; data: { content: string } }>('message_store:ui', 0, 0);
  assert.equal(newest?.type, 'ai');
  assert.equal(newest?.data.content, 'Hi there');
});

test('LangChain layouts: LPUSH newest-first StoredMessage JSON under the bare id / message_store:', async () => {
  await redis.flushall();
  const js = createMemory({ redis, layout: 'langchain-js', maxMessages: 3, ttlSeconds: 5 });
  await js.append('sess', msg(0), msg(1), { role: 'system', content: 'be brief' }, msg(3));
  assert.deepEqual(await redis.lrange('sess', 0, -1), [
    { type: 'ai', data: { content: 'm3' } },
    { type: 'system', data: { content: 'be brief' } },
    { type: 'ai', data: { content: 'm1' } },
  ]);
  assert.equal(await redis.ttl('sess'), 5);
  assert.deepEqual(await js.get('sess', { last: 2 }), [{ role: 'system', content: 'be brief' }, msg(3)]);
  const py = createMemory({ redis, layout: 'langchain-py' });
  await py.append(
    'sess',
    { role: 'assistant', content: 'asking' },
    { role: 'tool', content: '42', tool_call_id: 'call_1' },
  );
  assert.deepEqual(await redis.lrange('message_store:sess', 0, -1), [
    { type: 'tool', data: { content: '42', tool_call_id: 'call_1' } },
    { type: 'ai', data: { content: 'asking' } },
  ]);
  assert.deepEqual(await py.get('sess'), [
    { role: 'assistant', content: 'asking' },
    { role: 'tool', content: '42', tool_call_id: 'call_1' },
  ]);
  const custom = createMemory({ redis, keyFn: (id) => `tenant:7:${id}` });
  await custom.append('x', msg(0));
  assert.equal(await redis.llen('tenant:7:x'), 1);
});

const words = (m: PlainMessage) => String(m.content).split(' ').length;

test('token budget: get returns the most recent messages that fit', async () => {
  await redis.flushall();
  const memory = createMemory<PlainMessage>({ redis, tokenBudget: { max: 5, count: words } });
  await memory.append('t', { role: 'user', content: 'one two three' }, { role: 'assistant', content: 'four five' });
  await memory.append('t', { role: 'user', content: 'six seven' }, { role: 'assistant', content: 'eight' });
  assert.deepEqual(
    (await memory.get('t')).map((m) => m.content),
    ['four five', 'six seven', 'eight'],
  );
  assert.deepEqual(
    (await memory.get('t', { last: 1 })).map((m) => m.content),
    ['eight'],
  );
  await assert.rejects(memory.compact('t'), /summarize/);
});

for (const layout of ['redstash', 'langchain-js', 'langchain-py'] as const) {
  test(`compact replaces the oldest overflow with one summary message atomically (${layout})`, async () => {
    await redis.flushall();
    const summarized: PlainMessage[][] = [];
    const memory = createMemory<PlainMessage>({
      redis,
      layout,
      ttlSeconds: 30,
      tokenBudget: {
        max: 6,
        count: words,
        async summarize(messages) {
          summarized.push(messages);
          return { role: 'system', content: `summary(${messages.length})` };
        },
      },
    });
    await memory.append('c', ...['a b c', 'd e', 'f g', 'h i', 'j'].map((content) => ({ role: 'user', content })));
    clock.advance(10_000);
    assert.deepEqual(await memory.compact('c'), { summarized: 2, length: 4 });
    assert.deepEqual(
      summarized[0]?.map((m) => m.content),
      ['a b c', 'd e'],
    );
    const stored = await createMemory<PlainMessage>({ redis, layout, maxMessages: 0 }).get('c');
    assert.deepEqual(
      stored.map((m) => m.content),
      ['summary(2)', 'f g', 'h i', 'j'],
    );
    assert.equal(await redis.ttl(memory.key('c')), 30, 'compaction refreshes the TTL');
    assert.deepEqual(await memory.compact('c'), { summarized: 0, length: 4 }, 'within budget: nothing to do');
  });
}

for (const layout of ['redstash', 'langchain-js'] as const) {
  test(`a window, the budget, the cap and compaction never start with a tool result cut off from its call (${layout})`, async () => {
    await redis.flushall();
    const history: PlainMessage[] = [
      { role: 'user', content: 'weather in Oslo and Bergen?' },
      { role: 'assistant', content: '', tool_calls: [{ id: 'c1' }, { id: 'c2' }] },
      { role: 'tool', content: '4°C', tool_call_id: 'c1' },
      { role: 'tool', content: '7°C', tool_call_id: 'c2' },
      { role: 'assistant', content: 'Oslo 4°C, Bergen 7°C.' },
      { role: 'user', content: 'thanks' },
    ];
    const contents = (ms: PlainMessage[]) => ms.map((m) => m.content);
    const memory = createMemory<PlainMessage>({ redis, layout, maxMessages: 0 });
    await memory.append('w', ...history);
    assert.deepEqual(contents(await memory.get('w', { last: 4 })), ['Oslo 4°C, Bergen 7°C.', 'thanks']);
    assert.deepEqual(contents(await memory.get('w', { last: 5 })), contents(history.slice(1)), 'whole pairs stay');

    const one = { max: 4, count: () => 1 };
    const budgeted = createMemory<PlainMessage>({ redis, layout, maxMessages: 0, tokenBudget: one });
    assert.deepEqual(contents(await budgeted.get('w')), ['Oslo 4°C, Bergen 7°C.', 'thanks']);

    // The cap trims the call away on append; reads then skip its results.
    const capped = createMemory<PlainMessage>({ redis, layout, maxMessages: 3 });
    await capped.append('cap', ...history.slice(0, 5));
    assert.deepEqual(contents(await capped.get('cap')), ['Oslo 4°C, Bergen 7°C.']);

    const summarized: PlainMessage[][] = [];
    const compacting = createMemory<PlainMessage>({
      redis,
      layout,
      maxMessages: 0,
      tokenBudget: {
        ...one,
        async summarize(messages) {
          summarized.push(messages);
          return { role: 'system', content: 'summary' };
        },
      },
    });
    assert.deepEqual(await compacting.compact('w'), { summarized: 4, length: 3 });
    assert.deepEqual(contents(summarized[0] ?? []), contents(history.slice(0, 4)), 'the results go with their call');
    assert.deepEqual(contents(await memory.get('w')), ['summary', 'Oslo 4°C, Bergen 7°C.', 'thanks']);
  });
}

test('compact retries when a concurrent append trims what it read', async () => {
  await redis.flushall();
  let raced = false;
  const memory = createMemory<PlainMessage>({
    redis,
    maxMessages: 4,
    tokenBudget: {
      max: 2,
      count: () => 1,
      async summarize(messages) {
        if (!raced) {
          raced = true;
          // Pushes out the oldest message between compact's read and its compare-and-replace.
          await memory.append('r', { role: 'user', content: 'late' });
        }
        return { role: 'system', content: `sum(${messages.map((m) => m.content).join(',')})` };
      },
    },
  });
  await memory.append('r', ...[1, 2, 3, 4].map((i) => ({ role: 'user', content: `${i}` })));
  assert.deepEqual(await memory.compact('r'), { summarized: 2, length: 3 });
  assert.deepEqual(
    (await redis.lrange<PlainMessage>('chat:r', 0, -1)).map((m) => m.content),
    ['sum(2,3)', '4', 'late'],
  );
});

test('the guide snippet (docs/recipes/conversation-memory.md mirrors it exactly)', async () => {
  await client(false).flushall();
  process.env.UPSTASH_REDIS_REST_URL = srv.url;
  process.env.UPSTASH_REDIS_REST_TOKEN = srv.token;
  // guide:start
  const redis = Redis.fromEnv();
  const memory = createMemory({ redis, maxMessages: 20, ttlSeconds: 60 * 60 * 24 });

  // In the /api/chat route: one round trip to read the recent window ...
  const history = await memory.get('session-42', { last: 10 });
  const reply = { role: 'assistant', content: `You said ${history.length} things before.` };
  // ... and one to store the turn (push, trim to 20, refresh the TTL, atomically).
  const length = await memory.append('session-42', { role: 'user', content: 'Hello!' }, reply);
  // guide:end
  assert.equal(length, 2);
  assert.deepEqual(await memory.get('session-42'), [
    { role: 'user', content: 'Hello!' },
    { role: 'assistant', content: 'You said 0 things before.' },
  ]);
  assert.equal(await redis.ttl('chat:session-42'), 86_400);
});

test('the token-budget guide snippet; the guide contains every guide:start block verbatim', async () => {
  await redis.flushall();
  const filler = (i: number) => ({ role: i % 2 ? 'assistant' : 'user', content: `${i} ${'x'.repeat(1000)}` });
  await createMemory({ redis }).append('session-42', ...Array.from({ length: 20 }, (_, i) => filler(i)));
  // guide:start
  const budgeted = createMemory({
    redis,
    tokenBudget: {
      max: 3000,
      // About four characters per token; use your model's tokenizer for exact counts.
      count: (m) => Math.ceil(JSON.stringify(m).length / 4),
      // Any async call fits here, e.g. asking your LLM for a summary.
      summarize: async (old) => ({ role: 'system', content: `Earlier: ${old.length} messages.` }),
    },
  });
  const recent = await budgeted.get('session-42'); // the newest messages within 3000 tokens
  const { summarized } = await budgeted.compact('session-42'); // the rest, replaced by one summary
  // guide:end
  assert.equal(recent.length, 11);
  assert.equal(summarized, 9);
  const stored = await createMemory({ redis }).get('session-42');
  assert.deepEqual(stored[0], { role: 'system', content: 'Earlier: 9 messages.' });
  assert.equal(stored.length, 12);

  const source = readFileSync(new URL(import.meta.url), 'utf8');
  const blocks = [...source.matchAll(/\/\/ guide:start\n([\s\S]*?) {2}\/\/ guide:end/g)].map((m) =>
    (m[1] as string).replace(/^ {2}/gm, ''),
  );
  assert.equal(blocks.length, 2);
  const guide = readFileSync(new URL('../../docs/recipes/conversation-memory.md', import.meta.url), 'utf8');
  for (const block of blocks) assert.ok(guide.includes(block), `the guide must contain verbatim:\n${block}`);
});
