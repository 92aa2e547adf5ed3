/**
 * LangChain interop: `UpstashRedisChatMessageHistory` (@langchain/community, with its own @upstash/redis
 * client pointed at our server) reads what the memory writes in the 'langchain-js' layout, and the memory
 * reads what LangChain writes.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { UpstashRedisChatMessageHistory } from '@langchain/community/stores/message/upstash_redis';
import { AIMessage, HumanMessage, SystemMessage } from '@langchain/core/messages';
import { createMemory, type PlainMessage } from '@redstash/ai/memory';
import { createScriptingTestEngine } from '@redstash/engine/testing';
import { startTestServer, type TestServer } from '@redstash/server/testing';
import { Redis } from '@upstash/redis';

let srv: TestServer;
let redis: Redis;

before(async () => {
  srv = await startTestServer({ engine: (await createScriptingTestEngine()).engine });
  redis = new Redis({ url: srv.url, token: srv.token, enableTelemetry: false, retry: false });
});
after(() => srv.close());

const history = (sessionId: string, sessionTTL?: number) =>
  new UpstashRedisChatMessageHistory({
    sessionId,
    ...(sessionTTL === undefined ? {} : { sessionTTL }),
    config: { url: srv.url, token: srv.token, enableTelemetry: false },
  });

test('LangChain reads what the memory writes (langchain-js layout)', async () => {
  await redis.flushall();
  const memory = createMemory({ redis, layout: 'langchain-js', ttlSeconds: 60 });
  await memory.append(
    'lc-1',
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content: 'Hi, I am Ada.' },
    { role: 'assistant', content: 'Hello Ada.' },
  );
  await memory.append('lc-1', { id: 'u9', role: 'user', parts: [{ type: 'text', text: 'What is my name?' }] });
  const messages = await history('lc-1').getMessages();
  assert.deepEqual(
    messages.map((m) => [m.getType(), m.content]),
    [
      ['system', 'You are terse.'],
      ['human', 'Hi, I am Ada.'],
      ['ai', 'Hello Ada.'],
      ['human', 'What is my name?'],
    ],
  );
  assert.ok(messages[1] instanceof HumanMessage);
  assert.ok(messages[2] instanceof AIMessage);
  assert.equal(messages[3]?.id, 'u9');
});

test('the memory reads what LangChain writes, and both keep appending to one history', async () => {
  await redis.flushall();
  const lc = history('lc-2', 30);
  await lc.addMessage(new SystemMessage('Be kind.'));
  await lc.addMessage(new HumanMessage('Hi!'));
  await lc.addMessage(new AIMessage('Hello, how can I help?'));
  const memory = createMemory<PlainMessage>({ redis, layout: 'langchain-js', maxMessages: 10, ttlSeconds: 60 });
  assert.deepEqual(await memory.get('lc-2'), [
    { role: 'system', content: 'Be kind.' },
    { role: 'user', content: 'Hi!' },
    { role: 'assistant', content: 'Hello, how can I help?' },
  ]);
  assert.deepEqual(await memory.get('lc-2', { last: 1 }), [{ role: 'assistant', content: 'Hello, how can I help?' }]);
  await memory.append('lc-2', { role: 'user', content: 'Tell a joke.' });
  await lc.addMessage(new AIMessage('Why did the list LPUSH? To stay on top.'));
  assert.deepEqual(
    (await memory.get('lc-2', { last: 2 })).map((m) => m.content),
    ['Tell a joke.', 'Why did the list LPUSH? To stay on top.'],
  );
  assert.deepEqual(
    (await lc.getMessages()).map((m) => m.getType()),
    ['system', 'human', 'ai', 'human', 'ai'],
  );
  await memory.clear('lc-2');
  assert.deepEqual(await lc.getMessages(), []);
});

test("langchain-py layout: reads Python's json.dumps spacing and compacts it byte-exactly", async () => {
  await redis.flushall();
  // What LangChain Python's UpstashRedisChatMessageHistory stores: json.dumps(message_to_dict(m)).
  const py = (type: string, content: string) =>
    `{"type": "${type}", "data": {"content": "${content}", "additional_kwargs": {}, "type": "${type}"}}`;
  await redis.lpush('message_store:py', py('human', 'one'), py('ai', 'two'), py('human', 'three'));
  const memory = createMemory<PlainMessage>({
    redis,
    layout: 'langchain-py',
    tokenBudget: { max: 1, count: () => 1, summarize: async (ms) => ({ role: 'system', content: `${ms.length}` }) },
  });
  assert.deepEqual(await createMemory({ redis, layout: 'langchain-py' }).get('py'), [
    { role: 'user', content: 'one' },
    { role: 'assistant', content: 'two' },
    { role: 'user', content: 'three' },
  ]);
  assert.deepEqual(await memory.compact('py'), { summarized: 2, length: 2 });
  assert.deepEqual(await createMemory({ redis, layout: 'langchain-py' }).get('py'), [
    { role: 'system', content: '2' },
    { role: 'user', content: 'three' },
  ]);
});
