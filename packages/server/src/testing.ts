/**
 * An in-process server for test suites (ours and users'): `const srv = await startTestServer()`, point
 * `new Redis({ url: srv.url, token: srv.token })` at it, `await srv.close()` when done. It listens on
 * 127.0.0.1 on a random port with fresh random tokens; pass an engine to control its clock.
 */
import type { Engine } from '@redstash/engine';
import { startApp } from './app.ts';
import { generateToken } from './tokens.ts';

export interface TestServerOptions {
  token?: string;
  readonlyToken?: string;
  /** E.g. `createTestEngine().engine` for a manual clock. Default: a fresh engine on the system clock. */
  engine?: Engine;
  maxRequestBytes?: number;
}

export interface TestServer {
  url: string;
  token: string;
  readonlyToken: string;
  engine: Engine;
  /** Closes the server at once, cutting any open keep-alive connections. */
  close(): Promise<void>;
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const token = options.token ?? generateToken();
  const readonlyToken = options.readonlyToken ?? generateToken();
  const app = await startApp({
    host: '127.0.0.1',
    port: 0,
    token,
    readonlyToken,
    engine: options.engine,
    maxRequestBytes: options.maxRequestBytes,
  });
  return { url: app.url, token, readonlyToken, engine: app.engine, close: () => app.close({ force: true }) };
}
