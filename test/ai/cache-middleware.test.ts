/** `llmCacheMiddleware` under the AI SDK's own `generateText`, `streamText` and `wrapLanguageModel`. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createLlmCache, llmCacheMiddleware } from '@redstash/ai/cache';
import { generateText, streamText, wrapLanguageModel } from 'ai';
import { until } from '../support/wait.ts';
import {
  brokenRedis,
  type CacheServer,
  deferred,
  startCacheServer,
  streamingModel,
  TEXT_PARTS,
  textStreamParts,
  toolCallStreamParts,
  twoProcessCaches,
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

/** A model stream that emits the text parts only once `open` resolves, so callers can pile up meanwhile. */
function gatedModel(open: Promise<void>) {
  return streamingModel(
    () =>
      new ReadableStream<never>({
        async start(controller) {
          await open;
          for (const part of textStreamParts()) controller.enqueue(part as never);
          controller.close();
        },
      }),
  );
}

test('streamText: 50 concurrent identical calls start the model once and all stream the same text', async () => {
  const cache = await freshCache();
  const gate = deferred();
  const inner = gatedModel(gate.promise);
  const model = wrapLanguageModel({ model: inner, middleware: llmCacheMiddleware(cache) });
  const runs = Array.from({ length: 50 }, () => streamText({ model, prompt: 'Say hello', temperature: 0 }));
  const texts = Promise.all(runs.map((run) => collect(run.textStream)));
  // Every call has reached the middleware before the model says anything.
  await until('all 50 calls in the middleware', () => cache.stats().misses + cache.stats().waits === 50, 10_000);
  gate.resolve();
  for (const text of await texts) assert.deepEqual(text, TEXT_PARTS);
  assert.equal(inner.doStreamCalls.length, 1);
  assert.deepEqual(cache.stats(), { hits: 0, misses: 1, waits: 49, stores: 1, errors: 0 });
  // Stored before the streams ended: the next call is a plain hit.
  const again = streamText({ model, prompt: 'Say hello', temperature: 0 });
  assert.deepEqual(await collect(again.textStream), TEXT_PARTS);
  assert.deepEqual((await again.providerMetadata)?.redstash, { cache: 'hit' });
  assert.equal(inner.doStreamCalls.length, 1);
});

test('streamText across two caches (two processes): the lock loser replays the winner’s stored stream', async () => {
  const { redisA, cacheA, cacheB, bPolling } = await twoProcessCaches(server);
  const gate = deferred();
  const inner = gatedModel(gate.promise);
  const modelA = wrapLanguageModel({ model: inner, middleware: llmCacheMiddleware(cacheA) });
  const modelB = wrapLanguageModel({ model: inner, middleware: llmCacheMiddleware(cacheB) });
  const a = streamText({ model: modelA, prompt: 'Shared', temperature: 0 });
  const aText = collect(a.textStream);
  await until('A streaming', () => inner.doStreamCalls.length === 1, 10_000);
  const b = streamText({ model: modelB, prompt: 'Shared', temperature: 0 });
  const bText = collect(b.textStream);
  await bPolling.promise; // B lost the lock and waits for A's answer
  gate.resolve();
  assert.deepEqual(await aText, TEXT_PARTS);
  assert.deepEqual(await bText, TEXT_PARTS);
  assert.deepEqual((await b.providerMetadata)?.redstash, { cache: 'hit' });
  assert.equal(inner.doStreamCalls.length, 1);
  assert.deepEqual(cacheA.stats(), { hits: 0, misses: 1, waits: 0, stores: 1, errors: 0 });
  assert.deepEqual(cacheB.stats(), { hits: 0, misses: 1, waits: 1, stores: 0, errors: 0 });
  assert.deepEqual(await redisA.keys('*:lock'), [], 'the lock is released');
  assert.equal((await redisA.keys('llmcache:*')).length, 1);
});

test('a reader that cancels does not stall the others; when every reader cancels the model stream is cancelled', async () => {
  const cache = await freshCache();
  const gate = deferred();
  let cancelled = 0;
  const inner = streamingModel(
    () =>
      new ReadableStream<never>({
        async start(controller) {
          await gate.promise;
          for (const part of textStreamParts()) controller.enqueue(part as never);
          controller.close();
        },
        cancel() {
          cancelled++;
        },
      }),
  );
  const model = wrapLanguageModel({ model: inner, middleware: llmCacheMiddleware(cache) });
  const prompt = [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'c' }] }];
  const [quitter, stayer] = await Promise.all([model.doStream({ prompt }), model.doStream({ prompt })]);
  await quitter.stream.cancel();
  gate.resolve();
  const types: string[] = [];
  for await (const part of stayer.stream) types.push(part.type);
  assert.equal(types.at(-1), 'finish');
  assert.equal(cancelled, 0);
  assert.equal(cache.stats().stores, 1, 'the answer the stayer read is stored');

  const lonely = deferred();
  const inner2 = streamingModel(
    () =>
      new ReadableStream<never>({
        async start() {
          await lonely.promise;
        },
        cancel() {
          cancelled++;
        },
      }),
  );
  const model2 = wrapLanguageModel({ model: inner2, middleware: llmCacheMiddleware(cache) });
  const other = [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'nobody reads this' }] }];
  const only = await model2.doStream({ prompt: other });
  await only.stream.cancel();
  await until('the model stream cancelled', () => cancelled === 1, 10_000);
  assert.equal(inner2.doStreamCalls.length, 1);
  lonely.resolve();
  // Time for a wrong store to land, had the cancelled answer been written.
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(cache.stats().stores, 1, 'a cut-off answer is not stored');
});
