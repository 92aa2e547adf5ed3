/**
 * The composition root: an engine on the system clock with its active-expiry timer, the REST handler in
 * front of it, and an HTTP server. The CLI and `startTestServer` both build the server through here.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Clock, Engine, loadLua } from '@redstash/engine';
import { FSYNC_POLICIES, type FsyncPolicy, Persistence } from '@redstash/persistence';
import { createRestHandler, type RestLogger, tokenAuthenticator } from '@redstash/rest';
import { publicUrl } from './env-block.ts';

export interface AppLogger extends RestLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

export interface AppOptions {
  host: string;
  port: number;
  token: string;
  readonlyToken?: string | undefined;
  engine?: Engine | undefined;
  maxRequestBytes?: number | undefined;
  logger?: AppLogger | undefined;
  /** Scripts running longer are stopped, in ms (default 5000). */
  scriptTimeLimitMs?: number | undefined;
  /** Keep the data in `dataDir` with this fsync policy; absent: memory only. */
  persistence?: { dataDir: string; fsync: FsyncPolicy } | undefined;
}

export interface App {
  url: string;
  server: Server;
  engine: Engine;
  persistence: Persistence | undefined;
  /** Stops accepting, lets in-flight requests finish (closing idle keep-alive sockets), then resolves. */
  close(options?: { force?: boolean }): Promise<void>;
}

export const systemClock: Clock = { now: () => Date.now() };

/** Redis runs active expiry 10 times a second (`hz 10`). */
const ACTIVE_EXPIRE_MS = 100;
/** In-flight requests get this long at shutdown before their sockets are cut. */
const DRAIN_MS = 10_000;

/** INFO persistence when nothing is kept on disk (`--no-persistence`). */
const MEMORY_ONLY = {
  loading: 0,
  async_loading: 0,
  rdb_bgsave_in_progress: 0,
  aof_enabled: 0,
  aof_rewrite_in_progress: 0,
};

/** INFO sections only the host can measure: the process's memory and identity. */
function processInfo(section: string): Record<string, string | number> | undefined {
  if (section === 'memory') {
    const m = process.memoryUsage();
    return {
      used_memory: m.heapUsed + m.external + m.arrayBuffers,
      used_memory_human: `${((m.heapUsed + m.external + m.arrayBuffers) / 1048576).toFixed(2)}M`,
      used_memory_rss: m.rss,
      used_memory_rss_human: `${(m.rss / 1048576).toFixed(2)}M`,
      maxmemory: 0,
      maxmemory_policy: 'noeviction',
    };
  }
  if (section === 'server') return { process_id: process.pid, executable: 'redstash' };
  return undefined;
}

/** Redis's memory units for CONFIG SET (`64mb`, `1gb`, plain bytes). */
function parseMemory(text: string): number | undefined {
  const m = /^([0-9]+)(b|k|kb|m|mb|g|gb)?$/i.exec(text);
  if (m === null) return undefined;
  const unit = (m[2] ?? 'b').toLowerCase();
  const scale: Record<string, number> = { b: 1, k: 1000, kb: 1024, m: 1e6, mb: 1 << 20, g: 1e9, gb: 1 << 30 };
  return Number(m[1]) * (scale[unit] as number);
}

/** The durability parameters CONFIG GET/SET see, as Redis names them. */
function registerPersistenceConfig(engine: Engine, persistence: Persistence | undefined): void {
  if (engine.config.get('appendonly') !== undefined) return; // an engine given by the caller, already set up
  engine.registerConfig({ name: 'appendonly', get: () => (persistence === undefined ? 'no' : 'yes') });
  engine.registerConfig({ name: 'dir', get: () => (persistence === undefined ? '' : persistence.dataDir) });
  if (persistence === undefined) return;
  engine.registerConfig({
    name: 'appendfsync',
    get: () => persistence.fsync,
    set: (value) => {
      const policy = value.toLowerCase();
      if (!(FSYNC_POLICIES as readonly string[]).includes(policy))
        return 'argument(s) must be one of the following: always, everysec, no';
      persistence.fsync = policy as FsyncPolicy;
      return undefined;
    },
  });
  engine.registerConfig({
    name: 'auto-aof-rewrite-percentage',
    get: () => String(persistence.autoRewritePercentage),
    set: (value) => {
      if (!/^-?[0-9]+$/.test(value)) return "argument couldn't be parsed into an integer";
      const n = Number(value);
      if (n < 0 || n > 2147483647) return 'argument must be between 0 and 2147483647 inclusive';
      persistence.autoRewritePercentage = n;
      return undefined;
    },
  });
  engine.registerConfig({
    name: 'auto-aof-rewrite-min-size',
    get: () => String(persistence.autoRewriteMinSize),
    set: (value) => {
      const n = parseMemory(value);
      if (n === undefined) return 'argument must be a memory value';
      persistence.autoRewriteMinSize = n;
      return undefined;
    },
  });
}

/** `redis.log` from scripts, at the pino level matching Redis's (debug, verbose, notice, warning). */
function scriptLog(logger: AppLogger | undefined, level: number, message: string): void {
  if (logger === undefined) return;
  if (level >= 3) logger.warn({ script: true }, message);
  else if (level === 2) logger.info({ script: true }, message);
  else logger.debug({ script: true }, message);
}

export async function startApp(options: AppOptions): Promise<App> {
  const logger = options.logger;
  let persistence: Persistence | undefined;
  const info = (section: string) =>
    section === 'persistence' ? (persistence?.info() ?? MEMORY_ONLY) : processInfo(section);
  const engine =
    options.engine ??
    new Engine({
      clock: systemClock,
      info,
      lua: await loadLua(),
      scriptTimeLimitMs: options.scriptTimeLimitMs,
      log: (level, message) => scriptLog(logger, level, message),
    });
  // The command name only: arguments are user data and may be secrets.
  engine.onInternalError = (err, argv) => logger?.error({ err, command: argv[0] }, 'command handler failed');
  if (options.persistence !== undefined) {
    persistence = Persistence.open(engine, { ...options.persistence, logger });
    const { records, keys, ms, tornBytes } = persistence.loaded;
    logger?.info({ records, keys, ms: Math.round(ms), tornBytes, fsync: options.persistence.fsync }, 'data loaded');
  }
  registerPersistenceConfig(engine, persistence);
  const durable = persistence?.settle;
  const handler = createRestHandler({
    authenticate: tokenAuthenticator({
      token: options.token,
      readonlyToken: options.readonlyToken,
      engine,
      durable,
    }),
    maxRequestBytes: options.maxRequestBytes,
    logger,
  });
  const server = createServer(handler);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    persistence?.close();
    throw err;
  }
  const timer = setInterval(() => engine.activeExpire(), ACTIVE_EXPIRE_MS);
  timer.unref();
  const { port } = server.address() as AddressInfo;
  return {
    url: publicUrl(options.host, port),
    server,
    engine,
    persistence,
    close: ({ force = false } = {}) =>
      new Promise<void>((resolve) => {
        clearInterval(timer);
        const cut = setTimeout(() => server.closeAllConnections(), force ? 0 : DRAIN_MS);
        cut.unref();
        server.close(() => {
          clearTimeout(cut);
          persistence?.close();
          if (options.engine === undefined) engine.close();
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}
