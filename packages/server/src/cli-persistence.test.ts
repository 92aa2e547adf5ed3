/**
 * The data directory through the real `redstash` binary: restarts (clean and SIGKILL), the lock, a corrupt
 * or torn log and `redstash check-aof`, memory-only mode, and the persistence commands over REST.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/redstash.js', import.meta.url));
const TOKEN = 'cli-persistence-token';
const AUTH = ['--token', TOKEN, '--readonly-token', 'cli-persistence-readonly'];
const root = mkdtempSync(join(tmpdir(), 'redstash-cli-persistence-'));
/** Servers still running when the file ends (a failed assertion skipped their stop) are killed, or they
 * would keep this test process alive. */
const live = new Set<ChildProcess>();
after(() => {
  for (const child of live) child.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

interface Run {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function run(args: string[], env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, [BIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  live.add(child);
  child.once('exit', () => live.delete(child));
  let out = '';
  let err = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    err += d;
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, out: () => out, err: () => err, exit };
}

interface Server extends Run {
  /** One command over REST: the parsed `{result}` or `{error}` body. */
  call(...argv: unknown[]): Promise<{ result?: unknown; error?: string }>;
  pipeline(...commands: unknown[][]): Promise<{ result?: unknown; error?: string }[]>;
  /** The "data loaded" start-up log line. */
  loaded(): { records: number; keys: number; tornBytes: number; fsync: string };
  stop(signal: 'SIGTERM' | 'SIGKILL'): Promise<void>;
}

async function serve(dataDir: string, extra: string[] = []): Promise<Server> {
  const proc = run(['--port', '0', '--data-dir', dataDir, ...AUTH, ...extra]);
  let exited = false;
  void proc.exit.then(() => {
    exited = true;
  });
  for (;;) {
    if (/UPSTASH_REDIS_REST_URL="/.test(proc.out()) && proc.err().includes('"msg":"redstash is listening"')) break;
    assert.ok(!exited, `the server exited at start-up:\n${proc.err()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const url = (/UPSTASH_REDIS_REST_URL="([^"]+)"/.exec(proc.out()) as RegExpExecArray)[1] as string;
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify(body),
    });
    return res.json();
  };
  return {
    ...proc,
    call: (...argv) => post('/', argv) as Promise<{ result?: unknown; error?: string }>,
    pipeline: (...commands) => post('/pipeline', commands) as Promise<{ result?: unknown; error?: string }[]>,
    loaded: () => {
      const line = proc
        .err()
        .split('\n')
        .find((l) => l.includes('"msg":"data loaded"'));
      assert.ok(line !== undefined, `no "data loaded" log line:\n${proc.err()}`);
      return JSON.parse(line) as { records: number; keys: number; tornBytes: number; fsync: string };
    },
    stop: async (signal) => {
      proc.child.kill(signal);
      const { code, signal: by } = await proc.exit;
      if (signal === 'SIGTERM') assert.equal(code, 0, proc.err());
      else assert.equal(by, 'SIGKILL');
    },
  };
}

/** The log being appended to in `dataDir`. */
function currentLog(dataDir: string): string {
  const manifest = JSON.parse(readFileSync(join(dataDir, 'aof', 'manifest.json'), 'utf8')) as { incr: string[] };
  return join(dataDir, 'aof', manifest.incr[manifest.incr.length - 1] as string);
}

test('data survives a clean stop and a SIGKILL; start-up logs what it loaded', async () => {
  const dir = join(root, 'restarts');
  const first = await serve(dir, ['--appendfsync', 'always']);
  assert.deepEqual(first.loaded(), { ...first.loaded(), records: 0, keys: 0, tornBytes: 0, fsync: 'always' });
  const writes: unknown[][] = [
    ['SET', 's', 'v'],
    ['RPUSH', 'l', 'a', 'b', 'c'],
    ['HSET', 'h', 'f', '1', 'g', '2'],
    ['INCR', 'n'],
    ['INCR', 'n'],
    ['ZADD', 'z', '1.5', 'm'],
    ['SET', 't', 'v', 'PX', '600000'],
  ];
  for (const argv of writes) assert.equal((await first.call(...argv)).error, undefined);
  assert.equal((await first.call('GET', 'n')).result, '2', 'reads are not logged');
  await first.stop('SIGTERM');
  assert.ok(!existsSync(join(dir, 'LOCK')), 'a clean stop releases the lock');

  const second = await serve(dir);
  assert.equal(second.loaded().records, writes.length);
  assert.equal(second.loaded().keys, 6);
  assert.equal(second.loaded().fsync, 'everysec', 'the default policy');
  const readBack = [
    ['GET', 's'],
    ['LRANGE', 'l', '0', '-1'],
    ['HGETALL', 'h'],
    ['GET', 'n'],
    ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'],
  ];
  assert.deepEqual(await second.pipeline(...readBack), [
    { result: 'v' },
    { result: ['a', 'b', 'c'] },
    { result: ['f', '1', 'g', '2'] },
    { result: '2' },
    { result: ['m', '1.5'] },
  ]);
  const pttl = (await second.call('PTTL', 't')).result as number;
  assert.ok(pttl > 590_000 && pttl <= 600_000, `the TTL survives as a deadline: ${pttl}`);

  // Acknowledged, then SIGKILL: the replies waited for the log, so these survive too.
  assert.deepEqual(await second.pipeline(['DEL', 's'], ['RPUSH', 'l', 'd'], ['INCR', 'n']), [
    { result: 1 },
    { result: 4 },
    { result: 3 },
  ]);
  await second.stop('SIGKILL');
  assert.ok(existsSync(join(dir, 'LOCK')), 'a killed server leaves its lock behind');

  const third = await serve(dir);
  assert.deepEqual(await third.pipeline(['EXISTS', 's'], ['LRANGE', 'l', '0', '-1'], ['GET', 'n']), [
    { result: 0 },
    { result: ['a', 'b', 'c', 'd'] },
    { result: '3' },
  ]);
  await third.stop('SIGTERM');
});

test('--no-persistence writes nothing to the data directory', async () => {
  const dir = join(root, 'memory-only');
  const srv = await serve(dir, ['--no-persistence']);
  assert.deepEqual(await srv.call('SET', 'k', 'v'), { result: 'OK' });
  assert.match(
    (await srv.call('INFO', 'persistence')).result as string,
    /^# Persistence\r\n(.*\r\n)*aof_enabled:0\r\n/,
  );
  assert.deepEqual(await srv.call('CONFIG', 'GET', 'appendonly'), { result: ['appendonly', 'no'] });
  assert.deepEqual(await srv.call('SAVE'), {
    error: 'ERR persistence is off: this server keeps its data in memory only',
  });
  await srv.stop('SIGTERM');
  assert.ok(!existsSync(join(dir, 'aof')), 'no aof directory');
  assert.ok(!existsSync(join(dir, 'LOCK')), 'no lock');
});

test('a bad --appendfsync exits 2 with a message, before touching the data directory', async () => {
  const bad = run(['--appendfsync', 'sometimes', '--data-dir', join(root, 'unused')]);
  assert.equal((await bad.exit).code, 2);
  assert.match(bad.err(), /^redstash: --appendfsync must be one of always, everysec, no; got 'sometimes'\n/);
  assert.ok(!existsSync(join(root, 'unused')));
});

test('a second server on the same --data-dir refuses to start while the first runs', async () => {
  const dir = join(root, 'locked');
  const first = await serve(dir);
  assert.deepEqual(await first.call('SET', 'k', 'first'), { result: 'OK' });
  const second = run(['--port', '0', '--data-dir', dir, ...AUTH]);
  assert.equal((await second.exit).code, 1);
  assert.match(
    second.err(),
    new RegExp(`redstash: the data directory .*locked is in use by another server \\(pid ${first.child.pid}\\)`),
  );
  assert.equal(second.out(), '', 'no .env block for a server that did not start');
  // The refused one touched nothing: the first still owns the lock and keeps logging.
  assert.equal(readFileSync(join(dir, 'LOCK'), 'utf8'), `${first.child.pid}\n`);
  assert.deepEqual(await first.call('SET', 'k', 'still first'), { result: 'OK' });
  assert.ok(readFileSync(currentLog(dir), 'latin1').endsWith('$1\r\nk\r\n$11\r\nstill first\r\n'));
  await first.stop('SIGTERM');
});

test('a corrupt log stops start-up; check-aof reports it and --fix cuts it so the prefix loads', async () => {
  const dir = join(root, 'corrupt');
  const srv = await serve(dir);
  for (const [k, v] of [
    ['a', '1'],
    ['b', '2'],
    ['c', '3'],
  ])
    assert.deepEqual(await srv.call('SET', k, v), { result: 'OK' });
  await srv.stop('SIGTERM');

  // Garbage where the second record starts, as in Redis's own "bad format in the middle" case.
  const log = currentLog(dir);
  const bytes = readFileSync(log, 'latin1');
  const offset = bytes.indexOf('*3\r\n$3\r\nSET\r\n$1\r\nb\r\n');
  assert.ok(offset > 0);
  writeFileSync(log, `${bytes.slice(0, offset)}!!!${bytes.slice(offset + 3)}`, 'latin1');

  const refused = run(['--port', '0', '--data-dir', dir, ...AUTH]);
  assert.equal((await refused.exit).code, 1);
  assert.ok(
    refused.err().includes(`redstash: the append-only log is corrupt: ${log} at offset ${offset}`),
    refused.err(),
  );
  assert.match(refused.err(), /Run 'redstash check-aof --fix' with the same --data-dir/);
  assert.ok(!existsSync(join(dir, 'LOCK')), 'a refused start releases the lock');

  const check = run(['check-aof', '--data-dir', dir]);
  assert.equal((await check.exit).code, 1);
  assert.ok(check.out().includes(`${log}: `) && check.out().includes(`at offset ${offset} `), check.out());
  assert.ok(check.out().includes(`run 'redstash check-aof --fix --data-dir ${dir}'`), check.out());
  const unchanged = readFileSync(log, 'latin1');
  assert.equal(unchanged.length, bytes.length, 'check-aof without --fix changes nothing');

  const fix = run(['check-aof', '--fix', '--data-dir', dir]);
  assert.equal((await fix.exit).code, 0, fix.out() + fix.err());
  assert.match(fix.out(), new RegExp(`fixed: cut .* at offset ${offset}; ${bytes.length - offset} bytes dropped`));
  assert.equal(readFileSync(log, 'latin1'), bytes.slice(0, offset));

  const repaired = await serve(dir);
  assert.equal(repaired.loaded().records, 1);
  assert.deepEqual(await repaired.pipeline(['GET', 'a'], ['GET', 'b'], ['GET', 'c']), [
    { result: '1' },
    { result: null },
    { result: null },
  ]);
  assert.deepEqual(await repaired.call('SET', 'd', '4'), { result: 'OK' });
  await repaired.stop('SIGTERM');

  // A record torn by a machine crash at the very end is dropped with a warning, and the rest loads.
  const torn = '*3\r\n$3\r\nSET\r\n$1\r\ne\r\n$1';
  appendFileSync(log, torn, 'latin1');
  const tornCheck = run(['check-aof', '--data-dir', dir]);
  assert.equal((await tornCheck.exit).code, 1);
  assert.match(tornCheck.out(), /ends inside a record \(torn write\)/);
  const restarted = await serve(dir);
  assert.equal(restarted.loaded().tornBytes, torn.length);
  assert.match(restarted.err(), /"level":40.*incomplete/);
  assert.deepEqual(await restarted.pipeline(['GET', 'a'], ['GET', 'd'], ['EXISTS', 'e']), [
    { result: '1' },
    { result: '4' },
    { result: 0 },
  ]);
  await restarted.stop('SIGTERM');
});

test('SAVE, BGSAVE, BGREWRITEAOF, LASTSAVE and INFO persistence answer as Redis does', async () => {
  const dir = join(root, 'commands');
  const srv = await serve(dir, ['--appendfsync', 'always']);
  const before = Math.floor(Date.now() / 1000);
  assert.deepEqual(await srv.call('MSET', 'k1', 'v1', 'k2', 'v2'), { result: 'OK' });
  assert.deepEqual(await srv.call('SAVE'), { result: 'OK' });
  const manifest = JSON.parse(readFileSync(join(dir, 'aof', 'manifest.json'), 'utf8')) as {
    base: string;
    incr: string[];
  };
  assert.match(manifest.base, /^base\.\d+\.aof$/);
  assert.equal(manifest.incr.length, 1);
  assert.ok(existsSync(join(dir, 'aof', manifest.base)));
  const lastsave = (await srv.call('LASTSAVE')).result as number;
  assert.ok(Number.isInteger(lastsave) && lastsave >= before && lastsave <= Math.ceil(Date.now() / 1000));

  // A second BGSAVE in the same pipeline finds the first still running.
  assert.deepEqual(await srv.pipeline(['BGSAVE'], ['BGSAVE']), [
    { result: 'Background saving started' },
    { error: 'ERR Background save already in progress' },
  ]);
  await waitForIdle(srv);
  assert.deepEqual(await srv.call('BGREWRITEAOF'), { result: 'Background append only file rewriting started' });
  await waitForIdle(srv);
  assert.deepEqual(await srv.call('SET', 'k3', 'v3'), { result: 'OK' });

  const info = (await srv.call('INFO', 'persistence')).result as string;
  assert.match(info, /^# Persistence\r\n([a-z_]+:[^\r\n]*\r\n)+$/);
  const fields = Object.fromEntries(
    info
      .split('\r\n')
      .slice(1, -1)
      .map((l) => l.split(':') as [string, string]),
  );
  for (const [name, value] of Object.entries({
    loading: '0',
    aof_enabled: '1',
    appendfsync: 'always',
    aof_rewrite_in_progress: '0',
    rdb_bgsave_in_progress: '0',
    rdb_last_bgsave_status: 'ok',
    aof_last_bgrewrite_status: 'ok',
    aof_last_write_status: 'ok',
  }))
    assert.equal(fields[name], value, name);
  assert.ok(Number(fields.aof_base_size) > 0 && Number(fields.aof_current_size) > Number(fields.aof_base_size));
  assert.ok(Number(fields.rdb_last_save_time) >= lastsave);
  await srv.stop('SIGKILL');

  // The snapshot and the log after it load together.
  const again = await serve(dir);
  assert.equal(again.loaded().keys, 3);
  assert.deepEqual(await again.call('MGET', 'k1', 'k2', 'k3'), { result: ['v1', 'v2', 'v3'] });
  await again.stop('SIGTERM');
});

async function waitForIdle(srv: Server): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const info = (await srv.call('INFO', 'persistence')).result as string;
    if (info.includes('aof_rewrite_in_progress:0')) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail('the background rewrite did not finish');
}
