/**
 * A message as the queue keeps it, and the configuration a publish request's `Upstash-*` headers give it.
 * The body is kept as base64 of its exact bytes, so any payload round-trips; the API shows it as `body` when
 * it is valid UTF-8 and `bodyBase64` otherwise.
 */
import { createHash } from 'node:crypto';

export type HeaderMap = Record<string, string[]>;

export interface CallbackConfig {
  url: string;
  /** `Upstash-Callback-Forward-*`: headers sent to the callback URL. */
  header: HeaderMap;
  method?: string;
  retries?: number;
  timeoutMs?: number;
  delayMs?: number;
  retryDelayExpression?: string;
}

export interface Message {
  messageId: string;
  url: string;
  topicName?: string;
  endpointName?: string;
  method: string;
  /** Headers delivered to the destination (forwarded ones under their own names, Content-Type). */
  header: HeaderMap;
  /** Base64 of the body's bytes. */
  body: string;
  maxRetries: number;
  retryDelayExpression?: string;
  notBefore: number;
  createdAt: number;
  timeoutMs?: number;
  callback?: CallbackConfig;
  failureCallback?: CallbackConfig;
  queueName?: string;
  scheduleId?: string;
  callerIp: string;
  flowControlKey?: string;
  parallelism?: number;
  rate?: number;
  /** Seconds. */
  period?: number;
  label?: string;
  labels?: string[];
  deduplicationId?: string;
  redact?: string[];
  /** Failed attempts so far. */
  retried: number;
  /** For a callback message: what it reports on. */
  callbackOf?: string;
  /** For a final callback of a queued message: the queue whose slot it holds until it finishes. */
  slotOf?: string;
}

/** Canonical header names as Go's net/http prints them: `content-type` → `Content-Type`. */
export function canonicalHeader(name: string): string {
  return name
    .toLowerCase()
    .split('-')
    .map((p) => (p.length === 0 ? p : p[0]?.toUpperCase() + p.slice(1)))
    .join('-');
}

/** The body for the API: text when it is valid UTF-8, else base64. */
export function bodyFields(base64: string): { body?: string; bodyBase64?: string } {
  if (base64 === '') return {};
  const bytes = Buffer.from(base64, 'base64');
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  return Buffer.from(text, 'utf8').equals(bytes) ? { body: text } : { bodyBase64: base64 };
}

/** The message as `GET /v2/messages/{id}` shows it (absent optional fields omitted). */
export function messageJson(m: Message): Record<string, unknown> {
  const out: Record<string, unknown> = {
    messageId: m.messageId,
    url: m.url,
    method: m.method,
    header: m.header,
    ...bodyFields(m.body),
    maxRetries: m.maxRetries,
    notBefore: m.notBefore,
    createdAt: m.createdAt,
    callerIp: m.callerIp,
  };
  if (m.topicName !== undefined) out.topicName = m.topicName;
  if (m.endpointName !== undefined) out.endpointName = m.endpointName;
  if (m.retryDelayExpression !== undefined) out.retryDelayExpression = m.retryDelayExpression;
  if (m.callback !== undefined) out.callback = m.callback.url;
  if (m.failureCallback !== undefined) out.failureCallback = m.failureCallback.url;
  if (m.queueName !== undefined) out.queueName = m.queueName;
  if (m.scheduleId !== undefined) out.scheduleId = m.scheduleId;
  if (m.flowControlKey !== undefined) out.flowControlKey = m.flowControlKey;
  if (m.parallelism !== undefined) out.parallelism = m.parallelism;
  if (m.rate !== undefined) out.rate = m.rate;
  if (m.period !== undefined) out.period = m.period;
  if (m.label !== undefined) out.label = m.label;
  if (m.labels !== undefined) out.labels = m.labels;
  return redacted(m, out);
}

/** `Upstash-Redact-Fields`: shown as `REDACTED:<sha256>` in API output, delivered as they are. */
function redacted(m: Message, out: Record<string, unknown>): Record<string, unknown> {
  if (m.redact === undefined) return out;
  const hash = (s: string) => `REDACTED:${createHash('sha256').update(s).digest('hex')}`;
  for (const field of m.redact) {
    if (field === 'body' && out.body !== undefined) out.body = hash(out.body as string);
    if (field === 'body' && out.bodyBase64 !== undefined) out.bodyBase64 = hash(out.bodyBase64 as string);
    if (field === 'header' || field === 'headers') {
      const h: HeaderMap = {};
      for (const [k, v] of Object.entries(m.header)) h[k] = v.map(hash);
      out.header = h;
    }
    const one = /^headers?\[(.+)\]$/.exec(field);
    if (one !== null) {
      const name = canonicalHeader(one[1] as string);
      const h = { ...(out.header as HeaderMap) };
      if (h[name] !== undefined) h[name] = (h[name] as string[]).map(hash);
      out.header = h;
    }
  }
  return out;
}
