/**
 * `redstash`: parse the configuration, start the server, print the `.env.local` block, and shut down
 * gracefully on SIGINT/SIGTERM. Logs are pino JSON on stderr, so stdout holds only the paste-ready block.
 */
import pino from 'pino';
import { startApp } from './app.ts';
import { parseConfig, USAGE } from './config.ts';
import { envBlock } from './env-block.ts';
import { resolveTokens } from './tokens.ts';

async function main(): Promise<void> {
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
    process.exit(1);
  }
}

await main();
