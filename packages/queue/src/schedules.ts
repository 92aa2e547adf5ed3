/**
 * Schedules: a cron (5 fields, UTC unless prefixed `CRON_TZ=<zone> `, evaluated by croner) that publishes a
 * message each time it fires. Kept in the store; the next fire times are computed at start and after each
 * firing. A fire time missed while the server was down is fired once at start (not once per missed tick).
 */
import { randomBytes } from 'node:crypto';
import { Cron } from 'croner';
import { bodyFields, type HeaderMap } from './message.ts';
import type { PublishConfig } from './publish-config.ts';
import { type Queue, QueueError } from './queue.ts';
import { dedupKey, hvalsJson, json, K, type QueueDb } from './store.ts';

export interface Schedule {
  scheduleId: string;
  cron: string;
  destination: string;
  /** The publish configuration each firing uses; `notBefore` is replaced by `delayMs` from the firing. */
  config: Omit<PublishConfig, 'notBefore'>;
  delayMs: number;
  body: string;
  queueName?: string;
  isPaused: boolean;
  createdAt: number;
  callerIp: string;
  lastScheduleTime?: number;
  nextScheduleTime?: number;
  lastScheduleStates?: Record<string, string>;
}

const ID = /^[A-Za-z0-9._-]{1,200}$/;

/** croner for a QStash cron: exactly five fields, optional `CRON_TZ=Area/City ` prefix. */
export function parseCron(text: string): Cron | string {
  let expr = text.trim();
  let timezone = 'UTC';
  const tz = /^CRON_TZ=(\S+)\s+(.*)$/.exec(expr);
  if (tz !== null) {
    timezone = tz[1] as string;
    expr = (tz[2] as string).trim();
  }
  if (expr.split(/\s+/).length !== 5) return `invalid cron: ${text.trim()} (five fields expected)`;
  try {
    const cron = new Cron(expr, { paused: true, timezone });
    // croner checks the zone only when it computes a time: an unknown zone must be a 400 here, not a 500 later.
    cron.nextRun();
    return cron;
  } catch (err) {
    return `invalid cron: ${(err as Error).message}`;
  }
}

export class Scheduler {
  private readonly schedules = new Map<string, Schedule>();
  private readonly crons = new Map<string, Cron>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  private readonly db: QueueDb;
  private readonly queue: Queue;
  private readonly now: () => number;
  private readonly useTimers: boolean;

  constructor(db: QueueDb, queue: Queue, now: () => number, useTimers: boolean) {
    this.db = db;
    this.queue = queue;
    this.now = now;
    this.useTimers = useTimers;
    queue.onSettled = (m, state) => this.settled(m.scheduleId as string, m.messageId, state);
  }

  /** A message of a firing was delivered or failed for good: `lastScheduleStates` shows it. */
  private async settled(id: string, messageId: string, state: 'SUCCESS' | 'FAIL'): Promise<void> {
    const s = this.schedules.get(id);
    if (s?.lastScheduleStates?.[messageId] === undefined) return;
    s.lastScheduleStates[messageId] = state;
    await this.save(s);
  }

  async start(): Promise<void> {
    for (const s of await hvalsJson<Schedule>(this.db, K.schedules)) {
      const c = parseCron(s.cron);
      if (typeof c === 'string') continue;
      this.schedules.set(s.scheduleId, s);
      this.crons.set(s.scheduleId, c);
    }
    await this.tick();
  }

  close(): void {
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
  }

  /** Creates or replaces (same id) a schedule. */
  async upsert(input: {
    scheduleId?: string | undefined;
    cron: string;
    destination: string;
    config: PublishConfig;
    body: Buffer;
    callerIp: string;
  }): Promise<string> {
    const cron = parseCron(input.cron);
    if (typeof cron === 'string') throw new QueueError(400, cron);
    const id = input.scheduleId ?? `scd_${randomBytes(16).toString('base64url')}`;
    if (!ID.test(id)) throw new QueueError(400, 'invalid schedule id');
    if (!/^https?:\/\//i.test(input.destination) && !ID.test(input.destination))
      throw new QueueError(400, `invalid destination: ${input.destination}`);
    const now = this.now();
    // Deduplication applies to creating the schedule (QStash: "before creation"), never to its firings,
    // which would otherwise all repeat the first one's id.
    const { notBefore, deduplicationId, contentBasedDeduplication, ...rest } = input.config;
    const config = { ...rest, contentBasedDeduplication: false };
    if (deduplicationId !== undefined || contentBasedDeduplication) {
      const key = dedupKey('schedule', input.destination, deduplicationId, input.body, rest.header);
      const prior = await this.db.call(['SET', key, id, 'NX', 'PX', String(this.queue.dedupWindowMs), 'GET']);
      if (typeof prior === 'string' && this.schedules.has(prior)) return prior;
    }
    const s: Schedule = {
      scheduleId: id,
      cron: input.cron.trim(),
      destination: input.destination,
      config,
      delayMs: Math.max(0, notBefore - now),
      body: input.body.toString('base64'),
      isPaused: false,
      createdAt: this.schedules.get(id)?.createdAt ?? now,
      callerIp: input.callerIp,
    };
    if (config.queueName !== undefined) s.queueName = config.queueName;
    const next = cron.nextRun(new Date(now));
    if (next !== null) s.nextScheduleTime = next.getTime();
    this.schedules.set(id, s);
    this.crons.set(id, cron);
    await this.save(s);
    await this.arm();
    return id;
  }

  get(id: string): Record<string, unknown> {
    const s = this.schedules.get(id);
    if (s === undefined) throw new QueueError(404, `schedule ${id} not found`);
    return scheduleJson(s);
  }

  list(): Record<string, unknown>[] {
    return [...this.schedules.values()].map(scheduleJson);
  }

  async delete(id: string): Promise<void> {
    if (!this.schedules.delete(id)) throw new QueueError(404, `schedule ${id} not found`);
    this.crons.delete(id);
    await this.db.call(['HDEL', K.schedules, id]);
    await this.db.durable();
  }

  async setPaused(id: string, paused: boolean): Promise<void> {
    const s = this.schedules.get(id);
    if (s === undefined) throw new QueueError(404, `schedule ${id} not found`);
    s.isPaused = paused;
    if (!paused) {
      const next = this.crons.get(id)?.nextRun(new Date(this.now()));
      if (next !== null && next !== undefined) s.nextScheduleTime = next.getTime();
    }
    await this.save(s);
    await this.arm();
  }

  /** Fires every schedule whose time has come (once each), then re-arms. */
  async tick(): Promise<void> {
    const now = this.now();
    for (const s of this.schedules.values()) {
      if (s.nextScheduleTime === undefined || s.nextScheduleTime > now) continue;
      const cron = this.crons.get(s.scheduleId) as Cron;
      const fired = s.nextScheduleTime;
      const next = cron.nextRun(new Date(now));
      if (next === null) delete s.nextScheduleTime;
      else s.nextScheduleTime = next.getTime();
      if (!s.isPaused) await this.fire(s, fired);
      await this.save(s);
    }
    await this.arm();
  }

  private async fire(s: Schedule, at: number): Promise<void> {
    s.lastScheduleTime = at;
    try {
      const r = await this.queue.publish(
        s.destination,
        Buffer.from(s.body, 'base64'),
        { ...s.config, notBefore: this.now() + s.delayMs },
        { callerIp: s.callerIp, queueName: s.queueName, scheduleId: s.scheduleId },
      );
      const states: Record<string, string> = {};
      for (const m of Array.isArray(r) ? r : [r]) states[m.messageId] = 'IN_PROGRESS';
      s.lastScheduleStates = states;
    } catch {
      // A destination gone (URL group deleted) or refused: this firing publishes nothing.
      s.lastScheduleStates = {};
    }
  }

  private async save(s: Schedule): Promise<void> {
    await this.db.call(['HSET', K.schedules, s.scheduleId, json(s)]);
    await this.db.durable();
  }

  private async arm(): Promise<void> {
    if (!this.useTimers || this.closed) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    let at = Number.POSITIVE_INFINITY;
    for (const s of this.schedules.values())
      if (s.nextScheduleTime !== undefined) at = Math.min(at, s.nextScheduleTime);
    if (at === Number.POSITIVE_INFINITY) return;
    this.timer = setTimeout(() => void this.tick(), Math.min(Math.max(0, at - this.now()), 2 ** 31 - 1));
    this.timer.unref();
  }
}

/** The Schedule object as the API shows it (absent optional fields omitted). */
export function scheduleJson(s: Schedule): Record<string, unknown> {
  const c = s.config;
  const out: Record<string, unknown> = {
    scheduleId: s.scheduleId,
    cron: s.cron,
    destination: s.destination,
    method: c.method,
    ...(Object.keys(c.header).length === 0 ? {} : { header: c.header as HeaderMap }),
    ...bodyFields(s.body),
    retries: c.retries,
    isPaused: s.isPaused,
    createdAt: s.createdAt,
    callerIp: s.callerIp,
  };
  if (s.delayMs > 0) out.delay = Math.round(s.delayMs / 1000);
  if (c.callback !== undefined) out.callback = c.callback.url;
  if (c.failureCallback !== undefined) out.failureCallback = c.failureCallback.url;
  if (s.queueName !== undefined) out.queueName = s.queueName;
  if (c.flowControlKey !== undefined) out.flowControlKey = c.flowControlKey;
  if (c.parallelism !== undefined) out.parallelism = c.parallelism;
  if (c.rate !== undefined) out.rate = c.rate;
  if (c.period !== undefined) out.period = c.period;
  if (c.retryDelayExpression !== undefined) out.retryDelayExpression = c.retryDelayExpression;
  if (c.label !== undefined) out.label = c.label;
  if (c.labels !== undefined) out.labels = c.labels;
  if (s.lastScheduleTime !== undefined) out.lastScheduleTime = s.lastScheduleTime;
  if (s.nextScheduleTime !== undefined) out.nextScheduleTime = s.nextScheduleTime;
  if (s.lastScheduleStates !== undefined) out.lastScheduleStates = s.lastScheduleStates;
  return out;
}
