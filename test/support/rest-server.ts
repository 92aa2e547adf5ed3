/**
 * A bare REST handler on 127.0.0.1 over a fresh test engine (manual clock), with the stream settings the
 * SSE tests tune (keep-alive, slow-consumer bound) and the warnings it logs, for tests of the REST layer
 * alone; tests of the whole server use `startTestServer` from `@redstash/server/testing`.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { Engine } from '@redstash/engine';
import { createTestEngine, type ManualClock } from '@redstash/engine/testing';
import { createRestHandler, tokenAuthenticator } from '@redstash/rest';

export interface RestServer {
  engine: Engine;
  clock: ManualClock;
  url: string;
  server: Server;
  /** Messages the handler logged at warn level (dropped slow consumers and the like). */
  warnings: string[];
  close(): Promise<void>;
}

export interface RestServerOptions {
  token: string;
  readonlyToken?: string;
  /** SSE keep-alive comments; 0 (the default here) sends none. */
  keepAliveMs?: number;
  maxStreamBufferBytes?: number;
}

export async function startRestServer(options: RestServerOptions): Promise<RestServer> {
  const { engine, clock } = createTestEngine();
  const warnings: string[] = [];
  const server = createServer(
    createRestHandler({
      authenticate: tokenAuthenticator({ token: options.token, readonlyToken: options.readonlyToken, engine }),
      logger: { warn: (_o, msg) => warnings.push(msg ?? ''), error: () => {} },
      streamKeepAliveMs: options.keepAliveMs ?? 0,
      maxStreamBufferBytes: options.maxStreamBufferBytes,
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  assert.ok(address !== null && typeof address === 'object');
  return {
    engine,
    clock,
    url: `http://127.0.0.1:${address.port}`,
    server,
    warnings,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export { until } from './wait.ts';
