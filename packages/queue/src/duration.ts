/**
 * The time formats QStash accepts: `Upstash-Delay` (`50s`, `1d10h30m`), `Upstash-Timeout`, flow-control
 * periods (a duration or bare seconds), and the retry hints of a failed response (`Retry-After` as seconds
 * or an HTTP date, Go durations such as `6m5s`).
 */

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};
// Go's time.Duration units too (`20ms`, `150us` in rate-limit headers); longest units first.
const PART = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d)/y;

/** `<n><unit>` concatenated (units ms s m h d) → ms; undefined when malformed. A bare number is seconds. */
export function parseDuration(text: string): number | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  if (/^\d+$/.test(t)) return Number(t) * 1000;
  let total = 0;
  PART.lastIndex = 0;
  let pos = 0;
  while (pos < t.length) {
    PART.lastIndex = pos;
    const m = PART.exec(t);
    if (m === null) return undefined;
    total += Number(m[1]) * (UNIT_MS[m[2] as string] as number);
    pos = PART.lastIndex;
  }
  return Math.round(total);
}

/**
 * When a failed destination says to retry (`Retry-After`, `X-RateLimit-Reset…`): seconds, an HTTP date, or a
 * Go duration; the delay in ms from `now`, or undefined when absent or unreadable.
 */
export function retryHint(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const asDuration = parseDuration(v);
  if (asDuration !== undefined) return asDuration;
  // Only HTTP-date forms (IMF-fixdate, RFC 850, asctime: a month name and hh:mm:ss): Date.parse also takes
  // junk such as "-5" or "x-1" as dates in 2001, which would make every retry immediate.
  if (!/\d{1,2}:\d{2}:\d{2}/.test(v) || !/(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)/i.test(v)) return undefined;
  const date = Date.parse(v);
  if (!Number.isNaN(date)) return Math.max(0, date - now);
  return undefined;
}
