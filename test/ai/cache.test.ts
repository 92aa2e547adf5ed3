/** The LLM response cache through the real `@upstash/redis` client against the in-process server. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type CacheRedis, createLlmCache, type LlmRequest } from '@redstash/ai/cache';
import { until } from '../support/wait.ts';
import {
  brokenRedis,
  type CacheServer,
  deferred,
  fakeLlm,
  startCacheServer,
  twoProcessCaches,
} from './cache-support.ts';

let server: CacheServer;
before(async () => {
  server = await startCacheServer();
});
after(async () => {
  await server.close();
});

const ask = (prompt: string, params: Record<string, unknown> = {}): LlmRequest => ({
  model: 'fake-1',
  messages: [{ role: 'user', content: prompt }],
  params,
});

test('two identical prompts call the LLM once; the value lives under a namespaced sha256 key with the TTL', async () => {
  const redis = server.client();
  await redis.flushall();
  const cache = createLlmCache({ redis, ttlSeconds: { default: 60, byModel: { 'big-1': 3600 } } });
  const llm = fakeLlm();
  const first = await cache.cachedCompletion(ask('hi'), () => llm.complete('hi'));
  const second = await cache.cachedCompletion(ask('hi'), () => llm.complete('hi'));
  assert.equal(llm.calls, 1);
  assert.deepEqual(first, { text: 'echo: hi' });
  assert.deepEqual(second, first);
  assert.deepEqual(cache.stats(), { hits: 1, misses: 1, waits: 0, stores: 1, errors: 0 });

  const key = await cache.key(ask('hi'));
  assert.match(key, /^llmcache:[0-9a-f]{64}$/);
  assert.equal(await redis.ttl(key), 60);
  assert.equal(await redis.exists(`${key}:lock`), 0, 'the lock is released');
  await cache.cachedCompletion({ ...ask('hi'), model: 'big-1' }, () => llm.complete('hi'));
  assert.equal(await redis.ttl(await cache.key({ ...ask('hi'), model: 'big-1' })), 3600);
});

test('50 concurrent identical prompts call the LLM once (in-process single-flight)', async () => {
  const redis = server.client();
  await redis.flushall();
  const cache = createLlmCache({ redis, ttlSeconds: { default: 60 } });
  const llm = fakeLlm();
  const results = await Promise.all(
    Array.from({ length: 50 }, () => cache.cachedCompletion(ask('same'), () => llm.complete('same'))),
  );
  assert.equal(llm.calls, 1);
  for (const result of results) assert.deepEqual(result, { text: 'echo: same' });
  assert.deepEqual(cache.stats(), { hits: 0, misses: 1, waits: 49, stores: 1, errors: 0 });
  // Once settled, the next call is an ordinary hit, not a join.
  await cache.cachedCompletion(ask('same'), () => llm.complete('same'));
  assert.equal(llm.calls, 1);
  assert.equal(cache.stats().hits, 1);
});

test('two clients and two caches (two processes) compute once: the lock loser polls for the winner', async () => {
  const { redisA, cacheA, cacheB, bPolling } = await twoProcessCaches(server);
  const llm = fakeLlm();
  const aStarted = deferred();
  const aMayFinish = deferred();
  const pA = cacheA.cachedCompletion(ask('shared'), async () => {
    aStarted.resolve();
    await aMayFinish.promise;
    return llm.complete('shared');
  });
  await aStarted.promise; // A holds the lock now
  const pB = cacheB.cachedCompletion(ask('shared'), () => llm.complete('shared'));
  await bPolling.promise; // B lost the lock and waits
  aMayFinish.resolve();
  const [a, b] = await Promise.all([pA, pB]);
  assert.equal(llm.calls, 1);
  assert.deepEqual(a, { text: 'echo: shared' });
  assert.deepEqual(b, a);
  assert.deepEqual(cacheA.stats(), { hits: 0, misses: 1, waits: 0, stores: 1, errors: 0 });
  assert.deepEqual(cacheB.stats(), { hits: 0, misses: 1, waits: 1, stores: 0, errors: 0 });
  assert.equal(await redisA.exists(`${await cacheA.key(ask('shared'))}:lock`), 0);
});

test('a lock loser gives up after waitMs and computes itself; the release never deletes a lock it does not own', async () => {
  const redisA = server.client();
  const redisB = server.client();
  await redisA.flushall();
  let polls = 0;
  const cacheB = createLlmCache({
    redis: redisB,
    ttlSeconds: { default: 60 },
    singleFlight: { lockTtlMs: 30_000, waitMs: 50, pollMs: 10 },
    sleep: async () => {
      polls++;
    },
  });
  const key = await cacheB.key(ask('stuck'));
  // Another process holds the lock and never answers.
  await redisA.set(`${key}:lock`, 'someone-else', { px: 30_000 });
  const llm = fakeLlm();
  assert.deepEqual(await cacheB.cachedCompletion(ask('stuck'), () => llm.complete('stuck')), { text: 'echo: stuck' });
  assert.equal(llm.calls, 1);
  assert.equal(polls, 5);
  assert.deepEqual(cacheB.stats(), { hits: 0, misses: 1, waits: 1, stores: 1, errors: 0 });
  assert.equal(await redisA.get(`${key}:lock`), 'someone-else');
  // The lock expires on the server's clock: then B takes it, computes and releases it.
  server.clock.advance(30_001);
  await redisA.del(key);
  await cacheB.cachedCompletion(ask('stuck'), () => llm.complete('stuck'));
  assert.equal(llm.calls, 2);
  assert.equal(polls, 5);
  assert.equal(await redisA.exists(`${key}:lock`), 0);
});

test('with auto-pipelining on: 50 concurrent calls over two clients compute once', async () => {
  const redisA = server.client(true);
  const redisB = server.client(true);
  await redisA.flushall();
  const cacheA = createLlmCache({ redis: redisA, ttlSeconds: { default: 60 } });
  const cacheB = createLlmCache({ redis: redisB, ttlSeconds: { default: 60 }, singleFlight: { pollMs: 2 } });
  const llm = fakeLlm();
  const gate = deferred();
  const slow = async () => {
    await gate.promise;
    return llm.complete('ap');
  };
  const calls = Array.from({ length: 50 }, (_, i) => (i % 2 ? cacheB : cacheA).cachedCompletion(ask('ap'), slow));
  // Both caches must be past their lock attempt (one won, the other polls) before the computation may finish:
  // 2 misses, 48 in-process joins and 1 lock wait.
  await until('49 waits', () => cacheA.stats().waits + cacheB.stats().waits === 49, 10_000);
  gate.resolve();
  const results = await Promise.all(calls);
  assert.equal(llm.calls, 1);
  for (const result of results) assert.deepEqual(result, { text: 'echo: ap' });
  assert.equal(await redisA.get(`${await cacheA.key(ask('ap'))}:lock`), null);
  assert.equal(cacheA.stats().misses + cacheB.stats().misses, 2);
  assert.equal(cacheA.stats().stores + cacheB.stats().stores, 1);
});

test('TTL expiry: past the TTL the request is a miss again; a per-model TTL outlives it', async () => {
  const redis = server.client();
  await redis.flushall();
  const cache = createLlmCache({ redis, ttlSeconds: { default: 60, byModel: { 'big-1': 3600 } } });
  const llm = fakeLlm();
  const big = { ...ask('ttl'), model: 'big-1' };
  await cache.cachedCompletion(ask('ttl'), () => llm.complete('ttl'));
  await cache.cachedCompletion(big, () => llm.complete('ttl'));
  server.clock.advance(59_000);
  await cache.cachedCompletion(ask('ttl'), () => llm.complete('ttl'));
  assert.equal(llm.calls, 2);
  server.clock.advance(2_000);
  await cache.cachedCompletion(ask('ttl'), () => llm.complete('ttl'));
  await cache.cachedCompletion(big, () => llm.complete('ttl'));
  assert.equal(llm.calls, 3, 'the default-TTL entry expired, the per-model one did not');
  assert.deepEqual(cache.stats(), { hits: 2, misses: 3, waits: 0, stores: 3, errors: 0 });
});

test('keys: params change the key, neutral defaults and property order do not', async () => {
  const cache = createLlmCache({ redis: brokenRedis, ttlSeconds: { default: 60 } });
  const base = await cache.key(ask('k', { temperature: 0 }));
  const same = [
    ask('k', { temperature: 0, top_p: 1, presence_penalty: 0, frequency_penalty: 0 }),
    ask('k', { temperature: 0, topP: 1, presencePenalty: 0, frequencyPenalty: 0 }),
    ask('k', { maxTokens: undefined, temperature: 0, stop: null }),
    { params: { temperature: 0 }, messages: [{ content: 'k', role: 'user' }], model: 'fake-1' },
  ];
  for (const request of same) assert.equal(await cache.key(request), base, JSON.stringify(request));
  const different = [
    ask('k', { temperature: 0.7 }),
    ask('k', { temperature: 0, top_p: 0.9 }),
    ask('k', { temperature: 0, presence_penalty: 0.5 }),
    ask('k', {}),
    ask('K', { temperature: 0 }),
    { ...ask('k', { temperature: 0 }), model: 'other' },
  ];
  const keys = new Set([base]);
  for (const request of different) keys.add(await cache.key(request));
  assert.equal(keys.size, different.length + 1);

  const tenant = createLlmCache({ redis: brokenRedis, namespace: 'tenant-a', ttlSeconds: { default: 60 } });
  assert.equal(await tenant.key(ask('k', { temperature: 0 })), base.replace(/^llmcache:/, 'tenant-a:'));
  const custom = createLlmCache({
    redis: brokenRedis,
    ttlSeconds: { default: 60 },
    keyFn: (request) => `${request.model}:${JSON.stringify(request.params)}`,
  });
  assert.equal(await custom.key(ask('k', { top_p: 1, temperature: 0 })), 'llmcache:fake-1:{"temperature":0}');
});

test('a Redis that fails every call still answers with computed results, counting the errors', async () => {
  const cache = createLlmCache({ redis: brokenRedis, ttlSeconds: { default: 60 } });
  const llm = fakeLlm();
  assert.deepEqual(await cache.cachedCompletion(ask('x'), () => llm.complete('x')), { text: 'echo: x' });
  assert.deepEqual(await cache.cachedCompletion(ask('x'), () => llm.complete('x')), { text: 'echo: x' });
  assert.equal(llm.calls, 2);
  // Per call: the GET, the lock SET and the value SET fail.
  assert.deepEqual(cache.stats(), { hits: 0, misses: 2, waits: 0, stores: 0, errors: 6 });
  assert.equal(await cache.get(ask('x')), undefined);
  assert.equal(await cache.set(ask('x'), 'v'), false);
});

test('a failed write or release does not break the caller; an LLM error reaches every joined caller', async () => {
  const real = server.client();
  await real.flushall();
  const writesFail: CacheRedis = {
    get: (key) => real.get(key),
    set: (key, value, opts) =>
      opts !== undefined && 'ex' in opts ? Promise.reject(new Error('OOM')) : real.set(key, value, opts),
    eval: () => Promise.reject(new Error('NOSCRIPT')),
  };
  const cache = createLlmCache({ redis: writesFail, ttlSeconds: { default: 60 } });
  const llm = fakeLlm();
  assert.deepEqual(await cache.cachedCompletion(ask('w'), () => llm.complete('w')), { text: 'echo: w' });
  assert.deepEqual(cache.stats(), { hits: 0, misses: 1, waits: 0, stores: 0, errors: 2 });

  const ok = createLlmCache({ redis: real, ttlSeconds: { default: 60 }, singleFlight: { waitMs: 0, pollMs: 1 } });
  const failures = await Promise.allSettled(
    Array.from({ length: 3 }, () => ok.cachedCompletion(ask('boom'), () => Promise.reject(new Error('LLM down')))),
  );
  assert.deepEqual(
    failures.map((f) => f.status === 'rejected' && (f.reason as Error).message),
    ['LLM down', 'LLM down', 'LLM down'],
  );
  assert.equal(await real.exists(`${await ok.key(ask('boom'))}:lock`), 0, 'the lock is released after a failure');
  assert.deepEqual(await ok.cachedCompletion(ask('boom'), () => llm.complete('boom')), { text: 'echo: boom' });
});

test('singleFlight: false computes every concurrent miss and takes no lock', async () => {
  const redis = server.client();
  await redis.flushall();
  const cache = createLlmCache({ redis, ttlSeconds: { default: 60 }, singleFlight: false });
  const llm = fakeLlm();
  await Promise.all([1, 2, 3].map(() => cache.cachedCompletion(ask('nf'), () => llm.complete('nf'))));
  assert.equal(llm.calls, 3);
  assert.deepEqual(cache.stats(), { hits: 0, misses: 3, waits: 0, stores: 3, errors: 0 });
});
