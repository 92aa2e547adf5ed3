import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorReply } from '../reply.ts';
import { createScriptingTestEngine, createTestEngine } from '../testing/index.ts';

type Event = [kind: string, channel: string, message: string, pattern?: string];

function recorder(): { events: Event[]; listener: (...e: Event) => void } {
  const events: Event[] = [];
  return { events, listener: (...e) => events.push(e) };
}

test('PUBLISH counts channel subscribers plus every matching pattern subscription', () => {
  const { engine, run } = createTestEngine();
  const a = recorder();
  const b = recorder();
  const p = recorder();
  engine.pubsub.subscribe('news', a.listener);
  engine.pubsub.subscribe('news', b.listener);
  engine.pubsub.psubscribe('n*', p.listener);
  engine.pubsub.psubscribe('x*', p.listener);
  assert.equal(run('PUBLISH', 'news', 'hello'), 3);
  assert.deepEqual(a.events, [['message', 'news', 'hello']]);
  assert.deepEqual(b.events, [['message', 'news', 'hello']]);
  assert.deepEqual(p.events, [['pmessage', 'news', 'hello', 'n*']]);
  assert.equal(run('PUBLISH', 'other', 'x'), 0);
});

test('an unsubscribe function removes exactly its own subscription, once', () => {
  const { engine, run } = createTestEngine();
  const a = recorder();
  const off1 = engine.pubsub.subscribe('c', a.listener);
  const off2 = engine.pubsub.subscribe('c', a.listener);
  assert.equal(run('PUBLISH', 'c', 'm'), 2);
  off1();
  off1();
  assert.equal(run('PUBLISH', 'c', 'm'), 1);
  off2();
  assert.equal(engine.pubsub.size, 0);
  assert.deepEqual(run('PUBSUB', 'CHANNELS'), []);
});

test('a listener may unsubscribe while being delivered to, and a throwing one does not stop the rest', () => {
  const { engine, run } = createTestEngine();
  const seen: string[] = [];
  const errors: unknown[] = [];
  engine.pubsub.onListenerError = (err) => errors.push(err);
  const off = engine.pubsub.subscribe('c', () => {
    seen.push('first');
    off();
    throw new Error('boom');
  });
  engine.pubsub.subscribe('c', () => seen.push('second'));
  assert.equal(run('PUBLISH', 'c', 'm'), 2);
  assert.deepEqual(seen, ['first', 'second']);
  assert.equal(errors.length, 1);
  assert.equal(run('PUBLISH', 'c', 'm'), 1);
});

test('pattern subscriptions use Redis glob matching', () => {
  const { engine, run } = createTestEngine();
  const p = recorder();
  engine.pubsub.psubscribe('h[ae]llo', p.listener);
  engine.pubsub.psubscribe('h\\*', p.listener);
  assert.equal(run('PUBLISH', 'hello', '1'), 1);
  assert.equal(run('PUBLISH', 'hillo', '2'), 0);
  assert.equal(run('PUBLISH', 'h*', '3'), 1);
  assert.equal(run('PUBLISH', 'hx', '4'), 0);
  assert.deepEqual(p.events, [
    ['pmessage', 'hello', '1', 'h[ae]llo'],
    ['pmessage', 'h*', '3', 'h\\*'],
  ]);
});

test('PUBSUB CHANNELS, NUMSUB and NUMPAT', () => {
  const { engine, run } = createTestEngine();
  const l = () => {};
  engine.pubsub.subscribe('a1', l);
  engine.pubsub.subscribe('a1', l);
  engine.pubsub.subscribe('b1', l);
  engine.pubsub.psubscribe('a*', l);
  engine.pubsub.psubscribe('a*', l);
  engine.pubsub.psubscribe('b*', l);
  assert.deepEqual((run('PUBSUB', 'CHANNELS') as string[]).sort(), ['a1', 'b1']);
  assert.deepEqual(run('PUBSUB', 'channels', 'a?'), ['a1']);
  assert.deepEqual(run('PUBSUB', 'NUMSUB', 'a1', 'b1', 'zz'), ['a1', 2, 'b1', 1, 'zz', 0]);
  assert.deepEqual(run('PUBSUB', 'NUMSUB'), []);
  // Distinct patterns, not subscriptions.
  assert.equal(run('PUBSUB', 'NUMPAT'), 2);
  const err = run('PUBSUB', 'CHANNELS', 'a', 'b');
  assert.ok(err instanceof ErrorReply);
  assert.match(err.message, /unknown subcommand or wrong number of arguments for 'CHANNELS'. Try PUBSUB HELP./);
  assert.ok(run('PUBSUB', 'NUMPAT', 'x') instanceof ErrorReply);
});

test('SPUBLISH reaches shard subscribers only; SHARDCHANNELS and SHARDNUMSUB see them', () => {
  const { engine, run } = createTestEngine();
  const s = recorder();
  const c = recorder();
  engine.pubsub.ssubscribe('sh', s.listener);
  engine.pubsub.subscribe('sh', c.listener);
  assert.equal(run('SPUBLISH', 'sh', 'm'), 1);
  assert.deepEqual(s.events, [['message', 'sh', 'm']]);
  assert.deepEqual(c.events, []);
  assert.deepEqual(run('PUBSUB', 'SHARDCHANNELS'), ['sh']);
  assert.deepEqual(run('PUBSUB', 'SHARDCHANNELS', 'x*'), []);
  assert.deepEqual(run('PUBSUB', 'SHARDNUMSUB', 'sh', 'no'), ['sh', 1, 'no', 0]);
});

test('PUBLISH is not a keyspace write: nothing propagates and the sync token stays', () => {
  const { engine, run, effects } = createTestEngine();
  engine.pubsub.subscribe('c', () => {});
  const seq = engine.writeSeq;
  assert.equal(run('PUBLISH', 'c', 'm'), 1);
  assert.deepEqual(effects, []);
  assert.equal(engine.writeSeq, seq);
});

test('a read-only client may not PUBLISH, but may look at the channels', () => {
  const { engine } = createTestEngine();
  const ro = engine.createClient({ readonly: true });
  const reply = engine.exec(ro, ['PUBLISH', 'c', 'm']);
  assert.ok(reply instanceof ErrorReply);
  assert.match(reply.message, /^NOPERM/);
  const r = recorder();
  engine.pubsub.subscribe('news', r.listener);
  assert.deepEqual(engine.exec(ro, ['PUBSUB', 'CHANNELS']), ['news']);
  assert.deepEqual(engine.exec(ro, ['PUBSUB', 'NUMSUB', 'news']), ['news', 1]);
  assert.equal(engine.exec(ro, ['PUBSUB', 'NUMPAT']), 0);
});

test('messages are byte strings, delivered unchanged', () => {
  const { engine, raw } = createTestEngine();
  const r = recorder();
  engine.pubsub.subscribe('\xff\x00', r.listener);
  assert.equal(raw('PUBLISH', '\xff\x00', '\x80\n,x'), 1);
  assert.deepEqual(r.events, [['message', '\xff\x00', '\x80\n,x']]);
});

test('scripts may PUBLISH, as in Redis', async () => {
  const { engine, run } = await createScriptingTestEngine();
  try {
    const r = recorder();
    engine.pubsub.subscribe('c', r.listener);
    assert.equal(run('EVAL', "return redis.call('publish', KEYS[1], ARGV[1])", '1', 'c', 'from-lua'), 1);
    assert.deepEqual(r.events, [['message', 'c', 'from-lua']]);
  } finally {
    engine.close();
  }
});
