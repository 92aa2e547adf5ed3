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
import { ErrorReply, type Reply } from '@redstash/engine';

export interface QueueDb {
  /** Runs one command. */
  call(argv: readonly string[]): Promise<Reply>;
  /** Runs commands as one transaction (MULTI/EXEC): all or nothing, in order. */
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

/** Replies are checked: an error from the store is a bug or a broken disk, never silently ignored. */
export function check(reply: Reply): Reply {
  if (reply instanceof ErrorReply) throw new Error(`queue store: ${reply.message}`);
  return reply;
}

export async function hgetJson<T>(db: QueueDb, key: string, field: string): Promise<T | undefined> {
  const r = check(await db.call(['HGET', key, field]));
  return typeof r === 'string' ? (JSON.parse(Buffer.from(r, 'latin1').toString('utf8')) as T) : undefined;
}

export async function hvalsJson<T>(db: QueueDb, key: string): Promise<T[]> {
  const r = check(await db.call(['HVALS', key]));
  return (r as string[]).map((s) => JSON.parse(Buffer.from(s, 'latin1').toString('utf8')) as T);
}

/** JSON as a byte string (the engine's strings are bytes). */
export function json(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('latin1');
}

export function fromBytes(s: string): string {
  return Buffer.from(s, 'latin1').toString('utf8');
}
