/**
 * The queue's state as Redis data structures, reached only through commands (`QueueDb.call`), so the
 * embedded engine holds it today and a real Redis can tomorrow. Layout (all under `qs:`):
 *
 *   qs:msg        hash   messageId → Message JSON (pending, retrying or in flight)
 *   qs:due        zset   messageId → ms of its next attempt (WAITING: held by flow control)
 *   qs:inflight   zset   messageId → ms the attempt started (moved back to due at start-up)
 *   qs:q:<name>   list   FIFO of a queue's messages not yet started
 *   qs:queues     hash   queue name → {parallelism, paused, createdAt, updatedAt}
 *   qs:dlq        hash   dlqId → DLQ message JSON;   qs:dlqidx zset dlqId → ms (order, cursors)
 *   qs:events     list   event JSON, newest first, capped
 *   qs:dedup:<id> string messageId, expiring with the deduplication window
 *   qs:sched      hash   scheduleId → Schedule JSON
 *   qs:topics     hash   URL group name → {endpoints, createdAt, updatedAt}
 *   qs:keys       hash   current, next (signing keys)
 *   qs:flow       hash   flow-control key → what an operator set (pause, pinned parallelism/rate)
 */
import { createHash } from 'node:crypto';
import { ErrorReply, fromUtf8, type Reply, toUtf8 } from '@redstash/engine';

export interface QueueDb {
  /**
   * Runs one command. An error reply rejects (see `check`): an error from the store is a bug or a broken
   * disk, never a value for the queue to read.
   */
  call(argv: readonly string[]): Promise<Reply>;
  /** Runs commands as one transaction (MULTI/EXEC): all or nothing, in order; any error rejects. */
  atomic(commands: readonly (readonly string[])[]): Promise<Reply[]>;
  /** Resolves once every write made so far is as durable as the server's fsync policy promises. */
  durable(): Promise<void>;
}

/** Due score of a message held back by flow control (far beyond any real time). */
export const WAITING = 9e15;

export const K = {
  msg: 'qs:msg',
  due: 'qs:due',
  inflight: 'qs:inflight',
  queue: (name: string) => `qs:q:${name}`,
  queues: 'qs:queues',
  dlq: 'qs:dlq',
  dlqIndex: 'qs:dlqidx',
  events: 'qs:events',
  dedup: (id: string) => `qs:dedup:${id}`,
  schedules: 'qs:sched',
  topics: 'qs:topics',
  keys: 'qs:keys',
  flow: 'qs:flow',
} as const;

/** What every QueueDb does with a reply: an error from the store throws, never silently ignored. */
export function check(reply: Reply): Reply {
  if (reply instanceof ErrorReply) throw new Error(`queue store: ${reply.message}`);
  return reply;
}

export async function hgetJson<T>(db: QueueDb, key: string, field: string): Promise<T | undefined> {
  const r = await db.call(['HGET', key, field]);
  return typeof r === 'string' ? (JSON.parse(toUtf8(r)) as T) : undefined;
}

export async function hvalsJson<T>(db: QueueDb, key: string): Promise<T[]> {
  const r = await db.call(['HVALS', key]);
  return (r as string[]).map((s) => JSON.parse(toUtf8(s)) as T);
}

/** JSON as a byte string (the engine's strings are bytes). */
export function json(value: unknown): string {
  return fromUtf8(JSON.stringify(value));
}

/** A hash's fields and values (HGETALL, whose reply is a map or a flat array depending on the backend). */
export async function hgetallMap(db: QueueDb, key: string): Promise<Map<string, string>> {
  const reply = (await db.call(['HGETALL', key])) as unknown;
  const items = (reply as { items?: unknown[] }).items ?? (Array.isArray(reply) ? reply : []);
  const out = new Map<string, string>();
  for (let i = 0; i + 1 < items.length; i += 2) out.set(String(items[i]), String(items[i + 1]));
  return out;
}

/**
 * The key under which a deduplication id (or, content-based, a hash of the destination, body and headers)
 * is remembered, per scope (`message`, `schedule`) and destination.
 */
export function dedupKey(
  scope: string,
  destination: string,
  id: string | undefined,
  body: Uint8Array,
  header: unknown,
): string {
  const basis =
    id ??
    createHash('sha256')
      .update(destination)
      .update('\0')
      .update(body)
      .update('\0')
      .update(JSON.stringify(header))
      .digest('hex');
  return K.dedup(createHash('sha256').update(`${scope}\0${destination}\0${basis}`).digest('hex'));
}
