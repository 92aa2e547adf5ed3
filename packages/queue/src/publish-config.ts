/**
 * A publish request's `Upstash-*` headers (or their lower-case query twins) → the message's configuration.
 * Every other request header is dropped: only `Content-Type`, `Upstash-Forward-*` (prefix stripped) and the
 * Workflow protocol's headers reach the destination.
 */
import { parseDuration } from './duration.ts';
import { type CallbackConfig, canonicalHeader, type HeaderMap } from './message.ts';
import { compileRetryDelay } from './retry-delay.ts';

export type RequestHeaders = Record<string, string | string[] | undefined>;

export interface PublishConfig {
  method: string;
  header: HeaderMap;
  /** Absolute ms of the first attempt. */
  notBefore: number;
  retries: number;
  retryDelayExpression?: string;
  timeoutMs?: number;
  callback?: CallbackConfig;
  failureCallback?: CallbackConfig;
  deduplicationId?: string;
  contentBasedDeduplication: boolean;
  flowControlKey?: string;
  parallelism?: number;
  rate?: number;
  period?: number;
  label?: string;
  labels?: string[];
  redact?: string[];
  /** Schedules only. */
  cron?: string;
  scheduleId?: string;
  queueName?: string;
}

export interface PublishLimits {
  /** Retries when none is given (QStash's default 3). */
  defaultRetries: number;
  maxRetries: number;
  /** Longest `Upstash-Delay`/`Not-Before` distance, ms. */
  maxDelayMs: number;
  /** Longest per-attempt timeout, ms. */
  maxTimeoutMs: number;
}

export const DEFAULT_LIMITS: PublishLimits = {
  defaultRetries: 3,
  maxRetries: 20,
  maxDelayMs: 365 * 86_400_000,
  maxTimeoutMs: 2 * 3_600_000,
};

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']);

/** One value of a header (node joins repeats with ', ', which QStash keeps as one value). */
function one(h: RequestHeaders, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

/** Headers plus `upstash-*` query parameters (webhook senders cannot set headers); headers win. */
export function withQueryConfig(headers: RequestHeaders, query: URLSearchParams): RequestHeaders {
  let merged: RequestHeaders | undefined;
  for (const [k, v] of query) {
    const name = k.toLowerCase();
    if (!name.startsWith('upstash-') || headers[name] !== undefined) continue;
    merged ??= { ...headers };
    merged[name] = v;
  }
  return merged ?? headers;
}

export function parsePublishConfig(h: RequestHeaders, now: number, limits: PublishLimits): PublishConfig | string {
  const header: HeaderMap = {};
  const callbackHeader: HeaderMap = {};
  const failureHeader: HeaderMap = {};
  for (const [name, value] of Object.entries(h)) {
    if (value === undefined) continue;
    const v = Array.isArray(value) ? value.join(', ') : value;
    // Batch items carry headers in JSON, unchecked by the HTTP parser: a name or value that cannot be sent
    // would only fail at delivery, so it is refused here.
    if (/^upstash-(failure-callback-|callback-)?forward-/.test(name) || name === 'content-type') {
      const forwarded = name.replace(/^upstash-(failure-callback-|callback-)?forward-/, '');
      if (!/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(forwarded)) return `invalid header name: ${name}`;
      if (/[\r\n\0]/.test(v)) return `invalid value of header ${name}`;
    }
    if (name === 'content-type') header['Content-Type'] = [v];
    else if (name.startsWith('upstash-forward-')) header[canonicalHeader(name.slice(16))] = [v];
    else if (name.startsWith('upstash-callback-forward-')) callbackHeader[canonicalHeader(name.slice(25))] = [v];
    else if (name.startsWith('upstash-failure-callback-forward-')) failureHeader[canonicalHeader(name.slice(33))] = [v];
    else if (name.startsWith('upstash-workflow-') || name === 'upstash-feature-set')
      header[canonicalHeader(name)] = [v];
  }
  const method = (one(h, 'upstash-method') ?? 'POST').toUpperCase();
  if (!METHODS.has(method)) return `invalid Upstash-Method: ${method}`;

  let notBefore = now;
  const nb = one(h, 'upstash-not-before');
  const delay = one(h, 'upstash-delay');
  if (nb !== undefined) {
    if (!/^\d+$/.test(nb.trim())) return 'Upstash-Not-Before must be a unix time in seconds';
    notBefore = Math.max(now, Number(nb.trim()) * 1000);
  } else if (delay !== undefined) {
    const ms = parseDuration(delay);
    if (ms === undefined) return `invalid Upstash-Delay: ${delay}`;
    notBefore = now + ms;
  }
  if (notBefore - now > limits.maxDelayMs) return `delay exceeds the maximum of ${limits.maxDelayMs / 1000}s`;

  const retriesText = one(h, 'upstash-retries');
  let retries = limits.defaultRetries;
  if (retriesText !== undefined) {
    if (!/^\d+$/.test(retriesText.trim())) return `invalid Upstash-Retries: ${retriesText}`;
    retries = Number(retriesText.trim());
    if (retries > limits.maxRetries) return `Upstash-Retries exceeds the maximum of ${limits.maxRetries}`;
  }
  const retryDelayExpression = one(h, 'upstash-retry-delay');
  if (retryDelayExpression !== undefined) {
    const compiled = compileRetryDelay(retryDelayExpression);
    if (typeof compiled === 'string') return `invalid Upstash-Retry-Delay: ${compiled}`;
  }
  const timeoutText = one(h, 'upstash-timeout');
  let timeoutMs: number | undefined;
  if (timeoutText !== undefined) {
    timeoutMs = parseDuration(timeoutText);
    if (timeoutMs === undefined || timeoutMs <= 0) return `invalid Upstash-Timeout: ${timeoutText}`;
    timeoutMs = Math.min(timeoutMs, limits.maxTimeoutMs);
  }
  const config: PublishConfig = {
    method,
    header,
    notBefore,
    retries,
    contentBasedDeduplication: (one(h, 'upstash-content-based-deduplication') ?? '').toLowerCase() === 'true',
  };
  if (retryDelayExpression !== undefined) config.retryDelayExpression = retryDelayExpression;
  if (timeoutMs !== undefined) config.timeoutMs = timeoutMs;

  for (const [prefix, key, fwd] of [
    ['upstash-callback', 'callback', callbackHeader],
    ['upstash-failure-callback', 'failureCallback', failureHeader],
  ] as const) {
    const url = one(h, prefix);
    if (url === undefined) continue;
    if (!/^https?:\/\//i.test(url)) return `${canonicalHeader(prefix)} must be an http(s) URL`;
    const cb: CallbackConfig = { url, header: fwd };
    const m = one(h, `${prefix}-method`);
    if (m !== undefined) cb.method = m.toUpperCase();
    const r = one(h, `${prefix}-retries`);
    if (r !== undefined && /^\d+$/.test(r.trim())) cb.retries = Math.min(Number(r.trim()), limits.maxRetries);
    const t = one(h, `${prefix}-timeout`);
    if (t !== undefined) {
      const ms = parseDuration(t);
      if (ms !== undefined) cb.timeoutMs = Math.min(ms, limits.maxTimeoutMs);
    }
    const d = one(h, `${prefix}-delay`);
    if (d !== undefined) {
      const ms = parseDuration(d);
      if (ms !== undefined) cb.delayMs = ms;
    }
    const rd = one(h, `${prefix}-retry-delay`);
    if (rd !== undefined && typeof compileRetryDelay(rd) !== 'string') cb.retryDelayExpression = rd;
    for (const [name, value] of Object.entries(h))
      if (value !== undefined && name.startsWith(`${prefix}-workflow-`))
        cb.header[canonicalHeader(`upstash-workflow-${name.slice(prefix.length + 10)}`)] = [one(h, name) as string];
    config[key] = cb;
  }

  const dedup = one(h, 'upstash-deduplication-id');
  if (dedup !== undefined) config.deduplicationId = dedup;

  const fcKey = one(h, 'upstash-flow-control-key');
  if (fcKey !== undefined) {
    config.flowControlKey = fcKey;
    const fc = parseFlowControlValue(one(h, 'upstash-flow-control-value') ?? '');
    if (typeof fc === 'string') return fc;
    Object.assign(config, fc);
  }
  const labels = one(h, 'upstash-label');
  if (labels !== undefined) {
    const list = labels
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
    if (list.length > 0) {
      config.label = list[0] as string;
      config.labels = list;
    }
  }
  const redact = one(h, 'upstash-redact-fields');
  if (redact !== undefined)
    config.redact = redact
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
  const cron = one(h, 'upstash-cron');
  if (cron !== undefined) config.cron = cron.trim();
  const scheduleId = one(h, 'upstash-schedule-id');
  if (scheduleId !== undefined) config.scheduleId = scheduleId;
  const queueName = one(h, 'upstash-queue-name');
  if (queueName !== undefined) config.queueName = queueName;
  return config;
}

/** `parallelism=3, rate=10, period=1m` (any subset; period a duration or seconds, default 1 s) → seconds. */
export function parseFlowControlValue(text: string): { parallelism?: number; rate?: number; period?: number } | string {
  const out: { parallelism?: number; rate?: number; period?: number } = {};
  for (const part of text.split(',')) {
    const p = part.trim();
    if (p === '') continue;
    const eq = p.indexOf('=');
    const k = eq < 0 ? p : p.slice(0, eq).trim().toLowerCase();
    const v = eq < 0 ? '' : p.slice(eq + 1).trim();
    if (k === 'parallelism' || k === 'rate') {
      if (!/^\d+$/.test(v) || Number(v) < 1) return `invalid flow control ${k}: ${v}`;
      out[k] = Number(v);
    } else if (k === 'period') {
      const ms = parseDuration(v);
      if (ms === undefined || ms < 1000 || ms > 7 * 86_400_000) return `invalid flow control period: ${v}`;
      out.period = Math.round(ms / 1000);
    } else return `unknown flow control setting: ${k}`;
  }
  if (out.rate !== undefined && out.period === undefined) out.period = 1;
  return out;
}
