/** Runs the snippets of docs/recipes/llm-cache.md (the guide must contain each guide:start block verbatim). */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { createLlmCache, llmCacheMiddleware } from '@redstash/ai/cache';
import { Redis } from '@upstash/redis';
import { streamText, wrapLanguageModel } from 'ai';
import { type CacheServer, startCacheServer, streamingModel, textStreamParts } from './cache-support.ts';

let server: CacheServer;
before(async () => {
  server = await startCacheServer();
});
after(async () => {
  await server.close();
});

test('the guide snippets run as written', async () => {
  process.env.UPSTASH_REDIS_REST_URL = server.url;
  process.env.UPSTASH_REDIS_REST_TOKEN = server.token;
  let llmCalls = 0;
  const callMyLlm = async (req: { messages: { content: string }[] }) => {
    llmCalls++;
    return { text: `About ${req.messages[0]?.content}` };
  };
  const myModel = streamingModel(textStreamParts);

  // guide:start
  const redis = Redis.fromEnv();
  const cache = createLlmCache({
    redis,
    ttlSeconds: { default: 60 * 60, byModel: { 'gpt-4o-mini': 60 * 60 * 24 } },
  });

  const request = {
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'What is Redis?' }],
    params: { temperature: 0, top_p: 1 }, // top_p 1 is the default: left out of the key
  };
  // The first call runs callMyLlm and stores its answer; identical requests get the stored one.
  const answer = await cache.cachedCompletion(request, () => callMyLlm(request));
  // guide:end
  assert.deepEqual(answer, { text: 'About What is Redis?' });
  assert.deepEqual(await cache.cachedCompletion(request, () => callMyLlm(request)), answer);
  assert.equal(llmCalls, 1);
  assert.equal(await redis.ttl(await cache.key(request)), 86_400);

  // guide:start
  const model = wrapLanguageModel({ model: myModel, middleware: llmCacheMiddleware(cache) });

  let reply = '';
  for await (const text of streamText({ model, prompt: 'What is Redis?' }).textStream) reply += text;

  const again = streamText({ model, prompt: 'What is Redis?' }); // replayed from Redis: no model call
  let replayed = '';
  for await (const text of again.textStream) replayed += text;
  const marker = (await again.providerMetadata)?.redstash; // { cache: 'hit' }
  // guide:end
  assert.equal(reply, 'Hello, world!');
  assert.equal(replayed, reply);
  assert.deepEqual(marker, { cache: 'hit' });
  assert.equal(myModel.doStreamCalls.length, 1);

  // guide:start
  const { hits, misses, waits, stores, errors } = cache.stats();
  const hitRate = hits / (hits + misses);
  // guide:end
  assert.deepEqual({ hits, misses, waits, stores, errors }, { hits: 2, misses: 2, waits: 0, stores: 2, errors: 0 });
  assert.equal(hitRate, 0.5);

  const source = readFileSync(new URL(import.meta.url), 'utf8');
  const blocks = [...source.matchAll(/\/\/ guide:start\n([\s\S]*?) {2}\/\/ guide:end/g)].map((m) =>
    (m[1] as string).replace(/^ {2}/gm, ''),
  );
  assert.equal(blocks.length, 3);
  const guide = readFileSync(new URL('../../docs/recipes/llm-cache.md', import.meta.url), 'utf8');
  for (const block of blocks) assert.ok(guide.includes(block), `the guide must contain verbatim:\n${block}`);
});
