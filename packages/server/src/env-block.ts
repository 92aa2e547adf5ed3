/** The paste-ready `.env.local` block printed at start-up: the variables @upstash/redis and @vercel/kv read. */
import type { Tokens } from './tokens.ts';

export function envBlock(url: string, tokens: Tokens): string {
  return [
    '# Paste into .env.local (@upstash/redis: Redis.fromEnv(); @vercel/kv: kv)',
    `UPSTASH_REDIS_REST_URL="${url}"`,
    `UPSTASH_REDIS_REST_TOKEN="${tokens.token}"`,
    `KV_REST_API_URL="${url}"`,
    `KV_REST_API_TOKEN="${tokens.token}"`,
    `KV_REST_API_READ_ONLY_TOKEN="${tokens.readonlyToken}"`,
    '',
  ].join('\n');
}

/** The URL clients should use for a bound address: a wildcard bind is reached via loopback. */
export function publicUrl(host: string, port: number): string {
  const h = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${h.includes(':') ? `[${h}]` : h}:${port}`;
}
