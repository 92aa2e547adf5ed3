/**
 * Message shapes the memory stores, and the mapping to LangChain's `StoredMessage` JSON
 * (`BaseMessage.toDict()`), which its `UpstashRedisChatMessageHistory` (JS and Python) reads and writes.
 */

export type MessageRole = 'user' | 'assistant' | 'system' | 'tool';

/** A plain chat message; extra fields (name, tool_call_id, ...) are kept. */
export interface PlainMessage {
  role: MessageRole | (string & {});
  content: unknown;
  [field: string]: unknown;
}

/** The AI SDK `UIMessage` shape (`ai` v5+): stored and returned unchanged. */
export interface UIMessageLike {
  id: string;
  role: 'user' | 'assistant' | 'system';
  parts: readonly unknown[];
  metadata?: unknown;
}

export type MemoryMessage = PlainMessage | UIMessageLike;

export interface LangChainStoredMessage {
  type: string;
  data: {
    content: unknown;
    role?: string;
    name?: string;
    tool_call_id?: string;
    id?: string;
    additional_kwargs?: Record<string, unknown>;
    response_metadata?: Record<string, unknown>;
    [field: string]: unknown;
  };
}

const TO_TYPE: Record<string, string> = { user: 'human', assistant: 'ai', system: 'system', tool: 'tool' };
const TO_ROLE: Record<string, string> = { human: 'user', ai: 'assistant', system: 'system', tool: 'tool' };

/** Where the fields LangChain has no slot for travel, inside its free-form `additional_kwargs`. */
const KWARG = 'redstash';

export function isUIMessage(message: unknown): message is UIMessageLike {
  return (
    typeof message === 'object' &&
    message !== null &&
    Array.isArray((message as { parts?: unknown }).parts) &&
    typeof (message as { id?: unknown }).id === 'string'
  );
}

/** The text of a UIMessage: its text parts joined, which is what a LangChain reader should see. */
export function uiMessageText(message: UIMessageLike): string {
  let text = '';
  for (const part of message.parts) {
    const p = part as { type?: unknown; text?: unknown };
    if (p.type === 'text' && typeof p.text === 'string') text += p.text;
  }
  return text;
}

export function toStoredMessage(message: MemoryMessage): LangChainStoredMessage {
  const type = TO_TYPE[message.role] ?? 'chat';
  if (isUIMessage(message)) {
    const ui: Record<string, unknown> = { parts: message.parts };
    if (message.metadata !== undefined) ui.metadata = message.metadata;
    return {
      type,
      data: { content: uiMessageText(message), id: message.id, additional_kwargs: { [KWARG]: { ui } } },
    };
  }
  const { role, content, name, tool_call_id, id, ...extra } = message;
  const data: LangChainStoredMessage['data'] = { content };
  if (type === 'chat') data.role = role;
  if (typeof name === 'string') data.name = name;
  if (typeof tool_call_id === 'string') data.tool_call_id = tool_call_id;
  if (typeof id === 'string') data.id = id;
  if (Object.keys(extra).length > 0) data.additional_kwargs = { [KWARG]: extra };
  return { type, data };
}

/** Undefined for elements LangChain itself would skip (no `type` or no `data.content`). */
export function fromStoredMessage(stored: unknown): MemoryMessage | undefined {
  if (typeof stored !== 'object' || stored === null) return undefined;
  const { type, data } = stored as Partial<LangChainStoredMessage>;
  if (typeof type !== 'string' || typeof data !== 'object' || data === null || data.content === undefined) {
    return undefined;
  }
  const role = TO_ROLE[type] ?? (typeof data.role === 'string' ? data.role : type);
  const ours = data.additional_kwargs?.[KWARG] as Record<string, unknown> | undefined;
  const ui = ours?.ui as { parts?: unknown; metadata?: unknown } | undefined;
  if (ui && Array.isArray(ui.parts) && typeof data.id === 'string') {
    const message: UIMessageLike = { id: data.id, role: role as UIMessageLike['role'], parts: ui.parts };
    if (ui.metadata !== undefined) message.metadata = ui.metadata;
    return message;
  }
  const message: PlainMessage = { role, content: data.content };
  if (typeof data.name === 'string') message.name = data.name;
  if (typeof data.tool_call_id === 'string') message.tool_call_id = data.tool_call_id;
  if (typeof data.id === 'string') message.id = data.id;
  if (ours) Object.assign(message, ours);
  return message;
}
