/**
 * `npm run example:ai-chat`: Redstash (in this process, memory only) and the chat app together.
 * REDSTASH_PORT (default 8079) and PORT (default 3000); the LLM is the local fake unless OPENAI_BASE_URL is
 * set (see llm.ts). CHAT_REQUESTS_PER_MINUTE and CHAT_TOKENS_PER_DAY tune the limits.
 */
import { generateToken, startApp } from '@redstash/server';
import { Redis } from '@upstash/redis';
import { createChatApp } from './app.ts';
import { llmFromEnv } from './llm.ts';
import { serve } from './node-serve.ts';

const token = generateToken();
const redstash = await startApp({
  host: '127.0.0.1',
  port: Number(process.env.REDSTASH_PORT ?? 8079),
  token,
  qstash: false,
});
const redis = new Redis({ url: redstash.url, token, enableTelemetry: false });
const llm = llmFromEnv();
const app = createChatApp({
  redis,
  llm,
  limits: {
    requests: Number(process.env.CHAT_REQUESTS_PER_MINUTE ?? 10),
    tokensPerDay: Number(process.env.CHAT_TOKENS_PER_DAY ?? 50_000),
  },
});
const server = await serve(app.fetch, Number(process.env.PORT ?? 3000));

console.log(`Redstash    ${redstash.url}  (token ${token}, memory only)`);
console.log(
  `LLM         ${process.env.OPENAI_BASE_URL ? `${llm.model} at ${process.env.OPENAI_BASE_URL}` : 'local fake (deterministic)'}`,
);
console.log(`Chat app    ${server.url}/`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.closeAllConnections();
    server.close();
    void redstash.close().then(() => process.exit(0));
  });
}
