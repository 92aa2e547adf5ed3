/** Shared setup for the LLM cache tests: a server on a ManualClock, real clients, a fake LLM and fake models. */
import { type CacheRedis, createLlmCache } from '@redstash/ai/cache';
import { createScriptingTestEngine, type ManualClock } from '@redstash/engine/testing';
import { startTestServer } from '@redstash/server/testing';
import { Redis } from '@upstash/redis';
import { MockLanguageModelV3 } from 'ai/test';

export interface CacheServer {
  clock: ManualClock;
  url: string;
  token: string;
  /** A new, independent `@upstash/redis` client: two of them stand for two processes. */
  client(autoPipelining?: boolean): Redis;
  close(): Promise<void>;
}

export async function startCacheServer(): Promise<CacheServer> {
  // Scripting on: the lock release is an EVAL.
  const { engine, clock } = await createScriptingTestEngine();
  const srv = await startTestServer({ engine });
  return {
    clock,
    url: srv.url,
    token: srv.token,
    client: (autoPipelining = false) =>
      new Redis({
        url: srv.url,
        token: srv.token,
        enableTelemetry: false,
        retry: false,
        enableAutoPipelining: autoPipelining,
      }),
    close: () => srv.close(),
  };
}

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
}
export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/**
 * Two clients and two caches over one emptied server, standing for two processes: B polls every 5 ms for
 * up to 5 s once it loses the lock, and `bPolling` resolves when it first waits.
 */
export async function twoProcessCaches(server: CacheServer) {
  const redisA = server.client();
  const redisB = server.client();
  await redisA.flushall();
  const cacheA = createLlmCache({ redis: redisA, ttlSeconds: { default: 60 } });
  const bPolling = deferred();
  const cacheB = createLlmCache({
    redis: redisB,
    ttlSeconds: { default: 60 },
    singleFlight: { lockTtlMs: 30_000, waitMs: 5_000, pollMs: 5 },
    sleep: (ms) => {
      bPolling.resolve();
      return new Promise((resolve) => setTimeout(resolve, ms));
    },
  });
  return { redisA, redisB, cacheA, cacheB, bPolling };
}

/** A deterministic "LLM": the answer depends only on the prompt; `calls` counts how often it ran. */
export function fakeLlm() {
  const llm = {
    calls: 0,
    async complete(prompt: string): Promise<{ text: string }> {
      llm.calls++;
      return { text: `echo: ${prompt}` };
    },
  };
  return llm;
}

/** A client whose every call fails, as when Redis is down or the token is wrong. */
export const brokenRedis: CacheRedis = {
  get: () => Promise.reject(new Error('redis down')),
  set: () => Promise.reject(new Error('redis down')),
  eval: () => Promise.reject(new Error('redis down')),
};

export const usage = {
  inputTokens: { total: 3, noCache: 3, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: 4, text: 4, reasoning: undefined },
};
const stop = { unified: 'stop' as const, raw: 'stop' };

type StreamPart = { type: string; [k: string]: unknown };
function streamOf(parts: StreamPart[]): ReadableStream<never> {
  return new ReadableStream({
    start(controller) {
      for (const part of parts) controller.enqueue(part as never);
      controller.close();
    },
  });
}

export const TEXT_PARTS = ['Hello', ', ', 'world', '!'];

export function textStreamParts(): StreamPart[] {
  return [
    { type: 'stream-start', warnings: [] },
    { type: 'response-metadata', id: 'resp-1', modelId: 'fake-1', timestamp: new Date(0) },
    { type: 'text-start', id: 't1' },
    ...TEXT_PARTS.map((delta) => ({ type: 'text-delta', id: 't1', delta })),
    { type: 'text-end', id: 't1' },
    { type: 'finish', finishReason: stop, usage },
  ];
}

export function toolCallStreamParts(): StreamPart[] {
  return [
    { type: 'stream-start', warnings: [] },
    { type: 'text-start', id: 't1' },
    { type: 'text-delta', id: 't1', delta: 'Let me look.' },
    { type: 'text-end', id: 't1' },
    { type: 'tool-call', toolCallId: 'call-1', toolName: 'weather', input: '{"city":"Oslo"}' },
    { type: 'finish', finishReason: { unified: 'tool-calls', raw: 'tool_calls' }, usage },
  ];
}

/** A mock V3 model counting its calls; `parts` decides what each stream call emits. */
export function streamingModel(parts: () => StreamPart[] | ReadableStream<never>) {
  const model = new MockLanguageModelV3({
    provider: 'fake',
    modelId: 'fake-1',
    doStream: async () => {
      const made = parts();
      return { stream: made instanceof ReadableStream ? made : streamOf(made) };
    },
    doGenerate: async () => ({
      content: [{ type: 'text', text: 'Hello, world!' }],
      finishReason: stop,
      usage,
      warnings: [],
      response: { id: 'resp-1', modelId: 'fake-1', timestamp: new Date(0) },
    }),
  });
  return model;
}
