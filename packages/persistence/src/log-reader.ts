/**
 * Reads a log file record by record, in chunks, so a large file never needs to fit in one buffer. MULTI …
 * EXEC blocks are handed over whole: a block cut off by the end of the file is a torn tail, like a
 * half-written record.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { parseCommand } from './resp.ts';

/** Bytes read at a time; a record longer than this grows the buffer. */
export const READ_CHUNK = 8 * 1024 * 1024;

export type ReadOutcome =
  /** The file ended cleanly after a whole record. */
  | { kind: 'clean'; records: number; end: number }
  /** The file ends inside a record or a MULTI block: everything from `end` on is incomplete. */
  | { kind: 'torn'; records: number; end: number; size: number }
  /**
   * The bytes at `at` cannot be read as a record (or a record is out of place). `end` is where the whole
   * records before it end: the point to cut at, which is before an unfinished MULTI block.
   */
  | { kind: 'corrupt'; records: number; at: number; end: number; why: string };

const isMulti = (argv: string[]) => argv.length === 1 && (argv[0] as string).toLowerCase() === 'multi';
const isExec = (argv: string[]) => argv.length === 1 && (argv[0] as string).toLowerCase() === 'exec';

/**
 * Calls `apply` for every command in `path`, in order, with MULTI/EXEC removed and their blocks applied only
 * once complete. `apply` may throw to stop reading (e.g. an unknown command).
 */
export function readLog(
  path: string,
  apply: (argv: string[], offset: number) => void,
  chunk = READ_CHUNK,
): ReadOutcome {
  const fd = openSync(path, 'r');
  try {
    let buf = Buffer.allocUnsafe(chunk);
    let filled = 0; // bytes in buf
    let base = 0; // file offset of buf[0]
    let pos = 0; // parse position in buf
    let eof = false;
    let records = 0;
    let block: { argvs: string[][]; offsets: number[]; start: number } | null = null;
    let lastGood = 0; // file offset after the last applied record or block
    for (;;) {
      const r = parseCommand(buf, pos, filled);
      if (r.kind === 'command') {
        const offset = base + pos;
        pos = r.end;
        if (block !== null) {
          if (isExec(r.argv)) {
            for (let i = 0; i < block.argvs.length; i++) apply(block.argvs[i] as string[], block.offsets[i] as number);
            records += block.argvs.length + 2;
            block = null;
            lastGood = base + pos;
          } else if (isMulti(r.argv))
            return { kind: 'corrupt', records, at: offset, end: lastGood, why: 'MULTI inside MULTI' };
          else {
            block.argvs.push(r.argv);
            block.offsets.push(offset);
          }
        } else if (isMulti(r.argv)) block = { argvs: [], offsets: [], start: offset };
        else if (isExec(r.argv))
          return { kind: 'corrupt', records, at: offset, end: lastGood, why: 'EXEC without MULTI' };
        else {
          apply(r.argv, offset);
          records++;
          lastGood = base + pos;
        }
        continue;
      }
      if (r.kind === 'corrupt') return { kind: 'corrupt', records, at: base + r.at, end: lastGood, why: r.why };
      // Incomplete: read more, or the file ends here.
      if (eof) {
        const size = base + filled;
        if (lastGood === size && block === null) return { kind: 'clean', records, end: size };
        return { kind: 'torn', records, end: lastGood, size };
      }
      const rest = filled - pos;
      if (pos > 0) {
        buf.copy(buf, 0, pos, filled);
        base += pos;
        pos = 0;
        filled = rest;
      }
      if (filled === buf.length) {
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, filled);
        buf = bigger;
      }
      const n = readSync(fd, buf, filled, buf.length - filled, base + filled);
      if (n === 0) eof = true;
      filled += n;
    }
  } finally {
    closeSync(fd);
  }
}
