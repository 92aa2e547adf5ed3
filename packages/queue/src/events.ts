/** The event log (`GET /v2/events`, `/v2/logs`): one entry per state change of a message, newest first. */
import type { Message } from './message.ts';

export type EventState =
  | 'CREATED'
  | 'ACTIVE'
  | 'RETRY'
  | 'ERROR'
  | 'DELIVERED'
  | 'FAILED'
  | 'CANCEL_REQUESTED'
  | 'CANCELLED';

export interface QueueEvent {
  time: number;
  messageId: string;
  state: EventState;
  url: string;
  method: string;
  maxRetries: number;
  topicName?: string;
  endpointName?: string;
  queueName?: string;
  scheduleId?: string;
  label?: string;
  labels?: string[];
  error?: string;
  nextDeliveryTime?: number;
  responseStatus?: number;
  responseBody?: string;
  responseHeaders?: Record<string, string[]>;
  timeout?: number;
  callerIp?: string;
  flowControlKey?: string;
}

export function eventOf(m: Message, state: EventState, time: number, extra: Partial<QueueEvent> = {}): QueueEvent {
  const e: QueueEvent = { time, messageId: m.messageId, state, url: m.url, method: m.method, maxRetries: m.maxRetries };
  if (m.topicName !== undefined) e.topicName = m.topicName;
  if (m.endpointName !== undefined) e.endpointName = m.endpointName;
  if (m.queueName !== undefined) e.queueName = m.queueName;
  if (m.scheduleId !== undefined) e.scheduleId = m.scheduleId;
  if (m.label !== undefined) e.label = m.label;
  if (m.labels !== undefined) e.labels = m.labels;
  if (m.timeoutMs !== undefined) e.timeout = Math.round(m.timeoutMs / 1000);
  if (m.flowControlKey !== undefined) e.flowControlKey = m.flowControlKey;
  e.callerIp = m.callerIp;
  return Object.assign(e, extra);
}
