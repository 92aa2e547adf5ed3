/**
 * The log's record format: each command as a RESP array of bulk strings, exactly as Redis's AOF stores it,
 * so a log can be inspected with any Redis tool (and replayed into Redis with `redis-cli --pipe`).
 */
import type { Argv } from '@redstash/engine';

/** One command as RESP, as a byte string (one char per byte). */
export function encodeCommand(argv: Argv): string {
  let out = `*${argv.length}\r\n`;
  for (const arg of argv) out += `$${arg.length}\r\n${arg}\r\n`;
  return out;
}

/** A batch as the log stores it: one command alone, several as a MULTI … EXEC block (replayed atomically). */
export function encodeBatch(batch: readonly Argv[]): string {
  if (batch.length === 1) return encodeCommand(batch[0] as Argv);
  let out = '*1\r\n$5\r\nMULTI\r\n';
  for (const argv of batch) out += encodeCommand(argv);
  return `${out}*1\r\n$4\r\nEXEC\r\n`;
}

export type ParseResult =
  | { kind: 'command'; argv: string[]; end: number }
  | { kind: 'incomplete' }
  | { kind: 'corrupt'; at: number; why: string };

const CR = 13;
const LF = 10;
/** Longest accepted bulk: Redis's proto-max-bulk-len default (512 MiB). */
const MAX_BULK = 512 * 1024 * 1024;
const MAX_ARGS = 1024 * 1024 * 1024;

/** Reads `<prefix><decimal>\r\n` at `pos`: [value, next position], 'incomplete', or an error message. */
function readHeader(buf: Buffer, pos: number, limit: number, prefix: number): [number, number] | 'incomplete' | string {
  if (pos >= limit) return 'incomplete';
  if (buf[pos] !== prefix) return `expected '${String.fromCharCode(prefix)}'`;
  let n = 0;
  let i = pos + 1;
  let digits = 0;
  for (; i < limit && buf[i] !== CR; i++) {
    const d = (buf[i] as number) - 48;
    if (d < 0 || d > 9 || ++digits > 10) return 'bad length';
    n = n * 10 + d;
  }
  if (i + 1 >= limit) return 'incomplete';
  if (digits === 0 || buf[i + 1] !== LF) return 'bad length';
  return [n, i + 2];
}

/** Parses one record at `pos` in `buf[0, limit)`. */
export function parseCommand(buf: Buffer, pos: number, limit: number): ParseResult {
  const head = readHeader(buf, pos, limit, 42 /* '*' */);
  if (head === 'incomplete') return { kind: 'incomplete' };
  if (typeof head === 'string') return { kind: 'corrupt', at: pos, why: head };
  const [count, afterHead] = head;
  if (count < 1 || count > MAX_ARGS) return { kind: 'corrupt', at: pos, why: 'bad argument count' };
  const argv: string[] = new Array(count);
  let p = afterHead;
  for (let k = 0; k < count; k++) {
    const bulk = readHeader(buf, p, limit, 36 /* '$' */);
    if (bulk === 'incomplete') return { kind: 'incomplete' };
    if (typeof bulk === 'string') return { kind: 'corrupt', at: p, why: bulk };
    const [len, start] = bulk;
    if (len > MAX_BULK) return { kind: 'corrupt', at: p, why: 'bulk too long' };
    const end = start + len;
    if (end + 2 > limit) return { kind: 'incomplete' };
    if (buf[end] !== CR || buf[end + 1] !== LF) return { kind: 'corrupt', at: end, why: 'bulk not terminated' };
    argv[k] = buf.toString('latin1', start, end);
    p = end + 2;
  }
  return { kind: 'command', argv, end: p };
}
