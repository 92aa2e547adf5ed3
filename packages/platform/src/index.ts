export {
  type AdminApiOptions,
  type AdminCredential,
  type AdminHandler,
  createAdminHandler,
  databaseJson,
} from './admin-api.ts';
export { Database, type DatabaseRuntime } from './database.ts';
export * as platformErrors from './errors.ts';
export { readJsonFile, writeJsonFile } from './json-file.ts';
export { LatencyHistogram } from './latency.ts';
export { createMetrics } from './metrics.ts';
export { monthlyCost, type Plan, PRESET_PLANS, planSet } from './plans.ts';
export {
  type CreateOptions,
  DATABASES_DIR,
  type DatabaseGrant,
  Platform,
  PlatformError,
  type PlatformLogger,
  type PlatformOptions,
  type Tokens,
  USAGE_FILE,
  USAGE_FLUSH_MS,
} from './platform.ts';
export { type DatabaseRecord, REGISTRY_FILE, Registry } from './registry.ts';
export { generateToken, TokenIndex, tokenDigest } from './tokens.ts';
export { type DayUsage, dayName, UsageLedger } from './usage.ts';
