/**
 * The LLM response cache: sha256 keys over a normalised request, a TTL per model, and single-flight on a miss
 * (in-process by sharing one promise per key, across processes with a `SET NX PX` lock). Redis trouble is
 * counted and otherwise ignored: the caller always gets an answer, computed if need be.
 */
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

export interface LlmCache {
  key(request: LlmRequest): Promise<string>;
  cachedCompletion<T>(request: LlmRequest, compute: () => T | PromiseLike<T>, options?: StoreOptions<T>): Promise<T>;
  /** As `cachedCompletion`, also telling whether the value came from the cache. */
  cachedResult<T>(
    request: LlmRequest,
    compute: () => T | PromiseLike<T>,
    options?: StoreOptions<T>,
  ): Promise<CachedResult<T>>;
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

  async function computeAndStore<T>(
    cacheKey: string,
    model: string,
    compute: () => T | PromiseLike<T>,
    shouldStore: ((value: T) => boolean) | undefined,
  ): Promise<CachedResult<T>> {
    const value = await compute();
    if (shouldStore === undefined || shouldStore(value)) await write(cacheKey, model, value);
    return { value, cached: false };
  }

  async function resolveMiss<T>(
    cacheKey: string,
    model: string,
    compute: () => T | PromiseLike<T>,
    shouldStore: ((value: T) => boolean) | undefined,
  ): Promise<CachedResult<T>> {
    const first = await read(cacheKey);
    if (first.hit) {
      counters.hits++;
      return { value: first.value as T, cached: true };
    }
    counters.misses++;
    if (flight === undefined) return computeAndStore(cacheKey, model, compute, shouldStore);

    const lockKey = `${cacheKey}:lock`;
    const token = globalThis.crypto.randomUUID();
    let locked: boolean;
    try {
      const answer = await redis.set(lockKey, token, { nx: true, px: flight.lockTtlMs });
      locked = answer !== null && answer !== undefined && answer !== false;
    } catch {
      counters.errors++;
      return computeAndStore(cacheKey, model, compute, shouldStore);
    }
    if (locked) {
      try {
        return await computeAndStore(cacheKey, model, compute, shouldStore);
      } finally {
        try {
          await redis.eval(RELEASE_SCRIPT, [lockKey], [token]);
        } catch {
          counters.errors++;
        }
      }
    }

    counters.waits++;
    const polls = Math.max(1, Math.ceil(flight.waitMs / Math.max(1, flight.pollMs)));
    for (let i = 0; i < polls; i++) {
      await sleep(flight.pollMs);
      const found = await read(cacheKey);
      if (found.hit) return { value: found.value as T, cached: true };
      if (found.failed) break;
    }
    // The winner died, is slow, or chose not to store (tool calls): answer anyway.
    return computeAndStore(cacheKey, model, compute, shouldStore);
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

  return {
    key,
    cachedResult,
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
