/** Request normalisation and hashing: equal requests must map to one key whatever their property order. */

export interface LlmRequest {
  model: string;
  messages: unknown;
  params?: Record<string, unknown> | undefined;
}

/**
 * Parameters whose value here is what providers assume when the parameter is absent, so sending it or not must
 * not split the cache. Both OpenAI (snake_case) and AI SDK (camelCase) spellings.
 */
export const NEUTRAL_DEFAULTS: Readonly<Record<string, unknown>> = {
  top_p: 1,
  topP: 1,
  presence_penalty: 0,
  presencePenalty: 0,
  frequency_penalty: 0,
  frequencyPenalty: 0,
};

export function normalizeRequest(request: LlmRequest): LlmRequest {
  const params: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(request.params ?? {})) {
    if (value === undefined || value === null) continue;
    if (Object.hasOwn(NEUTRAL_DEFAULTS, name) && NEUTRAL_DEFAULTS[name] === value) continue;
    params[name] = value;
  }
  return { model: request.model, messages: request.messages, params };
}

/** JSON with object keys sorted at every depth and undefined properties left out (as JSON.stringify does). */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (value instanceof Date) return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((item) => stableStringify(item)).join(',')}]`;
  if (value instanceof Uint8Array) return stableStringify(Array.from(value));
  const entries = Object.entries(value)
    .filter(([, v]) => v !== undefined && typeof v !== 'function')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
}

export async function sha256Hex(text: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  let hex = '';
  for (const byte of new Uint8Array(digest)) hex += byte.toString(16).padStart(2, '0');
  return hex;
}
