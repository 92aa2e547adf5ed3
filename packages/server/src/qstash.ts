/**
 * The QStash-compatible queue in the server: its own engine (and append-only log under
 * `<data-dir>/qstash`) holding the queue's state, the queue and scheduler, and the `/v2/...` API. The
 * credentials come from the flags when given, else from the store (generated on first start), so the
 * printed `.env.local` keeps working across restarts.
 */
import { join } from 'node:path';
import { type Clock, Engine } from '@redstash/engine';
import { type FsyncPolicy, Persistence } from '@redstash/persistence';
import { generateToken } from '@redstash/platform';
import {
  createQueueApi,
  DEFAULT_LIMITS,
  destinationChecker,
  engineQueueDb,
  keptCredentials,
  Queue,
  type QueueApiHandler,
  type QueueDb,
  Scheduler,
  Signer,
} from '@redstash/queue';

export interface QstashOptions {
  token?: string | undefined;
  currentSigningKey?: string | undefined;
  nextSigningKey?: string | undefined;
  /** Refuse destinations on private and loopback addresses. */
  denyPrivate?: boolean | undefined;
  /** False: no delivery timers (tests drive `queue.tick()` on a manual clock). */
  timers?: boolean | undefined;
}

export interface QstashCredentials {
  token: string;
  currentSigningKey: string;
  nextSigningKey: string;
}

export interface Qstash {
  api: QueueApiHandler;
  queue: Queue;
  scheduler: Scheduler;
  engine: Engine;
  credentials(): QstashCredentials;
  close(): Promise<void>;
}

/** The credentials `@upstash/qstash` uses with `QSTASH_DEV=true` (public constants of the SDK). */
export const QSTASH_DEV_CREDENTIALS: QstashCredentials = {
  token: 'eyJVc2VySUQiOiJkZWZhdWx0VXNlciIsIlBhc3N3b3JkIjoiZGVmYXVsdFBhc3N3b3JkIn0=',
  currentSigningKey: 'sig_7kYjw48mhY7kAjqNGcy6cr29RJ6r',
  nextSigningKey: 'sig_5ZB6DVzB1wjE8S6rZ7eenA8Pdnhs',
};

export async function startQstash(c: {
  options: QstashOptions;
  clock: Clock;
  persistence: { dataDir: string; fsync: FsyncPolicy } | undefined;
  selfOrigins: () => string[];
  logger?:
    | { info(o: object, m?: string): void; warn(o: object, m?: string): void; error(o: object, m?: string): void }
    | undefined;
}): Promise<Qstash> {
  const engine = new Engine({ clock: c.clock });
  const persistence =
    c.persistence === undefined
      ? undefined
      : Persistence.open(engine, {
          dataDir: join(c.persistence.dataDir, 'qstash'),
          fsync: c.persistence.fsync,
          logger: c.logger,
        });
  const db = engineQueueDb(engine, persistence?.settle);
  try {
    const creds = await credentials(db, c.options);
    const signer = new Signer({ current: creds.currentSigningKey, next: creds.nextSigningKey });
    const queue = new Queue({
      db,
      clock: c.clock,
      signer,
      limits: DEFAULT_LIMITS,
      checkDestination: destinationChecker({ selfOrigins: c.selfOrigins, denyPrivate: c.options.denyPrivate === true }),
      ...(c.logger === undefined ? {} : { logger: c.logger }),
      timers: c.options.timers !== false,
      storeKeys: c.options.currentSigningKey === undefined && c.options.nextSigningKey === undefined,
    });
    const scheduler = new Scheduler(db, queue, () => c.clock.now(), c.options.timers !== false);
    await queue.start();
    await scheduler.start();
    const api = createQueueApi({ queue, scheduler, token: creds.token, now: () => c.clock.now() });
    return {
      api,
      queue,
      scheduler,
      engine,
      credentials: () => ({
        token: creds.token,
        currentSigningKey: signer.current.current,
        nextSigningKey: signer.current.next,
      }),
      close: async () => {
        scheduler.close();
        await queue.close();
        persistence?.close();
      },
    };
  } catch (err) {
    persistence?.close();
    throw err;
  }
}

/**
 * Given values win; missing ones come from the store, generated and stored on first start. Given values are
 * not stored: one run with `--qstash-dev` must not replace the generated secrets with the SDK's public ones.
 */
async function credentials(db: QueueDb, o: QstashOptions): Promise<QstashCredentials> {
  const kept = await keptCredentials(db, generateToken);
  return {
    token: o.token ?? kept.token,
    currentSigningKey: o.currentSigningKey ?? kept.currentSigningKey,
    nextSigningKey: o.nextSigningKey ?? kept.nextSigningKey,
  };
}
