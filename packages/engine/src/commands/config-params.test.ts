import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorReply, type MapReply, type Reply, SimpleString } from '../reply.ts';
import { createTestEngine } from '../testing/index.ts';

const pairs = (r: Reply) => (r as MapReply).items;

const text = (r: Reply) => (r instanceof ErrorReply ? r.message : r instanceof SimpleString ? r.value : String(r));

test('tunables answer Redis 7 defaults and keep what CONFIG SET gives them', () => {
  const { run, engine } = createTestEngine();
  assert.deepEqual(pairs(run('config', 'get', 'maxmemory-policy')), ['maxmemory-policy', 'noeviction']);
  assert.deepEqual(pairs(run('config', 'get', 'list-max-ziplist-size')), ['list-max-ziplist-size', '-2']);
  assert.deepEqual(pairs(run('config', 'get', 'databases')), ['databases', '1']);
  assert.equal(text(run('config', 'set', 'hash-max-ziplist-entries', '100')), 'OK');
  assert.deepEqual(pairs(run('config', 'get', 'hash-max-listpack-entries')), ['hash-max-listpack-entries', '100']);
  run('config', 'set', 'stream-node-max-entries', '7', 'stream-node-max-bytes', '1kb');
  assert.deepEqual(pairs(run('config', 'get', 'stream-node-max-entries')), ['stream-node-max-entries', '7']);
  assert.deepEqual(pairs(run('config', 'get', 'stream-node-max-bytes')), ['stream-node-max-bytes', '1024']);
  run('config', 'set', 'maxmemory', '2mb');
  assert.equal(engine.tunables.maxmemory, 2 * 1024 * 1024);
  run('config', 'set', 'activerehashing', 'NO', 'hz', '1000', 'save', '100  1');
  assert.deepEqual(pairs(run('config', 'get', 'activerehashing')), ['activerehashing', 'no']);
  assert.deepEqual(pairs(run('config', 'get', 'hz')), ['hz', '500']);
  assert.deepEqual(pairs(run('config', 'get', 'save')), ['save', '100 1']);
});

test('CONFIG SET refuses bad values with Redis texts and applies nothing', () => {
  const { run, engine } = createTestEngine();
  const fail = (name: string, why: string) => `ERR CONFIG SET failed (possibly related to argument '${name}') - ${why}`;
  assert.equal(text(run('config', 'set', 'maxmemory', '1.5mb')), fail('maxmemory', 'argument must be a memory value'));
  assert.equal(
    text(run('config', 'set', 'maxmemory-samples', '0')),
    fail('maxmemory-samples', 'argument must be between 1 and 2147483647 inclusive'),
  );
  assert.equal(
    text(run('config', 'set', 'timeout', '05')),
    fail('timeout', "argument couldn't be parsed into an integer"),
  );
  assert.equal(
    text(run('config', 'set', 'latency-tracking', '1')),
    fail('latency-tracking', "argument must be 'yes' or 'no'"),
  );
  assert.match(text(run('config', 'set', 'maxmemory-policy', 'lru')), /must be one of the following: volatile-lru, /);
  assert.equal(text(run('config', 'set', 'save', '100')), fail('save', 'Invalid save parameters'));
  assert.equal(text(run('config', 'set', 'databases', '2')), fail('databases', "can't set immutable config"));
  assert.equal(
    text(run('config', 'set', 'client-output-buffer-limit', 'bogus 1 2 3')),
    fail('client-output-buffer-limit', 'Invalid client class specified in buffer limit configuration.'),
  );
  // All or nothing: the good maxmemory is rolled back when the policy is refused.
  run('config', 'set', 'maxmemory', '10', 'maxmemory-policy', 'nope');
  assert.equal(engine.tunables.maxmemory, 0);
  assert.deepEqual(pairs(run('config', 'get', 'maxmemory')), ['maxmemory', '0']);
});
