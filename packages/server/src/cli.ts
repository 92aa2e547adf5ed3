/**
 * `redstash`: parse the configuration, start the server, print the `.env.local` block, and shut down
 * gracefully on SIGINT/SIGTERM. Logs are pino JSON on stderr, so stdout holds only the paste-ready block.
 */
import { parseArgs } from 'node:util';
import { CorruptLogError, checkAof, DataDirInUseError, ManifestError } from '@redstash/persistence';
import pino from 'pino';
import { startApp } from './app.ts';
import { parseConfig, USAGE } from './config.ts';
import { envBlock } from './env-block.ts';
import { resolveTokens } from './tokens.ts';

async function main(): Promise<void> {
  if (process.argv[2] === 'check-aof') return checkCommand(process.argv.slice(3));
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
    const app = await startApp({
      host: config.host,
      port: config.port,
      ...tokens,
      logger,
      scriptTimeLimitMs: config.scriptTimeLimitMs,
      persistence: config.appendfsync === null ? undefined : { dataDir: config.dataDir, fsync: config.appendfsync },
    });
    process.stdout.write(envBlock(app.url, tokens));
    logger.info({ url: app.url, dataDir: config.dataDir }, 'redstash is listening');

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
  } catch (err) {
    logger.error({ err }, 'could not start');
    if (err instanceof CorruptLogError || err instanceof DataDirInUseError || err instanceof ManifestError)
      process.stderr.write(`redstash: ${err.message}\n`);
    process.exit(1);
  }
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
