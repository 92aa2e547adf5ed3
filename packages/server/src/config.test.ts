import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfig } from './config.ts';

const run = (args: string[], env: Record<string, string> = {}) => {
  const r = parseConfig(args, env);
  assert.equal(r.kind, 'run', JSON.stringify(r));
  return (r as Extract<typeof r, { kind: 'run' }>).config;
};
const error = (args: string[], env: Record<string, string> = {}) => {
  const r = parseConfig(args, env);
  assert.equal(r.kind, 'error');
  return (r as Extract<typeof r, { kind: 'error' }>).message;
};

test('defaults', () => {
  assert.deepEqual(run([]), {
    port: 8079,
    host: '127.0.0.1',
    token: undefined,
    readonlyToken: undefined,
    dataDir: './.redstash',
    scriptTimeLimitMs: 5000,
    appendfsync: 'everysec',
    adminUser: 'admin',
    adminKey: undefined,
    plansFile: undefined,
    qstash: true,
    qstashToken: undefined,
    qstashCurrentSigningKey: undefined,
    qstashNextSigningKey: undefined,
    qstashPort: undefined,
    qstashDenyPrivate: false,
    qstashDev: false,
  });
});

test('flags, environment, and flags winning over the environment', () => {
  const env = {
    REDSTASH_PORT: '9000',
    REDSTASH_HOST: '0.0.0.0',
    REDSTASH_TOKEN: 'env-token',
    REDSTASH_READONLY_TOKEN: 'env-ro',
    REDSTASH_DATA_DIR: '/var/lib/redstash',
    REDSTASH_SCRIPT_TIME_LIMIT: '250',
    REDSTASH_APPENDFSYNC: 'always',
    REDSTASH_ADMIN_USER: 'ops',
    REDSTASH_ADMIN_KEY: 'env-admin-key-0123456789',
    REDSTASH_PLANS: 'plans.json',
    QSTASH_TOKEN: 'env-qstash-token',
    QSTASH_CURRENT_SIGNING_KEY: 'sig_env_current',
    QSTASH_NEXT_SIGNING_KEY: 'sig_env_next',
    REDSTASH_QSTASH_PORT: '8090',
    REDSTASH_QSTASH_DENY_PRIVATE: '1',
  };
  assert.deepEqual(run([], env), {
    port: 9000,
    host: '0.0.0.0',
    token: 'env-token',
    readonlyToken: 'env-ro',
    dataDir: '/var/lib/redstash',
    scriptTimeLimitMs: 250,
    appendfsync: 'always',
    adminUser: 'ops',
    adminKey: 'env-admin-key-0123456789',
    plansFile: 'plans.json',
    qstash: true,
    qstashToken: 'env-qstash-token',
    qstashCurrentSigningKey: 'sig_env_current',
    qstashNextSigningKey: 'sig_env_next',
    qstashPort: 8090,
    qstashDenyPrivate: true,
    qstashDev: false,
  });
  const args = [
    '--port',
    '7000',
    '--host=::1',
    '--token',
    'flag-token',
    '--readonly-token',
    'flag-ro',
    '--data-dir',
    'd',
    '--script-time-limit',
    '1000',
    '--appendfsync',
    'no',
    '--admin-user',
    'root',
    '--admin-key',
    'flag-admin-key-0123456789',
    '--plans',
    'p.json',
    '--qstash-token',
    'flag-qstash-token',
    '--qstash-current-signing-key',
    'sig_flag_current',
    '--qstash-next-signing-key',
    'sig_flag_next',
    '--qstash-port',
    '0',
  ];
  assert.deepEqual(run(args, env), {
    port: 7000,
    host: '::1',
    token: 'flag-token',
    readonlyToken: 'flag-ro',
    dataDir: 'd',
    scriptTimeLimitMs: 1000,
    appendfsync: 'no',
    adminUser: 'root',
    adminKey: 'flag-admin-key-0123456789',
    plansFile: 'p.json',
    qstash: true,
    qstashToken: 'flag-qstash-token',
    qstashCurrentSigningKey: 'sig_flag_current',
    qstashNextSigningKey: 'sig_flag_next',
    qstashPort: 0,
    qstashDenyPrivate: true,
    qstashDev: false,
  });
  assert.match(error(['--admin-key', 'short']), /--admin-key must be at least 16/);
  assert.match(error(['--admin-user', 'a:b']), /--admin-user must be visible ASCII without spaces or ':'/);
  assert.equal(run(['--no-persistence']).appendfsync, null);
  assert.equal(run([], { REDSTASH_NO_PERSISTENCE: '1' }).appendfsync, null);
  assert.equal(run([], { REDSTASH_PORT: '' }).port, 8079, 'an empty variable is unset');
  assert.equal(run(['--port', '0']).port, 0);
});

test('the queue: --no-qstash, --qstash-dev (port 8080, no own credentials), bad values', () => {
  assert.equal(run(['--no-qstash']).qstash, false);
  assert.equal(run([], { REDSTASH_NO_QSTASH: 'true' }).qstash, false);
  const dev = run(['--qstash-dev'], { QSTASH_TOKEN: 'ignored-in-dev' });
  assert.equal(dev.qstashDev, true);
  assert.equal(dev.qstashPort, 8080);
  assert.equal(dev.qstashToken, undefined, "the dev profile uses the SDK's credentials");
  assert.equal(run(['--qstash-dev', '--qstash-port', '9999']).qstashPort, 9999);
  assert.equal(run([], { REDSTASH_QSTASH_DEV: '1' }).qstashDev, true);
  assert.match(error(['--qstash-dev', '--qstash-token', 'x']), /--qstash-dev uses the SDK's dev credentials/);
  assert.match(error(['--no-qstash', '--qstash-dev']), /--no-qstash/);
  assert.match(error(['--qstash-port', '65536']), /--qstash-port must be a port number/);
  assert.match(error([], { REDSTASH_QSTASH_PORT: 'x' }), /REDSTASH_QSTASH_PORT/);
  assert.match(error([], { QSTASH_TOKEN: 'has space' }), /QSTASH_TOKEN must be visible ASCII/);
  assert.match(error(['--qstash-next-signing-key', 'k\tx']), /--qstash-next-signing-key/);
});

test('help', () => {
  assert.equal(parseConfig(['--help'], {}).kind, 'help');
  assert.equal(parseConfig(['-h', '--port', 'x'], {}).kind, 'help');
});

test('bad values say which flag or variable is wrong', () => {
  assert.match(error(['--port', '70000']), /--port must be a port number/);
  assert.match(error(['--port', '12a']), /--port/);
  assert.match(error(['--script-time-limit', '0']), /--script-time-limit must be a number of milliseconds/);
  assert.match(error([], { REDSTASH_SCRIPT_TIME_LIMIT: 'soon' }), /REDSTASH_SCRIPT_TIME_LIMIT/);
  assert.match(error(['--appendfsync', 'sometimes']), /--appendfsync must be one of always, everysec, no/);
  assert.match(error(['--port', '-1']), /--port/);
  assert.match(error([], { REDSTASH_PORT: 'http' }), /REDSTASH_PORT/);
  assert.match(error(['--token', 'has space']), /--token must be visible ASCII/);
  assert.match(error([], { REDSTASH_READONLY_TOKEN: 'tøken' }), /REDSTASH_READONLY_TOKEN/);
  assert.match(error(['--token', 'same', '--readonly-token', 'same']), /must differ/);
  assert.match(error(['--host', ' ']), /--host must not be empty/);
  assert.match(error(['--bogus']), /bogus/);
  assert.match(error(['extra']), /extra/);
  assert.match(error(['--port']), /port/);
});
