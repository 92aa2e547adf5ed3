import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { monitorLine, quote } from './monitor.ts';
import { createScriptingTestEngine, createTestEngine, type TestEngine } from './testing/index.ts';

/** Collects the lines a monitor sees, with the time part cut off (the clock is tested on its own). */
function watch(t: TestEngine): { lines: string[]; stop: () => void } {
  const lines: string[] = [];
  const stop = t.engine.monitors.add((line) => lines.push(line.slice(line.indexOf(' ') + 1)));
  return { lines, stop };
}

describe('MONITOR line format', () => {
  test('time as seconds and six-digit microseconds from the engine clock', () => {
    const t = createTestEngine();
    const seen: string[] = [];
    t.engine.monitors.add((line) => seen.push(line));
    t.clock.set(1721284005242.5);
    t.run('GET', 'k');
    t.clock.set(1721284005007);
    t.run('get', 'k');
    assert.deepEqual(seen, ['1721284005.242500 [0 0.0.0.0:0] "GET" "k"', '1721284005.007000 [0 0.0.0.0:0] "get" "k"']);
  });

  test('arguments escaped byte for byte as redis-server 7.0 prints them', () => {
    const t = createTestEngine();
    const { lines } = watch(t);
    t.raw('set', 'k', 'a"b\\c\n\r\t\x07\x08\x01\xff \xc3\xa9');
    t.raw('set', '\x00\x7f~', '');
    assert.deepEqual(lines, [
      '[0 0.0.0.0:0] "set" "k" "a\\"b\\\\c\\n\\r\\t\\a\\b\\x01\\xff \\xc3\\xa9"',
      '[0 0.0.0.0:0] "set" "\\x00\\x7f~" ""',
    ]);
    assert.equal(quote('plain text'), '"plain text"');
  });

  test("the client's address when it has one", () => {
    const t = createTestEngine();
    const { lines } = watch(t);
    t.engine.exec(t.engine.createClient({ addr: '10.1.2.3:5678' }), ['PING']);
    assert.deepEqual(lines, ['[0 10.1.2.3:5678] "PING"']);
  });

  test('passwords are redacted', () => {
    assert.equal(monitorLine(0, 0, 'a:1', ['AUTH', 'user', 'pw']), '0.000000 [0 a:1] "AUTH" "(redacted)" "(redacted)"');
    assert.equal(
      monitorLine(0, 0, 'a:1', ['hello', '3', 'AUTH', 'u', 'pw', 'SETNAME', 'n']),
      '0.000000 [0 a:1] "hello" "3" "AUTH" "(redacted)" "(redacted)" "SETNAME" "n"',
    );
  });
});

describe('what MONITOR shows (as redis-server 7.0.15)', () => {
  test('commands that ran, errors included; never refused or admin ones', () => {
    const t = createTestEngine();
    const { lines } = watch(t);
    t.run('SET', 'k', 'v');
    t.run('LPUSH', 'k', 'x'); // WRONGTYPE: it ran
    t.run('NOSUCH');
    t.run('GET');
    t.run('CONFIG', 'GET', 'maxmemory');
    assert.deepEqual(lines, ['[0 0.0.0.0:0] "SET" "k" "v"', '[0 0.0.0.0:0] "LPUSH" "k" "x"']);
  });

  test('a transaction: MULTI, its commands when they run, then EXEC', () => {
    const t = createTestEngine();
    const { lines } = watch(t);
    t.run('MULTI');
    t.run('SET', 'm', '1');
    t.run('INCR', 'm');
    assert.equal(lines.length, 1);
    t.run('EXEC');
    assert.deepEqual(lines, [
      '[0 0.0.0.0:0] "MULTI"',
      '[0 0.0.0.0:0] "SET" "m" "1"',
      '[0 0.0.0.0:0] "INCR" "m"',
      '[0 0.0.0.0:0] "EXEC"',
    ]);
  });

  test("EVAL and FCALL come before their scripts' commands, shown as [0 lua]", async () => {
    const t = await createScriptingTestEngine();
    try {
      t.run(
        'FUNCTION',
        'LOAD',
        "#!lua name=lib\nredis.register_function('f', function() return redis.call('ping') end)",
      );
      const { lines } = watch(t);
      t.run('EVAL', "redis.call('set','a','1'); return redis.call('GET','a')", 0);
      t.run('EVAL', "return redis.call('nosuch')", 0);
      t.run('FCALL', 'f', 0);
      assert.deepEqual(lines, [
        `[0 0.0.0.0:0] "EVAL" "redis.call('set','a','1'); return redis.call('GET','a')" "0"`,
        '[0 lua] "set" "a" "1"',
        '[0 lua] "GET" "a"',
        `[0 0.0.0.0:0] "EVAL" "return redis.call('nosuch')" "0"`,
        '[0 0.0.0.0:0] "FCALL" "f" "0"',
        '[0 lua] "ping"',
      ]);
    } finally {
      t.engine.close();
    }
  });
});

describe('the monitor registry', () => {
  test('each remover ends its own listener; a throwing listener does not starve the others', () => {
    const t = createTestEngine();
    const seen: string[] = [];
    const errors: unknown[] = [];
    t.engine.monitors.onListenerError = (err) => errors.push(err);
    const listener = (line: string) => seen.push(line);
    const stopA = t.engine.monitors.add(listener);
    const stopB = t.engine.monitors.add(listener);
    const stopBad = t.engine.monitors.add(() => {
      throw new Error('host bug');
    });
    t.run('PING');
    assert.equal(seen.length, 2);
    assert.equal(errors.length, 1);
    stopA();
    stopBad();
    t.run('PING');
    assert.equal(seen.length, 3);
    stopB();
    assert.equal(t.engine.monitors.active, false);
    assert.equal(t.engine.monitors.size, 0);
    t.run('PING');
    assert.equal(seen.length, 3);
  });

  test('without monitors a command reads the clock once (to freeze time), as before', () => {
    let reads = 0;
    const base = Date.UTC(2026, 0, 1);
    const t = createTestEngine({
      clock: {
        now: () => {
          reads++;
          return base;
        },
      },
    });
    reads = 0;
    t.run('SET', 'k', 'v');
    assert.equal(reads, 1);
    const stop = t.engine.monitors.add(() => {});
    reads = 0;
    t.run('SET', 'k', 'v');
    assert.equal(reads, 2);
    stop();
    reads = 0;
    t.run('SET', 'k', 'v');
    assert.equal(reads, 1);
  });
});
