/**
 * The paste-ready `.env.local` block printed at start-up: the variables @upstash/redis, @vercel/kv and (with
 * the queue on) @upstash/qstash read.
 */
import type { QstashCredentials } from './qstash.ts';
import type { Tokens } from './tokens.ts';

/** The queue's URL (its own port's when it has one) and credentials. */
export type QstashEnv = QstashCredentials & { url: string };

export function envBlock(url: string, tokens: Tokens, qstash?: QstashEnv): string {
  const lines = [
    `# Paste into .env.local (@upstash/redis: Redis.fromEnv(); @vercel/kv: kv${qstash === undefined ? '' : '; @upstash/qstash: new Client(), new Receiver()'})`,
    `UPSTASH_REDIS_REST_URL="${url}"`,
    `UPSTASH_REDIS_REST_TOKEN="${tokens.token}"`,
    `KV_REST_API_URL="${url}"`,
    `KV_REST_API_TOKEN="${tokens.token}"`,
    `KV_REST_API_READ_ONLY_TOKEN="${tokens.readonlyToken}"`,
  ];
  if (qstash !== undefined)
    lines.push(
      `QSTASH_URL="${qstash.url}"`,
      `QSTASH_TOKEN="${qstash.token}"`,
      `QSTASH_CURRENT_SIGNING_KEY="${qstash.currentSigningKey}"`,
      `QSTASH_NEXT_SIGNING_KEY="${qstash.nextSigningKey}"`,
    );
  lines.push('');
  return lines.join('\n');
}

/** The URL clients should use for a bound address: a wildcard bind is reached via loopback. */
export function publicUrl(host: string, port: number): string {
  const h = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${h.includes(':') ? `[${h}]` : h}:${port}`;
}
