/** The server and client setup the `@upstash/redis` contract tests share. */
import { createScriptingTestEngine, createTestEngine, type TestEngine } from '@redstash/engine/testing';
import { startTestServer, type TestServer } from '@redstash/server/testing';
import { Redis, type RedisConfigNodejs } from '@upstash/redis';

/** Runs `fn` against a fresh server on a test engine (with Lua when `scripting`), closing it afterwards. */
export async function withServer(
  fn: (srv: TestServer, t: TestEngine) => Promise<void>,
  options: { scripting?: boolean } = {},
): Promise<void> {
  const t = options.scripting === true ? await createScriptingTestEngine() : createTestEngine();
  const srv = await startTestServer({ engine: t.engine });
  try {
    await fn(srv, t);
  } finally {
    await srv.close();
  }
}

/** A client of `srv` without telemetry or retries; `config` overrides (token, deserialisation, …). */
export function client(srv: TestServer, autoPipeline: boolean, config: Partial<RedisConfigNodejs> = {}): Redis {
  return new Redis({
    url: srv.url,
    token: srv.token,
    enableAutoPipelining: autoPipeline,
    enableTelemetry: false,
    retry: false,
    ...config,
  });
}
