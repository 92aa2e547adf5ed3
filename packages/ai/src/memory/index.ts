/**
 * Conversation memory: `createMemory({ redis, maxMessages, ttlSeconds, layout })` with atomic append,
 * windowed reads, a token budget with summarising compaction, AI SDK `UIMessage` support and a
 * LangChain-compatible layout.
 */
export {
  type CompactResult,
  createMemory,
  type GetOptions,
  type Memory,
  type MemoryLayout,
  type MemoryOptions,
  type TokenBudget,
} from './memory.ts';
export {
  fromStoredMessage,
  isUIMessage,
  type LangChainStoredMessage,
  type MemoryMessage,
  type MessageRole,
  type PlainMessage,
  toStoredMessage,
  type UIMessageLike,
  uiMessageText,
} from './messages.ts';
export type { MemoryRedis } from './redis.ts';
