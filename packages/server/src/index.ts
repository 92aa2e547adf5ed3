export { type App, type AppLogger, type AppOptions, startApp, systemClock } from './app.ts';
export { type Config, type ParsedConfig, parseConfig, USAGE } from './config.ts';
export { envBlock, publicUrl } from './env-block.ts';
export { startTestServer, type TestServer, type TestServerOptions } from './testing.ts';
export { generateToken, resolveTokens, TOKEN_FILE, type Tokens } from './tokens.ts';
