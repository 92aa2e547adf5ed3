/**
 * LLM response cache over a Redis-like client: `createLlmCache` (keys, TTLs, single-flight, stats) and
 * `llmCacheMiddleware` for the AI SDK's `wrapLanguageModel`.
 */
export {
  type CachedResult,
  type CachedStream,
  createLlmCache,
  type LlmCache,
  type LlmCacheOptions,
  type LlmCacheStats,
  type SingleFlightOptions,
  type StoreOptions,
  type StreamStoreOptions,
} from './cache.ts';
export { type LlmRequest, NEUTRAL_DEFAULTS, normalizeRequest, sha256Hex, stableStringify } from './key.ts';
export { llmCacheMiddleware, replayStream, requestFromCall } from './middleware.ts';
export type { CacheRedis } from './redis.ts';
