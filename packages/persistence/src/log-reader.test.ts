import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, type TestContext, test } from 'node:test';
import { type ReadOutcome, readLog } from './log-reader.ts';
import { encodeBatch, encodeCommand } from './resp.ts';
import { tempDir } from './test-support.ts';

const ALL_BYTES = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join('');

/** Batches as the writer logs them, with the flat commands a reader must hand over for each. */
const BATCHES: string[][][] = [
  [['SET', 'plain', 'value']],
  [['SET', 'nul\0key', 'a\0b\0']],
  [['SET', 'high', '\x80\xff\xfe caf\xc3\xa9']],
  [['SET', 'crlf', 'line1\r\nline2\r\n*3\r\n$3\r\n']],
  [['SET', 'empty', '']],
  [
    ['RPUSH', 'list', 'a', ALL_BYTES],
    ['INCR', 'counter'],
    ['HSET', 'h', 'f\r\n', 'v\0'],
  ],
  [['SET', 'big', 'x'.repeat(300)]],
  [['multi', 'not-a-block']], // only a MULTI of one argument opens a block
  [
    ['DEL', 'a'],
    ['SET', 'b', '\r\n'],
  ],
];

function build(batches: string[][][]): { bytes: Buffer; offsets: number[]; ends: number[] } {
  const records = batches.map((b) => Buffer.from(encodeBatch(b), 'latin1'));
  const offsets: number[] = [];
  const ends: number[] = [];
  let at = 0;
  for (const r of records) {
    offsets.push(at);
    at += r.length;
    ends.push(at);
  }
  return { bytes: Buffer.concat(records), offsets, ends };
}

function read(path: string, chunk?: number): { outcome: ReadOutcome; applied: string[][]; at: number[] } {
  const applied: string[][] = [];
  const at: number[] = [];
  const outcome = readLog(
    path,
    (argv, offset) => {
      applied.push(argv);
      at.push(offset);
    },
    chunk,
  );
  return { outcome, applied, at };
}

/** Records in the reader's count: a command is one, a block counts its MULTI and EXEC too. */
const recordCount = (batches: string[][][]) => batches.reduce((n, b) => n + (b.length === 1 ? 1 : b.length + 2), 0);

function file(t: TestContext, bytes: Buffer | string): string {
  const path = join(tempDir(t), 'log.aof');
  writeFileSync(path, typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
  return path;
}

describe('resp', () => {
  test('a command with every byte value round-trips through encode and read', (t) => {
    const argv = ['SET', ALL_BYTES, `${ALL_BYTES}\r\n${ALL_BYTES}`];
    const { outcome, applied } = read(file(t, encodeCommand(argv)));
    assert.equal(outcome.kind, 'clean');
    assert.deepEqual(applied, [argv]);
  });

  test('a batch of one is a bare command, of several a MULTI … EXEC block', () => {
    assert.equal(encodeBatch([['PING']]), '*1\r\n$4\r\nPING\r\n');
    assert.equal(
      encodeBatch([['A'], ['B', 'x']]),
      '*1\r\n$5\r\nMULTI\r\n*1\r\n$1\r\nA\r\n*2\r\n$1\r\nB\r\n$1\r\nx\r\n*1\r\n$4\r\nEXEC\r\n',
    );
  });
});

describe('readLog', () => {
  const { bytes, offsets, ends } = build(BATCHES);
  const flat = BATCHES.flat();
  // Where each flat command starts: inside a block, after the MULTI record.
  const flatOffsets: number[] = [];
  BATCHES.forEach((b, i) => {
    let at = offsets[i] as number;
    if (b.length > 1) at += encodeCommand(['MULTI']).length;
    for (const argv of b) {
      flatOffsets.push(at);
      at += encodeCommand(argv).length;
    }
  });

  test('reads the same records whichever byte a read chunk ends at', (t) => {
    const path = file(t, bytes);
    for (let chunk = 1; chunk <= bytes.length + 1; chunk++) {
      const { outcome, applied, at } = read(path, chunk);
      assert.deepEqual(outcome, { kind: 'clean', records: recordCount(BATCHES), end: bytes.length }, `chunk ${chunk}`);
      assert.deepEqual(applied, flat, `chunk ${chunk}`);
      assert.deepEqual(at, flatOffsets, `chunk ${chunk}`);
    }
  });

  test('an empty file is clean', (t) => {
    assert.deepEqual(read(file(t, '')).outcome, { kind: 'clean', records: 0, end: 0 });
  });

  test('a file cut inside its last record is torn at that record, whatever the cut and chunk', (t) => {
    // The last batch is a MULTI block: cutting anywhere in it drops the whole block.
    const dir = tempDir(t);
    const lastStart = offsets[offsets.length - 1] as number;
    const prefix = BATCHES.slice(0, -1);
    for (let cut = lastStart + 1; cut < bytes.length; cut++) {
      const path = join(dir, `cut-${cut}.aof`);
      writeFileSync(path, bytes.subarray(0, cut));
      for (const chunk of [3, 64, 1 << 20]) {
        const { outcome, applied } = read(path, chunk);
        assert.deepEqual(
          outcome,
          { kind: 'torn', records: recordCount(prefix), end: lastStart, size: cut },
          `cut ${cut} chunk ${chunk}`,
        );
        assert.deepEqual(applied, prefix.flat(), `cut ${cut}: nothing of the cut block is applied`);
      }
    }
  });

  test('a cut inside a single-command record is torn at its start', (t) => {
    const dir = tempDir(t);
    const i = BATCHES.findIndex((b) => b[0]?.[1] === 'big');
    const start = offsets[i] as number;
    const end = ends[i] as number;
    for (let cut = start + 1; cut < end; cut++) {
      const path = join(dir, `cut-${cut}.aof`);
      writeFileSync(path, bytes.subarray(0, cut));
      const { outcome, applied } = read(path, 16);
      assert.deepEqual(outcome, { kind: 'torn', records: recordCount(BATCHES.slice(0, i)), end: start, size: cut });
      assert.equal(applied.length, BATCHES.slice(0, i).flat().length);
    }
    // Cut exactly between records: clean.
    const path = join(dir, 'whole.aof');
    writeFileSync(path, bytes.subarray(0, end));
    assert.equal(read(path, 16).outcome.kind, 'clean');
  });

  test('a MULTI block with no EXEC at the end of the file is torn before the MULTI', (t) => {
    const good = encodeCommand(['SET', 'a', '1']);
    const open = `*1\r\n$5\r\nMULTI\r\n${encodeCommand(['SET', 'b', '2'])}${encodeCommand(['SET', 'c', '3'])}`;
    const { outcome, applied } = read(file(t, good + open));
    assert.deepEqual(outcome, { kind: 'torn', records: 1, end: good.length, size: good.length + open.length });
    assert.deepEqual(applied, [['SET', 'a', '1']]);
  });

  describe('corrupt records are reported at their exact offset', () => {
    const good = encodeCommand(['SET', 'a', '1']);
    const g = good.length;
    const cases: { name: string; bytes: string; at: number; end: number; why: string; applied: number }[] = [
      {
        name: 'garbage instead of a record',
        bytes: `${good}!!!\r\n${good}`,
        at: g,
        end: g,
        why: "expected '*'",
        applied: 1,
      },
      {
        name: 'a bulk without its $',
        bytes: `${good}*1\r\n:4\r\nPING\r\n`,
        at: g + 4,
        end: g,
        why: "expected '$'",
        applied: 1,
      },
      {
        name: 'a non-numeric length',
        bytes: `${good}*1\r\n$x\r\nPING\r\n`,
        at: g + 4,
        end: g,
        why: 'bad length',
        applied: 1,
      },
      {
        name: 'a negative length',
        bytes: `${good}*1\r\n$-4\r\nPING\r\n`,
        at: g + 4,
        end: g,
        why: 'bad length',
        applied: 1,
      },
      { name: 'an empty count', bytes: `${good}*\r\n$4\r\nPING\r\n`, at: g, end: g, why: 'bad length', applied: 1 },
      { name: 'a zero count', bytes: `${good}*0\r\n${good}`, at: g, end: g, why: 'bad argument count', applied: 1 },
      {
        name: 'an over-long length',
        bytes: `${good}*1\r\n$99999999999\r\n`,
        at: g + 4,
        end: g,
        why: 'bad length',
        applied: 1,
      },
      {
        name: 'a bulk too long',
        bytes: `${good}*1\r\n$999999999\r\n`,
        at: g + 4,
        end: g,
        why: 'bulk too long',
        applied: 1,
      },
      {
        name: 'a length line without LF',
        bytes: `${good}*1\r$4\r\nPING\r\n`,
        at: g,
        end: g,
        why: 'bad length',
        applied: 1,
      },
      {
        name: 'a bulk not followed by CRLF',
        bytes: `${good}*2\r\n$3\r\nGET\r\n$1\r\nkXX${good}`,
        at: g + 18,
        end: g,
        why: 'bulk not terminated',
        applied: 1,
      },
      {
        name: 'EXEC without MULTI',
        bytes: `${good}*1\r\n$4\r\nEXEC\r\n${good}`,
        at: g,
        end: g,
        why: 'EXEC without MULTI',
        applied: 1,
      },
      {
        name: 'MULTI inside MULTI',
        bytes: `${good}*1\r\n$5\r\nMULTI\r\n${good}*1\r\n$5\r\nMULTI\r\n*1\r\n$4\r\nEXEC\r\n`,
        at: g + 15 + g,
        end: g,
        why: 'MULTI inside MULTI',
        applied: 1,
      },
      {
        name: 'garbage inside a MULTI block: the cut point is before the block',
        bytes: `${good}${good}*1\r\n$5\r\nMULTI\r\n${good}???\r\n*1\r\n$4\r\nEXEC\r\n`,
        at: 2 * g + 15 + g,
        end: 2 * g,
        why: "expected '*'",
        applied: 2,
      },
    ];
    for (const c of cases)
      test(c.name, (t) => {
        const path = file(t, c.bytes);
        for (const chunk of [1, 5, 1 << 20]) {
          const { outcome, applied } = read(path, chunk);
          assert.equal(outcome.kind, 'corrupt', `chunk ${chunk}`);
          assert.deepEqual(
            outcome.kind === 'corrupt' && { at: outcome.at, end: outcome.end, why: outcome.why },
            { at: c.at, end: c.end, why: c.why },
            `chunk ${chunk}`,
          );
          assert.equal(applied.length, c.applied, `chunk ${chunk}`);
        }
      });
  });
});
