/**
 * Serves a Fetch-style handler (`(Request) => Response`, e.g. a Hono app's `fetch`) on `node:http`, since
 * Hono ships no Node adapter of its own and `@hono/node-server` is not a dependency here.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FetchHandler = (request: Request) => Response | Promise<Response>;

async function toRequest(req: IncomingMessage, origin: string): Promise<Request> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : Buffer.concat(chunks);
  return new Request(new URL(req.url ?? '/', origin), { method: req.method ?? 'GET', headers, body: body ?? null });
}

export async function serve(
  handler: FetchHandler,
  port: number,
  host = '127.0.0.1',
): Promise<Server & { url: string }> {
  const server = createServer((req, res) => {
    void (async () => {
      const response = await handler(await toRequest(req, `http://${req.headers.host ?? host}`));
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    })().catch((err: unknown) => {
      console.error('request failed', err);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('Internal error');
    });
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const { port: actual } = server.address() as AddressInfo;
  return Object.assign(server, { url: `http://${host}:${actual}` });
}
