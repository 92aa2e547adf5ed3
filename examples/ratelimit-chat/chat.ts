/**
 * An `/api/chat` route guarded the way chat apps on Upstash usually do it: 10 messages a minute per user
 * and 100 an hour per IP, both sliding windows from the real `@upstash/ratelimit`. Nothing here knows
 * about Redstash: point the Redis client at it and the limits live there.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Ratelimit } from '@upstash/ratelimit';
import type { Redis } from '@upstash/redis';

export interface ChatLimits {
  perUser: Ratelimit;
  perIp: Ratelimit;
}

export function createChatLimits(redis: Redis): ChatLimits {
  return {
    perUser: new Ratelimit({ redis, limiter: Ratelimit.slidingWindow(10, '1 m'), prefix: 'chat:user' }),
    perIp: new Ratelimit({ redis, limiter: Ratelimit.slidingWindow(100, '1 h'), prefix: 'chat:ip' }),
  };
}

export interface Verdict {
  allowed: boolean;
  /** X-RateLimit-* for the limit closest to refusing (the one that refused, when one did). */
  headers: Record<string, string>;
}

/**
 * Checks the IP first, so a flood from one address does not also use up its users' allowances, then the
 * user. A timeout inside the library answers `success: true` (it fails open after 5 s by default).
 */
export async function guardChat(limits: ChatLimits, who: { userId: string; ip: string }): Promise<Verdict> {
  const byIp = await limits.perIp.limit(who.ip);
  const verdict = byIp.success ? await limits.perUser.limit(who.userId) : byIp;
  const shown = verdict.success && byIp.remaining < verdict.remaining ? byIp : verdict;
  const headers: Record<string, string> = {
    'X-RateLimit-Limit': String(shown.limit),
    'X-RateLimit-Remaining': String(shown.remaining),
    // Unix time in milliseconds, as the library reports it.
    'X-RateLimit-Reset': String(shown.reset),
  };
  if (!verdict.success) headers['Retry-After'] = String(Math.max(0, Math.ceil((verdict.reset - Date.now()) / 1000)));
  return { allowed: verdict.success, headers };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** The HTTP handler: `POST /api/chat` with an `x-user-id` header (stand-in for a real session). */
export function createChatHandler(limits: ChatLimits): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    req.resume();
    void (async () => {
      if (req.url !== '/api/chat' || req.method !== 'POST') return send(res, 404, { error: 'Not found' });
      const userId = req.headers['x-user-id'];
      if (typeof userId !== 'string' || userId === '') return send(res, 400, { error: 'x-user-id header required' });
      // The socket's address: behind a proxy, take the client address the proxy reports instead.
      const ip = req.socket.remoteAddress ?? 'unknown';
      const { allowed, headers } = await guardChat(limits, { userId, ip });
      if (!allowed) return send(res, 429, { error: 'Too many requests' }, headers);
      send(res, 200, { reply: `Hello ${userId}, your message was received.` }, headers);
    })().catch((err: unknown) => {
      console.error('chat request failed', err);
      if (!res.headersSent) send(res, 500, { error: 'Internal error' });
      else res.destroy();
    });
  };
}
