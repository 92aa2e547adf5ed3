/**
 * The chat app: `GET /` serves the page, `POST /api/chat` answers `{ sessionId, message }` for the user in
 * `x-user-id` (a stand-in for a real session; anonymous callers are limited by IP). All state lives in Redis
 * through the three @redstash/ai helpers: the guard (requests per user or IP, tokens per user per day),
 * the memory (the conversation's recent turns, with a TTL) and the cache (same model + same window of
 * messages → the stored reply, no LLM call).
 */
import { createLlmCache } from '@redstash/ai/cache';
import { createGuard } from '@redstash/ai/guard';
import { createMemory } from '@redstash/ai/memory';
import { Ratelimit } from '@upstash/ratelimit';
import type { Redis } from '@upstash/redis';
import { Hono } from 'hono';
import type { ChatMessage, Completion, Llm } from './llm.ts';
import { PAGE } from './page.ts';

export interface ChatLimits {
  /** Chat requests per user (or per IP for anonymous callers) per `window`. Default 10. */
  requests?: number;
  /** An @upstash/ratelimit duration. Default '1 m'. */
  window?: Parameters<typeof Ratelimit.fixedWindow>[1];
  /** Model tokens per user per day. Default 50 000. */
  tokensPerDay?: number;
}

export interface ChatAppOptions {
  redis: Redis;
  llm: Llm;
  limits?: ChatLimits;
  /** Conversation turns live this long after the last message. Default one day. */
  memoryTtlSeconds?: number;
  /** Cached replies live this long. Default one hour. */
  cacheTtlSeconds?: number;
  system?: string;
  /** Key prefix for everything the app stores. Default 'ai-chat'. */
  prefix?: string;
}

const SYSTEM = 'You are a concise assistant.';
const MAX_MESSAGE = 4000;

export function createChatApp(options: ChatAppOptions) {
  const { redis, llm, limits = {} } = options;
  const prefix = options.prefix ?? 'ai-chat';
  const limiter = (name: string, tokens: number, window: NonNullable<ChatLimits['window']>) =>
    new Ratelimit({ redis, limiter: Ratelimit.fixedWindow(tokens, window), prefix: `${prefix}:rl:${name}` });
  const requests = limits.requests ?? 10;
  const window = limits.window ?? '1 m';
  const guard = createGuard({
    user: limiter('user', requests, window),
    ip: limiter('ip', requests, window),
    tokens: limiter('tokens', limits.tokensPerDay ?? 50_000, '1 d'),
  });
  const cache = createLlmCache({
    redis,
    namespace: `${prefix}:llm`,
    ttlSeconds: { default: options.cacheTtlSeconds ?? 3600 },
  });
  const memory = createMemory<ChatMessage>({
    redis,
    prefix: `${prefix}:chat:`,
    maxMessages: 20,
    ttlSeconds: options.memoryTtlSeconds ?? 86_400,
  });
  const system: ChatMessage = { role: 'system', content: options.system ?? SYSTEM };
  const app = new Hono();

  app.get('/', (c) => c.html(PAGE));

  app.post('/api/chat', async (c) => {
    const body = (await c.req.json().catch(() => null)) as { sessionId?: unknown; message?: unknown } | null;
    const sessionId = typeof body?.sessionId === 'string' ? body.sessionId : '';
    const message = typeof body?.message === 'string' ? body.message.trim() : '';
    if (!/^[\w-]{1,64}$/.test(sessionId)) return c.json({ error: 'sessionId: 1-64 letters, digits, - or _' }, 400);
    if (!message || message.length > MAX_MESSAGE) return c.json({ error: `message: 1-${MAX_MESSAGE} characters` }, 400);
    const userId = c.req.header('x-user-id') || undefined;

    // Limit, budget and history are independent reads: issued together, @upstash/redis's auto-pipelining
    // sends them in one round trip. The history read is wasted on a refusal, which is the rare case.
    const budgetKey = userId ?? `ip:${guard.identify(c.req.raw).identifier}`;
    const [refused, broke, history] = await Promise.all([
      guard.check(c.req.raw, { userId }),
      // Budget left? A spend of 0 is refused once an earlier reply took the total past the day's budget.
      guard.spendTokens(budgetKey, 0),
      memory.get(sessionId, { last: 20 }),
    ]);
    if (refused) return refused;
    if (broke) return broke;

    // The window the model sees is the cache key too: the same prompt in another context is another key.
    const messages = [system, ...history, { role: 'user', content: message } satisfies ChatMessage];
    const { value, cached } = await cache.cachedResult<Completion>({ model: llm.model, messages }, () =>
      llm.complete(messages),
    );
    await Promise.all([
      memory.append(sessionId, { role: 'user', content: message }, { role: 'assistant', content: value.text }),
      // A cached reply cost no model tokens, so it is not billed.
      cached ? null : guard.spendTokens(budgetKey, value.tokens),
    ]);
    return c.json({ reply: value.text, cached });
  });

  return Object.assign(app, { cache, memory });
}
