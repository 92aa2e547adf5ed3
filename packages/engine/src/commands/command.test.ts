import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COMMAND_DOCS } from '../command/docs.ts';
import { ErrorReply, MapReply, type Reply, SimpleString } from '../reply.ts';
import { createTestEngine } from '../testing/index.ts';

/** A RESP3 map reply as a plain object (values left as replies). */
function asObject(r: Reply): Record<string, Reply> {
  assert.ok(r instanceof MapReply, 'expected a map');
  const out: Record<string, Reply> = {};
  for (let i = 0; i < r.items.length; i += 2) out[r.items[i] as string] = r.items[i + 1] as Reply;
  return out;
}

const text = (r: Reply) => (r instanceof ErrorReply ? r.message : r instanceof SimpleString ? r.value : String(r));

test('every command and subcommand in the table has COMMAND DOCS text', () => {
  const { engine } = createTestEngine();
  const missing: string[] = [];
  for (const def of engine.table.all()) {
    if (COMMAND_DOCS[def.name] === undefined) missing.push(def.name);
    for (const sub of def.subcommands?.values() ?? []) if (COMMAND_DOCS[sub.name] === undefined) missing.push(sub.name);
  }
  assert.deepEqual(missing, [], `add entries to command/docs.ts for: ${missing.join(', ')}`);
});

test('COMMAND DOCS answers a map per command, with subcommands nested and unknown names left out', () => {
  const { run } = createTestEngine();
  const docs = asObject(run('command', 'docs', 'get', 'nosuch', 'config', 'getset'));
  assert.deepEqual(Object.keys(docs), ['get', 'config', 'getset']);
  const get = asObject(docs.get as Reply);
  assert.deepEqual(Object.keys(get), ['summary', 'since', 'group', 'complexity']);
  assert.equal(get.group, 'string');
  const config = asObject(docs.config as Reply);
  assert.ok(Object.keys(asObject(config.subcommands as Reply)).includes('config|get'));
  const getset = asObject(docs.getset as Reply);
  assert.deepEqual(getset.doc_flags, [new SimpleString('deprecated')]);
  assert.equal(getset.deprecated_since, '6.2.0');
  assert.equal(asObject(asObject(run('command', 'docs', 'zadd')).zadd as Reply).group, 'sorted-set');
  assert.deepEqual(Object.keys(asObject(run('command', 'docs', 'CONFIG|GET'))), ['config|get']);
  assert.equal((run('command', 'docs') as MapReply).items.length, 2 * (run('command', 'count') as number));
});

test('COMMAND LIST filters by pattern (subcommands included), ACL category and module', () => {
  const { run } = createTestEngine();
  assert.deepEqual(run('command', 'list', 'filterby', 'pattern', 'config|[gs]et'), ['config|get', 'config|set']);
  assert.deepEqual(run('command', 'list', 'filterby', 'aclcat', 'hyperloglog'), ['pfadd', 'pfcount', 'pfmerge']);
  assert.deepEqual(run('command', 'list', 'filterby', 'module', 'nosuch'), []);
  assert.equal((run('command', 'list') as string[]).includes('command|docs'), true);
  assert.equal(text(run('command', 'list', 'filterby', 'bogus', 'x')), 'ERR syntax error');
  assert.equal(text(run('command', 'list', 'filterby', 'pattern')), 'ERR syntax error');
});

test('COMMAND INFO, GETKEYS and GETKEYSANDFLAGS', () => {
  const { run } = createTestEngine();
  const [get] = run('command', 'info', 'get') as Reply[][];
  assert.deepEqual((get as Reply[]).slice(0, 6), [
    'get',
    2,
    [new SimpleString('readonly'), new SimpleString('fast')],
    1,
    1,
    1,
  ]);
  assert.deepEqual(
    (get as Reply[])[6],
    ['@read', '@string', '@fast'].map((c) => new SimpleString(c)),
  );
  const [eval_] = run('command', 'info', 'eval') as Reply[][];
  assert.deepEqual((eval_ as Reply[]).slice(3, 6), [0, 0, 0]);
  assert.ok(((eval_ as Reply[])[2] as SimpleString[]).some((f) => f.value === 'movablekeys'));
  assert.deepEqual((run('command', 'info', 'config|get', 'nosuch') as Reply[])[1], null);
  assert.deepEqual(run('command', 'getkeys', 'mset', 'a', '1', 'b', '2'), ['a', 'b']);
  assert.deepEqual(run('command', 'getkeysandflags', 'get', 'k'), [
    ['k', [new SimpleString('RO'), new SimpleString('ACCESS')]],
  ]);
  assert.equal(text(run('command', 'getkeys', 'nosuch', 'a')), 'ERR Invalid command specified');
  assert.equal(
    text(run('command', 'getkeys', 'get', 'a', 'b')),
    'ERR Invalid number of arguments specified for command',
  );
  assert.equal(text(run('command', 'getkeys', 'ping', 'x')), 'ERR The command has no key arguments');
});

/** INFO text as section → field → value. */
function parseInfo(text: Reply): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>();
  let current = new Map<string, string>();
  for (const line of String(text).split('\r\n')) {
    if (line.startsWith('# ')) {
      current = new Map();
      sections.set(line.slice(2), current);
    } else if (line !== '') current.set(line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1));
  }
  return sections;
}

test('INFO sections: default, all, several at once, in Redis order', () => {
  const { run } = createTestEngine();
  const names = (...args: string[]) => [...parseInfo(run('info', ...args)).keys()];
  const defaults = ['Server', 'Clients', 'Memory', 'Persistence', 'Stats', 'Replication', 'CPU', 'Modules'];
  assert.deepEqual(names(), [...defaults, 'Errorstats', 'Cluster', 'Keyspace']);
  assert.deepEqual(names('default'), names());
  assert.deepEqual(names('all'), [...defaults, 'Commandstats', 'Errorstats', 'Cluster', 'Keyspace']);
  assert.deepEqual(names('everything'), names('all'));
  assert.deepEqual(names('keyspace', 'SERVER'), ['Server', 'Keyspace']);
  assert.equal(run('info', 'nosuch'), '');
  const server = parseInfo(run('info', 'server')).get('Server');
  assert.equal(server?.get('redis_mode'), 'standalone');
  assert.equal(parseInfo(run('info', 'replication')).get('Replication')?.get('role'), 'master');
});

test('INFO stats count hits, misses and errors; commandstats count calls; RESETSTAT clears them', () => {
  const { run } = createTestEngine();
  run('config', 'resetstat');
  run('set', 'a', '1');
  run('get', 'a');
  run('get', 'nope');
  run('hget', 'a', 'f'); // WRONGTYPE: a failed call
  run('nosuch');
  const info = parseInfo(run('info', 'all'));
  const stats = info.get('Stats');
  assert.equal(stats?.get('keyspace_hits'), '2');
  assert.equal(stats?.get('keyspace_misses'), '1');
  assert.equal(stats?.get('total_error_replies'), '2');
  assert.equal(info.get('Errorstats')?.get('errorstat_WRONGTYPE'), 'count=1');
  assert.equal(info.get('Keyspace')?.get('db0'), 'keys=1,expires=0,avg_ttl=0');
  const get = info.get('Commandstats')?.get('cmdstat_get') ?? '';
  assert.match(get, /^calls=2,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=0,failed_calls=0$/);
  assert.match(info.get('Commandstats')?.get('cmdstat_hget') ?? '', /failed_calls=1$/);
  run('config', 'resetstat');
  const after = parseInfo(run('info', 'stats', 'commandstats'));
  assert.equal(after.get('Stats')?.get('keyspace_hits'), '0');
  assert.equal(after.get('Commandstats')?.get('cmdstat_get'), undefined);
});

test('INFO memory reports maxmemory and its policy from CONFIG', () => {
  const { run } = createTestEngine();
  run('config', 'set', 'maxmemory', '1mb', 'maxmemory-policy', 'allkeys-lru');
  const memory = parseInfo(run('info', 'memory')).get('Memory');
  assert.equal(memory?.get('maxmemory'), '1048576');
  assert.equal(memory?.get('maxmemory_human'), '1.00M');
  assert.equal(memory?.get('maxmemory_policy'), 'allkeys-lru');
});
