/**
 * The rate-limit workload shared by every part of the benchmark: limit 10 per 10 s, identifiers spread over
 * 100 users, ephemeral cache and analytics off. The Lua scripts and the exact KEYS/ARGV come from the
 * installed @upstash/ratelimit itself: a stand-in redis answers its EVALSHA with NOSCRIPT, so the library
 * falls back to EVAL and hands over the script body.
 */

import { Ratelimit } from '@upstash/ratelimit';
import type { Redis } from '@upstash/redis';

export const LIMIT = 10;
export const WINDOW_MS = 10_000;
export const USERS = 100;
export const identifiers = Array.from({ length: USERS }, (_, i) => `user-${i}`);

export type Algorithm = 'slidingWindow' | 'tokenBucket';
export const ALGORITHMS: readonly Algorithm[] = ['slidingWindow', 'tokenBucket'];

export function limiter(algorithm: Algorithm) {
  return algorithm === 'slidingWindow'
    ? Ratelimit.slidingWindow(LIMIT, '10 s')
    : Ratelimit.tokenBucket(LIMIT, '10 s', LIMIT);
}

export function newRatelimit(redis: Redis, algorithm: Algorithm, prefix: string): Ratelimit {
  return new Ratelimit({ redis, limiter: limiter(algorithm), ephemeralCache: false, analytics: false, prefix });
}

/** EVALSHA's arguments after the hash, as the library builds them for `identifier` at time `now`. */
export function scriptArgs(algorithm: Algorithm, prefix: string, identifier: string, now: number): string[] {
  const key = `${prefix}:${identifier}`;
  if (algorithm === 'slidingWindow') {
    const w = Math.floor(now / WINDOW_MS);
    return ['2', `${key}:${w}`, `${key}:${w - 1}`, String(LIMIT), String(now), String(WINDOW_MS), '1'];
  }
  return ['1', key, String(LIMIT), String(WINDOW_MS), String(LIMIT), String(now), '1'];
}

export interface LimitScript {
  algorithm: Algorithm;
  body: string;
  /** The hash the library sends with EVALSHA. */
  sha: string;
}

/**
 * The script limit() runs, taken from one call through a stand-in redis; throws if the library's
 * KEYS/ARGV differ from what `scriptArgs` builds, since the in-engine figures would then not be its workload.
 */
export async function captureLimitScript(algorithm: Algorithm): Promise<LimitScript> {
  let sha = '';
  let seen: { body: string; keys: unknown[]; args: unknown[] } | undefined;
  const standIn = {
    evalsha: async (hash: string) => {
      sha = hash;
      throw new Error('NOSCRIPT No matching script. Please use EVAL.');
    },
    eval: async (body: string, keys: unknown[], args: unknown[]) => {
      seen = { body, keys, args };
      return algorithm === 'slidingWindow' ? [LIMIT - 1, LIMIT] : [LIMIT - 1, Date.now() + WINDOW_MS, LIMIT];
    },
  };
  const prefix = 'capture';
  await newRatelimit(standIn as unknown as Redis, algorithm, prefix).limit('someone');
  if (seen === undefined) throw new Error(`${algorithm}: limit() sent no script`);
  const now = Number(seen.args[algorithm === 'slidingWindow' ? 1 : 3]);
  const sent = [String(seen.keys.length), ...seen.keys.map(String), ...seen.args.map(String)];
  const ours = scriptArgs(algorithm, prefix, 'someone', now);
  if (JSON.stringify(sent) !== JSON.stringify(ours)) {
    throw new Error(`${algorithm}: library sent ${JSON.stringify(sent)}, workload builds ${JSON.stringify(ours)}`);
  }
  return { algorithm, body: seen.body, sha };
}
