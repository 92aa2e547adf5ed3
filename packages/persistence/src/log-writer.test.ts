import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, type TestContext, test } from 'node:test';
import { ErrorReply } from '@redstash/engine';
import { createScriptingTestEngine, createTestEngine, type TestEngine } from '@redstash/engine/testing';
import { type LogIo, LogWriter, NODE_IO } from './log-writer.ts';
import { Persistence } from './persistence.ts';
import { encodeBatch, parseCommand } from './resp.ts';
import { plain, reopen, spyLogger, tempDir } from './test-support.ts';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

function enospc(): Error {
  return Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
}

/**
 * File calls the test steers: syncs are counted and, while `hold` is set, wait for `release()`; writes and
 * syncs fail while a failure is set.
 */
function steeredIo() {
  const held: (() => void)[] = [];
  const ctl = {
    syncs: 0,
    writes: 0,
    hold: false,
    failWrite: null as Error | null,
    /** Bytes a write accepts before failing (a short write), when failWrite is set. */
    shortWrite: 0,
    failSync: null as Error | null,
    release(): void {
      for (const done of held.splice(0)) done();
    },
    get waiting(): number {
      return held.length;
    },
    io: undefined as unknown as LogIo,
  };
  ctl.io = {
    write(fd, data, offset, length) {
      ctl.writes++;
      if (ctl.failWrite !== null) {
        if (ctl.shortWrite > 0) {
          const n = NODE_IO.write(fd, data, offset, Math.min(length, ctl.shortWrite));
          ctl.shortWrite = 0;
          return n;
        }
        throw ctl.failWrite;
      }
      return NODE_IO.write(fd, data, offset, length);
    },
    fdatasync(fd, done) {
      ctl.syncs++;
      const err = ctl.failSync;
      const finish = () => {
        if (err !== null) return done(err);
        try {
          NODE_IO.fdatasyncSync(fd);
        } catch {}
        done(null);
      };
      if (ctl.hold) held.push(finish);
      else setImmediate(finish);
    },
    fdatasyncSync: (fd) => NODE_IO.fdatasyncSync(fd),
  };
  return ctl;
}

/** The records of a log file, MULTI and EXEC included. */
function records(path: string): string[][] {
  const buf = readFileSync(path);
  const out: string[][] = [];
  for (let pos = 0; pos < buf.length; ) {
    const r = parseCommand(buf, pos, buf.length);
    assert.equal(r.kind, 'command');
    if (r.kind !== 'command') break;
    out.push(r.argv);
    pos = r.end;
  }
  return out;
}

function opened(t: TestContext, fsync: 'always' | 'everysec' | 'no', io?: LogIo) {
  const dir = tempDir(t);
  const e = createTestEngine();
  const logger = spyLogger();
  const p = Persistence.open(e.engine, { dataDir: dir, fsync, io, logger });
  t.after(() => p.close());
  return { dir, e, p, logger, log: join(dir, 'aof', 'incr.1.aof') };
}

const isPending = async (promise: Promise<unknown>) => {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await tick();
  return !settled;
};

describe('appendfsync always', () => {
  test('settle resolves only once the write is synced; the turn writes it first', async (t) => {
    const ctl = steeredIo();
    ctl.hold = true;
    const { e, p, log } = opened(t, 'always', ctl.io);
    e.run('SET', 'k', 'v');
    const done = p.settle(e.engine.writeSeq);
    assert.ok(done instanceof Promise);
    assert.equal(statSync(log).size, 0, 'written at the end of the turn, not at once');
    await tick();
    assert.equal(statSync(log).size, encodeBatch([['SET', 'k', 'v']]).length, 'written before the sync');
    assert.equal(ctl.syncs, 1);
    assert.equal(await isPending(done), true, 'not resolved while the sync runs');
    ctl.release();
    await done;
    // Already synced: nothing to wait for.
    assert.equal(p.settle(e.engine.writeSeq), undefined);
  });

  test('concurrent writers share writes and syncs (group commit)', async (t) => {
    const ctl = steeredIo();
    ctl.hold = true;
    const { e, p } = opened(t, 'always', ctl.io);
    e.run('SET', 'first', '1');
    const first = p.settle(e.engine.writeSeq) as Promise<void>;
    await tick();
    assert.equal(ctl.syncs, 1, 'the first write is being synced');
    const rest: Promise<void>[] = [];
    for (let i = 0; i < 100; i++) {
      e.run('INCR', 'counter');
      rest.push(p.settle(e.engine.writeSeq) as Promise<void>);
    }
    await tick();
    assert.equal(ctl.writes, 2, 'the 100 writes of one turn are one write');
    assert.equal(ctl.syncs, 1, 'one sync in flight; the others wait for it');
    ctl.release();
    await first;
    assert.equal(await isPending(Promise.all(rest)), true, 'written after the first sync began: not covered by it');
    assert.equal(ctl.syncs, 2, 'one more sync covers all 100');
    ctl.release();
    await Promise.all(rest);
    assert.equal(ctl.syncs, 2);
  });

  test('with real syncs, many concurrent settles need few of them', async (t) => {
    const ctl = steeredIo();
    const { e, p } = opened(t, 'always', ctl.io);
    const all: Promise<void>[] = [];
    for (let i = 0; i < 200; i++) {
      e.run('SET', `k${i}`, 'v');
      const s = p.settle(e.engine.writeSeq);
      if (s !== undefined) all.push(s);
    }
    await Promise.all(all);
    assert.equal(all.length, 200);
    assert.ok(ctl.syncs <= 3, `${ctl.syncs} syncs`);
  });

  test('a failed sync refuses writes with MISCONF until a sync succeeds (real time)', async (t) => {
    const ctl = steeredIo();
    ctl.failSync = Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
    const { e, p, logger } = opened(t, 'always', ctl.io);
    e.run('SET', 'short', 'v', 'PX', '10');
    e.run('SET', 'k', 'v');
    await assert.rejects(p.settle(e.engine.writeSeq) as Promise<void>, (err) => {
      assert.ok(err instanceof ErrorReply);
      assert.match(err.message, /^MISCONF .*EIO/);
      return true;
    });
    assert.match(plain(e.run('SET', 'k2', 'v')) as string, /^-MISCONF/);
    assert.equal(p.info().aof_last_write_status, 'err');
    assert.ok(logger.lines.some((l) => l.level === 'error'));
    // A write that works (an expiry's DEL) does not end a sync failure: only a sync does.
    e.clock.advance(20);
    assert.equal(plain(e.run('GET', 'short')), null);
    const again = p.settle(e.engine.writeSeq) as Promise<void>;
    assert.notEqual(e.engine.refuseWrites, undefined);
    await assert.rejects(again, ErrorReply);
    ctl.failSync = null;
    // The once-a-second timer syncs again.
    const deadline = Date.now() + 3_000;
    while (e.engine.refuseWrites !== undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(e.engine.refuseWrites, undefined);
    assert.equal(plain(e.run('SET', 'k2', 'v')), '+OK');
  });
});

describe('appendfsync everysec and no', () => {
  for (const policy of ['everysec', 'no'] as const)
    test(`${policy}: a turn's writes go out in one write before their replies, with no sync`, async (t) => {
      const ctl = steeredIo();
      const { e, p, log } = opened(t, policy, ctl.io);
      let expected = 0;
      const replies: Promise<void>[] = [];
      for (let i = 0; i < 5; i++) {
        e.run('SET', `k${i}`, 'v');
        expected += encodeBatch([['SET', `k${i}`, 'v']]).length;
        replies.push(p.settle(e.engine.writeSeq) as Promise<void>);
      }
      assert.equal(await isPending(Promise.all(replies)), false, 'released by the turn');
      assert.equal(statSync(log).size, expected);
      assert.equal(ctl.writes, 1);
      assert.equal(p.settle(e.engine.writeSeq), undefined, 'already written: nothing to wait for');
      assert.equal(ctl.syncs, 0);
    });

  test('batches not settled are written on the next turn of the event loop', async (t) => {
    const { e, log } = opened(t, 'no');
    e.run('SET', 'k', 'v');
    assert.equal(statSync(log).size, 0);
    await tick();
    assert.equal(statSync(log).size, encodeBatch([['SET', 'k', 'v']]).length);
  });

  test('a failed write refuses writes with MISCONF; writing again clears it and keeps what failed', async (t) => {
    const ctl = steeredIo();
    const { dir, e, p } = opened(t, 'everysec', ctl.io);
    e.run('SET', 'a', '1');
    await p.settle(e.engine.writeSeq);
    ctl.failWrite = enospc();
    ctl.shortWrite = 5; // part of the record reaches the file, then the disk is full
    e.run('SET', 'b', '2');
    await assert.rejects(
      p.settle(e.engine.writeSeq) as Promise<void>,
      (err) => err instanceof ErrorReply && /^MISCONF Errors writing to the AOF file: ENOSPC/.test(err.message),
    );
    assert.match(e.engine.refuseWrites?.message ?? '', /^MISCONF/);
    assert.match(plain(e.run('SET', 'c', '3')) as string, /^-MISCONF/);
    assert.equal(plain(e.run('GET', 'b')), '2', 'reads still work');
    assert.equal(p.info().aof_last_write_status, 'err');
    ctl.failWrite = null;
    assert.equal(p.settle(e.engine.writeSeq), undefined, 'the retry writes the rest');
    assert.equal(e.engine.refuseWrites, undefined);
    assert.equal(plain(e.run('SET', 'c', '3')), '+OK');
    p.close();
    const { t: b, p: q } = await reopen(dir, e.clock.now(), { lua: false });
    assert.deepEqual(
      ['a', 'b', 'c'].map((k) => plain(b.run('GET', k))),
      ['1', '2', '3'],
    );
    q.close();
  });

  test('under no, a failed write is retried by the timer (real time)', async (t) => {
    const ctl = steeredIo();
    const { e, p } = opened(t, 'no', ctl.io);
    ctl.failWrite = enospc();
    e.run('SET', 'b', '2');
    await tick();
    assert.notEqual(e.engine.refuseWrites, undefined);
    ctl.failWrite = null;
    const deadline = Date.now() + 3_000;
    while (e.engine.refuseWrites !== undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(e.engine.refuseWrites, undefined);
    assert.equal(p.info().aof_last_write_status, 'ok');
  });

  test('a LogWriter can be used alone and closes synced', (t) => {
    const path = join(tempDir(t), 'x.aof');
    const ctl = steeredIo();
    const errors: unknown[] = [];
    const w = new LogWriter(path, 'no', { onWriteError: (err) => errors.push(err) }, ctl.io);
    w.append([['SET', 'a', '1']], 1);
    w.append(
      [
        ['SET', 'b', '2'],
        ['INCR', 'c'],
      ],
      2,
    );
    assert.equal(
      w.buffered,
      encodeBatch([['SET', 'a', '1']]).length +
        encodeBatch([
          ['SET', 'b', '2'],
          ['INCR', 'c'],
        ]).length,
    );
    w.close();
    assert.equal(ctl.writes, 1, 'one write for everything buffered');
    assert.deepEqual(records(path), [['SET', 'a', '1'], ['MULTI'], ['SET', 'b', '2'], ['INCR', 'c'], ['EXEC']]);
    assert.deepEqual(errors, []);
  });
});

describe('what is logged', () => {
  async function scripted(t: TestContext): Promise<{ dir: string; e: TestEngine; p: Persistence; log: string }> {
    const dir = tempDir(t);
    const e = await createScriptingTestEngine();
    const p = Persistence.open(e.engine, { dataDir: dir, fsync: 'no' });
    t.after(() => e.engine.close());
    return { dir, e, p, log: join(dir, 'aof', 'incr.1.aof') };
  }

  test('a script writing several keys and a MULTI block are each one MULTI … EXEC block', async (t) => {
    const { e, p, log } = await scripted(t);
    e.run(
      'EVAL',
      "redis.call('SET', KEYS[1], 'x') redis.call('INCR', KEYS[2]) redis.call('GET', KEYS[1]) return 1",
      '2',
      'a',
      'n',
    );
    e.run('EVAL', "return redis.call('SET', KEYS[1], 'y')", '1', 'single');
    e.run('EVAL', "return redis.call('GET', KEYS[1])", '1', 'a');
    e.run('MULTI');
    e.run('SET', 'm1', '1');
    e.run('GET', 'm1');
    e.run('RPUSH', 'm2', 'a');
    e.run('EXEC');
    p.close();
    const names = records(log).map((argv) => argv.map((a, i) => (i === 0 ? a.toUpperCase() : a)));
    assert.deepEqual(names, [
      ['MULTI'],
      ['SET', 'a', 'x'],
      ['INCR', 'n'],
      ['EXEC'],
      ['SET', 'single', 'y'],
      ['MULTI'],
      ['SET', 'm1', '1'],
      ['RPUSH', 'm2', 'a'],
      ['EXEC'],
    ]);
  });

  test('a block cut by a crash is dropped whole on load', async (t) => {
    const { dir, e, p, log } = await scripted(t);
    e.run('SET', 'before', '1');
    await p.settle(e.engine.writeSeq);
    const clean = statSync(log).size;
    e.run('EVAL', "redis.call('SET', 'x', '1') redis.call('SET', 'y', '2') redis.call('SET', 'z', '3')", '0');
    p.close();
    const whole = readFileSync(log);
    for (const cut of [clean + 1, clean + 20, Math.floor((clean + whole.length) / 2), whole.length - 1]) {
      writeFileSync(log, whole.subarray(0, cut));
      const { t: b, p: q } = await reopen(dir, e.clock.now(), { lua: false });
      assert.deepEqual(
        ['before', 'x', 'y', 'z'].map((k) => plain(b.run('GET', k))),
        ['1', null, null, null],
        `cut at ${cut}`,
      );
      q.close();
    }
  });

  test('writes under redis.set_repl(redis.REPL_NONE) are not logged', async (t) => {
    const { dir, e, p, log } = await scripted(t);
    e.run(
      'EVAL',
      "redis.set_repl(redis.REPL_NONE) redis.call('SET', 'hidden', '1') redis.set_repl(redis.REPL_ALL) redis.call('SET', 'shown', '1')",
      '0',
    );
    assert.equal(plain(e.run('GET', 'hidden')), '1');
    p.close();
    assert.deepEqual(records(log), [['SET', 'shown', '1']]);
    const { t: b, p: q } = await reopen(dir, e.clock.now(), { lua: false });
    assert.deepEqual([plain(b.run('GET', 'hidden')), plain(b.run('GET', 'shown'))], [null, '1']);
    q.close();
  });

  test('a key that expires is logged as a DEL before the command that met it', (t) => {
    const { e, p, log } = opened(t, 'no');
    e.run('SET', 'k', 'v', 'PX', '10');
    e.clock.advance(20);
    e.run('APPEND', 'k', 'new');
    p.close();
    assert.deepEqual(
      records(log).map((argv) => argv[0]),
      ['SET', 'DEL', 'APPEND'],
    );
  });
});
