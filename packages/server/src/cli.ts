/**
 * `redstash`: parse the configuration, start the server, print the `.env.local` block, and shut down
 * gracefully on SIGINT/SIGTERM. Logs are pino JSON on stderr, so stdout holds only the paste-ready block.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CorruptLogError, checkAof, DataDirInUseError, ManifestError } from '@redstash/persistence';
import { planSet } from '@redstash/platform';
import pino from 'pino';
import { startApp } from './app.ts';
import { type Config, parseConfig, USAGE } from './config.ts';
import { dbCommand } from './db-cli.ts';
import { envBlock } from './env-block.ts';
import { QSTASH_DEV_CREDENTIALS, type QstashOptions } from './qstash.ts';
import { resolveTokens } from './tokens.ts';

async function main(): Promise<void> {
  if (process.argv[2] === 'check-aof') return checkCommand(process.argv.slice(3));
  if (process.argv[2] === 'db') {
    const io = {
      out: (t: string) => process.stdout.write(t),
      err: (t: string) => process.stderr.write(t),
      env: process.env,
      fetch,
    };
    process.exitCode = await dbCommand(process.argv.slice(3), io);
    return;
  }
  const parsed = parseConfig(process.argv.slice(2), process.env);
  if (parsed.kind === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  if (parsed.kind === 'error') {
    process.stderr.write(`redstash: ${parsed.message}\nRun 'redstash --help' for the options.\n`);
    process.exit(2);
  }
  const { config } = parsed;
  const logger = pino({ name: 'redstash' }, pino.destination({ dest: 2, sync: true }));
  try {
    const tokens = resolveTokens(config.dataDir, config);
    const plans =
      config.plansFile === undefined ? undefined : planSet(JSON.parse(readFileSync(config.plansFile, 'utf8')));
    const app = await startApp({
      host: config.host,
      port: config.port,
      ...tokens,
      logger,
      scriptTimeLimitMs: config.scriptTimeLimitMs,
      persistence: config.appendfsync === null ? undefined : { dataDir: config.dataDir, fsync: config.appendfsync },
      admin: config.adminKey === undefined ? undefined : { user: config.adminUser, key: config.adminKey },
      plans,
      qstash: qstashOptions(config),
      qstashPort: config.qstash ? config.qstashPort : undefined,
    });
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        logger.warn({ signal }, 'second signal: exiting without waiting');
        process.exit(1);
      }
      stopping = true;
      logger.info({ signal }, 'shutting down: finishing in-flight requests');
      void app.close().then(() => {
        logger.info({}, 'stopped');
        process.exit(0);
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    // Printed once the signal handlers are in place: a supervisor may stop the server as soon as it sees it.
    process.stdout.write(
      envBlock(app.url, tokens, app.qstash && { url: app.qstashUrl ?? app.url, ...app.qstash.credentials() }),
    );
    logger.info(
      {
        url: app.url,
        dataDir: config.dataDir,
        databases: app.platform.list().length,
        managementApi: config.adminKey !== undefined,
        qstash: app.qstash === undefined ? false : (app.qstashUrl ?? app.url),
        qstashDev: config.qstashDev,
      },
      'redstash is listening',
    );
  } catch (err) {
    logger.error({ err }, 'could not start');
    if (err instanceof CorruptLogError || err instanceof DataDirInUseError || err instanceof ManifestError)
      process.stderr.write(`redstash: ${err.message}\n`);
    process.exit(1);
  }
}

/** The queue's options: off, the SDK's dev credentials (`--qstash-dev`), or the given ones (else generated). */
function qstashOptions(config: Config): QstashOptions | false {
  if (!config.qstash) return false;
  const denyPrivate = config.qstashDenyPrivate;
  if (config.qstashDev)
    return {
      token: QSTASH_DEV_CREDENTIALS.token,
      currentSigningKey: QSTASH_DEV_CREDENTIALS.currentSigningKey,
      nextSigningKey: QSTASH_DEV_CREDENTIALS.nextSigningKey,
      denyPrivate,
    };
  return {
    token: config.qstashToken,
    currentSigningKey: config.qstashCurrentSigningKey,
    nextSigningKey: config.qstashNextSigningKey,
    denyPrivate,
  };
}

/** `redstash check-aof [--fix] [--data-dir <dir>]`: exit 0 when the log is sound (or was fixed), 1 when not. */
function checkCommand(args: string[]): void {
  let values: { fix?: boolean; 'data-dir'?: string };
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      options: { fix: { type: 'boolean' }, 'data-dir': { type: 'string' } },
    }));
  } catch (err) {
    process.stderr.write(`redstash check-aof: ${(err as Error).message}\n`);
    process.exit(2);
  }
  const dataDir = values['data-dir'] ?? process.env.REDSTASH_DATA_DIR ?? './.redstash';
  try {
    const report = checkAof(dataDir, values.fix === true);
    process.stdout.write(`${report.lines.join('\n')}\n`);
    if (!report.ok) {
      const cut = report.cut;
      if (cut !== undefined)
        process.stdout.write(
          `run 'redstash check-aof --fix --data-dir ${dataDir}' to cut ${cut.file} at offset ${cut.offset} ` +
            `(${cut.droppedBytes} bytes of writes after it are lost)\n`,
        );
      process.exit(1);
    }
  } catch (err) {
    process.stderr.write(`redstash check-aof: ${(err as Error).message}\n`);
    process.exit(1);
  }
}

await main();
