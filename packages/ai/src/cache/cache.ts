/**
 * The LLM response cache: sha256 keys over a normalised request, a TTL per model, and single-flight on a miss
 * (in-process by sharing one promise per key, across processes with a `SET NX PX` lock). Redis trouble is
 * counted and otherwise ignored: the caller always gets an answer, computed if need be.
 */

import { Broadcast } from './broadcast.ts';
import { type LlmRequest, normalizeRequest, sha256Hex, stableStringify } from './key.ts';
import { type CacheRedis, RELEASE_SCRIPT } from './redis.ts';

export interface SingleFlightOptions {
  /** How long the cross-process lock lives if its holder dies before releasing it. */
  lockTtlMs?: number;
  /** How long a caller that lost the lock polls for the winner's answer before computing itself. */
  waitMs?: number;
  pollMs?: number;
}

export interface LlmCacheOptions {
  redis: CacheRedis;
  namespace?: string;
  ttlSeconds: { default: number; byModel?: Record<string, number> };
  /** Replaces the built-in normalisation (`normalizeRequest`); call that yourself to extend it. */
  normalize?: (request: LlmRequest) => LlmRequest;
  /** Replaces the sha256 of the normalised request; the namespace prefix is still added. */
  keyFn?: (normalized: LlmRequest) => string | Promise<string>;
  /** `false` turns collapsing off; omitted means on with the defaults below. */
  singleFlight?: SingleFlightOptions | false;
  /** How a poll waits; injectable for runtimes without timers and for tests. */
  sleep?: (ms: number) => Promise<void>;
}

export interface LlmCacheStats {
  /** Calls answered by their first GET. */
  hits: number;
  /** Calls whose first GET found nothing (callers that joined an in-process computation never GET). */
  misses: number;
  /** Calls that waited for another caller's computation: joined in-process, or lost the lock and polled. */
  waits: number;
  /** Values written. */
  stores: number;
  /** Failed Redis calls (reads, writes, lock and release); each one fell through to computing. */
  errors: number;
}

export interface CachedResult<T> {
  value: T;
  /** True when the value was read from Redis (at once or after waiting), false when computed here. */
  cached: boolean;
}

export interface StoreOptions<T> {
  /** Return false to answer without caching (e.g. a result holding tool calls). */
  shouldStore?: (value: T) => boolean;
}

export interface StreamStoreOptions<P> {
  /** The value to store for a stream that ended normally with these parts, or undefined to store nothing. */
  toStored: (parts: readonly P[]) => unknown;
}

/**
 * A streamed answer: `cached` holds a stored value (as `toStored` made it), `live` a stream of the model's
 * parts: this call's own, or the stream of an identical call already running in this process (`result` is then
 * that call's result).
 */
export type CachedStream<P, R> =
  | { kind: 'cached'; stored: unknown }
  | { kind: 'live'; result: R; stream: ReadableStream<P> };

type StreamOutcome<P, R> = { kind: 'cached'; stored: unknown } | { kind: 'live'; result: R; broadcast: Broadcast<P> };

function streamFrom<P, R>(outcome: StreamOutcome<P, R>): CachedStream<P, R> {
  return outcome.kind === 'cached'
    ? outcome
    : { kind: 'live', result: outcome.result, stream: outcome.broadcast.view() };
}

export interface LlmCache {
  key(request: LlmRequest): Promise<string>;
  cachedCompletion<T>(request: LlmRequest, compute: () => T | PromiseLike<T>, options?: StoreOptions<T>): Promise<T>;
  /** As `cachedCompletion`, also telling whether the value came from the cache. */
  cachedResult<T>(
    request: LlmRequest,
    compute: () => T | PromiseLike<T>,
    options?: StoreOptions<T>,
  ): Promise<CachedResult<T>>;
  /**
   * Single-flight for a streamed answer: a stored value comes back as `cached`; on a miss the first caller
   * starts the stream and identical calls (in this process, and across processes through the lock) share it
   * instead of starting their own. The stream is stored once it ends normally, before its readers see the end.
   */
  cachedStream<P, R extends { stream: ReadableStream<P> }>(
    request: LlmRequest,
    start: () => PromiseLike<R>,
    options: StreamStoreOptions<P>,
  ): Promise<CachedStream<P, R>>;
  /** A plain read (counted as a hit or a miss); undefined when absent or unreadable. */
  get<T>(request: LlmRequest): Promise<T | undefined>;
  /** A plain write with the model's TTL; false when Redis refused it. */
  set(request: LlmRequest, value: unknown): Promise<boolean>;
  stats(): LlmCacheStats;
}

const DEFAULT_SINGLE_FLIGHT: Required<SingleFlightOptions> = { lockTtlMs: 30_000, waitMs: 10_000, pollMs: 50 };
/** Marks our values so a key written by something else reads as a miss instead of garbage. */
const ENVELOPE_VERSION = 1;

type Read = { hit: true; value: unknown } | { hit: false; failed?: true };

export function createLlmCache(options: LlmCacheOptions): LlmCache {
  const { redis, namespace = 'llmcache', ttlSeconds } = options;
  const normalize = options.normalize ?? normalizeRequest;
  const flight = options.singleFlight === false ? undefined : { ...DEFAULT_SINGLE_FLIGHT, ...options.singleFlight };
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const counters: LlmCacheStats = { hits: 0, misses: 0, waits: 0, stores: 0, errors: 0 };
  const inflight = new Map<string, Promise<CachedResult<unknown>>>();
  const liveStreams = new Map<string, Promise<StreamOutcome<unknown, { stream: ReadableStream<unknown> }>>>();

  async function key(request: LlmRequest): Promise<string> {
    const normalized = normalize(request);
    const suffix = options.keyFn ? await options.keyFn(normalized) : await sha256Hex(stableStringify(normalized));
    return `${namespace}:${suffix}`;
  }

  function ttlFor(model: string): number {
    return ttlSeconds.byModel?.[model] ?? ttlSeconds.default;
  }

  async function read(cacheKey: string): Promise<Read> {
    let raw: unknown;
    try {
      raw = await redis.get(cacheKey);
    } catch {
      counters.errors++;
      return { hit: false, failed: true };
    }
    // @upstash/redis parses JSON replies by default; other clients hand back the string.
    let envelope: unknown = raw;
    if (typeof raw === 'string') {
      try {
        envelope = JSON.parse(raw);
      } catch {
        return { hit: false };
      }
    }
    if (typeof envelope !== 'object' || envelope === null) return { hit: false };
    const { v, value } = envelope as { v?: unknown; value?: unknown };
    return v === ENVELOPE_VERSION ? { hit: true, value } : { hit: false };
  }

  async function write(cacheKey: string, model: string, value: unknown): Promise<boolean> {
    try {
      await redis.set(cacheKey, JSON.stringify({ v: ENVELOPE_VERSION, value }), { ex: ttlFor(model) });
      counters.stores++;
      return true;
    } catch {
      counters.errors++;
      return false;
    }
  }

  /**
   * What a miss may do: answer from a value another caller stored while we waited, or compute (and then call
   * `release`, which frees the cross-process lock when we hold it and never throws).
   */
  type Claim = { kind: 'hit'; value: unknown } | { kind: 'compute'; release: () => Promise<void> };
  const NOTHING_TO_RELEASE = async () => {};

  async function claim(cacheKey: string): Promise<Claim> {
    const first = await read(cacheKey);
    if (first.hit) {
      counters.hits++;
      return { kind: 'hit', value: first.value };
    }
    counters.misses++;
    if (flight === undefined) return { kind: 'compute', release: NOTHING_TO_RELEASE };

    const lockKey = `${cacheKey}:lock`;
    const token = globalThis.crypto.randomUUID();
    let locked: boolean;
    try {
      const answer = await redis.set(lockKey, token, { nx: true, px: flight.lockTtlMs });
      locked = answer !== null && answer !== undefined && answer !== false;
    } catch {
      counters.errors++;
      return { kind: 'compute', release: NOTHING_TO_RELEASE };
    }
    if (locked) {
      const release = async () => {
        try {
          await redis.eval(RELEASE_SCRIPT, [lockKey], [token]);
        } catch {
          counters.errors++;
        }
      };
      return { kind: 'compute', release };
    }

    counters.waits++;
    const polls = Math.max(1, Math.ceil(flight.waitMs / Math.max(1, flight.pollMs)));
    for (let i = 0; i < polls; i++) {
      await sleep(flight.pollMs);
      const found = await read(cacheKey);
      if (found.hit) return { kind: 'hit', value: found.value };
      if (found.failed) break;
    }
    // The winner died, is slow, or chose not to store (tool calls): answer anyway.
    return { kind: 'compute', release: NOTHING_TO_RELEASE };
  }

  async function resolveMiss<T>(
    cacheKey: string,
    model: string,
    compute: () => T | PromiseLike<T>,
    shouldStore: ((value: T) => boolean) | undefined,
  ): Promise<CachedResult<T>> {
    const claimed = await claim(cacheKey);
    if (claimed.kind === 'hit') return { value: claimed.value as T, cached: true };
    try {
      const value = await compute();
      if (shouldStore === undefined || shouldStore(value)) await write(cacheKey, model, value);
      return { value, cached: false };
    } finally {
      await claimed.release();
    }
  }

  async function resolveStreamMiss<P, R extends { stream: ReadableStream<P> }>(
    cacheKey: string,
    model: string,
    start: () => PromiseLike<R>,
    options: StreamStoreOptions<P>,
  ): Promise<StreamOutcome<P, R>> {
    const claimed = await claim(cacheKey);
    if (claimed.kind === 'hit') return { kind: 'cached', stored: claimed.value };
    let result: R;
    try {
      result = await start();
    } catch (error) {
      await claimed.release();
      throw error;
    }
    const broadcast = new Broadcast(result.stream, async ({ ok, parts }) => {
      const stored = ok ? options.toStored(parts) : undefined;
      if (stored !== undefined) await write(cacheKey, model, stored);
      await claimed.release();
    });
    return { kind: 'live', result, broadcast };
  }

  async function cachedResult<T>(
    request: LlmRequest,
    compute: () => T | PromiseLike<T>,
    storeOptions: StoreOptions<T> = {},
  ): Promise<CachedResult<T>> {
    const cacheKey = await key(request);
    const pending = flight === undefined ? undefined : inflight.get(cacheKey);
    if (pending !== undefined) {
      counters.waits++;
      return pending as Promise<CachedResult<T>>;
    }
    const run = resolveMiss(cacheKey, request.model, compute, storeOptions.shouldStore);
    if (flight === undefined) return run;
    inflight.set(cacheKey, run);
    try {
      return await run;
    } finally {
      if (inflight.get(cacheKey) === run) inflight.delete(cacheKey);
    }
  }

  async function cachedStream<P, R extends { stream: ReadableStream<P> }>(
    request: LlmRequest,
    start: () => PromiseLike<R>,
    options: StreamStoreOptions<P>,
  ): Promise<CachedStream<P, R>> {
    const cacheKey = await key(request);
    const pending = flight === undefined ? undefined : liveStreams.get(cacheKey);
    if (pending !== undefined) {
      counters.waits++;
      return streamFrom((await pending) as StreamOutcome<P, R>);
    }
    const run = resolveStreamMiss(cacheKey, request.model, start, options);
    if (flight === undefined) return streamFrom(await run);
    const shared = run as Promise<StreamOutcome<unknown, { stream: ReadableStream<unknown> }>>;
    liveStreams.set(cacheKey, shared);
    const forget = () => {
      if (liveStreams.get(cacheKey) === shared) liveStreams.delete(cacheKey);
    };
    let outcome: StreamOutcome<P, R>;
    try {
      outcome = await run;
    } catch (error) {
      forget();
      throw error;
    }
    // Joiners share the answer until it is stored (or given up); later calls read the cache.
    if (outcome.kind === 'live') void outcome.broadcast.ended.then(forget);
    else forget();
    return streamFrom(outcome);
  }

  return {
    key,
    cachedResult,
    cachedStream,
    async cachedCompletion(request, compute, storeOptions) {
      return (await cachedResult(request, compute, storeOptions)).value;
    },
    async get<T>(request: LlmRequest): Promise<T | undefined> {
      const found = await read(await key(request));
      if (found.hit) counters.hits++;
      else counters.misses++;
      return found.hit ? (found.value as T) : undefined;
    },
    async set(request, value) {
      return write(await key(request), request.model, value);
    },
    stats: () => ({ ...counters }),
  };
}
