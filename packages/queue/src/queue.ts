/**
 * The queue: accepts messages (durably, before the publisher hears 2xx), delivers them over HTTP with
 * QStash's retry rules, and keeps queues, flow control, the DLQ, callbacks and the event log. All state
 * lives in the store (./store.ts); the in-memory part (what is in flight, flow-control counters, queue
 * slots) is rebuilt from it at start-up, where every attempt that was in flight when the last process
 * died is made due again — at-least-once, never dropped.
 */
import { randomUUID } from 'node:crypto';
import { toUtf8 } from '@redstash/engine';
import { nextDelayMs } from './backoff.ts';
import { type Deliver, deliverHttp, deliverVia } from './deliver.ts';
import { eventOf, type QueueEvent } from './events.ts';
import {
  bodyFields,
  type CallbackConfig,
  canonicalHeader,
  type HeaderMap,
  type Message,
  messageJson,
} from './message.ts';
import type { PublishConfig, PublishLimits } from './publish-config.ts';
import type { Signer } from './signing.ts';
import { dedupKey, hgetallMap, hgetJson, hvalsJson, json, K, type QueueDb, WAITING } from './store.ts';

export interface QueueClock {
  now(): number;
}

export interface QueueLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface QueueOptions {
  db: QueueDb;
  clock: QueueClock;
  signer: Signer;
  limits: PublishLimits;
  /** Deliver through this fetch instead of the default undici keep-alive path (deliver.ts). */
  fetch?: typeof fetch;
  /** Deliveries in flight at once, across everything (QStash's global parallelism). */
  maxInFlight?: number;
  /** How long a deduplication id is remembered. */
  dedupWindowMs?: number;
  /** Events kept in the log. */
  eventsKept?: number;
  /** Refuses a destination (the reason) or allows it (undefined). */
  checkDestination?: (url: string) => string | undefined;
  /** Largest response body kept for the DLQ and callbacks. */
  maxResponseBytes?: number;
  /** DLQ entries older than this are dropped (QStash keeps them 3 days on free, 7 on pay-as-you-go). */
  dlqRetentionMs?: number;
  logger?: QueueLogger;
  /** False: no timers (tests drive `tick()` on a manual clock). */
  timers?: boolean;
  /**
   * False: the signing keys were given by configuration, so a rotation lasts until restart and is not stored
   * (it would otherwise replace the stored keys with ones derived from the given, maybe public, keys).
   */
  storeKeys?: boolean;
}

export interface PublishResult {
  messageId: string;
  url: string;
  deduplicated?: boolean;
}

export interface QueueInfo {
  name: string;
  parallelism: number;
  paused: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface UrlGroup {
  name: string;
  createdAt: number;
  updatedAt: number;
  endpoints: { name?: string; url: string }[];
}

export type DlqMessage = Message & {
  dlqId: string;
  responseStatus?: number;
  responseHeader?: HeaderMap;
  responseBody?: string;
  responseBodyBase64?: string;
  failedAt: number;
};

/** A refusal the HTTP API answers with its status. */
export class QueueError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** The operator's settings of a flow-control key, as stored (`qs:flow`). */
interface SavedFlow {
  paused: boolean;
  parallelism?: number;
  rate?: number;
  period?: number;
}

interface FlowState {
  active: number;
  waiting: string[];
  /** Parked until the rate window ends (their due score is that time); woken early by a reset or pin. */
  rateWaiting: Set<string>;
  windowStart: number;
  rateCount: number;
  parallelism?: number;
  rate?: number;
  period?: number;
  paused: boolean;
  pinnedParallelism: boolean;
  pinnedRate: boolean;
  /** Stored messages that name the key; at 0 the key is idle since `idleSince` and may be forgotten. */
  refs: number;
  idleSince: number;
}

const NAME = /^[A-Za-z0-9._-]{1,200}$/;
export const DEFAULT_DEDUP_WINDOW_MS = 10 * 60_000;
/** A flow-control key no message has named for this long is forgotten (QStash documents no TTL). */
export const FLOW_IDLE_MS = 3_600_000;
/** QStash's pay-as-you-go DLQ retention. */
export const DEFAULT_DLQ_RETENTION_MS = 7 * 86_400_000;

export class Queue {
  private readonly db: QueueDb;
  private readonly clock: QueueClock;
  readonly signer: Signer;
  readonly limits: PublishLimits;
  private readonly deliver: Deliver;
  /** The global parallelism: attempts in flight at most. */
  readonly maxInFlight: number;
  readonly dedupWindowMs: number;
  private readonly eventsKept: number;
  private readonly maxResponseBytes: number;
  private readonly dlqRetentionMs: number;
  /** When the DLQ and the flow-control keys were last swept. */
  private dlqSweptAt = 0;
  private flowsSweptAt = 0;
  private readonly logger: QueueLogger | undefined;
  private readonly checkDestination: (url: string) => string | undefined;
  private readonly useTimers: boolean;
  private readonly storeKeys: boolean;

  /** Attempts in flight: message id → its abort controller. */
  private readonly inFlight = new Map<string, AbortController>();
  private readonly attempts = new Set<Promise<void>>();
  readonly queues = new Map<string, QueueInfo>();
  /** Messages of each queue started and not finished (delivered or dead-lettered). */
  private readonly queueActive = new Map<string, number>();
  readonly flows = new Map<string, FlowState>();
  private pumping: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = 0;
  private closed = false;
  private dlqSeq = 0;
  /** A message's delivery ended for good: delivered, or dead-lettered (the scheduler records its firings'). */
  onSettled: ((m: Message, state: 'SUCCESS' | 'FAIL') => Promise<void>) | undefined;

  constructor(options: QueueOptions) {
    this.db = options.db;
    this.clock = options.clock;
    this.signer = options.signer;
    this.limits = options.limits;
    this.deliver = options.fetch === undefined ? deliverHttp : deliverVia(options.fetch);
    this.maxInFlight = options.maxInFlight ?? 1000;
    this.dedupWindowMs = options.dedupWindowMs ?? DEFAULT_DEDUP_WINDOW_MS;
    this.eventsKept = options.eventsKept ?? 10_000;
    this.maxResponseBytes = options.maxResponseBytes ?? 1024 * 1024;
    this.dlqRetentionMs = options.dlqRetentionMs ?? DEFAULT_DLQ_RETENTION_MS;
    this.logger = options.logger;
    this.checkDestination = options.checkDestination ?? (() => undefined);
    this.useTimers = options.timers !== false;
    this.storeKeys = options.storeKeys !== false;
  }

  /**
   * Loads queues and rebuilds the in-memory state: attempts in flight when the last process stopped are
   * due now, messages held by flow control are due again, and a message between its queue and the due
   * set (a crash mid-move) is put back. Then delivery starts.
   */
  async start(): Promise<void> {
    const now = this.clock.now();
    for (const q of await hvalsJson<QueueInfo>(this.db, K.queues)) this.queues.set(q.name, q);
    const inflight = (await this.db.call(['ZRANGE', K.inflight, '0', '-1'])) as string[];
    const waiting = (await this.db.call(['ZRANGEBYSCORE', K.due, String(WAITING), '+inf'])) as string[];
    const cmds: string[][] = [];
    for (const id of [...inflight, ...waiting]) cmds.push(['ZADD', K.due, String(now), id]);
    if (inflight.length > 0) cmds.push(['DEL', K.inflight]);
    const queued = new Set<string>();
    for (const name of this.queues.keys())
      for (const id of (await this.db.call(['LRANGE', K.queue(name), '0', '-1'])) as string[]) queued.add(id);
    const due = new Set((await this.db.call(['ZRANGE', K.due, '0', '-1'])) as string[]);
    for (const id of inflight) due.add(id);
    for (const m of await hvalsJson<Message>(this.db, K.msg)) {
      // A flow-control key stays gettable while a stored message refers to it.
      if (m.flowControlKey !== undefined) {
        this.configureFlow(m);
        this.refFlow(m.flowControlKey);
      }
      if (queued.has(m.messageId)) continue;
      if (!due.has(m.messageId)) cmds.push(['ZADD', K.due, String(now), m.messageId]);
      const slot = m.queueName ?? m.slotOf;
      if (slot !== undefined) this.queueActive.set(slot, (this.queueActive.get(slot) ?? 0) + 1);
    }
    if (cmds.length > 0) await this.db.atomic(cmds);
    await this.loadFlowSettings();
    if (inflight.length > 0)
      this.logger?.warn(
        { messages: inflight.length },
        'retrying deliveries that were in flight when the server stopped',
      );
    await this.tick();
  }

  /** Stops timers and aborts attempts in flight (they stay stored, so the next start retries them). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    for (const c of this.inFlight.values()) c.abort();
    await Promise.allSettled([...this.attempts]);
  }

  // ---- publishing ----------------------------------------------------------------------------------

  /**
   * Accepts a message for one URL, a URL group's endpoints, or a queue. Resolves once the message is
   * stored durably; a duplicate (same deduplication id within the window) resolves to the original id.
   */
  async publish(
    destination: string,
    body: Buffer,
    config: PublishConfig,
    meta: { callerIp: string; queueName?: string | undefined; scheduleId?: string | undefined },
  ): Promise<PublishResult | PublishResult[]> {
    const now = this.clock.now();
    const queueName = meta.queueName ?? config.queueName;
    if (queueName !== undefined && !NAME.test(queueName)) throw new QueueError(400, 'invalid queue name');
    let targets: { url: string; topicName?: string; endpointName?: string }[];
    let group: string | undefined;
    if (/^https?:\/\//i.test(destination)) {
      let url: URL;
      try {
        url = new URL(destination);
      } catch {
        throw new QueueError(400, `invalid destination url: ${destination}`);
      }
      const refused = this.checkDestination(url.href);
      if (refused !== undefined) throw new QueueError(400, refused);
      targets = [{ url: destination }];
    } else {
      if (!NAME.test(destination)) throw new QueueError(400, `invalid destination: ${destination}`);
      const g = await hgetJson<UrlGroup>(this.db, K.topics, destination);
      if (g === undefined || g.endpoints.length === 0) throw new QueueError(404, `topic ${destination} not found`);
      group = destination;
      targets = g.endpoints.map((e) => ({
        url: e.url,
        topicName: destination,
        ...(e.name === undefined ? {} : { endpointName: e.name }),
      }));
    }
    const results: PublishResult[] = [];
    for (const t of targets) results.push(await this.store(t, body, config, meta, queueName, now));
    await this.db.durable();
    void this.tick();
    return group === undefined ? (results[0] as PublishResult) : results;
  }

  private async store(
    target: { url: string; topicName?: string; endpointName?: string },
    body: Buffer,
    config: PublishConfig,
    meta: { callerIp: string; scheduleId?: string | undefined; sourceMessageId?: string; holdsSlotOf?: string },
    queueName: string | undefined,
    now: number,
  ): Promise<PublishResult> {
    const messageId = newMessageId();
    if (config.deduplicationId !== undefined || config.contentBasedDeduplication) {
      const key = dedupKey('message', target.url, config.deduplicationId, body, config.header);
      const set = await this.db.call(['SET', key, messageId, 'NX', 'PX', String(this.dedupWindowMs), 'GET']);
      if (typeof set === 'string') return { messageId: set, url: target.url, deduplicated: true };
    }
    const m: Message = {
      messageId,
      url: target.url,
      method: config.method,
      header: config.header,
      body: body.toString('base64'),
      maxRetries: config.retries,
      notBefore: config.notBefore,
      createdAt: now,
      callerIp: meta.callerIp,
      retried: 0,
    };
    if (target.topicName !== undefined) m.topicName = target.topicName;
    if (target.endpointName !== undefined) m.endpointName = target.endpointName;
    if (config.retryDelayExpression !== undefined) m.retryDelayExpression = config.retryDelayExpression;
    if (config.timeoutMs !== undefined) m.timeoutMs = config.timeoutMs;
    if (config.callback !== undefined) m.callback = config.callback;
    if (config.failureCallback !== undefined) m.failureCallback = config.failureCallback;
    if (queueName !== undefined) m.queueName = queueName;
    if (meta.scheduleId !== undefined) m.scheduleId = meta.scheduleId;
    if (meta.sourceMessageId !== undefined) m.callbackOf = meta.sourceMessageId;
    if (meta.holdsSlotOf !== undefined) m.slotOf = meta.holdsSlotOf;
    if (config.flowControlKey !== undefined) {
      m.flowControlKey = config.flowControlKey;
      if (config.parallelism !== undefined) m.parallelism = config.parallelism;
      if (config.rate !== undefined) m.rate = config.rate;
      if (config.period !== undefined) m.period = config.period;
      this.configureFlow(m);
      this.refFlow(m.flowControlKey);
    }
    if (config.label !== undefined) m.label = config.label;
    if (config.labels !== undefined) m.labels = config.labels;
    if (config.redact !== undefined) m.redact = config.redact;
    if (config.deduplicationId !== undefined) m.deduplicationId = config.deduplicationId;
    const cmds: string[][] = [['HSET', K.msg, messageId, json(m)]];
    if (queueName !== undefined) {
      if (!this.queues.has(queueName)) cmds.push(...this.queueUpsertCommands(queueName, 1, false, now));
      cmds.push(['RPUSH', K.queue(queueName), messageId]);
    } else cmds.push(['ZADD', K.due, String(m.notBefore), messageId]);
    cmds.push(...this.eventCommands(eventOf(m, 'CREATED', now)));
    await this.db.atomic(cmds);
    return { messageId, url: target.url };
  }

  // ---- delivery ------------------------------------------------------------------------------------

  /** Starts every attempt that is due (and allowed); re-arms the timer for the next one. */
  tick(): Promise<void> {
    if (this.pumping !== undefined) {
      this.again = true;
      return this.pumping;
    }
    this.pumping = (async () => {
      try {
        do {
          this.again = false;
          await this.pumpOnce();
        } while (this.again && !this.closed);
      } catch (err) {
        this.logger?.error({ err }, 'queue delivery loop failed');
      } finally {
        this.pumping = undefined;
      }
      await this.arm();
    })();
    return this.pumping;
  }

  /** Resolves when no attempt is in flight and nothing is due now (tests on a manual clock). */
  async idle(): Promise<void> {
    for (let i = 0; i < 10_000; i++) {
      await this.tick();
      if (this.attempts.size === 0) {
        const now = this.clock.now();
        const due = (await this.db.call(['ZRANGEBYSCORE', K.due, '-inf', String(now), 'LIMIT', '0', '1'])) as string[];
        if (due.length === 0 && !(await this.queueHasWork())) return;
      } else await Promise.race([...this.attempts]);
    }
    throw new Error('queue did not become idle');
  }

  private async queueHasWork(): Promise<boolean> {
    for (const q of this.queues.values()) {
      if (q.paused || (this.queueActive.get(q.name) ?? 0) >= q.parallelism) continue;
      if (((await this.db.call(['LLEN', K.queue(q.name)])) as number) > 0) return true;
    }
    return false;
  }

  private async pumpOnce(): Promise<void> {
    if (this.closed) return;
    await this.sweepDlq();
    this.sweepFlows();
    await this.fillQueues();
    const free = this.maxInFlight - this.inFlight.size;
    if (free <= 0) return;
    const now = this.clock.now();
    const ids = (await this.db.call([
      'ZRANGEBYSCORE',
      K.due,
      '-inf',
      String(now),
      'LIMIT',
      '0',
      String(free + 16),
    ])) as string[];
    for (const id of ids) {
      if (this.inFlight.size >= this.maxInFlight) break;
      if (this.inFlight.has(id)) continue;
      const m = await hgetJson<Message>(this.db, K.msg, id);
      if (m === undefined) {
        await this.db.call(['ZREM', K.due, id]);
        continue;
      }
      if (m.flowControlKey !== undefined) {
        const gate = this.flowGate(m, now);
        if (gate !== undefined) {
          await this.db.call(['ZADD', K.due, String(gate), id]);
          continue;
        }
      }
      this.startAttempt(m, now);
    }
  }

  /** Moves the heads of queues with free slots into the due set, in order. */
  private async fillQueues(): Promise<void> {
    for (const q of this.queues.values()) {
      if (q.paused) continue;
      let active = this.queueActive.get(q.name) ?? 0;
      while (active < q.parallelism) {
        const id = (await this.db.call(['LINDEX', K.queue(q.name), '0'])) as string | null;
        if (id === null) break;
        const m = await hgetJson<Message>(this.db, K.msg, id);
        await this.db.atomic([
          ['LPOP', K.queue(q.name)],
          ...(m === undefined ? [] : [['ZADD', K.due, String(m.notBefore), id]]),
        ]);
        if (m === undefined) continue;
        active++;
      }
      this.queueActive.set(q.name, active);
    }
  }

  private async arm(): Promise<void> {
    if (!this.useTimers || this.closed) return;
    const first = (await this.db.call(['ZRANGE', K.due, '0', '0', 'WITHSCORES'])) as string[];
    const at = first.length === 2 ? Number(first[1]) : Number.POSITIVE_INFINITY;
    if (at >= WAITING) return;
    if (this.timer !== undefined && this.timerAt <= at) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timerAt = at;
    // Timers cap at about 24.8 days; a later message is looked at again then.
    const wait = Math.min(Math.max(0, at - this.clock.now()), 2 ** 31 - 1);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.tick();
    }, wait);
    this.timer.unref();
  }

  private startAttempt(m: Message, now: number): void {
    const controller = new AbortController();
    this.inFlight.set(m.messageId, controller);
    if (m.flowControlKey !== undefined) {
      const f = this.flows.get(m.flowControlKey);
      if (f !== undefined) f.active++;
    }
    const p = this.attempt(m, now, controller)
      .catch((err: unknown) => this.logger?.error({ err, messageId: m.messageId }, 'delivery attempt failed'))
      .finally(() => {
        this.inFlight.delete(m.messageId);
        this.attempts.delete(p);
        if (m.flowControlKey !== undefined) this.releaseFlow(m.flowControlKey);
        if (!this.closed) void this.tick();
      });
    this.attempts.add(p);
  }

  private async attempt(m: Message, startedAt: number, controller: AbortController): Promise<void> {
    await this.db.atomic([
      ['ZREM', K.due, m.messageId],
      ['ZADD', K.inflight, String(startedAt), m.messageId],
      ...this.eventCommands(eventOf(m, 'ACTIVE', startedAt)),
    ]);
    const body = Buffer.from(m.body, 'base64');
    const headers = new Headers();
    for (const [name, values] of Object.entries(m.header)) for (const v of values) headers.append(name, v);
    // The server's own headers replace forwarded ones of the same name, never merge with them.
    headers.set('User-Agent', 'Upstash-QStash');
    headers.set('Upstash-Message-Id', m.messageId);
    headers.set('Upstash-Retried', String(m.retried));
    headers.set('Upstash-Caller-Ip', m.callerIp);
    if (m.topicName !== undefined) headers.set('Upstash-Topic-Name', m.topicName);
    else headers.delete('Upstash-Topic-Name');
    if (m.scheduleId !== undefined) headers.set('Upstash-Schedule-Id', m.scheduleId);
    else headers.delete('Upstash-Schedule-Id');
    const sendsBody = m.method !== 'GET' && m.method !== 'HEAD';
    // The receiver checks the token's times against its own clock: they are wall-clock times, not the
    // injected clock that drives delivery.
    headers.set('Upstash-Signature', await this.signer.sign(m.url, sendsBody ? body : new Uint8Array(0), Date.now()));
    const timeout = m.timeoutMs ?? this.limits.maxTimeoutMs;
    let status = 0;
    let responseHeaders: Headers | undefined;
    let responseBody: Buffer = Buffer.alloc(0);
    let error: string | undefined;
    // One signal for cancel, shutdown and the timeout: cheaper per delivery than AbortSignal.any of two.
    const timer = setTimeout(
      () => controller.abort(new DOMException(`timeout after ${timeout} ms`, 'TimeoutError')),
      Math.min(timeout, 2 ** 31 - 1),
    );
    try {
      const res = await this.deliver(
        m.url,
        { method: m.method, headers, body: sendsBody ? body : undefined, signal: controller.signal },
        this.maxResponseBytes,
      );
      status = res.status;
      responseHeaders = res.headers;
      responseBody = res.body;
    } catch (err) {
      const e = err as Error & { cause?: { code?: string } };
      error =
        e.name === 'TimeoutError'
          ? `timeout after ${timeout} ms`
          : controller.signal.aborted
            ? 'cancelled'
            : (e.cause?.code ?? e.message);
    } finally {
      clearTimeout(timer);
    }
    if (this.closed && controller.signal.aborted) return; // shutting down: stays in flight, retried at start
    const now = this.clock.now();
    // Only whether it still exists matters here (HEXISTS: no copy or parse of the stored JSON).
    if (((await this.db.call(['HEXISTS', K.msg, m.messageId])) as number) === 0) {
      // Cancelled while in flight: the attempt's outcome no longer matters.
      await this.db.call(['ZREM', K.inflight, m.messageId]);
      return;
    }
    const outcome = { status, headers: responseHeaders, body: responseBody };
    if (error === undefined && status >= 200 && status < 300) {
      await this.db.atomic([
        ['HDEL', K.msg, m.messageId],
        ['ZREM', K.inflight, m.messageId],
        ...this.eventCommands(eventOf(m, 'DELIVERED', now, { responseStatus: status })),
      ]);
      this.unrefFlow(m);
      if (m.scheduleId !== undefined && m.callbackOf === undefined) await this.onSettled?.(m, 'SUCCESS');
      // A queue's next message waits for the callback too: the callback message takes over the slot.
      if (m.callback !== undefined) await this.callback(m, m.callback, outcome, now, undefined, m.queueName);
      else this.finishQueued(m);
      return;
    }
    m.retried++;
    const nonRetryable = status === 489 && responseHeaders?.get('upstash-nonretryable-error')?.toLowerCase() === 'true';
    const failure = error ?? `HTTP ${status}`;
    const errorEvent = eventOf(m, 'ERROR', now, { error: failure, ...responseFields(outcome) });
    if (nonRetryable || m.retried > m.maxRetries) {
      const dlq: DlqMessage = { ...m, dlqId: `${now}-${this.dlqSeq++}`, failedAt: now };
      if (status !== 0) {
        dlq.responseStatus = status;
        dlq.responseHeader = headerMap(responseHeaders);
        const b = bodyFields(responseBody.toString('base64'));
        if (b.body !== undefined) dlq.responseBody = b.body;
        if (b.bodyBase64 !== undefined) dlq.responseBodyBase64 = b.bodyBase64;
      }
      await this.db.atomic([
        ['HDEL', K.msg, m.messageId],
        ['ZREM', K.inflight, m.messageId],
        ['HSET', K.dlq, dlq.dlqId, json(dlq)],
        ['ZADD', K.dlqIndex, String(now), dlq.dlqId],
        ...this.eventCommands(errorEvent),
        ...this.eventCommands(eventOf(m, 'FAILED', now, { error: failure })),
      ]);
      this.unrefFlow(m);
      if (m.scheduleId !== undefined && m.callbackOf === undefined) await this.onSettled?.(m, 'FAIL');
      const holders = (m.callback === undefined ? 0 : 1) + (m.failureCallback === undefined ? 0 : 1);
      if (holders === 0) this.finishQueued(m);
      else if (m.queueName !== undefined && holders === 2)
        this.queueActive.set(m.queueName, (this.queueActive.get(m.queueName) ?? 0) + 1);
      if (m.callback !== undefined) await this.callback(m, m.callback, outcome, now, undefined, m.queueName);
      if (m.failureCallback !== undefined)
        await this.callback(m, m.failureCallback, outcome, now, dlq.dlqId, m.queueName);
      return;
    }
    const at = now + nextDelayMs(m.retried, m.retryDelayExpression, responseHeaders, now);
    await this.db.atomic([
      ['HSET', K.msg, m.messageId, json(m)],
      ['ZREM', K.inflight, m.messageId],
      ['ZADD', K.due, String(at), m.messageId],
      ...this.eventCommands({ ...errorEvent, nextDeliveryTime: at }),
      ...this.eventCommands(eventOf(m, 'RETRY', now, { nextDeliveryTime: at })),
    ]);
    if (m.callback !== undefined) await this.callback(m, m.callback, outcome, now);
  }

  /** A message of a queue is done (delivered or dead-lettered): its slot frees for the next one. */
  private finishQueued(m: Message): void {
    const name = m.queueName ?? m.slotOf;
    if (name === undefined) return;
    this.queueActive.set(name, Math.max(0, (this.queueActive.get(name) ?? 1) - 1));
  }

  /** A callback is a new signed message to the callback URL, with QStash's body describing the attempt. */
  private async callback(
    m: Message,
    cb: CallbackConfig,
    outcome: { status: number; headers: Headers | undefined; body: Buffer },
    now: number,
    dlqId?: string,
    holdsSlotOf?: string,
  ): Promise<void> {
    const payload: Record<string, unknown> = {
      status: outcome.status,
      header: headerMap(outcome.headers),
      body: outcome.body.toString('base64'),
      retried: Math.max(0, m.retried - (outcome.status >= 200 && outcome.status < 300 ? 0 : 1)),
      maxRetries: m.maxRetries,
      sourceMessageId: m.messageId,
      url: m.url,
      method: m.method,
      sourceHeader: m.header,
      sourceBody: m.body,
      notBefore: m.notBefore,
      createdAt: m.createdAt,
      callerIP: m.callerIp,
    };
    if (m.topicName !== undefined) payload.topicName = m.topicName;
    if (m.endpointName !== undefined) payload.endpointName = m.endpointName;
    if (m.scheduleId !== undefined) payload.scheduleId = m.scheduleId;
    if (dlqId !== undefined) payload.dlqId = dlqId;
    const header: HeaderMap = { 'Content-Type': ['application/json'], ...cb.header };
    const config: PublishConfig = {
      method: cb.method ?? 'POST',
      header,
      notBefore: now + (cb.delayMs ?? 0),
      retries: cb.retries ?? m.maxRetries,
      contentBasedDeduplication: false,
    };
    if (cb.timeoutMs !== undefined) config.timeoutMs = cb.timeoutMs;
    if (cb.retryDelayExpression !== undefined) config.retryDelayExpression = cb.retryDelayExpression;
    // Marked at creation: a pump running meanwhile must never see the callback without its slot.
    const meta = {
      callerIp: m.callerIp,
      scheduleId: m.scheduleId,
      sourceMessageId: m.messageId,
      ...(holdsSlotOf === undefined ? {} : { holdsSlotOf }),
    };
    await this.store({ url: cb.url }, Buffer.from(JSON.stringify(payload)), config, meta, undefined, now);
  }

  // ---- flow control --------------------------------------------------------------------------------

  /** The latest message's settings win for its key, unless pinned. */
  private configureFlow(m: Message): void {
    const key = m.flowControlKey as string;
    let f = this.flows.get(key);
    if (f === undefined) {
      f = {
        active: 0,
        waiting: [],
        rateWaiting: new Set(),
        windowStart: 0,
        rateCount: 0,
        paused: false,
        pinnedParallelism: false,
        pinnedRate: false,
        refs: 0,
        idleSince: this.clock.now(),
      };
      this.flows.set(key, f);
    }
    if (!f.pinnedParallelism) {
      if (m.parallelism === undefined) delete f.parallelism;
      else f.parallelism = m.parallelism;
    }
    if (!f.pinnedRate) {
      if (m.rate === undefined) {
        delete f.rate;
        delete f.period;
      } else {
        f.rate = m.rate;
        f.period = m.period ?? 1;
      }
    }
  }

  private refFlow(key: string): void {
    const f = this.flows.get(key);
    if (f !== undefined) f.refs++;
  }

  private unrefFlow(m: Message): void {
    if (m.flowControlKey === undefined) return;
    const f = this.flows.get(m.flowControlKey);
    if (f === undefined) return;
    f.refs = Math.max(0, f.refs - 1);
    if (f.refs === 0) f.idleSince = this.clock.now();
  }

  /**
   * Forgets keys no message has named for FLOW_IDLE_MS and that nothing holds (in flight, waiting, paused
   * or pinned), so keys used once do not accumulate; at most once a minute.
   */
  private sweepFlows(): void {
    const now = this.clock.now();
    if (now - this.flowsSweptAt < 60_000) return;
    this.flowsSweptAt = now;
    for (const [key, f] of this.flows) {
      const held = f.refs > 0 || f.active > 0 || f.waiting.length > 0 || f.rateWaiting.size > 0;
      const set = f.paused || f.pinnedParallelism || f.pinnedRate;
      if (!held && !set && now - f.idleSince >= FLOW_IDLE_MS) this.flows.delete(key);
    }
  }

  /** Undefined: the message may start now; otherwise the due score to park it at. */
  private flowGate(m: Message, now: number): number | undefined {
    const key = m.flowControlKey as string;
    if (!this.flows.has(key)) this.configureFlow(m);
    const f = this.flows.get(key) as FlowState;
    if (f.paused || (f.parallelism !== undefined && f.active >= f.parallelism)) {
      if (!f.waiting.includes(m.messageId)) f.waiting.push(m.messageId);
      f.rateWaiting.delete(m.messageId);
      return WAITING;
    }
    if (f.rate !== undefined) {
      const periodMs = (f.period ?? 1) * 1000;
      // A window starts with the first attempt after the last one ended (not on a grid from the epoch).
      if (now >= f.windowStart + periodMs) {
        f.windowStart = now;
        f.rateCount = 0;
      }
      if (f.rateCount >= f.rate) {
        f.rateWaiting.add(m.messageId);
        return f.windowStart + periodMs;
      }
      f.rateCount++;
      f.rateWaiting.delete(m.messageId);
    }
    const i = f.waiting.indexOf(m.messageId);
    if (i >= 0) f.waiting.splice(i, 1);
    return undefined;
  }

  /** A flow-controlled attempt ended: the earliest waiting message of its key may go. */
  private releaseFlow(key: string): void {
    const f = this.flows.get(key);
    if (f === undefined) return;
    f.active = Math.max(0, f.active - 1);
    void this.wakeFlow(f);
  }

  private async wakeFlow(f: FlowState): Promise<void> {
    if (f.paused) return;
    const free = f.parallelism === undefined ? f.waiting.length : f.parallelism - f.active;
    const ids = f.waiting.splice(0, Math.max(0, free));
    if (ids.length === 0) return;
    const now = this.clock.now();
    await this.db.atomic(ids.map((id) => ['ZADD', K.due, String(now), id]));
  }

  flowInfo(key: string): Record<string, unknown> | undefined {
    const f = this.flows.get(key);
    if (f === undefined) return undefined;
    const now = this.clock.now();
    const periodMs = (f.period ?? 1) * 1000;
    const inWindow = now < f.windowStart + periodMs;
    return {
      flowControlKey: key,
      waitListSize: f.waiting.length + f.rateWaiting.size,
      parallelismMax: f.parallelism ?? 0,
      parallelismCount: f.active,
      rateMax: f.rate ?? 0,
      rateCount: inWindow ? f.rateCount : 0,
      ratePeriod: f.period ?? 0,
      ratePeriodStart: Math.floor(f.windowStart / 1000),
      isPaused: f.paused,
      isPinnedParallelism: f.pinnedParallelism,
      isPinnedRate: f.pinnedRate,
    };
  }

  flowKeys(): string[] {
    return [...this.flows.keys()];
  }

  /**
   * What an operator set on a key (pause, pinned parallelism or rate) is kept in the store, so a restart
   * neither resumes a paused key nor forgets a pin; the counters themselves start afresh.
   */
  private async saveFlowSettings(key: string, f: FlowState): Promise<void> {
    const set = f.paused || f.pinnedParallelism || f.pinnedRate;
    if (!set) await this.db.call(['HDEL', K.flow, key]);
    else {
      const saved: SavedFlow = { paused: f.paused };
      if (f.pinnedParallelism && f.parallelism !== undefined) saved.parallelism = f.parallelism;
      if (f.pinnedRate && f.rate !== undefined) {
        saved.rate = f.rate;
        saved.period = f.period ?? 1;
      }
      await this.db.call(['HSET', K.flow, key, json(saved)]);
    }
    await this.db.durable();
  }

  private async loadFlowSettings(): Promise<void> {
    for (const [key, value] of await hgetallMap(this.db, K.flow)) {
      const saved = JSON.parse(toUtf8(value)) as SavedFlow;
      this.configureFlow({ flowControlKey: key } as Message);
      const f = this.flows.get(key) as FlowState;
      f.paused = saved.paused;
      if (saved.parallelism !== undefined) {
        f.parallelism = saved.parallelism;
        f.pinnedParallelism = true;
      }
      if (saved.rate !== undefined) {
        f.rate = saved.rate;
        f.period = saved.period ?? 1;
        f.pinnedRate = true;
      }
    }
  }

  async setFlowPaused(key: string, paused: boolean): Promise<void> {
    const f = this.flows.get(key);
    if (f === undefined) throw new QueueError(404, `flow control key ${key} not found`);
    f.paused = paused;
    await this.saveFlowSettings(key, f);
    if (!paused) await this.wakeFlow(f);
    void this.tick();
  }

  async pinFlow(key: string, pin: { parallelism?: number; rate?: number; period?: number }): Promise<void> {
    const f = this.flows.get(key);
    if (f === undefined) throw new QueueError(404, `flow control key ${key} not found`);
    if (pin.parallelism !== undefined) {
      f.parallelism = pin.parallelism;
      f.pinnedParallelism = true;
    }
    if (pin.rate !== undefined) {
      f.rate = pin.rate;
      f.period = pin.period ?? f.period ?? 1;
      f.pinnedRate = true;
      f.windowStart = this.clock.now();
      f.rateCount = 0;
    }
    await this.saveFlowSettings(key, f);
    await this.wakeRateWaiting(f);
    await this.wakeFlow(f);
    void this.tick();
  }

  async unpinFlow(key: string, which: { parallelism: boolean; rate: boolean }): Promise<void> {
    const f = this.flows.get(key);
    if (f === undefined) throw new QueueError(404, `flow control key ${key} not found`);
    if (which.parallelism) f.pinnedParallelism = false;
    if (which.rate) f.pinnedRate = false;
    await this.saveFlowSettings(key, f);
  }

  async resetFlowRate(key: string): Promise<void> {
    const f = this.flows.get(key);
    if (f === undefined) throw new QueueError(404, `flow control key ${key} not found`);
    f.windowStart = this.clock.now();
    f.rateCount = 0;
    await this.wakeRateWaiting(f);
    void this.tick();
  }

  /** A new rate window started early (reset, pin): messages parked for the old one's end may go now. */
  private async wakeRateWaiting(f: FlowState): Promise<void> {
    const ids = [...f.rateWaiting];
    f.rateWaiting.clear();
    if (ids.length > 0) await this.db.atomic(ids.map((id) => ['ZADD', K.due, String(this.clock.now()), id]));
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  // ---- messages ------------------------------------------------------------------------------------

  async getMessage(id: string): Promise<Record<string, unknown>> {
    const m = await hgetJson<Message>(this.db, K.msg, id);
    if (m === undefined) throw new QueueError(404, `message ${id} not found`);
    return messageJson(m);
  }

  /** Cancels pending or retrying messages (an attempt in flight is aborted); how many were cancelled. */
  async cancel(ids: string[]): Promise<number> {
    let n = 0;
    const now = this.clock.now();
    for (const id of ids) {
      const m = await hgetJson<Message>(this.db, K.msg, id);
      if (m === undefined) continue;
      this.inFlight.get(id)?.abort();
      const cmds: string[][] = [
        ['HDEL', K.msg, id],
        ['ZREM', K.due, id],
        ['ZREM', K.inflight, id],
        ...this.eventCommands(eventOf(m, 'CANCEL_REQUESTED', now)),
        ...this.eventCommands(eventOf(m, 'CANCELLED', now)),
      ];
      if (m.queueName !== undefined) {
        const removed = (await this.db.call(['LREM', K.queue(m.queueName), '0', id])) as number;
        if (removed === 0) this.finishQueued(m);
      } else if (m.slotOf !== undefined) this.finishQueued(m);
      if (m.flowControlKey !== undefined) {
        const f = this.flows.get(m.flowControlKey);
        const i = f?.waiting.indexOf(id) ?? -1;
        if (f !== undefined && i >= 0) f.waiting.splice(i, 1);
        f?.rateWaiting.delete(id);
      }
      await this.db.atomic(cmds);
      this.unrefFlow(m);
      n++;
    }
    if (n > 0) await this.db.durable();
    return n;
  }

  /** Every pending message (for filtered bulk cancel). */
  async pendingMessages(): Promise<Message[]> {
    return hvalsJson<Message>(this.db, K.msg);
  }

  // ---- queues --------------------------------------------------------------------------------------

  private queueUpsertCommands(name: string, parallelism: number, paused: boolean, now: number): string[][] {
    const old = this.queues.get(name);
    const q: QueueInfo = { name, parallelism, paused, createdAt: old?.createdAt ?? now, updatedAt: now };
    this.queues.set(name, q);
    return [['HSET', K.queues, name, json(q)]];
  }

  async upsertQueue(name: string, parallelism = 1, paused = false): Promise<void> {
    if (!NAME.test(name)) throw new QueueError(400, 'invalid queue name');
    if (!Number.isInteger(parallelism) || parallelism < 1) throw new QueueError(400, 'parallelism must be ≥ 1');
    await this.db.atomic(this.queueUpsertCommands(name, parallelism, paused, this.clock.now()));
    await this.db.durable();
    void this.tick();
  }

  async queueInfo(name: string): Promise<Record<string, unknown>> {
    const q = this.queues.get(name);
    if (q === undefined) throw new QueueError(404, `queue ${name} not found`);
    const lag = (await this.db.call(['LLEN', K.queue(name)])) as number;
    return { ...q, lag };
  }

  async listQueues(): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    for (const name of this.queues.keys()) out.push(await this.queueInfo(name));
    return out;
  }

  /** Deletes a queue; its waiting messages are cancelled (QStash leaves their fate undocumented). */
  async deleteQueue(name: string): Promise<void> {
    if (!this.queues.has(name)) throw new QueueError(404, `queue ${name} not found`);
    const waiting = (await this.db.call(['LRANGE', K.queue(name), '0', '-1'])) as string[];
    await this.cancel(waiting);
    this.queues.delete(name);
    this.queueActive.delete(name);
    await this.db.atomic([
      ['HDEL', K.queues, name],
      ['DEL', K.queue(name)],
    ]);
    await this.db.durable();
  }

  async setQueuePaused(name: string, paused: boolean): Promise<void> {
    const q = this.queues.get(name);
    if (q === undefined) throw new QueueError(404, `queue ${name} not found`);
    await this.upsertQueue(name, q.parallelism, paused);
  }

  // ---- URL groups ----------------------------------------------------------------------------------

  async addEndpoints(name: string, endpoints: { name?: string; url: string }[]): Promise<void> {
    if (!NAME.test(name)) throw new QueueError(400, 'invalid url group name');
    const now = this.clock.now();
    const g = (await hgetJson<UrlGroup>(this.db, K.topics, name)) ?? {
      name,
      createdAt: now,
      updatedAt: now,
      endpoints: [],
    };
    for (const e of endpoints) {
      if (typeof e?.url !== 'string' || !/^https?:\/\//i.test(e.url))
        throw new QueueError(400, 'endpoint url is invalid');
      const refused = this.checkDestination(e.url);
      if (refused !== undefined) throw new QueueError(400, refused);
      const i = g.endpoints.findIndex((x) => x.url === e.url);
      const entry = e.name === undefined ? { url: e.url } : { name: e.name, url: e.url };
      if (i >= 0) g.endpoints[i] = entry;
      else g.endpoints.push(entry);
    }
    g.updatedAt = now;
    await this.db.call(['HSET', K.topics, name, json(g)]);
    await this.db.durable();
  }

  async removeEndpoints(name: string, endpoints: { name?: string; url?: string }[]): Promise<void> {
    const g = await hgetJson<UrlGroup>(this.db, K.topics, name);
    if (g === undefined) throw new QueueError(404, `topic ${name} not found`);
    g.endpoints = g.endpoints.filter(
      (x) =>
        !endpoints.some((e) => (e.url !== undefined && e.url === x.url) || (e.name !== undefined && e.name === x.name)),
    );
    g.updatedAt = this.clock.now();
    if (g.endpoints.length === 0) await this.db.call(['HDEL', K.topics, name]);
    else await this.db.call(['HSET', K.topics, name, json(g)]);
    await this.db.durable();
  }

  async getUrlGroup(name: string): Promise<UrlGroup> {
    const g = await hgetJson<UrlGroup>(this.db, K.topics, name);
    if (g === undefined) throw new QueueError(404, `topic ${name} not found`);
    return g;
  }

  listUrlGroups(): Promise<UrlGroup[]> {
    return hvalsJson<UrlGroup>(this.db, K.topics);
  }

  async deleteUrlGroup(name: string): Promise<void> {
    const removed = (await this.db.call(['HDEL', K.topics, name])) as number;
    if (removed === 0) throw new QueueError(404, `topic ${name} not found`);
    await this.db.durable();
  }

  // ---- DLQ -----------------------------------------------------------------------------------------

  /** Drops DLQ entries past the retention, at most once a minute (they are indexed by failure time). */
  private async sweepDlq(): Promise<void> {
    const now = this.clock.now();
    if (now - this.dlqSweptAt < 60_000) return;
    this.dlqSweptAt = now;
    const expired = (await this.db.call([
      'ZRANGEBYSCORE',
      K.dlqIndex,
      '-inf',
      String(now - this.dlqRetentionMs),
      'LIMIT',
      '0',
      '1000',
    ])) as string[];
    if (expired.length === 0) return;
    await this.db.atomic([
      ['HDEL', K.dlq, ...expired],
      ['ZREM', K.dlqIndex, ...expired],
    ]);
  }

  /** DLQ entries, oldest first (by when they failed). */
  async dlqMessages(): Promise<DlqMessage[]> {
    const ids = (await this.db.call(['ZRANGE', K.dlqIndex, '0', '-1'])) as string[];
    const out: DlqMessage[] = [];
    for (const id of ids) {
      const d = await hgetJson<DlqMessage>(this.db, K.dlq, id);
      if (d !== undefined) out.push(d);
    }
    return out;
  }

  async dlqMessage(dlqId: string): Promise<DlqMessage> {
    const d = await hgetJson<DlqMessage>(this.db, K.dlq, dlqId);
    if (d === undefined) throw new QueueError(404, `dlq message ${dlqId} not found`);
    return d;
  }

  async dlqDelete(ids: string[]): Promise<number> {
    let n = 0;
    for (const id of ids) {
      const r = (await this.db.atomic([
        ['HDEL', K.dlq, id],
        ['ZREM', K.dlqIndex, id],
      ])) as number[];
      if (r[0] === 1) n++;
    }
    if (n > 0) await this.db.durable();
    return n;
  }

  /** A DLQ entry published again as a new message (same body and headers); the entry is removed. */
  async dlqRetry(dlqId: string, overrides: Partial<PublishConfig>): Promise<string> {
    const d = await this.dlqMessage(dlqId);
    const now = this.clock.now();
    const config: PublishConfig = {
      method: d.method,
      header: d.header,
      notBefore: now,
      retries: overrides.retries ?? d.maxRetries,
      contentBasedDeduplication: false,
    };
    const expr = overrides.retryDelayExpression ?? d.retryDelayExpression;
    if (expr !== undefined) config.retryDelayExpression = expr;
    const timeout = overrides.timeoutMs ?? d.timeoutMs;
    if (timeout !== undefined) config.timeoutMs = timeout;
    if (d.callback !== undefined) config.callback = d.callback;
    if (d.failureCallback !== undefined) config.failureCallback = d.failureCallback;
    if (d.label !== undefined) config.label = d.label;
    if (d.labels !== undefined) config.labels = d.labels;
    if (d.flowControlKey !== undefined) {
      config.flowControlKey = d.flowControlKey;
      if (d.parallelism !== undefined) config.parallelism = d.parallelism;
      if (d.rate !== undefined) config.rate = d.rate;
      if (d.period !== undefined) config.period = d.period;
    }
    const target: { url: string; topicName?: string; endpointName?: string } = { url: d.url };
    if (d.topicName !== undefined) target.topicName = d.topicName;
    if (d.endpointName !== undefined) target.endpointName = d.endpointName;
    const r = await this.store(target, Buffer.from(d.body, 'base64'), config, d, d.queueName, now);
    await this.dlqDelete([dlqId]);
    void this.tick();
    return r.messageId;
  }

  // ---- events --------------------------------------------------------------------------------------

  private eventCommands(e: QueueEvent): string[][] {
    return [
      ['LPUSH', K.events, json(e)],
      ['LTRIM', K.events, '0', String(this.eventsKept - 1)],
    ];
  }

  /** The event log, newest first. */
  async events(): Promise<QueueEvent[]> {
    const raw = (await this.db.call(['LRANGE', K.events, '0', '-1'])) as string[];
    return raw.map((s) => JSON.parse(toUtf8(s)) as QueueEvent);
  }

  // ---- keys ----------------------------------------------------------------------------------------

  /** current := next; next := `fresh`. Persisted before it takes effect. */
  async rotateKeys(fresh: string): Promise<{ current: string; next: string }> {
    const keys = { current: this.signer.current.next, next: fresh };
    if (this.storeKeys) {
      await this.db.call(['HSET', K.keys, 'current', keys.current, 'next', keys.next]);
      await this.db.durable();
    }
    this.signer.setKeys(keys);
    return keys;
  }
}

/**
 * `msg_` + 122 random bits. randomUUID draws from a cached entropy pool: about 1 µs here, against 6 µs for
 * a randomBytes call per message.
 */
export function newMessageId(): string {
  return `msg_${Buffer.from(randomUUID().replaceAll('-', ''), 'hex').toString('base64url')}`;
}

function headerMap(headers: Headers | undefined): HeaderMap {
  const out: HeaderMap = {};
  if (headers === undefined) return out;
  headers.forEach((value, name) => {
    const canonical = canonicalHeader(name);
    const list = out[canonical];
    if (list === undefined) out[canonical] = [value];
    else list.push(value);
  });
  return out;
}

function responseFields(o: { status: number; headers: Headers | undefined; body: Buffer }): Partial<QueueEvent> {
  if (o.status === 0) return {};
  return { responseStatus: o.status, responseHeaders: headerMap(o.headers), responseBody: o.body.toString('base64') };
}
