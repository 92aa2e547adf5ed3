/** When the next attempt of a failed delivery happens. */
import { retryHint } from './duration.ts';
import { compileRetryDelay } from './retry-delay.ts';

const DAY_MS = 86_400_000;

/** QStash's default: before retry n (1-based), min(1 day, e^(2.5·n)) seconds — 12 s, 2 m 28 s, 30 m 8 s, … */
export function defaultBackoffMs(retry: number): number {
  return Math.min(DAY_MS, Math.floor(Math.exp(2.5 * retry)) * 1000);
}

const HINT_HEADERS = ['retry-after', 'x-ratelimit-reset', 'x-ratelimit-reset-requests', 'x-ratelimit-reset-tokens'];

/**
 * The delay in ms before the next attempt, after `retried` failed ones (1 after the first failure): a hint
 * in the failed response wins when it is at most a day away, then the message's expression, then the
 * default backoff.
 */
export function nextDelayMs(
  retried: number,
  expression: string | undefined,
  responseHeaders: Headers | undefined,
  now: number,
): number {
  if (responseHeaders !== undefined)
    for (const name of HINT_HEADERS) {
      const hint = retryHint(responseHeaders.get(name), now);
      if (hint !== undefined && hint <= DAY_MS) return hint;
    }
  if (expression !== undefined) {
    const f = compileRetryDelay(expression);
    if (typeof f !== 'string') {
      const ms = f(retried - 1);
      if (Number.isFinite(ms) && ms >= 0) return Math.min(ms, DAY_MS);
    }
  }
  return defaultBackoffMs(retried);
}
