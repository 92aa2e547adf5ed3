/**
 * An AI SDK language-model middleware (`wrapLanguageModel({ model, middleware })`, specification v3) over the
 * cache. Typed structurally so this package imports nothing from `ai`: the generic signatures take on the
 * SDK's own result types at the call site.
 */
import type { LlmCache } from './cache.ts';
import type { LlmRequest } from './key.ts';

interface ModelLike {
  readonly provider: string;
  readonly modelId: string;
}
interface CallOptionsLike {
  prompt: unknown;
}
interface GenerateResultLike {
  content: ReadonlyArray<{ type: string }>;
  providerMetadata?: Record<string, unknown> | undefined;
  response?: { timestamp?: Date | undefined } | undefined;
}
interface StreamPartLike {
  type: string;
}
interface StreamResultLike<P> {
  stream: ReadableStream<P>;
}

/** Per-call options that never change what the model answers, so they stay out of the key. */
const TRANSPORT_OPTIONS = new Set(['prompt', 'abortSignal', 'headers', 'includeRawChunks']);
/** Parts that mean the model asked for a tool or the stream went wrong: such answers are not replayed. */
const UNCACHEABLE_PARTS = new Set([
  'tool-input-start',
  'tool-input-delta',
  'tool-input-end',
  'tool-call',
  'tool-result',
  'tool-approval-request',
  'error',
]);
const HIT_METADATA = { redstash: { cache: 'hit' } } as const;

export function requestFromCall(model: ModelLike, params: CallOptionsLike, mode: 'generate' | 'stream'): LlmRequest {
  const rest: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(params)) if (!TRANSPORT_OPTIONS.has(name)) rest[name] = value;
  // The mode is keyed because a generate result and a list of stream parts are stored differently.
  return { model: model.modelId, messages: params.prompt, params: { ...rest, provider: model.provider, mode } };
}

/** JSON turns the response timestamp into a string; the SDK expects a Date back. */
function reviveTimestamp<T extends { timestamp?: unknown }>(value: T): T {
  return typeof value.timestamp === 'string' ? { ...value, timestamp: new Date(value.timestamp) } : value;
}

function withHitMetadata<T extends { providerMetadata?: unknown }>(value: T): T {
  const previous = (value.providerMetadata ?? {}) as Record<string, unknown>;
  return { ...value, providerMetadata: { ...previous, ...HIT_METADATA } };
}

export function replayStream<P extends StreamPartLike>(parts: readonly P[]): ReadableStream<P> {
  return new ReadableStream<P>({
    start(controller) {
      for (const part of parts) {
        let replayed: P = part;
        if (part.type === 'response-metadata') replayed = reviveTimestamp(part as P & { timestamp?: unknown });
        if (part.type === 'finish') replayed = withHitMetadata(part as P & { providerMetadata?: unknown });
        controller.enqueue(replayed);
      }
      controller.close();
    },
  });
}

/** What a finished stream stores: its parts without raw chunks, or nothing when it holds a tool call or an error. */
function storedParts<P extends StreamPartLike>(parts: readonly P[]): { parts: P[] } | undefined {
  if (parts.some((part) => UNCACHEABLE_PARTS.has(part.type))) return undefined;
  if (!parts.some((part) => part.type === 'finish')) return undefined;
  return { parts: parts.filter((part) => part.type !== 'raw') };
}

export function llmCacheMiddleware(cache: LlmCache) {
  return {
    specificationVersion: 'v3' as const,

    async wrapGenerate<G extends GenerateResultLike>(options: {
      doGenerate: () => PromiseLike<G>;
      params: CallOptionsLike;
      model: ModelLike;
    }): Promise<G> {
      const request = requestFromCall(options.model, options.params, 'generate');
      const { value, cached } = await cache.cachedResult(request, () => options.doGenerate(), {
        shouldStore: (result) => !result.content.some((part) => UNCACHEABLE_PARTS.has(part.type)),
      });
      if (!cached) return value;
      const response = value.response === undefined ? undefined : reviveTimestamp(value.response);
      return withHitMetadata(response === undefined ? value : { ...value, response });
    },

    async wrapStream<P extends StreamPartLike, S extends StreamResultLike<P>>(options: {
      doStream: () => PromiseLike<S>;
      params: CallOptionsLike;
      model: ModelLike;
    }): Promise<S> {
      const request = requestFromCall(options.model, options.params, 'stream');
      const answer = await cache.cachedStream<P, S>(request, () => options.doStream(), { toStored: storedParts });
      if (answer.kind === 'live') return { ...answer.result, stream: answer.stream };
      const stored = answer.stored as { parts?: unknown } | null;
      if (stored !== null && typeof stored === 'object' && Array.isArray(stored.parts)) {
        return { stream: replayStream(stored.parts as P[]) } as S;
      }
      // Something else sits under our key: answer from the model without caching.
      return options.doStream();
    },
  };
}
