import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as E from '../command/errors.ts';
import { ErrorReply, MapReply, OK, type Reply } from '../reply.ts';
import { createScriptingTestEngine, createTestEngine, type TestEngine } from '../testing/index.ts';
import type { ConfigParam } from './config.ts';

/** A settable parameter holding a non-negative integer, as a host would register `hz` or a quota. */
function intParam(name: string, initial: number): ConfigParam & { value: number } {
  const p = {
    name,
    value: initial,
    get: () => String(p.value),
    set: (text: string) => {
      if (!/^\d+$/.test(text)) return "argument couldn't be parsed into an integer";
      p.value = Number(text);
      return undefined;
    },
  };
  return p;
}

function setup(): TestEngine & { hz: ConfigParam & { value: number }; quota: ConfigParam & { value: number } } {
  const t = createTestEngine();
  const hz = intParam('qz', 10);
  const quota = intParam('max-db-bytes', 0);
  t.engine.registerConfig(hz);
  t.engine.registerConfig(quota);
  t.engine.registerConfig({ name: 'appendfsync', get: () => 'everysec' });
  return { ...t, hz, quota };
}

const map = (...items: string[]) => new MapReply(items);
const err = (r: Reply) => (r instanceof ErrorReply ? r.message : `not an error: ${String(r)}`);

test('CONFIG GET: exact names keep the case asked, globs give registered names, each parameter once', () => {
  const t = setup();
  assert.deepEqual(t.run('CONFIG', 'GET', 'qz'), map('qz', '10'));
  assert.deepEqual(t.run('CONFIG', 'GET', 'QZ'), map('QZ', '10'));
  assert.deepEqual(t.run('config', 'get', 'QZ', 'qz', 'q?'), map('QZ', '10'));
  assert.deepEqual(t.run('CONFIG', 'GET', 'MAX-DB*', 'max-db-bytes', 'qz'), map('max-db-bytes', '0', 'qz', '10'));
  // The engine's own tunables (config-params.ts) come first; the host's follow in registration order.
  assert.deepEqual((t.run('CONFIG', 'GET', '*') as MapReply).items.slice(-6), [
    'qz',
    '10',
    'max-db-bytes',
    '0',
    'appendfsync',
    'everysec',
  ]);
  assert.deepEqual(t.run('CONFIG', 'GET', 'append[f]sync'), map('appendfsync', 'everysec'));
  assert.deepEqual(t.run('CONFIG', 'GET', 'nothing', 'nothing*'), map());
  // A backslash is not a glob character: the name is looked up as written.
  assert.deepEqual(t.run('CONFIG', 'GET', 'q\\z'), map());
  assert.equal(err(t.run('CONFIG', 'GET')), E.arity('config|get').message);
});

test('CONFIG SET applies every pair, names matched case-insensitively', () => {
  const t = setup();
  assert.equal(t.run('CONFIG', 'SET', 'QZ', '50', 'max-db-bytes', '1024'), OK);
  assert.equal(t.hz.value, 50);
  assert.equal(t.quota.value, 1024);
  assert.deepEqual(t.run('CONFIG', 'GET', 'qz'), map('qz', '50'));
});

test('CONFIG SET checks every name before applying anything', () => {
  const t = setup();
  assert.equal(
    err(t.run('CONFIG', 'SET', 'qz', '1', 'Nope', '2')),
    "ERR Unknown option or number of arguments for CONFIG SET - 'Nope'",
  );
  assert.equal(
    err(t.run('CONFIG', 'SET', 'qz', '1', 'APPENDFSYNC', 'always')),
    "ERR CONFIG SET failed (possibly related to argument 'APPENDFSYNC') - can't set immutable config",
  );
  assert.equal(
    err(t.run('CONFIG', 'SET', 'qz', '1', 'QZ', '2')),
    "ERR CONFIG SET failed (possibly related to argument 'QZ') - duplicate parameter",
  );
  assert.equal(t.hz.value, 10);
});

test('CONFIG SET is all or nothing: a refused value restores the ones applied before it', () => {
  const t = setup();
  assert.equal(
    err(t.run('CONFIG', 'SET', 'qz', '20', 'MAX-DB-BYTES', 'lots')),
    "ERR CONFIG SET failed (possibly related to argument 'max-db-bytes') - argument couldn't be parsed into an integer",
  );
  assert.equal(t.hz.value, 10);
  assert.equal(t.quota.value, 0);
});

test('CONFIG SET argument counts: too few is an arity error, an odd count a syntax error', () => {
  const t = setup();
  assert.equal(err(t.run('CONFIG', 'SET', 'qz')), E.arity('config|set').message);
  assert.equal(t.run('CONFIG', 'SET', 'qz', '1', 'max-db-bytes'), E.SYNTAX);
  assert.equal(err(t.run('CONFIG')), E.arity('config').message);
  assert.equal(err(t.run('CONFIG', 'nope')), "ERR unknown subcommand 'nope'. Try CONFIG HELP.");
});

test('a setter refusing with no reason gives the short form', () => {
  const t = createTestEngine();
  t.engine.registerConfig({ name: 'picky', get: () => 'x', set: () => '' });
  assert.equal(
    err(t.run('CONFIG', 'SET', 'picky', 'y')),
    "ERR CONFIG SET failed (possibly related to argument 'picky')",
  );
});

test('registering a name twice is a bug the host hears about at once', () => {
  const t = createTestEngine();
  t.engine.registerConfig({ name: 'once', get: () => '1' });
  assert.throws(() => t.engine.registerConfig({ name: 'ONCE', get: () => '2' }), /registered twice/);
});

test('CONFIG RESETSTAT clears the INFO stats counters; REWRITE has no file to write', () => {
  const t = createTestEngine();
  t.run('SET', 'k', 'v', 'PX', '1');
  t.clock.advance(5);
  t.run('GET', 'k');
  assert.match(t.run('INFO', 'stats') as string, /expired_keys:1\r\n/);
  assert.equal(t.run('CONFIG', 'RESETSTAT'), OK);
  const stats = t.run('INFO', 'stats') as string;
  assert.match(stats, /total_commands_processed:1\r\n/);
  assert.match(stats, /expired_keys:0\r\n/);
  assert.equal(t.run('CONFIG', 'REWRITE'), E.CONFIG_NO_FILE);
  assert.equal(err(t.run('CONFIG', 'RESETSTAT', 'x')), E.arity('config|resetstat').message);
});

test('CONFIG is an admin command: read-only tokens, scripts and MULTI see it as Redis has it', async () => {
  const t = await createScriptingTestEngine({ scriptTimeLimitMs: 1234 });
  try {
    const ro = t.engine.createClient({ readonly: true });
    assert.equal(err(t.engine.exec(ro, ['CONFIG', 'GET', '*'])), E.noPermission('config|get').message);
    assert.equal(
      err(t.run('EVAL', "return redis.call('CONFIG', 'GET', 'qz')", '0')).startsWith(E.SCRIPT_NOT_ALLOWED.message),
      true,
    );
    // The engine's own parameters: the script time limit under both of Redis's names, read-only.
    assert.deepEqual(
      t.run('CONFIG', 'GET', 'busy-reply-threshold', 'lua-time-limit'),
      map('busy-reply-threshold', '1234', 'lua-time-limit', '1234'),
    );
    assert.match(err(t.run('CONFIG', 'SET', 'lua-time-limit', '10')), /can't set immutable config$/);
  } finally {
    t.engine.close();
  }
});

test('without Lua the engine registers no script parameter', () => {
  const t = createTestEngine();
  assert.deepEqual(t.run('CONFIG', 'GET', 'busy-reply-threshold', 'lua-time-limit'), map());
});
