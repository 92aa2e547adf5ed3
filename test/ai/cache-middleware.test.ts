/** `llmCacheMiddleware` under the AI SDK's own `generateText`, `streamText` and `wrapLanguageModel`. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createLlmCache, llmCacheMiddleware } from '@redstash/ai/cache';
import { generateText, streamText, wrapLanguageModel } from 'ai';
import {
  brokenRedis,
  type CacheServer,
  startCacheServer,
  streamingModel,
  TEXT_PARTS,
  textStreamParts,
  toolCallStreamParts,
  usage,
} from './cache-support.ts';

let server: CacheServer;
before(async () => {
  server = await startCacheServer();
});
after(async () => {
  await server.close();
});

async function freshCache() {
  const redis = server.client();
  await redis.flushall();
  return createLlmCache({ redis, ttlSeconds: { default: 60 } });
}

async function collect(stream: AsyncIterable<string>): Promise<string[]> {
  const chunks: string[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

test('streamText: a hit replays the same text parts without calling the model, marked as a hit', async () => {
  const cache = await freshCache();
  const inner = streamingModel(textStreamParts);
  const model = wrapLanguageModel({ model: inner, middleware: llmCacheMiddleware(cache) });

  const first = streamText({ model, prompt: 'Say hello', temperature: 0 });
  assert.deepEqual(await collect(first.textStream), TEXT_PARTS);
  assert.equal((await first.providerMetadata)?.redstash, undefined);
  const second = streamText({ model, prompt: 'Say hello', temperature: 0 });
  assert.deepEqual(await collect(second.textStream), TEXT_PARTS);
  assert.deepEqual((await second.providerMetadata)?.redstash, { cache: 'hit' });
  assert.equal(await second.text, 'Hello, world!');
  assert.deepEqual(await second.finishReason, 'stop');
  assert.equal((await second.response).timestamp.getTime(), 0, 'the timestamp comes back as a Date');
  assert.equal(inner.doStreamCalls.length, 1);
  assert.deepEqual(cache.stats(), { hits: 1, misses: 1, waits: 0, stores: 1, errors: 0 });

  // A different prompt or setting is a different entry.
  await collect(streamText({ model, prompt: 'Say hello', temperature: 0.5 }).textStream);
  assert.equal(inner.doStreamCalls.length, 2);
});

test('streams holding a tool call are passed through and never cached', async () => {
  const cache = await freshCache();
  const inner = streamingModel(toolCallStreamParts);
  const model = wrapLanguageModel({ model: inner, middleware: llmCacheMiddleware(cache) });
  for (let i = 0; i < 2; i++) {
    const { stream } = await model.doStream({ prompt: [{ role: 'user', content: [{ type: 'text', text: 'w' }] }] });
    const types: string[] = [];
    for await (const part of stream) types.push(part.type);
    assert.ok(types.includes('tool-call'));
  }
  assert.equal(inner.doStreamCalls.length, 2);
  assert.deepEqual(cache.stats(), { hits: 0, misses: 2, waits: 0, stores: 0, errors: 0 });
});

test('a stream that errors is not cached, and neither is one with an error part', async () => {
  const cache = await freshCache();
  let call = 0;
  const inner = streamingModel(() => {
    call++;
    if (call === 1) {
      return new ReadableStream<never>({
        start(controller) {
          controller.enqueue({ type: 'text-start', id: 't1' } as never);
          controller.error(new Error('connection reset'));
        },
      });
    }
    if (call === 2) return [{ type: 'error', error: 'rate limited' }, ...textStreamParts()];
    return textStreamParts();
  });
  const model = wrapLanguageModel({ model: inner, middleware: llmCacheMiddleware(cache) });
  const prompt = [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'e' }] }];
  const broken = await model.doStream({ prompt });
  await assert.rejects(async () => {
    for await (const _ of broken.stream);
  }, /connection reset/);
  for (let i = 0; i < 3; i++) for await (const _ of (await model.doStream({ prompt })).stream);
  assert.equal(inner.doStreamCalls.length, 3, 'the third (clean) stream was stored, the fourth replayed');
  assert.deepEqual(cache.stats(), { hits: 1, misses: 3, waits: 0, stores: 1, errors: 0 });
});

test('generateText: the second call is answered from the cache and marked; tool-call results are not cached', async () => {
  const cache = await freshCache();
  const inner = streamingModel(textStreamParts);
  const model = wrapLanguageModel({ model: inner, middleware: llmCacheMiddleware(cache) });
  const first = await generateText({ model, prompt: 'Say hello' });
  const second = await generateText({ model, prompt: 'Say hello' });
  assert.equal(first.text, 'Hello, world!');
  assert.equal(second.text, first.text);
  assert.equal(first.providerMetadata?.redstash, undefined);
  assert.deepEqual(second.providerMetadata?.redstash, { cache: 'hit' });
  assert.equal(second.response.timestamp.getTime(), 0);
  assert.equal(inner.doGenerateCalls.length, 1);
  // generate and stream results are stored apart: a stream call is a miss.
  await collect(streamText({ model, prompt: 'Say hello' }).textStream);
  assert.equal(inner.doStreamCalls.length, 1);

  const toolModel = streamingModel(textStreamParts);
  let toolCalls = 0;
  toolModel.doGenerate = async () => {
    toolCalls++;
    return {
      content: [{ type: 'tool-call', toolCallId: 'c1', toolName: 'weather', input: '{}' }],
      finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
      usage,
      warnings: [],
    };
  };
  const wrapped = wrapLanguageModel({ model: toolModel, middleware: llmCacheMiddleware(cache) });
  const prompt = [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'weather?' }] }];
  await wrapped.doGenerate({ prompt });
  await wrapped.doGenerate({ prompt });
  assert.equal(toolCalls, 2);
});

test('with a Redis that fails every call, generate and stream still answer from the model', async () => {
  const cache = createLlmCache({ redis: brokenRedis, ttlSeconds: { default: 60 } });
  const inner = streamingModel(textStreamParts);
  const model = wrapLanguageModel({ model: inner, middleware: llmCacheMiddleware(cache) });
  assert.equal((await generateText({ model, prompt: 'p' })).text, 'Hello, world!');
  assert.deepEqual(await collect(streamText({ model, prompt: 'p' }).textStream), TEXT_PARTS);
  assert.deepEqual(await collect(streamText({ model, prompt: 'p' }).textStream), TEXT_PARTS);
  assert.equal(inner.doStreamCalls.length, 2);
  assert.equal(cache.stats().stores, 0);
  assert.ok(cache.stats().errors >= 5);
});
