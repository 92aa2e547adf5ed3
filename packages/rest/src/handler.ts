/**
 * The Upstash REST protocol on bare node:http: `POST /` (one command), `/pipeline`, `/multi-exec`, and the
 * path-style form (`GET /set/k/v?EX=10`). One request runs to completion inside the synchronous engine,
 * so a transaction is atomic and concurrent requests never interleave within one.
 *
 * Hot-path rules: listeners are module functions that find their request's state in a WeakMap (no
 * closures per request), header lists are literal arrays, and each answer is one `res.end`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Argv, type Client, ErrorReply, errors, fromBuffer, type Reply } from '@redstash/engine';
import { type Authenticate, bearerToken, type Grant } from './auth.ts';
import { parseJson, toArgv } from './body.ts';
import * as H from './errors.ts';
import { jsonError, jsonResult, jsonResults } from './json.ts';
import { resp2 } from './resp2.ts';
import {
  DEFAULT_KEEP_ALIVE_MS,
  DEFAULT_MAX_STREAM_BUFFER,
  openMonitorStream,
  openStream,
  type StreamOptions,
} from './sse.ts';
import { appendQueryArgs, pathArgs, percentDecode, queryToken } from './url.ts';

/** Upstash's current Free and Pay-as-you-go limit (`db_max_request_size`). */
export const DEFAULT_MAX_REQUEST_BYTES = 10 * 1024 * 1024;

/** What the handler logs through; pino's logger fits. Tokens, URLs and bodies are never passed to it. */
export interface RestLogger {
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface RestHandlerOptions {
  /** Maps a presented token to the database it opens, or undefined to refuse it (401). */
  authenticate: Authenticate;
  maxRequestBytes?: number | undefined;
  logger?: RestLogger | undefined;
  /** How often an idle pub/sub stream sends an SSE comment, so proxies keep it open (0: never). */
  streamKeepAliveMs?: number | undefined;
  /** A pub/sub stream whose unsent output exceeds this many bytes is dropped (its reader is too slow). */
  maxStreamBufferBytes?: number | undefined;
}

export type RestHandler = (req: IncomingMessage, res: ServerResponse) => void;

export function createRestHandler(options: RestHandlerOptions): RestHandler {
  const rest = new Rest(options);
  return (req, res) => rest.handle(req, res);
}

// Routes. (Numbers, not an enum: the code base is erasable-syntax TypeScript.)
const COMMAND = 0;
const PIPELINE = 1;
const MULTI_EXEC = 2;
const PATH = 3;

const CORS_EXPOSE = 'upstash-sync-token';
const PREFLIGHT_HEADERS = [
  'access-control-allow-origin',
  '*',
  'access-control-allow-methods',
  'GET, HEAD, POST, PUT, OPTIONS',
  'access-control-allow-headers',
  'authorization, content-type, upstash-encoding, upstash-response-format, upstash-sync-token, ' +
    'upstash-telemetry-sdk, upstash-telemetry-runtime, upstash-telemetry-platform, upstash-telemetry-retry',
  'access-control-max-age',
  '86400',
];
const HEALTHY = '{"status":"ok"}';
const NO_BODY = Buffer.alloc(0);
const READ_WRITE = { readonly: false };
const READ_ONLY = { readonly: true };
/** The commands that open or close a transaction: inside /multi-exec the request body is the transaction. */
const TX_CONTROL = new Set(['multi', 'exec', 'discard', 'watch', 'unwatch']);

/** A request in progress: what routing learned from its head, and its body as it arrives. */
class Exchange {
  readonly rest: Rest;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly route: number;
  readonly path: string;
  readonly query: string;
  grant: Grant | undefined = undefined;
  base64 = false;
  resp2 = false;
  /** Set when the answer is known before the body is read (401, 405, 413…): the body is then drained. */
  refusal: ErrorReply | undefined = undefined;
  status = 200;
  chunks: Buffer[] = [];
  size = 0;
  /** The declared Content-Length, or -1 for a chunked body. */
  expected = -1;
  /** The largest body accepted: the database's plan's, or the handler's. */
  limit: number;
  /** Entered into its database's meter: `done` must report it once answered. */
  metered = false;
  started = 0;

  constructor(rest: Rest, req: IncomingMessage, res: ServerResponse, route: number, path: string, query: string) {
    this.rest = rest;
    this.req = req;
    this.res = res;
    this.route = route;
    this.path = path;
    this.query = query;
    this.limit = rest.maxRequestBytes;
  }

  refuse(status: number, err: ErrorReply): void {
    this.status = status;
    this.refusal = err;
  }
}

/**
 * Each request's state, found by the listeners below (module functions, so no closures per request). A
 * WeakMap rather than a property on the request, so node's own IncomingMessage objects keep their shape.
 */
const exchanges = new WeakMap<IncomingMessage, Exchange>();

function onData(this: IncomingMessage, chunk: Buffer): void {
  const ex = exchanges.get(this);
  if (ex === undefined) return;
  ex.size += chunk.length;
  // A refused body is drained and dropped: read to the end so the answer reaches the client.
  if (ex.refusal === undefined) {
    if (ex.size <= ex.limit) ex.chunks.push(chunk);
    else {
      ex.refuse(413, H.MAX_REQUEST_SIZE);
      ex.chunks = [];
    }
  }
  // The declared length is in: answer now, inside the parser's callback, rather than a tick later on 'end'
  // (node allows answering before 'end' and keeps the connection in step).
  if (ex.size === ex.expected) onEnd.call(this);
}

function onEnd(this: IncomingMessage): void {
  const ex = exchanges.get(this);
  if (ex === undefined) return; // already answered when the declared length arrived
  exchanges.delete(this);
  const { chunks } = ex;
  if (ex.refusal !== undefined) ex.rest.finish(ex, NO_BODY);
  else ex.rest.finish(ex, chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, ex.size));
}

function newClient(grant: Grant): Client {
  return grant.engine.createClient(grant.readonly ? READ_ONLY : READ_WRITE);
}

/** One command on a request's own client; a WATCH it made must not outlive the request. */
function run(ex: Exchange, argv: Argv): Reply {
  const { engine } = ex.grant as Grant;
  const client = newClient(ex.grant as Grant);
  const reply = engine.exec(client, argv);
  if (client.watching !== null) engine.closeClient(client);
  return reply;
}

/** A client that goes away mid-body: nothing to answer; the listener keeps 'error' from being unhandled. */
function onError(): void {}

class Rest {
  readonly maxRequestBytes: number;
  private readonly authenticate: Authenticate;
  private readonly logger: RestLogger | undefined;
  private readonly streams: StreamOptions;

  constructor(options: RestHandlerOptions) {
    this.authenticate = options.authenticate;
    this.maxRequestBytes = options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
    this.logger = options.logger;
    const logger = this.logger;
    this.streams = {
      keepAliveMs: options.streamKeepAliveMs ?? DEFAULT_KEEP_ALIVE_MS,
      maxBufferedBytes: options.maxStreamBufferBytes ?? DEFAULT_MAX_STREAM_BUFFER,
      warn: logger === undefined ? undefined : (obj, msg) => logger.warn(obj, msg),
    };
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    try {
      this.start(req, res);
    } catch (err) {
      this.fail(res, err);
    }
  }

  private start(req: IncomingMessage, res: ServerResponse): void {
    const method = req.method;
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const query = q < 0 ? '' : url.slice(q + 1);
    if (method === 'OPTIONS') {
      res.writeHead(204, PREFLIGHT_HEADERS);
      res.end();
      return;
    }
    if (path === '/healthz' && (method === 'GET' || method === 'HEAD')) {
      sendJson(res, 200, HEALTHY, undefined);
      return;
    }
    const route = path === '/' ? COMMAND : path === '/pipeline' ? PIPELINE : path === '/multi-exec' ? MULTI_EXEC : PATH;
    const ex = new Exchange(this, req, res, route, path, query);
    const headers = req.headers;
    const takesBody = method === 'POST' || method === 'PUT';
    if (!(takesBody || ((method === 'GET' || method === 'HEAD') && route === PATH))) {
      ex.refuse(405, H.METHOD_NOT_ALLOWED);
    } else {
      const token = bearerToken(headers.authorization) ?? (query.length > 0 ? queryToken(query) : undefined);
      ex.grant = token === undefined || token.length === 0 ? undefined : this.authenticate(token);
      if (ex.grant === undefined) {
        ex.refuse(401, H.WRONGPASS);
        this.logger?.warn({ remoteAddress: req.socket.remoteAddress }, 'refused a request: invalid or missing token');
      } else {
        this.enter(ex, ex.grant);
        // Node joins repeated custom headers into one string, so these are never arrays.
        this.readFormat(
          ex,
          headers['upstash-encoding'] as string | undefined,
          headers['upstash-response-format'] as string | undefined,
        );
      }
    }
    const length = headers['content-length'];
    if (headers['transfer-encoding'] === undefined && (length === undefined || length === '0')) {
      this.finish(ex, NO_BODY);
      return;
    }
    if (length !== undefined && headers['transfer-encoding'] === undefined) ex.expected = Number(length);
    if (ex.refusal === undefined && ex.expected > ex.limit) ex.refuse(413, H.MAX_REQUEST_SIZE);
    exchanges.set(req, ex);
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  }

  /** The database's limits for this request: its body size, and a place among its concurrent requests. */
  private enter(ex: Exchange, grant: Grant): void {
    if (grant.maxRequestBytes !== undefined) ex.limit = grant.maxRequestBytes;
    const meter = grant.meter;
    if (meter === undefined) return;
    const refusal = meter.enter();
    if (refusal !== undefined) {
      ex.refuse(429, refusal);
      return;
    }
    ex.metered = true;
    ex.started = performance.now();
  }

  /** The request was answered with `bytesOut` bytes: its database's meter hears of it, once. */
  private done(ex: Exchange, bytesOut: number): void {
    if (!ex.metered) return;
    ex.metered = false;
    (ex.grant as Grant).meter?.leave(ex.size, bytesOut, performance.now() - ex.started);
  }

  private readFormat(ex: Exchange, encoding: string | undefined, format: string | undefined): void {
    if (encoding !== undefined && encoding !== '') {
      if (encoding.toLowerCase() !== 'base64') {
        ex.refuse(400, H.BAD_ENCODING);
        return;
      }
      ex.base64 = true;
    }
    if (format === undefined || format === '') return;
    const f = format.toLowerCase();
    if (f === 'json') return;
    if (f !== 'resp2') ex.refuse(400, H.BAD_RESPONSE_FORMAT);
    else if (ex.base64) ex.refuse(400, H.RESP2_WITH_BASE64);
    else if (ex.route === MULTI_EXEC) ex.refuse(400, H.RESP2_MULTI_EXEC);
    else ex.resp2 = true;
  }

  /** The whole request is in: run it and answer. Called from an event listener, so it must never throw. */
  finish(ex: Exchange, body: Buffer): void {
    try {
      if (ex.refusal !== undefined) {
        if (ex.status === 413) this.logger?.warn({ bytes: ex.size, limit: ex.limit }, 'request too large');
        this.answerRefusal(ex, ex.status, ex.refusal);
        return;
      }
      const grant = ex.grant as Grant;
      if (ex.route === PATH && this.stream(ex)) return;
      const before = grant.engine.writeSeq;
      let result: Reply | Reply[];
      if (ex.route === COMMAND) result = this.command(ex, body);
      else if (ex.route === PATH) result = this.pathStyle(ex, body);
      else result = ex.route === PIPELINE ? this.pipeline(ex, body) : this.multiExec(ex, body);
      // An acknowledged write must be as durable as the log's policy promises before it is answered, and
      // (as in Redis, whose replies wait for the loop's fsync) so must any write a reply may have seen.
      const seq = grant.engine.writeSeq;
      const waiting = grant.durable !== undefined ? grant.durable(seq) : undefined;
      if (waiting === undefined) this.answer(ex, result);
      else
        waiting.then(
          () => this.answer(ex, result),
          (err: unknown) => {
            // A request that only read is answered anyway (reads work while the log is failing, as in
            // Redis); a write happened in memory but is not durable: not acknowledged, and said why.
            if (seq === before) this.answer(ex, result);
            else if (err instanceof ErrorReply) this.done(ex, sendJson(ex.res, 500, jsonError(err), String(seq)));
            else this.failed(ex, err);
          },
        );
    } catch (err) {
      this.failed(ex, err);
    }
  }

  private answer(ex: Exchange, result: Reply | Reply[]): void {
    try {
      if (ex.route === COMMAND || ex.route === PATH || !Array.isArray(result)) this.answerOne(ex, result as Reply);
      else this.answerMany(ex, result);
    } catch (err) {
      this.failed(ex, err);
    }
  }

  private command(ex: Exchange, body: Buffer): Reply {
    const value = parseJson(body);
    if (value instanceof ErrorReply) return value;
    if (!Array.isArray(value)) return H.BODY_NOT_COMMAND;
    const argv = toArgv(value);
    if (argv instanceof ErrorReply) return argv;
    return run(ex, argv);
  }

  /**
   * `/subscribe/<channel>` and `/psubscribe/<pattern>`: the rest of the path, percent-decoded, is the name
   * (the client does not encode it, so a `/` in it arrives as a path separator). The request body (`[]`) is
   * ignored. Any token may subscribe: it reads nothing from the keyspace. `/monitor` streams every command
   * run; it shows other clients' arguments, so (the spec being silent) only a full-access token may open
   * it. True when the request was answered.
   */
  private stream(ex: Exchange): boolean {
    const path = ex.path;
    const slash = path.indexOf('/', 1);
    const head = (slash < 0 ? path.slice(1) : path.slice(1, slash)).toLowerCase();
    if (head === 'monitor') return this.monitor(ex, slash < 0 || slash === path.length - 1);
    if (head !== 'subscribe' && head !== 'psubscribe') return false;
    const engine = (ex.grant as Grant).engine;
    const name = slash < 0 ? undefined : percentDecode(path.slice(slash + 1));
    if (name === undefined) {
      this.answerOne(ex, slash < 0 ? errors.arity(head) : H.BAD_PERCENT_ENCODING);
      return true;
    }
    openStream(ex.res, engine, head, name, String(engine.writeSeq), this.streams);
    this.streamDone(ex);
    return true;
  }

  private monitor(ex: Exchange, bare: boolean): boolean {
    const grant = ex.grant as Grant;
    if (!bare) this.answerOne(ex, errors.arity('monitor'));
    else if (grant.readonly) this.answerOne(ex, errors.noPermission('monitor'));
    else {
      openMonitorStream(ex.res, grant.engine, String(grant.engine.writeSeq), this.streams);
      this.streamDone(ex);
    }
    return true;
  }

  private pathStyle(ex: Exchange, body: Buffer): Reply {
    const argv = pathArgs(ex.path);
    if (argv === undefined) return H.BAD_PERCENT_ENCODING;
    // An empty POST body adds no argument, so `POST /incr/k` works as `GET /incr/k` does.
    if (body.length > 0 && (ex.req.method === 'POST' || ex.req.method === 'PUT')) argv.push(fromBuffer(body));
    if (ex.query.length > 0 && !appendQueryArgs(ex.query, argv)) return H.BAD_PERCENT_ENCODING;
    return run(ex, argv);
  }

  /** Each command runs on its own; a malformed one gets its error in place and the rest still run. */
  private pipeline(ex: Exchange, body: Buffer): Reply[] | ErrorReply {
    const value = parseJson(body);
    if (value instanceof ErrorReply) return value;
    if (!Array.isArray(value)) return H.BODY_NOT_COMMANDS;
    if (value.length === 0) return H.EMPTY_BATCH;
    const engine = (ex.grant as Grant).engine;
    const client = this.client(ex);
    const replies: Reply[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const argv = toArgv(value[i]);
      replies[i] = argv instanceof ErrorReply ? argv : engine.exec(client, argv);
    }
    if (client.watching !== null) engine.closeClient(client);
    return replies;
  }

  /** All or nothing: any malformed or refused command discards the whole transaction (400). */
  private multiExec(ex: Exchange, body: Buffer): Reply[] | ErrorReply {
    const value = parseJson(body);
    if (value instanceof ErrorReply) return value;
    if (!Array.isArray(value)) return H.BODY_NOT_COMMANDS;
    if (value.length === 0) return H.EMPTY_BATCH;
    const argvs: Argv[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const argv = toArgv(value[i]);
      if (argv instanceof ErrorReply) return H.execAbort(argv);
      const name = argv[0] as string;
      if (name.length <= 7 && TX_CONTROL.has(name.toLowerCase())) return H.execAbort(H.notInTransaction(name));
      argvs[i] = argv;
    }
    const { reply, queueError } = (ex.grant as Grant).engine.transaction(this.client(ex), argvs);
    if (reply instanceof ErrorReply) return queueError === undefined ? reply : H.execAbort(queueError);
    return reply as Reply[];
  }

  /** A stream holds its place among the database's concurrent requests until its client goes away. */
  private streamDone(ex: Exchange): void {
    if (!ex.metered) return;
    ex.res.once('close', () => this.done(ex, 0));
  }

  /** A fresh client per request: no MULTI state or name can leak from one request into another. */
  private client(ex: Exchange): Client {
    return newClient(ex.grant as Grant);
  }

  /** One reply: 200, or 400 for an error (a command's own or the request's). */
  private answerOne(ex: Exchange, reply: Reply): void {
    const status = reply instanceof ErrorReply ? 400 : 200;
    const token = String((ex.grant as Grant).engine.writeSeq);
    if (ex.resp2) this.done(ex, sendResp2(ex.res, status, resp2(reply), token));
    else this.done(ex, sendJson(ex.res, status, jsonResult(reply, ex.base64), token));
  }

  /** A pipeline's or transaction's replies: always 200, errors in place. */
  private answerMany(ex: Exchange, replies: Reply[]): void {
    const token = String((ex.grant as Grant).engine.writeSeq);
    if (!ex.resp2) {
      this.done(ex, sendJson(ex.res, 200, jsonResults(replies, ex.base64), token));
      return;
    }
    let out = '';
    for (const reply of replies) out += resp2(reply);
    this.done(ex, sendResp2(ex.res, 200, out, token));
  }

  /** An answer decided before the body was read; always JSON, as the format headers may be the reason. */
  private answerRefusal(ex: Exchange, status: number, err: ErrorReply): void {
    const body = jsonError(err);
    if (status !== 405) {
      this.done(
        ex,
        sendJson(ex.res, status, body, ex.grant === undefined ? undefined : String(ex.grant.engine.writeSeq)),
      );
      return;
    }
    ex.res.writeHead(405, [
      'content-type',
      'application/json',
      'content-length',
      String(Buffer.byteLength(body)),
      'allow',
      'GET, HEAD, POST, PUT, OPTIONS',
      'access-control-allow-origin',
      '*',
    ]);
    ex.res.end(body);
  }

  private failed(ex: Exchange, err: unknown): void {
    this.done(ex, 0);
    this.fail(ex.res, err);
  }

  private fail(res: ServerResponse, err: unknown): void {
    this.logger?.error({ err }, 'REST request failed');
    if (res.headersSent) res.destroy();
    else sendJson(res, 500, jsonError(H.INTERNAL), undefined);
  }
}

/** Returns the body's size in bytes (for metering). */
function sendJson(res: ServerResponse, status: number, body: string, syncToken: string | undefined): number {
  const bytes = Buffer.byteLength(body);
  const length = String(bytes);
  res.writeHead(
    status,
    syncToken === undefined
      ? ['content-type', 'application/json', 'content-length', length, 'access-control-allow-origin', '*']
      : [
          'content-type',
          'application/json',
          'content-length',
          length,
          'upstash-sync-token',
          syncToken,
          'access-control-allow-origin',
          '*',
          'access-control-expose-headers',
          CORS_EXPOSE,
        ],
  );
  res.end(body);
  return bytes;
}

/** RESP2 bodies are byte strings: latin1 writes each code unit as one byte and `.length` is the size. */
function sendResp2(res: ServerResponse, status: number, body: string, syncToken: string): number {
  res.writeHead(status, [
    'content-type',
    'application/octet-stream',
    'content-length',
    String(body.length),
    'upstash-sync-token',
    syncToken,
    'access-control-allow-origin',
    '*',
    'access-control-expose-headers',
    CORS_EXPOSE,
  ]);
  res.end(body, 'latin1');
  return body.length;
}
