/**
 * The introspection surface against redis-server 7.0: COMMAND INFO metadata and GETKEYS for the commands
 * both servers have, COMMAND DOCS's shape (not its prose, which is our own), INFO's section and field
 * names (not values), and CONFIG GET defaults and CONFIG SET refusals of the engine's tunables. Known,
 * deliberate differences are listed with their reason; anything else is a mismatch.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestEngine, type TestEngine } from '@redstash/engine/testing';
import { REDIS_MISSING, type RedisServer, startRedisServer } from '../support/redis-server.ts';
import type { RespClient, RespReply } from '../support/resp-client.ts';
import { fromEngine, render } from './harness.ts';

type Argv = readonly string[];

/** COMMAND INFO entries where Redis 7.0 and our table (Valkey's specs, Redis 7.2+ semantics) differ. */
const INFO_DEVIATIONS: Record<string, string> = {
  zrank: 'arity -3: WITHSCORE is Redis 7.2+',
  zrevrank: 'arity -3: WITHSCORE is Redis 7.2+',
  pfcount: 'may_replicate (it may rewrite a sparse HLL): flag added after 7.0',
  eval: 'may_replicate: flag added after 7.0',
  evalsha: 'may_replicate: flag added after 7.0',
  fcall: 'may_replicate: flag added after 7.0',
  publish: 'may_replicate: flag added after 7.0',
  spublish: 'may_replicate: flag added after 7.0',
  multi: 'no_multi: flag added after 7.0',
  watch: 'no_multi: flag added after 7.0',
  wait: 'Valkey flags it blocking (so @blocking); Redis 7.0 noscript',
  'command|getkeys': 'arity -3 (7.2+): a command without arguments is looked at, not refused by arity',
  'command|getkeysandflags': 'arity -3 (7.2+), as COMMAND GETKEYS',
  sort_ro: "no movablekeys: Redis's BY/GET key specs are 'unknown', which our table does not express",
};

/** INFO fields newer than 7.0 or present only with a module loaded (our JSON type answers as ReJSON). */
const NEWER_INFO_FIELDS = new Set(['Clients.pubsub_clients', 'Modules.module']);

/** Flags newer than Redis 7.0 or specific to Valkey's specs. */
const NEWER_FLAGS = new Set(['allow_busy', 'no_async_loading', 'touches_arbitrary_keys', 'module']);

/** Tunables Redis 7.0 lacks (7.2+) or where one database / no timed snapshots is the point. */
const CONFIG_DEFAULT_DEVIATIONS = new Set([
  'set-max-listpack-entries',
  'set-max-listpack-value',
  'databases',
  'port',
  'bind',
  'maxclients',
]);

const bulk = (r: RespReply) => (r.type === 'bulk' || r.type === 'status' ? r.value : undefined);
const items = (r: RespReply | undefined) => (r?.type === 'array' ? r.value : []);

/** A RESP2 flattened map (COMMAND DOCS) as name → value. */
function flatMap(r: RespReply | undefined): Map<string, RespReply> {
  const out = new Map<string, RespReply>();
  const list = items(r);
  for (let i = 0; i + 1 < list.length; i += 2) out.set(bulk(list[i] as RespReply) ?? '', list[i + 1] as RespReply);
  return out;
}

/** INFO text as section → field names. */
function infoFields(r: RespReply): Map<string, Set<string>> {
  const sections = new Map<string, Set<string>>();
  let current = new Set<string>();
  for (const line of (bulk(r) ?? '').split('\r\n')) {
    if (line.startsWith('# ')) {
      current = new Set();
      sections.set(line.slice(2), current);
    } else if (line !== '') current.add(line.slice(0, line.indexOf(':')));
  }
  return sections;
}

describe('differential: introspection', () => {
  // COMMAND INFO's ACL categories are compared too (derived from flags and family in commands/command.ts).
  let server: RedisServer | undefined;
  let redis: RespClient | undefined;
  let t: TestEngine;
  const ours = (...argv: Argv) => fromEngine(t.run(...argv));
  const theirs = (...argv: Argv) => (redis as RespClient).send(argv);

  before(async () => {
    server = await startRedisServer();
    redis = await server?.connect();
  });
  after(async () => {
    redis?.close();
    await server?.stop();
  });

  const check = (name: string, body: () => Promise<void>) =>
    test(name, async (c) => {
      if (server === undefined) {
        c.skip(REDIS_MISSING);
        return;
      }
      t = createTestEngine();
      await body();
    });

  check('COMMAND INFO: arity, flags and legacy key range of every command both have', async () => {
    const ourEntries = items(ours('COMMAND'));
    const problems: string[] = [];
    const compare = async (entry: RespReply) => {
      const [name, arity, flags, first, last, step, acl] = items(entry);
      const n = bulk(name as RespReply) ?? '';
      const [theirsEntry] = items(await theirs('COMMAND', 'INFO', n));
      if (theirsEntry === undefined || theirsEntry.type !== 'array' || INFO_DEVIATIONS[n] !== undefined) return;
      const [, tArity, tFlags, tFirst, tLast, tStep, tAcl] = items(theirsEntry);
      const names = (r: RespReply | undefined) =>
        items(r)
          .map((f) => bulk(f) ?? '')
          .filter((f) => !NEWER_FLAGS.has(f))
          .sort()
          .join(' ');
      const a = [render(arity as RespReply), names(flags), render(first as RespReply), render(last as RespReply)];
      const b = [render(tArity as RespReply), names(tFlags), render(tFirst as RespReply), render(tLast as RespReply)];
      a.push(render(step as RespReply), render(acl as RespReply));
      b.push(render(tStep as RespReply), render(tAcl as RespReply));
      if (a.join('|') !== b.join('|')) problems.push(`${n}: ours ${a.join(' / ')}; redis ${b.join(' / ')}`);
      for (const sub of items(items(entry)[9])) await compare(sub);
    };
    for (const entry of ourEntries) await compare(entry);
    assert.deepEqual(problems, []);
    // COUNT counts top-level commands, as COMMAND lists them, on both sides.
    assert.equal(render(ours('COMMAND', 'COUNT')), `(integer) ${ourEntries.length}`);
    const redisCount = await theirs('COMMAND', 'COUNT');
    assert.equal(render(redisCount), `(integer) ${items(await theirs('COMMAND')).length}`);
  });

  check('COMMAND GETKEYS and its errors', async () => {
    const cases: Argv[] = [
      ['GET', 'k'],
      ['MSET', 'a', '1', 'b', '2'],
      ['LMOVE', 'a', 'b', 'LEFT', 'RIGHT'],
      ['EVAL', 'return 1', '2', 'x', 'y', 'z'],
      ['ZUNIONSTORE', 'd', '2', 'a', 'b', 'WEIGHTS', '1', '2'],
      ['SORT', 'k', 'STORE', 'dst'],
      ['GEORADIUS', 'g', '0', '0', '1', 'km', 'STORE', 'x'],
      ['BITOP', 'AND', 'd', 'a', 'b'],
      ['OBJECT', 'ENCODING', 'k'],
      ['NOSUCH', 'a'],
      ['GET', 'a', 'b'],
    ];
    const problems: string[] = [];
    for (const argv of cases) {
      const a = render(ours('COMMAND', 'GETKEYS', ...argv));
      const b = render(await theirs('COMMAND', 'GETKEYS', ...argv));
      if (a !== b) problems.push(`${argv.join(' ')}: ours ${a}; redis ${b}`);
    }
    assert.deepEqual(problems, []);
  });

  check('COMMAND DOCS: the same fields, group and since as Redis (arguments and history aside)', async () => {
    const problems: string[] = [];
    const skip = new Set(['arguments', 'history', 'replaced_by']);
    const compare = (name: string, a: Map<string, RespReply>, b: Map<string, RespReply>) => {
      const keys = (m: Map<string, RespReply>) => [...m.keys()].filter((k) => !skip.has(k)).join(',');
      if (keys(a) !== keys(b)) problems.push(`${name}: ours ${keys(a)}; redis ${keys(b)}`);
      for (const field of ['group', 'since', 'deprecated_since', 'doc_flags']) {
        const x = a.get(field);
        const y = b.get(field);
        if (y !== undefined && (x === undefined || render(x) !== render(y)))
          problems.push(`${name}.${field}: ours ${x === undefined ? '-' : render(x)}; redis ${render(y)}`);
      }
    };
    const names = ['get', 'set', 'getset', 'zadd', 'config', 'eval', 'georadius', 'command', 'object', 'pfadd'];
    const ourDocs = flatMap(ours('COMMAND', 'DOCS', ...names));
    const redisDocs = flatMap(await theirs('COMMAND', 'DOCS', ...names));
    for (const n of names) {
      const a = flatMap(ourDocs.get(n));
      const b = flatMap(redisDocs.get(n));
      compare(n, a, b);
      // Subcommands both have.
      const subA = flatMap(a.get('subcommands'));
      const subB = flatMap(b.get('subcommands'));
      for (const [sub, doc] of subA) if (subB.has(sub)) compare(sub, flatMap(doc), flatMap(subB.get(sub)));
    }
    assert.deepEqual(problems, []);
    assert.equal(render(ours('COMMAND', 'DOCS', 'nosuch')), render(await theirs('COMMAND', 'DOCS', 'nosuch')));
  });

  check('INFO: every section and field we report exists in Redis 7.0 under the same name', async () => {
    t.run('SET', 'k', 'v');
    await theirs('SET', 'k', 'v');
    t.run('HGET', 'k', 'f');
    await theirs('HGET', 'k', 'f');
    const a = infoFields(ours('INFO', 'everything'));
    const b = infoFields(await theirs('INFO', 'everything'));
    const problems: string[] = [];
    for (const [section, fields] of a) {
      const other = b.get(section);
      if (other === undefined) {
        problems.push(`section ${section} missing in Redis`);
        continue;
      }
      for (const f of fields)
        if (!other.has(f) && !NEWER_INFO_FIELDS.has(`${section}.${f}`)) problems.push(`${section}.${f} not in Redis`);
    }
    // The fields tools rely on are there on our side.
    const needed: Record<string, string[]> = {
      Server: ['redis_version', 'redis_mode', 'uptime_in_seconds'],
      Memory: ['used_memory', 'used_memory_human', 'maxmemory', 'maxmemory_policy'],
      Persistence: ['loading', 'rdb_bgsave_in_progress', 'aof_enabled'],
      Stats: [
        'total_commands_processed',
        'instantaneous_ops_per_sec',
        'keyspace_hits',
        'keyspace_misses',
        'expired_keys',
        'evicted_keys',
      ],
      Replication: ['role', 'connected_slaves'],
      Keyspace: ['db0'],
      Commandstats: ['cmdstat_set', 'cmdstat_hget'],
      Errorstats: ['errorstat_WRONGTYPE'],
    };
    for (const [section, fields] of Object.entries(needed))
      for (const f of fields) if (!a.get(section)?.has(f)) problems.push(`${section}.${f} missing on our side`);
    assert.deepEqual(problems, []);
    // The same sections, in the same order, for each way of asking.
    for (const args of [[], ['default'], ['all'], ['server', 'keyspace'], ['STATS', 'cpu']]) {
      const ourNames = [...infoFields(ours('INFO', ...args)).keys()];
      const redisNames = [...infoFields(await theirs('INFO', ...args)).keys()].filter((s) => s !== 'Latencystats');
      assert.deepEqual(ourNames, redisNames, `INFO ${args.join(' ')}`);
    }
    // Commandstats lines have Redis's shape.
    const line = /^cmdstat_set:calls=1,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=0,failed_calls=0$/m;
    assert.match((bulk(ours('INFO', 'commandstats')) ?? '').replace(/\r/g, ''), line);
    assert.match((bulk(await theirs('INFO', 'commandstats')) ?? '').replace(/\r/g, ''), line);
  });

  check('CONFIG GET: the engine tunables have Redis 7 defaults', async () => {
    const tunables = [...flatMap(ours('CONFIG', 'GET', '*')).keys()].filter(
      (n) => !['notify-keyspace-events', 'busy-reply-threshold', 'lua-time-limit'].includes(n),
    );
    assert.ok(tunables.length > 30);
    const problems: string[] = [];
    for (const name of tunables) {
      if (CONFIG_DEFAULT_DEVIATIONS.has(name)) continue;
      const a = render(ours('CONFIG', 'GET', name));
      const b = render(await theirs('CONFIG', 'GET', name));
      if (a !== b) problems.push(`${name}: ours ${a}; redis ${b}`);
    }
    assert.deepEqual(problems, []);
  });

  check('CONFIG SET: the same refusals, and accepted values read back the same', async () => {
    const cases: Argv[] = [
      ['maxmemory', 'abc'],
      ['maxmemory', '-1'],
      ['maxmemory', '1.5mb'],
      ['maxmemory', '2GB'],
      ['maxmemory', '1k'],
      ['maxmemory', '0'],
      ['maxmemory-policy', 'bogus'],
      ['maxmemory-policy', 'ALLKEYS-LFU'],
      ['maxmemory-policy', 'noeviction'],
      ['maxmemory-samples', '0'],
      ['maxmemory-samples', 'x'],
      ['maxmemory-samples', '05'],
      ['maxmemory-samples', '+5'],
      ['maxmemory-samples', '7'],
      ['hash-max-listpack-entries', '-1'],
      ['hash-max-ziplist-entries', '100'],
      ['hash-max-listpack-entries', '512'],
      ['list-max-listpack-size', '99999999999'],
      ['list-max-ziplist-size', '-3'],
      ['list-compress-depth', '-1'],
      ['set-max-intset-entries', '-1'],
      ['stream-node-max-bytes', '1x'],
      ['stream-node-max-bytes', '1kb'],
      ['stream-node-max-entries', '-1'],
      ['stream-node-max-entries', '50'],
      ['hll-sparse-max-bytes', '-1'],
      ['timeout', '-1'],
      ['tcp-keepalive', 'x'],
      ['save', 'abc'],
      ['save', '100'],
      ['save', '100 1 x 5'],
      ['save', '100 1'],
      ['save', ''],
      ['slowlog-log-slower-than', '-5'],
      ['slowlog-max-len', '-1'],
      ['latency-tracking', 'maybe'],
      ['latency-tracking', 'NO'],
      ['lfu-log-factor', '-1'],
      ['lfu-decay-time', 'x'],
      ['activerehashing', 'maybe'],
      ['lazyfree-lazy-expire', '1'],
      ['lazyfree-lazy-user-flush', 'yes'],
      ['maxclients', '0'],
      ['client-output-buffer-limit', 'x'],
      ['client-output-buffer-limit', 'normal 1 2'],
      ['client-output-buffer-limit', 'bogus 1 2 3'],
      ['client-output-buffer-limit', 'normal x 2 3'],
      ['client-output-buffer-limit', 'normal 1mb 2 3 pubsub 0 0 0'],
      ['hz', '0'],
      ['hz', '1000'],
      ['hz', '10'],
      ['active-expire-effort', '11'],
      ['maxmemory', '10', 'maxmemory-policy', 'nope'],
    ];
    const problems: string[] = [];
    for (const args of cases) {
      const set = ['CONFIG', 'SET', ...args];
      const get = ['CONFIG', 'GET', args[0] as string];
      const a = `${render(ours(...set))} → ${render(ours(...get))}`;
      const b = `${render(await theirs(...set))} → ${render(await theirs(...get))}`;
      if (a !== b) problems.push(`${args.join(' ')}: ours ${a}; redis ${b}`);
    }
    assert.deepEqual(problems, []);
  });
});
