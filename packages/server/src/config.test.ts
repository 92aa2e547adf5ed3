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
  };
  assert.deepEqual(run([], env), {
    port: 9000,
    host: '0.0.0.0',
    token: 'env-token',
    readonlyToken: 'env-ro',
    dataDir: '/var/lib/redstash',
    scriptTimeLimitMs: 250,
    appendfsync: 'always',
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
  ];
  assert.deepEqual(run(args, env), {
    port: 7000,
    host: '::1',
    token: 'flag-token',
    readonlyToken: 'flag-ro',
    dataDir: 'd',
    scriptTimeLimitMs: 1000,
    appendfsync: 'no',
  });
  assert.equal(run(['--no-persistence']).appendfsync, null);
  assert.equal(run([], { REDSTASH_NO_PERSISTENCE: '1' }).appendfsync, null);
  assert.equal(run([], { REDSTASH_PORT: '' }).port, 8079, 'an empty variable is unset');
  assert.equal(run(['--port', '0']).port, 0);
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
