/**
 * A rate-limit guard for an AI route: the user's limiter when the caller is known, the IP's otherwise, and
 * a refusal turned into a ready 429 `Response`. It takes limiters structurally, so `@upstash/ratelimit`'s
 * `Ratelimit` fits without this package importing it.
 *
 * `X-RateLimit-Reset` is the Unix time in milliseconds at which the window resets, exactly the `reset`
 * that `@upstash/ratelimit` reports (its docs: "Unix timestamp in milliseconds"); `Retry-After` is the
 * same moment as whole seconds from now, rounded up, as HTTP requires.
 */

export interface LimitResult {
  success: boolean;
  limit: number;
  remaining: number;
  /** Unix time in milliseconds when the window resets. */
  reset: number;
}

export interface LimiterLike {
  limit(identifier: string, opts?: { rate?: number }): Promise<LimitResult>;
}

export interface GuardOptions {
  /** Keyed by user id, used whenever one is known. */
  user: LimiterLike;
  /** Keyed by client address, used for anonymous callers. */
  ip: LimiterLike;
  /** Tokens per user per period (e.g. `Ratelimit.fixedWindow(100_000, '1 d')`), spent with `rate: n`. */
  tokens?: LimiterLike;
  /** For `Retry-After`; default `Date.now` (the ratelimit library computes windows from it too). */
  now?: () => number;
  /** The 429 body's `error` text. */
  message?: string;
}

export interface CheckOptions {
  userId?: string | undefined;
}

export interface Guard {
  /** `null` when allowed, else a 429 `Response` to return as is. */
  check(request: Request, options?: CheckOptions): Promise<Response | null>;
  /**
   * Counts `n` tokens against the user's budget: `null` while within it, else a 429. With
   * `@upstash/ratelimit`'s fixed window the spend that crosses the budget is refused yet still counted, so
   * `spendTokens(userId, 0)` before an LLM call answers "any budget left?" and spending the real usage
   * after it settles the bill.
   */
  spendTokens(userId: string, n: number): Promise<Response | null>;
  /** Which limiter `check` would use, and under which identifier (the user id or the address). */
  identify(request: Request, options?: CheckOptions): { limiter: 'user' | 'ip'; identifier: string };
}

/** The first `X-Forwarded-For` entry (the client, as the nearest proxy saw it), else `X-Real-IP`. */
export function clientIp(request: Request): string | undefined {
  const forwarded = request.headers.get('x-forwarded-for')?.split(',')[0]?.trim();
  if (forwarded) return forwarded;
  return request.headers.get('x-real-ip')?.trim() || undefined;
}

export function rateLimitHeaders(result: LimitResult): Record<string, string> {
  return {
    'X-RateLimit-Limit': String(result.limit),
    'X-RateLimit-Remaining': String(result.remaining),
    'X-RateLimit-Reset': String(result.reset),
  };
}

export function tooManyRequests(result: LimitResult, now: number, message = 'Too many requests'): Response {
  const retryAfter = Math.max(0, Math.ceil((result.reset - now) / 1000));
  return new Response(JSON.stringify({ error: message }), {
    status: 429,
    headers: {
      'content-type': 'application/json',
      ...rateLimitHeaders(result),
      'Retry-After': String(retryAfter),
    },
  });
}

export function createGuard(options: GuardOptions): Guard {
  const now = options.now ?? (() => Date.now());
  const refuse = (result: LimitResult) => (result.success ? null : tooManyRequests(result, now(), options.message));

  function identify(request: Request, opts: CheckOptions = {}) {
    if (opts.userId) return { limiter: 'user' as const, identifier: opts.userId };
    // Callers with no address at all share one bucket rather than escaping the limit.
    return { limiter: 'ip' as const, identifier: clientIp(request) ?? 'unknown' };
  }

  return {
    identify,
    async check(request, opts) {
      const { limiter, identifier } = identify(request, opts);
      return refuse(await options[limiter].limit(identifier));
    },
    async spendTokens(userId, n) {
      if (!options.tokens) throw new Error('createGuard: spendTokens needs a `tokens` limiter');
      if (!Number.isInteger(n) || n < 0)
        throw new RangeError(`spendTokens: n must be a non-negative integer, got ${n}`);
      return refuse(await options.tokens.limit(userId, { rate: n }));
    },
  };
}
