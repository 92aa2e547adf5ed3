/**
 * The model behind the chat: a deterministic local fake by default (no network, same prompt → same reply,
 * so caching is visible and tests are exact), or any OpenAI-compatible `/chat/completions` endpoint when
 * OPENAI_BASE_URL is set.
 */

// A type alias, not an interface: it then fits the memory helper's open-ended message shape.
export type ChatMessage = {
  role: 'system' | 'user' | 'assistant';
  content: string;
};

export interface Completion {
  text: string;
  /** Prompt plus completion tokens, for the per-user daily token budget. */
  tokens: number;
}

export interface Llm {
  model: string;
  complete(messages: ChatMessage[]): Promise<Completion>;
}

/** About four characters a token, the usual estimate when no tokenizer is at hand. */
export const estimateTokens = (text: string): number => Math.ceil(text.length / 4);

export interface FakeLlmOptions {
  /** Simulated generation time, to make the cache's saving visible (default 0). */
  latencyMs?: number;
}

export function createFakeLlm(options: FakeLlmOptions = {}): Llm & { calls: number } {
  const llm = {
    model: 'fake-echo-1',
    calls: 0,
    async complete(messages: ChatMessage[]): Promise<Completion> {
      llm.calls++;
      if (options.latencyMs) await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
      const last = messages.findLast((m) => m.role === 'user')?.content ?? '';
      const turn = messages.filter((m) => m.role === 'user').length;
      const text = `You said "${last}" (${last.split(/\s+/).filter(Boolean).length} words, turn ${turn}).`;
      return { text, tokens: estimateTokens(messages.map((m) => m.content).join('\n')) + estimateTokens(text) };
    },
  };
  return llm;
}

interface OpenAiReply {
  choices?: { message?: { content?: string | null } }[];
  usage?: { total_tokens?: number };
}

export function createOpenAiLlm(baseUrl: string, apiKey: string | undefined, model: string): Llm {
  return {
    model,
    async complete(messages) {
      const res = await fetch(`${baseUrl.replace(/\/+$/, '')}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
        body: JSON.stringify({ model, messages }),
      });
      if (!res.ok) throw new Error(`LLM endpoint answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
      const body = (await res.json()) as OpenAiReply;
      const text = body.choices?.[0]?.message?.content ?? '';
      const prompt = messages.map((m) => m.content).join('\n');
      return { text, tokens: body.usage?.total_tokens ?? estimateTokens(prompt) + estimateTokens(text) };
    },
  };
}

/** OPENAI_BASE_URL (+ OPENAI_API_KEY, OPENAI_MODEL) selects a real endpoint; otherwise the fake. */
export function llmFromEnv(env: Record<string, string | undefined> = process.env): Llm {
  if (env.OPENAI_BASE_URL)
    return createOpenAiLlm(env.OPENAI_BASE_URL, env.OPENAI_API_KEY, env.OPENAI_MODEL ?? 'gpt-4o-mini');
  return createFakeLlm({ latencyMs: Number(env.FAKE_LLM_LATENCY_MS ?? 0) });
}
