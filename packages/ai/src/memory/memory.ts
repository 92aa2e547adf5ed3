/**
 * Conversation memory over a Redis LIST: append (push + cap + TTL in one script, one round trip), windowed
 * reads (LRANGE of the last n only), an optional token budget with summarising compaction, and a
 * LangChain-compatible layout so `UpstashRedisChatMessageHistory` (JS or Python) shares the same history.
 */
import { fromStoredMessage, type MemoryMessage, toStoredMessage } from './messages.ts';
import { APPEND_SCRIPT, COMPACT_SCRIPT, type MemoryRedis, READ_RAW_SCRIPT } from './redis.ts';

/**
 * - `redstash`: RPUSH oldest-first, each element the message's own JSON, key `prefix + sessionId`.
 * - `langchain-js`: LPUSH newest-first `StoredMessage` JSON under the bare session id.
 * - `langchain-py`: the same under `message_store:` + session id (LangChain Python's `key_prefix`).
 */
export type MemoryLayout = 'redstash' | 'langchain-js' | 'langchain-py';

export interface TokenBudget<M> {
  /** Most tokens `get` returns, counted by `count` over the most recent messages. */
  max: number;
  count(message: M): number;
  /** Turns the overflow (oldest first) into one message; enables `compact`. */
  summarize?(messages: M[]): Promise<M>;
}

export interface MemoryOptions<M> {
  redis: MemoryRedis;
  /** Key prefix. Default per layout: 'chat:' (redstash), '' (langchain-js), 'message_store:' (langchain-py). */
  prefix?: string;
  /** Messages kept per session; older ones are trimmed on append. Default 20; 0 or Infinity keeps all. */
  maxMessages?: number;
  /** Refreshed on every append and compaction. Default: no TTL. */
  ttlSeconds?: number;
  layout?: MemoryLayout;
  /** Overrides the key entirely (the prefix is then not applied). */
  keyFn?: (sessionId: string) => string;
  tokenBudget?: TokenBudget<M>;
}

export interface GetOptions {
  /** Read only the last n messages (one LRANGE of that window). */
  last?: number;
}

export interface CompactResult {
  /** How many old messages the summary replaced (0: nothing over budget). */
  summarized: number;
  /** The stored length afterwards. */
  length: number;
}

export interface Memory<M> {
  readonly layout: MemoryLayout;
  key(sessionId: string): string;
  /** Appends in order, trims to the cap and refreshes the TTL atomically; resolves to the new length. */
  append(sessionId: string, ...messages: M[]): Promise<number>;
  /**
   * Chronological; the most recent `last` only, then cut to the token budget if one is set. Never starts
   * with a `tool` message whose call was cut off.
   */
  get(sessionId: string, options?: GetOptions): Promise<M[]>;
  clear(sessionId: string): Promise<void>;
  /** Replaces the oldest messages that overflow the token budget with one `summarize` message. */
  compact(sessionId: string): Promise<CompactResult>;
}

/**
 * Where a history cut at `start` may begin: past any `tool` messages there, whose assistant tool call fell
 * outside the cut (a window, the budget, or the cap). Providers refuse a tool result that answers no call
 * (OpenAI: "messages with role 'tool' must be a response to a preceding message with 'tool_calls'").
 */
function withoutOrphans(messages: readonly MemoryMessage[], start: number): number {
  let i = start;
  while (i < messages.length && (messages[i] as MemoryMessage).role === 'tool') i++;
  return i;
}

const DEFAULT_PREFIX: Record<MemoryLayout, string> = {
  redstash: 'chat:',
  'langchain-js': '',
  'langchain-py': 'message_store:',
};

/** A concurrent append may trim what compaction read; re-read and retry this many times. */
const COMPACT_ATTEMPTS = 5;

export function createMemory<M extends MemoryMessage = MemoryMessage>(options: MemoryOptions<M>): Memory<M> {
  const { redis, tokenBudget } = options;
  const layout = options.layout ?? 'redstash';
  const prefix = options.prefix ?? DEFAULT_PREFIX[layout];
  const cap = options.maxMessages === undefined ? 20 : Number.isFinite(options.maxMessages) ? options.maxMessages : 0;
  if (!Number.isInteger(cap) || cap < 0) throw new RangeError('maxMessages must be a non-negative integer');
  const ttl = options.ttlSeconds ?? 0;
  if (!Number.isInteger(ttl) || ttl < 0) throw new RangeError('ttlSeconds must be a non-negative integer');
  const keyOf = options.keyFn ?? ((sessionId: string) => prefix + sessionId);
  const oldestFirst = layout === 'redstash';
  const dir = oldestFirst ? 'r' : 'l';

  const encode = (message: M): string => JSON.stringify(oldestFirst ? message : toStoredMessage(message));
  const decode = (element: unknown): M | undefined => {
    let value = element;
    if (typeof value === 'string') {
      try {
        value = JSON.parse(value);
      } catch {
        return undefined;
      }
    }
    if (!oldestFirst) return fromStoredMessage(value) as M | undefined;
    return typeof value === 'object' && value !== null ? (value as M) : undefined;
  };
  const decodeAll = (elements: unknown[]): M[] => {
    const chronological = oldestFirst ? elements : [...elements].reverse();
    const out: M[] = [];
    for (const element of chronological) {
      const message = decode(element);
      if (message !== undefined) out.push(message);
    }
    return out;
  };

  /** How many of the newest messages fit the budget, not counting tool results cut off from their call. */
  const fitting = (messages: M[], budget: TokenBudget<M>): number => {
    let used = 0;
    let kept = 0;
    for (let i = messages.length - 1; i >= 0; i--) {
      used += budget.count(messages[i] as M);
      if (used > budget.max) break;
      kept++;
    }
    return messages.length - withoutOrphans(messages, messages.length - kept);
  };

  return {
    layout,
    key: keyOf,

    async append(sessionId, ...messages) {
      const args: (string | number)[] = [dir, cap, ttl];
      for (const message of messages) args.push(encode(message));
      return Number(await redis.eval(APPEND_SCRIPT, [keyOf(sessionId)], args));
    },

    async get(sessionId, getOptions = {}) {
      const { last } = getOptions;
      if (last !== undefined && (!Number.isInteger(last) || last < 0)) {
        throw new RangeError('last must be a non-negative integer');
      }
      if (last === 0) return [];
      const key = keyOf(sessionId);
      // Only the window crosses the wire: negative indices from the tail for oldest-first lists,
      // the head for LangChain's newest-first ones.
      const elements =
        last === undefined
          ? await redis.lrange(key, 0, -1)
          : oldestFirst
            ? await redis.lrange(key, -last, -1)
            : await redis.lrange(key, 0, last - 1);
      const messages = decodeAll(elements);
      const start = tokenBudget ? messages.length - fitting(messages, tokenBudget) : withoutOrphans(messages, 0);
      return start === 0 ? messages : messages.slice(start);
    },

    async clear(sessionId) {
      await redis.del(keyOf(sessionId));
    },

    async compact(sessionId) {
      if (!tokenBudget?.summarize) throw new Error('compact needs tokenBudget.summarize');
      const key = keyOf(sessionId);
      for (let attempt = 0; attempt < COMPACT_ATTEMPTS; attempt++) {
        const reply = await redis.eval(READ_RAW_SCRIPT, [key], []);
        const raw = (typeof reply === 'string' ? JSON.parse(reply) : reply) as unknown;
        const elements = Array.isArray(raw) ? raw.map(String) : [];
        const chronological = oldestFirst ? elements : [...elements].reverse();
        const decoded = chronological.map((element) => decode(element));
        const messages = decoded.filter((m): m is M => m !== undefined);
        const keep = fitting(messages, tokenBudget);
        if (keep === messages.length) return { summarized: 0, length: elements.length };
        // Cut in raw-element terms so undecodable elements among the overflow go with it.
        let overflowRaw = 0;
        for (let seen = 0, i = 0; i < decoded.length && seen < messages.length - keep; i++) {
          overflowRaw = i + 1;
          if (decoded[i] !== undefined) seen++;
        }
        const overflow = messages.slice(0, messages.length - keep);
        const summary = await tokenBudget.summarize(overflow);
        const args: (string | number)[] = [dir, ttl, encode(summary), ...chronological.slice(0, overflowRaw)];
        const length = Number(await redis.eval(COMPACT_SCRIPT, [key], args));
        if (length >= 0) return { summarized: overflow.length, length };
      }
      throw new Error(`compact: history of ${key} kept changing; gave up after ${COMPACT_ATTEMPTS} attempts`);
    },
  };
}
