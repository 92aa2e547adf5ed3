/**
 * QStash's HTTP API (`/v2/...`, spec: shared/specs/qstash.md §2) over node:http. Requests are authenticated
 * with the QStash token (Bearer or `qstash_token`), compared in constant time. The destination of a publish
 * is taken from the raw request target, so `https://…/path?query` arrives exactly as the client wrote it.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CANCEL_FILTERS, DLQ_FILTERS, EVENT_FILTERS, page, parseFilter } from './filters.ts';
import { messageJson } from './message.ts';
import { type PublishConfig, parsePublishConfig, type RequestHeaders, withQueryConfig } from './publish-config.ts';
import { type DlqMessage, type Queue, QueueError } from './queue.ts';
import type { Scheduler } from './schedules.ts';
import { generateSigningKey } from './signing.ts';

export interface QueueApiOptions {
  queue: Queue;
  scheduler: Scheduler;
  token: string;
  now: () => number;
  /** Largest message body accepted. */
  maxMessageBytes?: number;
}

/** Handles a `/v2/...` request; the caller routes only queue paths here. */
export type QueueApiHandler = (req: IncomingMessage, res: ServerResponse) => void;

const DEFAULT_MAX_MESSAGE = 10 * 1024 * 1024;

export function createQueueApi(o: QueueApiOptions): QueueApiHandler {
  const expected = createHash('sha256').update(o.token).digest();
  const maxBody = o.maxMessageBytes ?? DEFAULT_MAX_MESSAGE;
  return (req, res) => {
    const raw = req.url ?? '/';
    const q = raw.indexOf('?');
    const query = new URLSearchParams(q < 0 ? '' : raw.slice(q + 1));
    const auth = req.headers.authorization;
    const presented =
      auth !== undefined && /^bearer /i.test(auth) ? auth.slice(7).trim() : (query.get('qstash_token') ?? '');
    if (!timingSafeEqual(createHash('sha256').update(presented).digest(), expected)) {
      send(res, 401, { error: 'Unauthorized: invalid or missing QStash token' });
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > maxBody) tooBig = true;
      else chunks.push(c);
    });
    req.on('error', () => {});
    req.on('end', () => {
      if (tooBig) return send(res, 413, { error: `message body exceeds the maximum of ${maxBody} bytes` });
      const body = Buffer.concat(chunks);
      route(o, req, raw, q < 0 ? raw : raw.slice(0, q), query, body, res).catch((err: unknown) => {
        if (err instanceof QueueError) send(res, err.status, { error: err.message });
        else {
          if (!res.headersSent) send(res, 500, { error: `internal error: ${(err as Error).message}` });
          else res.destroy();
        }
      });
    });
  };
}

async function route(
  o: QueueApiOptions,
  req: IncomingMessage,
  raw: string,
  path: string,
  query: URLSearchParams,
  body: Buffer,
  res: ServerResponse,
): Promise<void> {
  const method = req.method ?? 'GET';
  const callerIp = req.socket.remoteAddress ?? '';
  const headers = req.headers as RequestHeaders;
  const { queue, scheduler } = o;
  const seg = path.split('/').slice(2); // ['', 'v2', ...]
  const head = seg[0] ?? '';
  const need = (...methods: string[]) => {
    if (!methods.includes(method)) throw new QueueError(405, `method ${method} not allowed on ${path}`);
  };
  const config = () => {
    const c = parsePublishConfig(withQueryConfig(headers, query), o.now(), queue.limits);
    if (typeof c === 'string') throw new QueueError(400, c);
    return c;
  };
  switch (head) {
    case 'publish': {
      need('POST');
      const dest = destinationOf(raw, '/v2/publish/');
      const r = await queue.publish(dest, body, config(), { callerIp });
      return send(res, publishStatus(r), r);
    }
    case 'enqueue': {
      need('POST');
      const name = decodeURIComponent(seg[1] ?? '');
      const dest = destinationOf(raw, `/v2/enqueue/${seg[1] ?? ''}/`);
      const r = await queue.publish(dest, body, config(), { callerIp, queueName: name });
      return send(res, publishStatus(r), r);
    }
    case 'batch': {
      need('POST');
      let items: unknown;
      try {
        items = JSON.parse(body.toString('utf8'));
      } catch {
        throw new QueueError(400, 'batch body must be a JSON array');
      }
      if (!Array.isArray(items)) throw new QueueError(400, 'batch body must be a JSON array');
      // Every item is checked before any is stored: a refused batch stores nothing, so the client's retry
      // of it cannot duplicate the items that came before the bad one.
      const checked: { destination: string; body: Buffer; config: PublishConfig; queue?: string }[] = [];
      for (const item of items as {
        destination?: string;
        headers?: Record<string, string>;
        body?: string;
        queue?: string;
      }[]) {
        if (typeof item?.destination !== 'string') throw new QueueError(400, 'each batch item needs a destination');
        const h: RequestHeaders = {};
        for (const [k, v] of Object.entries(item.headers ?? {})) h[k.toLowerCase()] = String(v);
        const c = parsePublishConfig(h, o.now(), queue.limits);
        if (typeof c === 'string') throw new QueueError(400, c);
        if (!/^https?:\/\//i.test(item.destination)) await queue.getUrlGroup(item.destination);
        else if (!URL.canParse(item.destination))
          throw new QueueError(400, `invalid destination url: ${item.destination}`);
        checked.push({
          destination: item.destination,
          body: Buffer.from(item.body ?? '', 'utf8'),
          config: c,
          ...(item.queue === undefined ? {} : { queue: item.queue }),
        });
      }
      const out: unknown[] = [];
      for (const item of checked)
        out.push(await queue.publish(item.destination, item.body, item.config, { callerIp, queueName: item.queue }));
      return send(res, 200, out);
    }
    case 'messages': {
      if (seg[1] !== undefined && seg[1] !== '') {
        const id = decodeURIComponent(seg[1]);
        if (method === 'GET') return send(res, 200, await queue.getMessage(id));
        need('DELETE');
        const n = await queue.cancel([id]);
        if (n === 0) throw new QueueError(404, `message ${id} not found`);
        return send(res, 200, { cancelled: 1 });
      }
      need('DELETE');
      const ids = query.getAll('messageIds').flatMap((v) => v.split(','));
      if (ids.length > 0) return send(res, 200, { cancelled: await queue.cancel(ids) });
      // `count` is legacy here (the SDK always sends 100; its docs say the server ignores it): every match goes.
      const { filter } = parseFilter(query, CANCEL_FILTERS);
      const picked = (await queue.pendingMessages())
        .filter((m) => filter(m as unknown as Record<string, unknown>, m.createdAt))
        .map((m) => m.messageId);
      return send(res, 200, { cancelled: await queue.cancel(picked) });
    }
    case 'queues': {
      const name = seg[1] === undefined || seg[1] === '' ? undefined : decodeURIComponent(seg[1]);
      if (name === undefined) {
        if (method === 'GET') return send(res, 200, await queue.listQueues());
        need('POST');
        const b = parseObject(body);
        if (typeof b.queueName !== 'string') throw new QueueError(400, 'queueName is required');
        await queue.upsertQueue(b.queueName, (b.parallelism as number | undefined) ?? 1, b.paused === true);
        return empty(res);
      }
      if (seg[2] === 'pause' || seg[2] === 'resume') {
        need('POST');
        await queue.setQueuePaused(name, seg[2] === 'pause');
        return empty(res);
      }
      if (method === 'GET') return send(res, 200, await queue.queueInfo(name));
      need('DELETE');
      await queue.deleteQueue(name);
      return empty(res);
    }
    case 'schedules': {
      const rest = path.slice('/v2/schedules'.length);
      if (rest === '' || rest === '/') {
        need('GET');
        return send(res, 200, scheduler.list());
      }
      const id = decodeURIComponent(seg[1] ?? '');
      if ((seg[2] === 'pause' || seg[2] === 'resume') && seg.length === 3 && !/^https?:/i.test(seg[1] ?? '')) {
        need('PATCH', 'POST');
        await scheduler.setPaused(id, seg[2] === 'pause');
        return empty(res);
      }
      if (method === 'GET') return send(res, 200, scheduler.get(id));
      if (method === 'DELETE') {
        await scheduler.delete(id);
        return empty(res);
      }
      need('POST');
      const c = config();
      if (c.cron === undefined) throw new QueueError(400, 'Upstash-Cron header is required');
      const scheduleId = await scheduler.upsert({
        scheduleId: c.scheduleId,
        cron: c.cron,
        destination: destinationOf(raw, '/v2/schedules/'),
        config: c,
        body,
        callerIp,
      });
      return send(res, 200, { scheduleId });
    }
    case 'topics': {
      const name = seg[1] === undefined || seg[1] === '' ? undefined : decodeURIComponent(seg[1]);
      if (name === undefined) {
        need('GET');
        return send(res, 200, await queue.listUrlGroups());
      }
      if (seg[2] === 'endpoints') {
        const b = parseObject(body);
        const endpoints = b.endpoints;
        if (!Array.isArray(endpoints)) throw new QueueError(400, 'endpoints must be an array');
        if (method === 'POST') await queue.addEndpoints(name, endpoints);
        else {
          need('DELETE');
          await queue.removeEndpoints(name, endpoints);
        }
        return empty(res);
      }
      if (method === 'GET') return send(res, 200, await queue.getUrlGroup(name));
      need('DELETE');
      await queue.deleteUrlGroup(name);
      return empty(res);
    }
    case 'dlq':
      return dlq(o, method, seg, query, headers, res);
    case 'events':
    case 'logs': {
      need('GET');
      const ids = query.getAll('messageIds').flatMap((v) => v.split(','));
      const { filter } = parseFilter(query, EVENT_FILTERS);
      const all = (await queue.events()).filter(
        (e) =>
          (ids.length === 0 || ids.includes(e.messageId)) && filter(e as unknown as Record<string, unknown>, e.time),
      );
      const { slice, next } = pageNewestFirst(all, query, 1000, 1000);
      return send(res, 200, { [head]: slice, ...(next === undefined ? {} : { cursor: next }) });
    }
    case 'flowControl': {
      const key = seg[1] === undefined || seg[1] === '' ? undefined : decodeURIComponent(seg[1]);
      if (key === undefined) {
        need('GET');
        const search = query.get('search') ?? '';
        return send(
          res,
          200,
          queue
            .flowKeys()
            .filter((k) => k.includes(search))
            .map((k) => queue.flowInfo(k)),
        );
      }
      const action = seg[2];
      if (action === undefined) {
        need('GET');
        const info = queue.flowInfo(key);
        if (info === undefined) throw new QueueError(404, `flow control key ${key} not found`);
        return send(res, 200, info);
      }
      need('POST');
      if (action === 'pause' || action === 'resume') await queue.setFlowPaused(key, action === 'pause');
      else if (action === 'resetRate') await queue.resetFlowRate(key);
      else if (action === 'pin') {
        const num = (n: string) => {
          const v = query.get(n);
          if (v === null) return undefined;
          if (!/^\d+$/.test(v) || Number(v) < 1) throw new QueueError(400, `invalid ${n}: ${v}`);
          return Number(v);
        };
        const pin: { parallelism?: number; rate?: number; period?: number } = {};
        const p = num('parallelism');
        const r = num('rate');
        const per = num('period');
        if (p !== undefined) pin.parallelism = p;
        if (r !== undefined) pin.rate = r;
        if (per !== undefined) pin.period = per;
        await queue.pinFlow(key, pin);
      } else if (action === 'unpin')
        await queue.unpinFlow(key, {
          parallelism: query.get('parallelism') === 'true',
          rate: query.get('rate') === 'true',
        });
      else throw new QueueError(404, `no such endpoint: ${path}`);
      return empty(res);
    }
    case 'globalParallelism':
      need('GET');
      return send(res, 200, { parallelismMax: queue.maxInFlight, parallelismCount: queue.inFlightCount });
    case 'keys':
      if (seg[1] === 'rotate') {
        need('POST');
        return send(res, 200, await queue.rotateKeys(generateSigningKey()));
      }
      need('GET');
      return send(res, 200, queue.signer.current);
    case 'workflows': {
      // The deprecated `client.workflow` deletes a run; there is no run state here beyond the messages
      // that carry its id, which `cancel=true` cancels.
      if (seg[1] !== 'runs' || seg[2] === undefined || seg[2] === '')
        throw new QueueError(404, `no such endpoint: ${path}`);
      need('DELETE');
      const runId = decodeURIComponent(seg[2]);
      if (query.get('cancel') === 'true') {
        const ids = (await queue.pendingMessages())
          .filter((m) => m.header['Upstash-Workflow-Runid']?.includes(runId) === true)
          .map((m) => m.messageId);
        await queue.cancel(ids);
      }
      return empty(res);
    }
    default:
      throw new QueueError(404, `no such endpoint: ${path}`);
  }
}

async function dlq(
  o: QueueApiOptions,
  method: string,
  seg: string[],
  query: URLSearchParams,
  headers: RequestHeaders,
  res: ServerResponse,
): Promise<void> {
  const { queue } = o;
  const retryConfig = () => {
    const c = parsePublishConfig(headers, o.now(), queue.limits);
    if (typeof c === 'string') throw new QueueError(400, c);
    const out: { retries?: number; retryDelayExpression?: string; timeoutMs?: number } = {};
    if (headers['upstash-retries'] !== undefined) out.retries = c.retries;
    if (c.retryDelayExpression !== undefined) out.retryDelayExpression = c.retryDelayExpression;
    if (c.timeoutMs !== undefined) out.timeoutMs = c.timeoutMs;
    return out;
  };
  // /dlq/retry/{id}
  if (seg[1] === 'retry' && seg[2] !== undefined && seg[2] !== '') {
    if (method !== 'POST') throw new QueueError(405, 'use POST');
    const id = await queue.dlqRetry(decodeURIComponent(seg[2]), retryConfig());
    return send(res, 201, { messageId: id });
  }
  /** `consumes`: the page is removed (delete, retry), so the next page starts where this one did. */
  const selected = async (
    consumes = true,
  ): Promise<{ items: DlqMessage[]; next: string | undefined; byIds: boolean }> => {
    const ids = query.getAll('dlqIds').flatMap((v) => v.split(','));
    const all = await queue.dlqMessages();
    if (ids.length > 0) return { items: all.filter((d) => ids.includes(d.dlqId)), next: undefined, byIds: true };
    const { filter } = parseFilter(query, DLQ_FILTERS);
    const matching = all.filter((d) => filter(d as unknown as Record<string, unknown>, d.failedAt));
    const { slice, next } = page(matching, query, 100, 100);
    const after = consumes && next !== undefined ? String(Number(next) - slice.length) : next;
    return { items: slice, next: after, byIds: false };
  };
  if (seg[1] === 'retry') {
    if (method !== 'POST') throw new QueueError(405, 'use POST');
    const { items, next, byIds } = await selected();
    const responses = [];
    for (const d of items) responses.push({ messageId: await queue.dlqRetry(d.dlqId, retryConfig()) });
    return send(res, 200, { responses, ...(byIds || next === undefined ? {} : { cursor: next }) });
  }
  if (seg[1] !== undefined && seg[1] !== '') {
    const id = decodeURIComponent(seg[1]);
    if (method === 'GET') return send(res, 200, dlqJson(await queue.dlqMessage(id)));
    if (method !== 'DELETE') throw new QueueError(405, 'use GET or DELETE');
    if ((await queue.dlqDelete([id])) === 0) throw new QueueError(404, `dlq message ${id} not found`);
    return empty(res);
  }
  if (method === 'GET') {
    const { items, next } = await selected(false);
    return send(res, 200, { messages: items.map(dlqJson), ...(next === undefined ? {} : { cursor: next }) });
  }
  if (method !== 'DELETE') throw new QueueError(405, 'use GET or DELETE');
  const { items, next } = await selected();
  const deleted = await queue.dlqDelete(items.map((d) => d.dlqId));
  return send(res, 200, { deleted, ...(next === undefined ? {} : { cursor: next }) });
}

function dlqJson(d: DlqMessage): Record<string, unknown> {
  const out: Record<string, unknown> = { ...messageJson(d), dlqId: d.dlqId };
  if (d.responseStatus !== undefined) out.responseStatus = d.responseStatus;
  if (d.responseHeader !== undefined) out.responseHeader = d.responseHeader;
  if (d.responseBody !== undefined) out.responseBody = d.responseBody;
  if (d.responseBodyBase64 !== undefined) out.responseBodyBase64 = d.responseBodyBase64;
  return out;
}

/**
 * The destination after `prefix` in the raw target, with its own query string; the parameters meant for
 * QStash (`qstash_token`, `upstash-*`) are not part of it.
 */
function destinationOf(raw: string, prefix: string): string {
  let dest = raw.startsWith(prefix) ? raw.slice(prefix.length) : '';
  const q = dest.indexOf('?');
  if (q >= 0) {
    const kept = dest
      .slice(q + 1)
      .split('&')
      .filter((p) => {
        const name = decodeURIComponent(p.split('=')[0] ?? '').toLowerCase();
        return name !== 'qstash_token' && !name.startsWith('upstash-');
      });
    dest = kept.length === 0 ? dest.slice(0, q) : `${dest.slice(0, q)}?${kept.join('&')}`;
  }
  if (dest === '') throw new QueueError(400, 'a destination is required');
  return /^https?:/i.test(dest) ? dest : decodeURIComponent(dest);
}

/**
 * A page of a newest-first list whose cursor counts the items left from the oldest end, so items added at
 * the newest end between two requests neither repeat nor shift the next page.
 */
function pageNewestFirst<T>(items: T[], query: URLSearchParams, defaultCount: number, maxCount: number) {
  const cursorText = query.get('cursor');
  const left = cursorText !== null && /^\d+$/.test(cursorText) ? Number(cursorText) : items.length;
  const start = Math.max(0, items.length - left);
  const countText = query.get('count');
  const count = Math.min(
    maxCount,
    countText !== null && /^\d+$/.test(countText) ? Math.max(1, Number(countText)) : defaultCount,
  );
  const slice = items.slice(start, start + count);
  const next = start + count < items.length ? String(items.length - start - count) : undefined;
  return { slice, next };
}

function publishStatus(r: unknown): number {
  return !Array.isArray(r) && (r as { deduplicated?: boolean }).deduplicated === true ? 202 : 200;
}

function parseObject(body: Buffer): Record<string, unknown> {
  try {
    const v = JSON.parse(body.toString('utf8')) as unknown;
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {}
  throw new QueueError(400, 'the request body must be a JSON object');
}

function send(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function empty(res: ServerResponse): void {
  res.writeHead(200, { 'content-length': '0' });
  res.end();
}
