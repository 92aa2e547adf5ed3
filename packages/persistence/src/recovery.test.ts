import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, type TestContext, test } from 'node:test';
import { createTestEngine, type TestEngine } from '@redstash/engine/testing';
import { checkAof } from './check.ts';
import { DataDirInUseError } from './lock.ts';
import { readLog } from './log-reader.ts';
import { MANIFEST_VERSION, ManifestError, readManifest } from './manifest.ts';
import { CorruptLogError, Persistence } from './persistence.ts';
import { encodeBatch, encodeCommand } from './resp.ts';
import { plain, spyLogger, tempDir } from './test-support.ts';

/** A data directory holding a = 1, b = 2 and the block {c = 3, d = 4}, all in incr.1.aof. */
function seeded(t: TestContext): { dir: string; log: string; size: number } {
  const dir = tempDir(t);
  const e = createTestEngine();
  const p = Persistence.open(e.engine, { dataDir: dir, fsync: 'no' });
  e.run('SET', 'a', '1');
  e.run('SET', 'b', '2');
  e.engine.transaction(e.client, [
    ['SET', 'c', '3'],
    ['SET', 'd', '4'],
  ]);
  p.close();
  const log = join(dir, 'aof', 'incr.1.aof');
  return { dir, log, size: statSync(log).size };
}

function open(
  dir: string,
  logger = spyLogger(),
): { e: TestEngine; p: Persistence; logger: ReturnType<typeof spyLogger> } {
  const e = createTestEngine();
  const p = Persistence.open(e.engine, { dataDir: dir, fsync: 'no', logger });
  return { e, p, logger };
}

const values = (e: TestEngine, ...keys: string[]) => keys.map((k) => plain(e.run('GET', k)));

describe('a torn last record', () => {
  const record = encodeCommand(['SET', 'torn', 'value']);
  const block = encodeBatch([
    ['SET', 'x', '1'],
    ['SET', 'y', '2'],
  ]);
  // Cuts of a lone record and of a block (the reader's tests try every byte): the whole of it goes.
  const multi = encodeCommand(['MULTI']).length;
  const cuts = [
    ...[1, 4, record.length >> 1, record.length - 2, record.length - 1].map((n) => record.slice(0, n)),
    ...[1, multi, multi + 1, block.length >> 1, block.length - 2, block.length - 1].map((n) => block.slice(0, n)),
  ];

  test('is dropped with a warning and cut off the file, whatever its length', (t) => {
    for (const tail of cuts) {
      const { dir, log, size } = seeded(t);
      appendFileSync(log, Buffer.from(tail, 'latin1'));
      const { e, p, logger } = open(dir);
      assert.deepEqual(values(e, 'a', 'b', 'c', 'd', 'torn', 'x', 'y'), ['1', '2', '3', '4', null, null, null]);
      assert.equal(p.loaded.tornBytes, tail.length);
      const warnings = logger.lines.filter((l) => l.level === 'warn');
      assert.equal(warnings.length, 1);
      assert.deepEqual(warnings[0]?.obj, { file: log, offset: size, bytes: tail.length });
      assert.match(warnings[0]?.msg ?? '', /incomplete/);
      assert.equal(statSync(log).size, size, 'the torn bytes are cut off the file');
      p.close();
    }
  });

  test('new writes append after the clean prefix and load back', (t) => {
    const { dir, log } = seeded(t);
    appendFileSync(log, Buffer.from(block.slice(0, block.length - 3), 'latin1'));
    const first = open(dir);
    first.e.run('SET', 'e', '5');
    first.e.run('INCR', 'a');
    first.p.close();
    assert.equal(readLog(log, () => {}).kind, 'clean');
    const second = open(dir);
    assert.deepEqual(values(second.e, 'a', 'b', 'c', 'd', 'e', 'x'), ['2', '2', '3', '4', '5', null]);
    assert.equal(second.p.loaded.tornBytes, 0);
    assert.equal(second.logger.lines.filter((l) => l.level === 'warn').length, 0);
    second.p.close();
  });

  test('in a log that is not the last one is corruption', (t) => {
    const { dir, log, size } = seeded(t);
    // As a rewrite that never finished leaves it: a second log after the first.
    const manifest = { format: 'redstash-aof', version: 1, seq: 2, base: null, incr: ['incr.1.aof', 'incr.2.aof'] };
    writeFileSync(join(dir, 'aof', 'manifest.json'), JSON.stringify(manifest));
    writeFileSync(join(dir, 'aof', 'incr.2.aof'), encodeCommand(['SET', 'z', '1']));
    open(dir).p.close();
    appendFileSync(log, Buffer.from(record.slice(0, 5), 'latin1'));
    assert.throws(
      () => open(dir),
      (err) => err instanceof CorruptLogError && err.file === log && err.offset === size,
    );
  });
});

describe('a corrupt record in the middle', () => {
  function corrupted(t: TestContext) {
    const { dir, log, size } = seeded(t);
    appendFileSync(log, Buffer.from(`!!!garbage\r\n${encodeCommand(['SET', 'after', 'x'])}`, 'latin1'));
    return { dir, log, size };
  }

  test('stops the load with an error naming the file and the offset', (t) => {
    const { dir, log, size } = corrupted(t);
    assert.throws(
      () => open(dir),
      (err) => {
        assert.ok(err instanceof CorruptLogError);
        assert.equal(err.file, log);
        assert.equal(err.offset, size);
        assert.ok(err.message.includes(`${log} at offset ${size}`), err.message);
        assert.match(err.message, /check-aof --fix/);
        return true;
      },
    );
    // The failed open let go of the directory.
    assert.equal(existsSync(join(dir, 'LOCK')), false);
  });

  test('an unknown command is corruption at its record', (t) => {
    const { dir, log, size } = seeded(t);
    appendFileSync(log, Buffer.from(encodeCommand(['NOSUCHCOMMAND', 'x']), 'latin1'));
    assert.throws(
      () => open(dir),
      (err) => err instanceof CorruptLogError && err.offset === size && /NOSUCHCOMMAND/.test(err.message),
    );
  });

  test('check-aof reports it, --fix cuts it, then the prefix loads and takes writes', (t) => {
    const { dir, log, size } = corrupted(t);
    const before = readFileSync(log);
    const report = checkAof(dir, false);
    assert.equal(report.ok, false);
    assert.deepEqual(report.cut, { file: log, offset: size, droppedBytes: before.length - size, droppedFiles: [] });
    assert.ok(report.lines.some((l) => l.includes(`at offset ${size}`)));
    assert.deepEqual(readFileSync(log), before, 'a check without --fix changes nothing');

    const fixed = checkAof(dir, true);
    assert.equal(fixed.ok, true);
    assert.equal(statSync(log).size, size);
    assert.equal(checkAof(dir, false).ok, true);

    const { e, p } = open(dir);
    assert.deepEqual(values(e, 'a', 'b', 'c', 'd', 'after'), ['1', '2', '3', '4', null]);
    e.run('SET', 'after', 'y');
    p.close();
    const again = open(dir);
    assert.deepEqual(values(again.e, 'a', 'after'), ['1', 'y']);
    again.p.close();
  });

  test('--fix refuses while a server has the directory open', (t) => {
    const { dir } = corrupted(t);
    const fresh = tempDir(t);
    const { p } = open(fresh);
    assert.throws(() => checkAof(fresh, true), DataDirInUseError);
    p.close();
    assert.equal(checkAof(dir, true).ok, true);
  });

  test('in a snapshot: --fix cuts it before the bad record, drops the logs after it, and it loads', (t) => {
    const dir = tempDir(t);
    const e = createTestEngine();
    const p = Persistence.open(e.engine, { dataDir: dir, fsync: 'no' });
    for (let i = 0; i < 20; i++) e.run('SET', `k${i}`, `v${i}`);
    e.run('SAVE');
    e.run('SET', 'later', 'x');
    p.close();
    const manifest = readManifest(join(dir, 'aof'));
    assert.ok(manifest?.base);
    const base = join(dir, 'aof', manifest.base);
    // Break the length of k5's value: the cut must be at the start of its record, not at the bad byte.
    const text = readFileSync(base, 'latin1');
    const head = '*3\r\n$3\r\nSET\r\n$2\r\nk5\r\n';
    const start = text.indexOf(head);
    const kept = text.slice(0, start).split('*3\r\n').length - 1;
    assert.ok(start > 0 && kept > 0);
    const bad = start + head.length + 1;
    writeFileSync(base, Buffer.from(`${text.slice(0, bad)}X${text.slice(bad + 1)}`, 'latin1'));
    assert.throws(() => open(dir), CorruptLogError);
    const report = checkAof(dir, true);
    assert.equal(report.cut?.offset, start);
    assert.deepEqual(report.cut?.droppedFiles, manifest.incr);
    const reopened = open(dir);
    assert.equal(reopened.e.engine.db.size, kept);
    assert.equal(plain(reopened.e.run('GET', 'k5')), null);
    assert.equal(plain(reopened.e.run('GET', 'later')), null);
    reopened.e.run('SET', 'new', '1');
    reopened.p.close();
    assert.equal(plain(open(dir).e.run('GET', 'new')), '1');
  });
});

describe('a data directory that cannot be loaded', () => {
  test('a file the manifest lists is missing', (t) => {
    const { dir } = seeded(t);
    const manifestPath = join(dir, 'aof', 'manifest.json');
    const m = JSON.parse(readFileSync(manifestPath, 'utf8'));
    writeFileSync(manifestPath, JSON.stringify({ ...m, base: 'base.7.aof' }));
    assert.throws(
      () => open(dir),
      (err) => err instanceof CorruptLogError && /base\.7\.aof/.test(err.message) && /missing/.test(err.message),
    );
    const report = checkAof(dir, false);
    assert.equal(report.ok, false);
    assert.match(report.lines.join('\n'), /base\.7\.aof: missing/);
  });

  const manifests: [string, string, RegExp][] = [
    ['not JSON', '{"format": "redstash-aof", ', /not valid JSON/],
    ['another format', JSON.stringify({ format: 'something-else', version: 1 }), /not a Redstash manifest/],
    [
      'a newer version',
      JSON.stringify({
        format: 'redstash-aof',
        version: MANIFEST_VERSION + 1,
        seq: 1,
        base: null,
        incr: ['incr.1.aof'],
      }),
      new RegExp(`format version ${MANIFEST_VERSION + 1}; this release reads up to ${MANIFEST_VERSION}`),
    ],
    ['no logs', JSON.stringify({ format: 'redstash-aof', version: 1, seq: 1, base: null, incr: [] }), /malformed/],
    [
      'a path outside the directory',
      JSON.stringify({ format: 'redstash-aof', version: 1, seq: 1, base: null, incr: ['../x.1.aof'] }),
      /malformed/,
    ],
    [
      'a file twice',
      JSON.stringify({ format: 'redstash-aof', version: 1, seq: 1, base: null, incr: ['incr.1.aof', 'incr.1.aof'] }),
      /twice/,
    ],
  ];
  for (const [name, text, message] of manifests)
    test(`a manifest with ${name}`, (t) => {
      const { dir } = seeded(t);
      writeFileSync(join(dir, 'aof', 'manifest.json'), text);
      assert.throws(
        () => open(dir),
        (err) => err instanceof ManifestError && message.test(err.message),
      );
      assert.throws(() => checkAof(dir, false), ManifestError);
      assert.equal(existsSync(join(dir, 'LOCK')), false);
    });
});

describe('the LOCK', () => {
  test('refuses a second open of the directory in this process, and is released by close', (t) => {
    const { dir } = seeded(t);
    const first = open(dir);
    assert.throws(
      () => open(dir),
      (err) => err instanceof DataDirInUseError && /already open in this process/.test(err.message),
    );
    assert.equal(readFileSync(join(dir, 'LOCK'), 'utf8').trim(), String(process.pid));
    first.p.close();
    assert.equal(existsSync(join(dir, 'LOCK')), false);
    open(dir).p.close();
  });

  test('refuses a directory a running process holds', (t) => {
    const { dir } = seeded(t);
    writeFileSync(join(dir, 'LOCK'), `${process.ppid}\n`);
    assert.throws(
      () => open(dir),
      (err) => err instanceof DataDirInUseError && err.message.includes(`pid ${process.ppid}`),
    );
    assert.equal(readFileSync(join(dir, 'LOCK'), 'utf8'), `${process.ppid}\n`, 'the owner keeps its lock');
  });

  test('takes over a stale lock left by a process that is gone', (t) => {
    const { dir } = seeded(t);
    const gone = spawnSync('true').pid;
    assert.ok(gone > 0);
    writeFileSync(join(dir, 'LOCK'), `${gone}\n`);
    const { e, p } = open(dir);
    assert.deepEqual(values(e, 'a'), ['1']);
    assert.equal(readFileSync(join(dir, 'LOCK'), 'utf8').trim(), String(process.pid));
    p.close();
  });
});
