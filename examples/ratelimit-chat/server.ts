/**
 * Runs the chat example: `node --env-file=.env.local --import tsx examples/ratelimit-chat/server.ts`.
 * UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN come from the environment (Redstash's `npm start`
 * prints them); PORT defaults to 3000.
 */
import { createServer } from 'node:http';
import { Redis } from '@upstash/redis';
import { createChatHandler, createChatLimits } from './chat.ts';

const port = Number(process.env.PORT ?? 3000);
const server = createServer(createChatHandler(createChatLimits(Redis.fromEnv())));
server.listen(port, '127.0.0.1', () => {
  console.log(`chat example on http://127.0.0.1:${port}/api/chat`);
});
