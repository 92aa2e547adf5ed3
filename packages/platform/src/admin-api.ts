/**
 * The management API, in the shape of Upstash's Developer API (`/v2/redis/...`): create, list, get, delete,
 * rotate, rename, eviction, plan and stats, behind HTTP Basic auth with the admin credential set at
 * start-up. Tokens appear only in the answers that create them (create, reset-password): the registry keeps
 * digests, so a later GET cannot show them.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Database } from './database.ts';
import { type Platform, PlatformError, type Tokens } from './platform.ts';
import { databaseStats } from './stats.ts';

export interface AdminCredential {
  user: string;
  key: string;
}

export interface AdminApiOptions {
  platform: Platform;
  /** Undefined: the management API is off and answers 401 with the reason. */
  credential: AdminCredential | undefined;
  /** The URL clients reach the REST API at (for `endpoint`, `port`, `rest_url`). */
  publicUrl: () => string;
  now: () => number;
  /** Prometheus text exposition for `GET /metrics` (same auth). */
  metrics?: (() => Promise<{ contentType: string; body: string }>) | undefined;
}

/** Management request bodies are tiny JSON objects. */
const MAX_BODY = 64 * 1024;

/** Answers `/v2/...` and `/metrics`; returns false for any other path (the REST API's). */
export type AdminHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

export function createAdminHandler(options: AdminApiOptions): AdminHandler {
  const expected =
    options.credential === undefined ? undefined : digest(`${options.credential.user}:${options.credential.key}`);
  return (req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    if (!path.startsWith('/v2/') && path !== '/metrics') return false;
    if (expected === undefined) {
      send(res, 401, { error: 'the management API is off: start the server with --admin-key (REDSTASH_ADMIN_KEY)' });
      return true;
    }
    if (!authorized(req.headers.authorization, expected)) {
      res.setHeader('www-authenticate', 'Basic realm="redstash"');
      send(res, 401, { error: 'invalid or missing admin credential' });
      return true;
    }
    readBody(
      req,
      (body) => {
        const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
        route(options, req.method ?? 'GET', path, query, body, res).catch((err: unknown) => fail(res, err));
      },
      (status, message) => send(res, status, { error: message }),
    );
    return true;
  };
}

async function route(
  o: AdminApiOptions,
  method: string,
  path: string,
  query: URLSearchParams,
  body: unknown,
  res: ServerResponse,
): Promise<void> {
  const p = o.platform;
  if (path === '/metrics') {
    if (o.metrics === undefined) return send(res, 404, { error: 'metrics are off' });
    if (method !== 'GET') return send(res, 405, { error: 'use GET' });
    const { contentType, body: text } = await o.metrics();
    res.writeHead(200, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
    res.end(text);
    return;
  }
  const parts = path
    .slice('/v2/'.length)
    .split('/')
    .filter((s) => s.length > 0)
    .map(decodeURIComponent);
  if (parts[0] !== 'redis') return send(res, 404, { error: `no such endpoint: ${path}` });
  const [, op, arg, tail] = parts;
  const need = (m: string) => {
    if (method !== m) throw new PlatformError(405, `use ${m} for ${path}`);
  };
  const id = arg ?? '';
  try {
    switch (op) {
      case 'database':
        if (arg === undefined) {
          need('POST');
          const b = object(body);
          const { database, tokens } = p.create({
            name: b.database_name as string,
            plan: (b.plan as string | undefined) ?? undefined,
            eviction: b.eviction === true,
          });
          return send(res, 200, databaseJson(o, database, tokens));
        }
        if (method === 'DELETE') {
          p.delete(id);
          return send(res, 200, 'OK');
        }
        need('GET');
        return send(res, 200, databaseJson(o, p.get(id), undefined, query.get('credentials') === 'hide'));
      case 'databases':
        need('GET');
        return send(
          res,
          200,
          p.list().map((db) => databaseJson(o, db, undefined, query.get('credentials') === 'hide')),
        );
      case 'reset-password': {
        need('POST');
        const tokens = p.resetPassword(id);
        return send(res, 200, databaseJson(o, p.get(id), tokens));
      }
      case 'rename':
        need('POST');
        return send(res, 200, databaseJson(o, p.rename(id, object(body).name as string)));
      case 'enable-eviction':
      case 'disable-eviction':
        need('POST');
        p.setEviction(id, op === 'enable-eviction');
        return send(res, 200, 'OK');
      case 'change-plan':
        need('POST');
        p.changePlan(id, object(body).plan_name as string);
        return send(res, 200, 'OK');
      case 'stats':
        need('GET');
        return send(res, 200, databaseStats(p.get(id), o.now()));
      default:
        // The issue's `/{id}/change-plan` form, beside the OpenAPI's `/change-plan/{id}`.
        if (op !== undefined && arg === 'change-plan' && tail === undefined) {
          need('POST');
          p.changePlan(op, object(body).plan_name as string);
          return send(res, 200, 'OK');
        }
        return send(res, 404, { error: `no such endpoint: ${path}` });
    }
  } catch (err) {
    if (err instanceof PlatformError) return send(res, err.status, { error: err.message });
    throw err;
  }
}

/** The Database object with Upstash's field names; tokens only when given (just created or rotated). */
export function databaseJson(o: AdminApiOptions, db: Database, tokens?: Tokens, hide = false): Record<string, unknown> {
  const url = new URL(o.publicUrl());
  const r = db.record;
  const plan = db.plan;
  const out: Record<string, unknown> = {
    database_id: r.id,
    database_name: r.name,
    region: 'local',
    primary_region: 'local',
    read_regions: [],
    port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
    creation_time: Math.floor(r.createdAt / 1000),
    state: 'active',
    endpoint: url.hostname,
    rest_url: url.origin,
    tls: url.protocol === 'https:',
    type: plan.name,
    eviction: r.eviction,
    auto_upgrade: false,
    consistent: false,
    budget: 0,
    db_max_clients: plan.maxConnections,
    db_max_request_size: plan.maxRequestBytes,
    db_disk_threshold: plan.maxDataBytes,
    db_memory_threshold: plan.maxDataBytes,
    db_max_entry_size: plan.maxRecordBytes,
    db_max_commands_per_second: plan.maxCommandsPerSecond,
    db_request_limit: plan.dailyCommands,
    default: r.isDefault,
  };
  if (tokens !== undefined && !hide) {
    out.password = tokens.token;
    out.rest_token = tokens.token;
    out.read_only_rest_token = tokens.readonlyToken;
  }
  return out;
}

function object(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new PlatformError(400, 'the request body must be a JSON object');
  return body as Record<string, unknown>;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Basic auth, compared as digests in constant time. */
function authorized(header: string | undefined, expected: Buffer): boolean {
  if (header === undefined || !/^basic /i.test(header)) return false;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  return timingSafeEqual(digest(decoded), expected);
}

function readBody(
  req: IncomingMessage,
  done: (body: unknown) => void,
  refuse: (status: number, msg: string) => void,
): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let refused = false;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_BODY) refused = true;
    else chunks.push(chunk);
  });
  req.on('error', () => {});
  req.on('end', () => {
    if (refused) return refuse(413, 'request body too large');
    const text = Buffer.concat(chunks).toString('utf8');
    if (text.trim() === '') return done(undefined);
    try {
      done(JSON.parse(text));
    } catch {
      refuse(400, 'the request body is not valid JSON');
    }
  });
}

function send(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function fail(res: ServerResponse, err: unknown): void {
  if (res.headersSent) res.destroy();
  else send(res, 500, { error: `internal error: ${(err as Error).message}` });
}
