export { type App, type AppLogger, type AppOptions, startApp, systemClock } from './app.ts';
export { type Config, type ParsedConfig, parseConfig, USAGE } from './config.ts';
export { envBlock, publicUrl, type QstashEnv } from './env-block.ts';
export { QSTASH_DEV_CREDENTIALS, type Qstash, type QstashCredentials, type QstashOptions } from './qstash.ts';
export { startTestServer, type TestServer, type TestServerOptions } from './testing.ts';
export { generateToken, resolveTokens, TOKEN_FILE, type Tokens } from './tokens.ts';
