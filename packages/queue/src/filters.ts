/**
 * QStash's list filters (DLQ, bulk cancel, events): repeated or comma-separated values OR within a field,
 * AND across fields; dates inclusive in ms; `count` and an opaque `cursor` (here: the offset, as a string).
 */
import { QueueError } from './queue.ts';

const COMMON = [
  'messageId',
  'url',
  'topicName',
  'urlGroup',
  'scheduleId',
  'queueName',
  'label',
  'flowControlKey',
  'callerIp',
  'fromDate',
  'toDate',
];
export const DLQ_FILTERS = new Set([...COMMON, 'responseStatus']);
export const CANCEL_FILTERS = new Set([...COMMON, 'host', 'path']);
export const EVENT_FILTERS = new Set([...COMMON, 'host', 'path', 'state']);
const PAGING = new Set(['count', 'cursor', 'qstash_token', 'dlqIds', 'messageIds', 'order', 'trimBody']);

export type Filter = (item: Record<string, unknown>, time: number) => boolean;

/** The filter the query asks for; unknown parameter names are refused (QStash answers 4xx). */
export function parseFilter(query: URLSearchParams, allowed: Set<string>): { filter: Filter; any: boolean } {
  const tests: Filter[] = [];
  const names = new Set(query.keys());
  for (const name of names) {
    if (PAGING.has(name)) continue;
    if (!allowed.has(name)) throw new QueueError(400, `unknown filter: ${name}`);
    const values = query
      .getAll(name)
      .flatMap((v) => v.split(','))
      .map((v) => v.trim())
      .filter((v) => v !== '');
    if (values.length === 0) continue;
    if (name === 'fromDate') {
      const from = Number(values[0]);
      tests.push((_i, t) => t >= from);
    } else if (name === 'toDate') {
      const to = Number(values[0]);
      tests.push((_i, t) => t <= to);
    } else if (name === 'host' || name === 'path') {
      tests.push((i) => {
        try {
          const u = new URL(String(i.url));
          return values.includes(name === 'host' ? u.host : u.pathname);
        } catch {
          return false;
        }
      });
    } else if (name === 'state') {
      const states = new Set(values.flatMap((v) => (v === 'IN_PROGRESS' ? ['ACTIVE', 'RETRY', 'ERROR'] : [v])));
      tests.push((i) => states.has(String(i.state)));
    } else if (name === 'label') {
      tests.push((i) => values.some((v) => (i.labels as string[] | undefined)?.includes(v) ?? i.label === v));
    } else {
      const field = name === 'urlGroup' ? 'topicName' : name;
      tests.push((i) => i[field] !== undefined && values.includes(String(i[field])));
    }
  }
  return { filter: (item, time) => tests.every((t) => t(item, time)), any: tests.length > 0 };
}

/** One page of `items` from the cursor (an offset) of at most `count`; the next cursor when more remain. */
export function page<T>(items: T[], query: URLSearchParams, defaultCount: number, maxCount: number) {
  const cursorText = query.get('cursor');
  const start = cursorText !== null && /^\d+$/.test(cursorText) ? Number(cursorText) : 0;
  const countText = query.get('count');
  const count = Math.min(
    maxCount,
    countText !== null && /^\d+$/.test(countText) ? Math.max(1, Number(countText)) : defaultCount,
  );
  const slice = items.slice(start, start + count);
  const next = start + count < items.length ? String(start + count) : undefined;
  return { slice, next };
}
