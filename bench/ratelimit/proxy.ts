/**
 * The baseline for the rate-limit benchmark: the least an Upstash user on plain Redis would put in front of
 * it — a node:http server that speaks just the part of the Upstash REST protocol `@upstash/redis` uses
 * (POST `/`, `/pipeline`, `/multi-exec`, bearer token, `Upstash-Encoding: base64`) and forwards every
 * command over persistent, pipelined RESP connections to a redis-server.
 *
 * One adaptation is unavoidable: @upstash/ratelimit 2.2.0's scripts declare `#!lua flags=allow-key-locking`,
 * a flag stock Redis 7.0 rejects, so EVAL bodies lose that flag on the way through, and EVALSHA of the
 * library's hash is mapped to the hash of the body Redis actually holds (learnt on the first EVAL). It costs a
 * Map lookup per script call; without it every limit() would throw.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RespClient, type RespReply } from '../../test/support/resp-client.ts';

export interface ProxyOptions {
  redisPort: number;
  token: string;
  /** RESP connections to share the requests between (Redis runs commands on one thread anyway). */
  connections?: number;
  host?: string;
}

export interface Proxy {
  port: number;
  server: Server;
  close(): Promise<void>;
}

type Json = string | number | boolean | null;

const sha1 = (bytes: string) => createHash('sha1').update(bytes, 'latin1').digest('hex');

/** The body with `allow-key-locking` dropped from its shebang flags, or the body itself when it has none. */
export function withoutKeyLockingFlag(body: string): string {
  const match = /^#!lua flags=([^\n]*)/.exec(body);
  if (match === null) return body;
  const flags = (match[1] as string).split(',').filter((f) => f.trim() !== 'allow-key-locking');
  const line = flags.length === 0 ? '#!lua' : `#!lua flags=${flags.join(',')}`;
  return line + body.slice(match[0].length);
}

/** JSON's UTF-16 text → the byte string RESP sends (UTF-8 bytes, one char each). */
function toBytes(value: Json): string {
  if (typeof value !== 'string') return String(value);
  // ASCII is its own UTF-8: the common case skips the copy.
  return /^[\x00-\x7f]*$/.test(value) ? value : Buffer.from(value, 'utf8').toString('latin1');
}

function jsonValue(reply: RespReply, base64: boolean): string {
  switch (reply.type) {
    case 'bulk':
    case 'status':
      // btoa reads a latin1 string, i.e. exactly the byte string the RESP parser produced.
      return base64 ? `"${btoa(reply.value)}"` : JSON.stringify(Buffer.from(reply.value, 'latin1').toString('utf8'));
    case 'integer':
      return String(reply.value);
    case 'array':
      return `[${reply.value.map((r) => jsonValue(r, base64)).join(',')}]`;
    case 'error':
      return JSON.stringify(reply.value);
    default:
      return 'null';
  }
}

const jsonResult = (reply: RespReply, base64: boolean) =>
  reply.type === 'error' ? `{"error":${JSON.stringify(reply.value)}}` : `{"result":${jsonValue(reply, base64)}}`;

export async function startProxy(options: ProxyOptions): Promise<Proxy> {
  const redis = await Promise.all(
    Array.from({ length: options.connections ?? 1 }, () => RespClient.connect(options.redisPort)),
  );
  let next = 0;
  const expected = `Bearer ${options.token}`;
  /** Library script hash → hash of the adapted body Redis holds. */
  const adaptedSha = new Map<string, string>();

  const adapt = (argv: string[]): string[] => {
    const name = (argv[0] ?? '').toLowerCase();
    if (name === 'evalsha' || name === 'evalsha_ro') {
      const sha = adaptedSha.get((argv[1] ?? '').toLowerCase());
      if (sha !== undefined) argv[1] = sha;
    } else if (name === 'eval' || name === 'eval_ro' || (name === 'script' && argv[1]?.toLowerCase() === 'load')) {
      const at = name === 'script' ? 2 : 1;
      const body = argv[at];
      if (body?.startsWith('#!')) {
        const adapted = withoutKeyLockingFlag(body);
        if (adapted !== body) {
          adaptedSha.set(sha1(body), sha1(adapted));
          argv[at] = adapted;
        }
      }
    }
    return argv;
  };

  const toArgv = (command: unknown): string[] => {
    if (!Array.isArray(command) || command.length === 0) throw new Error('ERR a command is a non-empty array');
    return adapt(command.map((c) => toBytes(c as Json)));
  };

  const answer = (res: ServerResponse, status: number, body: string) => {
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, text: string) => {
    const base64 = req.headers['upstash-encoding'] === 'base64';
    const conn = redis[next++ % redis.length] as RespClient;
    const body: unknown = JSON.parse(text);
    const path = req.url ?? '/';
    if (path === '/') {
      const [reply] = await conn.pipeline([toArgv(body)]);
      const r = reply as RespReply;
      answer(res, r.type === 'error' ? 400 : 200, jsonResult(r, base64));
      return;
    }
    if (!Array.isArray(body)) throw new Error('ERR the body is an array of commands');
    const commands = body.map(toArgv);
    if (path === '/pipeline') {
      const replies = await conn.pipeline(commands);
      answer(res, 200, `[${replies.map((r) => jsonResult(r, base64)).join(',')}]`);
    } else if (path === '/multi-exec') {
      // One write, so no other request's commands can land between MULTI and EXEC on the shared connection.
      const replies = await conn.pipeline([['MULTI'], ...commands, ['EXEC']]);
      const exec = replies[replies.length - 1] as RespReply;
      if (exec.type !== 'array') answer(res, 400, jsonResult(exec, base64));
      else answer(res, 200, `[${exec.value.map((r) => jsonResult(r, base64)).join(',')}]`);
    } else {
      answer(res, 404, '{"error":"ERR unknown path"}');
    }
  };

  const server = createServer((req, res) => {
    if (req.headers.authorization !== expected) {
      req.resume();
      answer(res, 401, '{"error":"Unauthorized"}');
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      handle(req, res, Buffer.concat(chunks).toString('utf8')).catch((err: Error) => {
        answer(res, 400, JSON.stringify({ error: err.message }));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, options.host ?? '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of redis) c.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
