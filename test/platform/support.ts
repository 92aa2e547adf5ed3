/** A platform server in-process with its management API on, and a small client for that API. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '@redstash/engine/testing';
import type { Plan } from '@redstash/platform';
import { type App, startApp } from '@redstash/server';
import { Redis } from '@upstash/redis';

export const ADMIN = { user: 'admin', key: 'test-admin-key-0123456789' };

export interface PlatformServer {
  app: App;
  clock: ManualClock;
  dataDir: string | undefined;
  /** Calls the management API: the status and parsed body. */
  // biome-ignore lint/suspicious/noExplicitAny: management API JSON, checked field by field by the assertions
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** An @upstash/redis client for a database's token. */
  redis(token: string, autoPipeline?: boolean): Redis;
  close(): Promise<void>;
}

export async function startPlatform(
  options: { persist?: boolean; plans?: Map<string, Plan>; clock?: ManualClock; dataDir?: string } = {},
): Promise<PlatformServer> {
  const clock = options.clock ?? new ManualClock(Date.UTC(2026, 10, 27, 12));
  const dataDir =
    options.dataDir ?? (options.persist === true ? mkdtempSync(join(tmpdir(), 'redstash-platform-')) : undefined);
  const app = await startApp({
    host: '127.0.0.1',
    port: 0,
    token: 'default-token',
    readonlyToken: 'default-readonly-token',
    clock,
    admin: ADMIN,
    plans: options.plans,
    persistence: dataDir === undefined ? undefined : { dataDir, fsync: 'everysec' },
  });
  const auth = `Basic ${Buffer.from(`${ADMIN.user}:${ADMIN.key}`).toString('base64')}`;
  return {
    app,
    clock,
    dataDir,
    async api(method, path, body) {
      const res = await fetch(`${app.url}/v2/redis/${path}`, {
        method,
        headers: { authorization: auth, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: res.status, body: await res.json() };
    },
    redis: (token, autoPipeline = false) =>
      new Redis({
        url: app.url,
        token,
        enableAutoPipelining: autoPipeline,
        enableTelemetry: false,
        retry: false,
        automaticDeserialization: false,
      }),
    async close() {
      await app.close({ force: true });
      if (dataDir !== undefined && options.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Creates a database through the API and returns its id and tokens. */
export async function createDb(
  srv: PlatformServer,
  name: string,
  extra: Record<string, unknown> = {},
  // biome-ignore lint/suspicious/noExplicitAny: management API JSON, checked field by field by the assertions
): Promise<{ id: string; token: string; readonlyToken: string; body: any }> {
  const { status, body } = await srv.api('POST', 'database', {
    database_name: name,
    platform: 'aws',
    primary_region: 'us-east-1',
    ...extra,
  });
  if (status !== 200) throw new Error(`create ${name}: ${status} ${JSON.stringify(body)}`);
  return { id: body.database_id, token: body.rest_token, readonlyToken: body.read_only_rest_token, body };
}
