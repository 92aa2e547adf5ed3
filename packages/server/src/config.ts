/**
 * Command-line and environment configuration. Each flag has an environment twin (`--port` and
 * `REDSTASH_PORT`); a flag wins over its variable, and an empty variable counts as unset.
 */
import { parseArgs } from 'node:util';
import { FSYNC_POLICIES, type FsyncPolicy } from '@redstash/persistence';

export interface Config {
  port: number;
  host: string;
  /** Undefined: use the generated token kept in the data directory. */
  token: string | undefined;
  readonlyToken: string | undefined;
  dataDir: string;
  /** A Lua script running longer is stopped, in ms. */
  scriptTimeLimitMs: number;
  /** Null: keep data in memory only (`--no-persistence`). */
  appendfsync: FsyncPolicy | null;
  /** The management API's Basic credential; undefined key: the API is off. */
  adminUser: string;
  adminKey: string | undefined;
  /** A JSON file of extra plans (or overrides of the presets). */
  plansFile: string | undefined;
  /** The QStash-compatible queue; false: off (`--no-qstash`). */
  qstash: boolean;
  /** Undefined: the generated value kept in `<data-dir>/qstash`. */
  qstashToken: string | undefined;
  qstashCurrentSigningKey: string | undefined;
  qstashNextSigningKey: string | undefined;
  /** Also serve the queue alone on this port. */
  qstashPort: number | undefined;
  /** Refuse destinations on private, loopback and link-local addresses. */
  qstashDenyPrivate: boolean;
  /** The `QSTASH_DEV=true` profile: port 8080 (unless `--qstash-port`) and the SDK's dev credentials. */
  qstashDev: boolean;
}

export type ParsedConfig = { kind: 'run'; config: Config } | { kind: 'help' } | { kind: 'error'; message: string };

export const USAGE = `Usage: redstash [options]

A self-hosted, Upstash-compatible Redis over HTTP.

Options (each also read from the environment variable shown):
  --port <n>               port to listen on (REDSTASH_PORT, default 8079)
  --host <address>         address to bind (REDSTASH_HOST, default 127.0.0.1)
  --token <token>          full-access REST token (REDSTASH_TOKEN)
  --readonly-token <token> read-only REST token (REDSTASH_READONLY_TOKEN)
  --data-dir <dir>         data directory (REDSTASH_DATA_DIR, default ./.redstash)
  --appendfsync <policy>   always | everysec | no: when the log is synced (REDSTASH_APPENDFSYNC,
                           default everysec)
  --no-persistence         keep data in memory only, nothing on disk (REDSTASH_NO_PERSISTENCE=1)
  --script-time-limit <ms> stop a Lua script running longer (REDSTASH_SCRIPT_TIME_LIMIT, default 5000)
  --admin-user <name>      management API user (REDSTASH_ADMIN_USER, default admin)
  --admin-key <key>        management API key; without it the API is off (REDSTASH_ADMIN_KEY)
  --plans <file>           JSON array of plans adding to or overriding the presets (REDSTASH_PLANS)
  --qstash-token <token>   QStash token of the queue (QSTASH_TOKEN)
  --qstash-current-signing-key <key>
                           key signing deliveries (QSTASH_CURRENT_SIGNING_KEY)
  --qstash-next-signing-key <key>
                           next signing key (QSTASH_NEXT_SIGNING_KEY)
  --qstash-port <n>        also serve the queue alone on this port (REDSTASH_QSTASH_PORT)
  --qstash-deny-private    refuse deliveries to private and loopback addresses (REDSTASH_QSTASH_DENY_PRIVATE=1)
  --qstash-dev             serve the queue on port 8080 with @upstash/qstash's dev credentials, for apps
                           run with QSTASH_DEV=true (REDSTASH_QSTASH_DEV=1)
  --no-qstash              turn the queue off (REDSTASH_NO_QSTASH=1)
  -h, --help               show this help

Without a token, strong random tokens are generated once and kept in <data-dir>/tokens.json.
The queue's token and signing keys, when not given, are generated once and kept in <data-dir>/qstash.
Data is kept in <data-dir>/aof (an append-only log and its snapshots).

  redstash check-aof [--fix] [--data-dir <dir>]
                           check the log; with --fix, cut it at the first damaged record
  redstash db create|list|delete|token|usage ...
                           manage databases through a running server's API ('redstash db --help')
`;

const DEFAULTS = { port: 8079, host: '127.0.0.1', dataDir: './.redstash', scriptTimeLimitMs: 5000 };
/** Visible ASCII without spaces: a token must survive an Authorization header and a .env line as it is. */
const TOKEN = /^[\x21-\x7e]+$/;

export function parseConfig(args: readonly string[], env: Readonly<Record<string, string | undefined>>): ParsedConfig {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        token: { type: 'string' },
        'readonly-token': { type: 'string' },
        'data-dir': { type: 'string' },
        'script-time-limit': { type: 'string' },
        appendfsync: { type: 'string' },
        'no-persistence': { type: 'boolean' },
        'admin-user': { type: 'string' },
        'admin-key': { type: 'string' },
        plans: { type: 'string' },
        'qstash-token': { type: 'string' },
        'qstash-current-signing-key': { type: 'string' },
        'qstash-next-signing-key': { type: 'string' },
        'qstash-port': { type: 'string' },
        'qstash-deny-private': { type: 'boolean' },
        'qstash-dev': { type: 'boolean' },
        'no-qstash': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    return { kind: 'error', message: (err as Error).message };
  }
  if (values.help === true) return { kind: 'help' };

  const pick = (flag: string, name: string): [value: string | undefined, source: string] => {
    const fromFlag = values[flag];
    if (typeof fromFlag === 'string') return [fromFlag, `--${flag}`];
    const fromEnv = env[name];
    return [fromEnv === '' ? undefined : fromEnv, name];
  };

  const [portText, portSource] = pick('port', 'REDSTASH_PORT');
  let port = DEFAULTS.port;
  if (portText !== undefined) {
    port = /^[0-9]{1,5}$/.test(portText) ? Number(portText) : -1;
    if (port < 0 || port > 65535) {
      return { kind: 'error', message: `${portSource} must be a port number from 0 to 65535, got '${portText}'` };
    }
  }
  const [host = DEFAULTS.host, hostSource] = pick('host', 'REDSTASH_HOST');
  if (host.trim() === '') return { kind: 'error', message: `${hostSource} must not be empty` };
  const [token, tokenSource] = pick('token', 'REDSTASH_TOKEN');
  if (token !== undefined && !TOKEN.test(token)) {
    return { kind: 'error', message: `${tokenSource} must be visible ASCII characters without spaces` };
  }
  const [readonlyToken, readonlySource] = pick('readonly-token', 'REDSTASH_READONLY_TOKEN');
  if (readonlyToken !== undefined && !TOKEN.test(readonlyToken)) {
    return { kind: 'error', message: `${readonlySource} must be visible ASCII characters without spaces` };
  }
  if (token !== undefined && token === readonlyToken) {
    return { kind: 'error', message: 'the read-only token must differ from the full-access token' };
  }
  const [dataDir = DEFAULTS.dataDir, dataSource] = pick('data-dir', 'REDSTASH_DATA_DIR');
  if (dataDir.trim() === '') return { kind: 'error', message: `${dataSource} must not be empty` };
  const [limitText, limitSource] = pick('script-time-limit', 'REDSTASH_SCRIPT_TIME_LIMIT');
  let scriptTimeLimitMs = DEFAULTS.scriptTimeLimitMs;
  if (limitText !== undefined) {
    scriptTimeLimitMs = /^[0-9]{1,9}$/.test(limitText) ? Number(limitText) : 0;
    if (scriptTimeLimitMs < 1) {
      return { kind: 'error', message: `${limitSource} must be a number of milliseconds from 1, got '${limitText}'` };
    }
  }
  const [fsyncText = 'everysec', fsyncSource] = pick('appendfsync', 'REDSTASH_APPENDFSYNC');
  if (!(FSYNC_POLICIES as readonly string[]).includes(fsyncText)) {
    return { kind: 'error', message: `${fsyncSource} must be one of always, everysec, no; got '${fsyncText}'` };
  }
  const memoryOnly =
    values['no-persistence'] === true || ['1', 'true', 'yes'].includes(env.REDSTASH_NO_PERSISTENCE ?? '');
  const appendfsync = memoryOnly ? null : (fsyncText as FsyncPolicy);
  const [adminUser = 'admin', userSource] = pick('admin-user', 'REDSTASH_ADMIN_USER');
  if (adminUser.includes(':') || !TOKEN.test(adminUser))
    return { kind: 'error', message: `${userSource} must be visible ASCII without spaces or ':'` };
  const [adminKey, keySource] = pick('admin-key', 'REDSTASH_ADMIN_KEY');
  if (adminKey !== undefined && (adminKey.length < 16 || !TOKEN.test(adminKey)))
    return { kind: 'error', message: `${keySource} must be at least 16 visible ASCII characters without spaces` };
  const [plansFile] = pick('plans', 'REDSTASH_PLANS');
  const on = (flag: string, name: string) => values[flag] === true || ['1', 'true', 'yes'].includes(env[name] ?? '');
  const qstash = !on('no-qstash', 'REDSTASH_NO_QSTASH');
  const qstashDev = on('qstash-dev', 'REDSTASH_QSTASH_DEV');
  const qstashDenyPrivate = on('qstash-deny-private', 'REDSTASH_QSTASH_DENY_PRIVATE');
  const secrets: (string | undefined)[] = [];
  for (const [flag, name] of [
    ['qstash-token', 'QSTASH_TOKEN'],
    ['qstash-current-signing-key', 'QSTASH_CURRENT_SIGNING_KEY'],
    ['qstash-next-signing-key', 'QSTASH_NEXT_SIGNING_KEY'],
  ] as const) {
    const [value, source] = pick(flag, name);
    if (value !== undefined && !TOKEN.test(value))
      return { kind: 'error', message: `${source} must be visible ASCII characters without spaces` };
    // The dev profile's credentials are the SDK's fixed ones; a different value given on purpose is a mistake.
    if (qstashDev && typeof values[flag] === 'string')
      return { kind: 'error', message: `--qstash-dev uses the SDK's dev credentials; drop --${flag}` };
    secrets.push(qstashDev ? undefined : value);
  }
  const [qstashToken, qstashCurrentSigningKey, qstashNextSigningKey] = secrets;
  const [qstashPortText, qstashPortSource] = pick('qstash-port', 'REDSTASH_QSTASH_PORT');
  let qstashPort = qstashDev ? 8080 : undefined;
  if (qstashPortText !== undefined) {
    qstashPort = /^[0-9]{1,5}$/.test(qstashPortText) ? Number(qstashPortText) : -1;
    if (qstashPort < 0 || qstashPort > 65535)
      return {
        kind: 'error',
        message: `${qstashPortSource} must be a port number from 0 to 65535, got '${qstashPortText}'`,
      };
  }
  if (!qstash && (qstashDev || values['qstash-port'] !== undefined))
    return { kind: 'error', message: '--no-qstash turns the queue off; it cannot also be given a port or profile' };
  return {
    kind: 'run',
    config: {
      port,
      host,
      token,
      readonlyToken,
      dataDir,
      scriptTimeLimitMs,
      appendfsync,
      adminUser,
      adminKey,
      plansFile,
      qstash,
      qstashToken,
      qstashCurrentSigningKey,
      qstashNextSigningKey,
      qstashPort,
      qstashDenyPrivate,
      qstashDev,
    },
  };
}
