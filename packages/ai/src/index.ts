/**
 * AI-app helpers over a Redis-like client (`@upstash/redis` satisfies it): an LLM response cache with an
 * AI SDK middleware, conversation memory, and a rate-limit guard. Edge-safe: Web APIs only (crypto.subtle,
 * streams, Response), no Node built-ins on any import path.
 */
export * from './cache/index.ts';
export * from './guard/index.ts';
export * from './memory/index.ts';
