/**
 * The few Redis calls the cache makes, declared structurally so that an `@upstash/redis` `Redis` instance (or
 * any client with the same shapes) fits without this package importing it.
 */
export interface CacheRedis {
  get(key: string): Promise<unknown>;
  set(key: string, value: string, opts?: { ex: number } | { nx: true; px: number }): Promise<unknown>;
  eval(script: string, keys: string[], args: string[]): Promise<unknown>;
}

/** Deletes the lock only while it still holds our token, so a lock that expired and was re-taken survives. */
export const RELEASE_SCRIPT =
  "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";
