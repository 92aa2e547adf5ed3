import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as E from './command/errors.ts';
import type { Argv } from './command/table.ts';
import { ErrorReply, NIL_ARRAY, OK, QUEUED } from './reply.ts';
import { createTestEngine } from './testing/index.ts';

test('unknown command and wrong arity use Redis text', () => {
  const t = createTestEngine();
  assert.deepEqual(
    t.run('nope', 'a', 'b'),
    new ErrorReply("ERR unknown command 'nope', with args beginning with: 'a' 'b' "),
  );
  assert.deepEqual(t.run('GET'), E.arity('get'));
  assert.deepEqual(t.run('command', 'nosuch'), new ErrorReply("ERR unknown subcommand 'nosuch'. Try COMMAND HELP."));
});

test('command names are case-insensitive', () => {
  const t = createTestEngine();
  assert.equal(t.run('SeT', 'k', 'v'), OK);
  assert.equal(t.run('gEt', 'k'), 'v');
});

test('MULTI queues, EXEC runs atomically and returns every reply, errors in place', () => {
  const t = createTestEngine();
  t.run('set', 's', 'x');
  assert.equal(t.run('multi'), OK);
  assert.equal(t.run('set', 'a', '1'), QUEUED);
  assert.equal(t.run('get', 'a'), QUEUED);
  assert.deepEqual(t.run('exec'), [OK, '1']);
  assert.equal(t.run('get', 'a'), '1');
});

test('a queueing error aborts the transaction with EXECABORT and nothing runs', () => {
  const t = createTestEngine();
  t.run('multi');
  t.run('set', 'a', '1');
  assert.deepEqual(t.run('get'), E.arity('get'));
  assert.equal(t.run('exec'), E.EXECABORT);
  assert.equal(t.run('get', 'a'), null);
});

test('MULTI/EXEC/DISCARD misuse', () => {
  const t = createTestEngine();
  assert.equal(t.run('exec'), E.EXEC_WITHOUT_MULTI);
  assert.equal(t.run('discard'), E.DISCARD_WITHOUT_MULTI);
  t.run('multi');
  assert.equal(t.run('multi'), E.MULTI_NESTED);
  t.run('set', 'a', '1');
  assert.equal(t.run('discard'), OK);
  assert.equal(t.run('get', 'a'), null);
});

test('engine.transaction reports the first queueing error when refused', () => {
  const t = createTestEngine();
  const ok = t.engine.transaction(t.client, [
    ['set', 'k', 'v'],
    ['get', 'k'],
  ]);
  assert.deepEqual(ok.reply, [OK, 'v']);
  const bad = t.engine.transaction(t.client, [['set', 'k', 'w'], ['bogus']]);
  assert.equal(bad.reply, E.EXECABORT);
  assert.match((bad.queueError as ErrorReply).message, /unknown command 'bogus'/);
  assert.equal(t.run('get', 'k'), 'v');
  assert.equal(t.client.multi, null);
});

test('a read-only client runs reads and is refused writes in Upstash words', () => {
  const t = createTestEngine();
  t.run('set', 'k', 'v');
  const ro = t.engine.createClient({ readonly: true });
  assert.equal(t.engine.exec(ro, ['get', 'k']), 'v');
  assert.equal(t.engine.exec(ro, ['ping']), t.run('ping'));
  assert.deepEqual(t.engine.exec(ro, ['set', 'k', 'x']), E.noPermission('set'));
  assert.deepEqual(t.engine.exec(ro, ['flushall']), E.noPermission('flushall'));
  assert.equal(t.run('get', 'k'), 'v');
});

test('writes are propagated as one batch per top-level command; a MULTI block is one batch', () => {
  const t = createTestEngine();
  const batches: Argv[][] = [];
  t.engine.onPropagate = (b) => batches.push(b);
  const seq = t.engine.writeSeq;
  t.run('get', 'k');
  t.run('set', 'k', 'v');
  t.run('set', 'k'); // arity error: not propagated
  t.engine.transaction(t.client, [
    ['set', 'a', '1'],
    ['get', 'a'],
    ['set', 'b', '2'],
  ]);
  assert.deepEqual(batches, [
    [['set', 'k', 'v']],
    [
      ['set', 'a', '1'],
      ['set', 'b', '2'],
    ],
  ]);
  assert.equal(t.engine.writeSeq, seq + 2);
});

test('time is frozen for a whole transaction', () => {
  const t = createTestEngine();
  let calls = 0;
  const base = t.clock.now();
  const ticking = { now: () => base + 1000 * calls++ };
  const tt = createTestEngine({ clock: ticking });
  const { reply } = tt.engine.transaction(tt.client, [['time'], ['time']]);
  const [a, b] = reply as [string[], string[]];
  assert.deepEqual(a, b);
});

test('a handler bug answers ERR and the engine keeps serving', () => {
  const t = createTestEngine();
  const errors: unknown[] = [];
  t.engine.onInternalError = (e) => errors.push(e);
  const def = t.engine.table.get('echo');
  assert.ok(def);
  const original = def.handler;
  (def as { handler: typeof original }).handler = () => {
    throw new TypeError('boom');
  };
  try {
    assert.match((t.run('echo', 'x') as ErrorReply).message, /^ERR internal error/);
  } finally {
    (def as { handler: typeof original }).handler = original;
  }
  assert.equal(errors.length, 1);
  assert.equal(t.run('echo', 'x'), 'x');
});

test('COMMAND answers from the table', () => {
  const t = createTestEngine();
  assert.equal(t.run('command', 'count'), t.engine.table.size);
  assert.deepEqual(t.run('command', 'getkeys', 'set', 'k', 'v'), ['k']);
  const [info] = t.run('command', 'info', 'get') as unknown[][];
  assert.deepEqual(info?.slice(0, 2), ['get', 2]);
});

test('WATCH: a write to a watched key makes EXEC answer a nil array; UNWATCH and EXEC forget', () => {
  const t = createTestEngine();
  const other = t.engine.createClient();
  assert.equal(t.run('watch', 'k'), OK);
  t.engine.exec(other, ['set', 'k', 'x']);
  t.run('multi');
  t.run('set', 'k', 'mine');
  assert.equal(t.run('exec'), NIL_ARRAY);
  assert.equal(t.run('get', 'k'), 'x');
  t.run('watch', 'k');
  t.run('unwatch');
  t.engine.exec(other, ['set', 'k', 'y']);
  t.run('multi');
  t.run('set', 'k', 'mine');
  assert.deepEqual(t.run('exec'), [OK]);
  t.run('watch', 'k');
  t.engine.exec(other, ['flushall']);
  t.run('multi');
  assert.equal(t.run('exec'), NIL_ARRAY, 'a keyless write (FLUSHALL) touches every watched key');
});

test('WATCH inside MULTI is refused without dooming the transaction', () => {
  const t = createTestEngine();
  t.run('multi');
  assert.equal(t.run('watch', 'k'), E.WATCH_IN_MULTI);
  t.run('set', 'k', 'v');
  assert.deepEqual(t.run('exec'), [OK]);
});

test('a refused EXEC ends the transaction at once and says why', () => {
  const t = createTestEngine();
  t.run('multi');
  t.run('set', 'k', 'v');
  assert.deepEqual(
    t.run('exec', 'extra'),
    new ErrorReply("EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command"),
  );
  assert.equal(t.run('exec'), E.EXEC_WITHOUT_MULTI);
  assert.equal(t.run('get', 'k'), null);
});

test('error texts stop argv at a NUL byte and keep to one line, as C printf does in Redis', () => {
  const t = createTestEngine();
  assert.deepEqual(
    t.engine.exec(t.client, ['nosuch\0x', 'a\0b', 'c\r\nd']),
    new ErrorReply("ERR unknown command 'nosuch', with args beginning with: 'a' 'c  d' "),
  );
});
