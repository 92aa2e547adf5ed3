import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorReply, OK } from '../reply.ts';
import { createTestEngine } from '../testing/index.ts';

const message = (r: unknown) => (r instanceof ErrorReply ? r.message : assert.fail(`not an error: ${String(r)}`));

// The reference redis-server (7.0) predates CLIENT SETINFO (7.2), so these are unit cases only.
test('CLIENT SETINFO accepts LIB-NAME and LIB-VER in any case', () => {
  const { run } = createTestEngine();
  assert.equal(run('CLIENT', 'SETINFO', 'LIB-NAME', 'upstash-redis'), OK);
  assert.equal(run('client', 'setinfo', 'lib-ver', 'v1.39.0'), OK);
  assert.equal(run('client', 'setinfo', 'Lib-Name', ''), OK);
});

test('CLIENT SETINFO refuses other attributes and values with spaces or control bytes', () => {
  const { run } = createTestEngine();
  assert.equal(message(run('client', 'setinfo', 'lib-x', 'a')), "ERR Unrecognized option 'lib-x'");
  assert.equal(
    message(run('client', 'setinfo', 'LIB-NAME', 'a b')),
    'ERR LIB-NAME cannot contain spaces, newlines or special characters.',
  );
  assert.equal(
    message(run('client', 'setinfo', 'lib-ver', '1\n2')),
    'ERR lib-ver cannot contain spaces, newlines or special characters.',
  );
  assert.equal(
    message(run('client', 'setinfo', 'lib-ver', 'é')),
    'ERR lib-ver cannot contain spaces, newlines or special characters.',
  );
  assert.equal(
    message(run('client', 'setinfo', 'lib-ver')),
    "ERR wrong number of arguments for 'client|setinfo' command",
  );
  assert.match(message(run('client', 'id')), /^ERR unknown subcommand 'id'/);
});

test('CLIENT SETINFO is not a read-only command', () => {
  const { engine } = createTestEngine();
  const ro = engine.createClient({ readonly: true });
  assert.match(message(engine.exec(ro, ['client', 'setinfo', 'lib-name', 'x'])), /^NOPERM/);
});
