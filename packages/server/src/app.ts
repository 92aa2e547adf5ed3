/**
 * The composition root: the platform (its registry of databases, each an engine on the system clock with
 * its own persistence), the active-expiry timer, the management API and the REST handler in front, and one
 * HTTP server. The CLI and `startTestServer` both build the server through here.
 */
import { rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve, sep } from 'node:path';
import { type Clock, Engine, type LuaModule, loadLua, parseMemory } from '@redstash/engine';
import { FSYNC_POLICIES, type FsyncPolicy, Persistence } from '@redstash/persistence';
import {
  type AdminCredential,
  createAdminHandler,
  createMetrics,
  DATABASES_DIR,
  type Database,
  type DatabaseRecord,
  type Plan,
  Platform,
} from '@redstash/platform';
import { createRestHandler, type RestLogger } from '@redstash/rest';
import { publicUrl } from './env-block.ts';
import { type Qstash, type QstashOptions, startQstash } from './qstash.ts';
import { generateToken } from './tokens.ts';

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
  /** The clock of the platform (usage days) and of the engines it opens; tests pass a manual one. */
  clock?: Clock | undefined;
  /** The management API's credential; absent: the API answers 401 saying how to turn it on. */
  admin?: AdminCredential | undefined;
  /** Plans by name (presets plus the operator's); default: the presets. */
  plans?: Map<string, Plan> | undefined;
  /** Metering and quotas on (default) or off (a benchmark's baseline). */
  metering?: boolean | undefined;
  /** The QStash-compatible queue (on by default; false: off). */
  qstash?: QstashOptions | false | undefined;
  /** Also serve the queue's API alone on this port (the `--qstash-dev` profile uses 8080). */
  qstashPort?: number | undefined;
}

export interface App {
  url: string;
  server: Server;
  /** The default database's engine. */
  engine: Engine;
  /** The default database's persistence. */
  persistence: Persistence | undefined;
  platform: Platform;
  /** The queue, unless turned off. */
  qstash: Qstash | undefined;
  /** The URL of the queue's own port, when one was configured. */
  qstashUrl: string | undefined;
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
    };
  }
  if (section === 'server') return { process_id: process.pid, executable: 'redstash' };
  if (section === 'cpu') {
    const cpu = process.cpuUsage();
    return { used_cpu_sys: (cpu.system / 1e6).toFixed(6), used_cpu_user: (cpu.user / 1e6).toFixed(6) };
  }
  return undefined;
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
  const clock = options.clock ?? systemClock;
  const lua = await loadLua();
  const fsync = options.persistence?.fsync;
  const persistences = new Map<string, Persistence>();
  const open = (record: DatabaseRecord, dataDir: string | undefined) =>
    openDatabase(record, dataDir, { options, lua, fsync, logger, persistences });
  const platform = new Platform({
    clock,
    dataDir: options.persistence?.dataDir,
    plans: options.plans,
    open,
    destroy: (record, dataDir) => destroyData(record, dataDir, options.persistence?.dataDir),
    logger,
    metering: options.metering,
  });
  let defaultDb: Database;
  try {
    defaultDb = platform.ensureDefault({
      token: options.token,
      readonlyToken: options.readonlyToken ?? generateToken(),
    });
  } catch (err) {
    platform.close();
    throw err;
  }
  const handler = createRestHandler({
    authenticate: (token) => platform.authenticate(token),
    maxRequestBytes: options.maxRequestBytes,
    logger,
  });
  let url = '';
  const metrics = createMetrics(platform, () => clock.now());
  const admin = createAdminHandler({
    platform,
    credential: options.admin,
    publicUrl: () => url,
    now: () => clock.now(),
    metrics: async () => ({ contentType: metrics.contentType, body: await metrics.text() }),
  });
  let qstash: Qstash | undefined;
  let qstashServer: Server | undefined;
  let qstashUrl: string | undefined;
  if (options.qstash !== false) {
    try {
      qstash = await startQstash({
        options: options.qstash ?? {},
        clock,
        persistence: options.persistence,
        selfOrigins: () => [url, qstashUrl].filter((u): u is string => u !== undefined && u !== ''),
        logger,
      });
    } catch (err) {
      platform.close();
      throw err;
    }
  }
  const notFound = (res: import('node:http').ServerResponse) => {
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"error":"not found"}');
  };
  const server = createServer((req, res) => {
    const path = req.url;
    // The management API, metrics and the queue share the port; the REST hot path pays one prefix test.
    if (path !== undefined && (path.startsWith('/v2/') || path.startsWith('/metrics'))) {
      if (path.startsWith('/v2/redis/') || path.startsWith('/metrics')) {
        // `/metricsx` and the like pass the prefix test but are not the admin API's: answered, not left hanging.
        if (!admin(req, res)) notFound(res);
      } else if (qstash !== undefined) qstash.api(req, res);
      else notFound(res);
      return;
    }
    handler(req, res);
  });

  try {
    await listen(server, options.port, options.host);
    if (qstash !== undefined && options.qstashPort !== undefined) {
      const api = qstash.api;
      qstashServer = createServer((req, res) => {
        if (req.url?.startsWith('/v2/') === true && !req.url.startsWith('/v2/redis/')) api(req, res);
        else notFound(res);
      });
      await listen(qstashServer, options.qstashPort, options.host);
      qstashUrl = publicUrl(options.host, (qstashServer.address() as AddressInfo).port);
    }
  } catch (err) {
    server.close();
    await qstash?.close();
    platform.close();
    throw err;
  }
  platform.start();
  const timer = setInterval(() => {
    for (const db of platform.list()) db.engine.activeExpire();
  }, ACTIVE_EXPIRE_MS);
  timer.unref();
  const { port } = server.address() as AddressInfo;
  url = publicUrl(options.host, port);
  return {
    url,
    server,
    engine: defaultDb.engine,
    persistence: persistences.get(defaultDb.record.id),
    platform,
    qstash,
    qstashUrl,
    close: ({ force = false } = {}) =>
      new Promise<void>((resolve) => {
        clearInterval(timer);
        const servers = qstashServer === undefined ? [server] : [server, qstashServer];
        const cut = setTimeout(
          () => {
            for (const s of servers) s.closeAllConnections();
          },
          force ? 0 : DRAIN_MS,
        );
        cut.unref();
        let open = servers.length;
        for (const s of servers)
          s.close(() => {
            if (--open > 0) return;
            clearTimeout(cut);
            void (qstash?.close() ?? Promise.resolve()).then(() => {
              platform.close();
              resolve();
            });
          });
        for (const s of servers) s.closeIdleConnections();
      }),
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

interface OpenContext {
  options: AppOptions;
  lua: LuaModule;
  fsync: FsyncPolicy | undefined;
  logger: AppLogger | undefined;
  persistences: Map<string, Persistence>;
}

/** A database's engine (the caller's for the default database, if given) and its persistence. */
function openDatabase(record: DatabaseRecord, dataDir: string | undefined, c: OpenContext) {
  const { options, logger } = c;
  let persistence: Persistence | undefined;
  const info = (section: string) =>
    section === 'persistence' ? (persistence?.info() ?? MEMORY_ONLY) : processInfo(section);
  const given = record.isDefault ? options.engine : undefined;
  const engine =
    given ??
    new Engine({
      clock: options.clock ?? systemClock,
      info,
      lua: c.lua,
      scriptTimeLimitMs: options.scriptTimeLimitMs,
      log: (level, message) => scriptLog(logger, level, message),
    });
  // The command name only: arguments are user data and may be secrets.
  engine.onInternalError = (err, argv) =>
    logger?.error({ err, command: argv[0], database_id: record.id }, 'command handler failed');
  if (dataDir !== undefined && c.fsync !== undefined) {
    persistence = Persistence.open(engine, { dataDir, fsync: c.fsync, logger });
    c.persistences.set(record.id, persistence);
    const { records, keys, ms, tornBytes } = persistence.loaded;
    logger?.info(
      { database: record.name, records, keys, ms: Math.round(ms), tornBytes, fsync: c.fsync },
      'data loaded',
    );
  }
  registerPersistenceConfig(engine, persistence);
  const opened = persistence;
  return {
    engine,
    durable: opened?.settle,
    close: () => {
      opened?.close();
      c.persistences.delete(record.id);
      if (given === undefined) engine.close();
    },
  };
}

/** A deleted database's directory, only ever one under `<data-dir>/databases/`. */
function destroyData(record: DatabaseRecord, dataDir: string | undefined, root: string | undefined): void {
  if (dataDir === undefined || root === undefined || record.isDefault) return;
  const base = resolve(join(root, DATABASES_DIR)) + sep;
  const target = resolve(dataDir);
  if (!target.startsWith(base)) throw new Error(`refusing to remove ${target}: not under ${base}`);
  rmSync(target, { recursive: true, force: true });
}
