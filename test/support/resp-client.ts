/**
 * A minimal RESP2 client for tests: binary-safe requests (arguments are byte strings, see the engine's
 * bytes.ts), an exact incremental reply parser, and pipelining so a test can send many commands at once.
 */
import { connect, type Socket } from 'node:net';

/** One RESP2 reply, kept as its wire type so tests can compare replies exactly. */
export type RespReply =
  | { type: 'status'; value: string }
  | { type: 'error'; value: string }
  | { type: 'integer'; value: number | bigint }
  | { type: 'bulk'; value: string }
  | { type: 'nil' }
  | { type: 'array'; value: RespReply[] }
  | { type: 'nil-array' };

const CRLF = Buffer.from('\r\n');

/** Encodes one command as a RESP array of bulk strings. Arguments are byte strings (latin1). */
export function encodeCommand(argv: readonly string[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${argv.length}\r\n`)];
  for (const arg of argv) {
    if (/[^\x00-\xff]/.test(arg)) throw new Error(`argument is not a byte string: ${JSON.stringify(arg)}`);
    const bytes = Buffer.from(arg, 'latin1');
    parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, CRLF);
  }
  return Buffer.concat(parts);
}

/** Thrown by the parser when the buffer ends inside a reply: wait for more bytes and parse again. */
export const INCOMPLETE = Symbol('incomplete');

/**
 * Parses one reply at `pos`; returns it and the position after it, or INCOMPLETE. A protocol violation
 * throws an Error: the tests should not go on against a confused stream.
 */
export function parseReply(buf: Buffer, pos: number): { reply: RespReply; next: number } | typeof INCOMPLETE {
  const eol = buf.indexOf(CRLF, pos);
  if (eol < 0) return INCOMPLETE;
  const prefix = buf[pos];
  const line = buf.toString('latin1', pos + 1, eol);
  const after = eol + 2;
  switch (prefix) {
    case 0x2b: // +
      return { reply: { type: 'status', value: line }, next: after };
    case 0x2d: // -
      return { reply: { type: 'error', value: line }, next: after };
    case 0x3a: // :
      return { reply: { type: 'integer', value: toInteger(line) }, next: after };
    case 0x24: {
      // $
      const len = Number(line);
      if (len === -1) return { reply: { type: 'nil' }, next: after };
      if (!Number.isInteger(len) || len < 0) throw new Error(`RESP: bad bulk length ${line}`);
      if (buf.length < after + len + 2) return INCOMPLETE;
      if (buf[after + len] !== 0x0d || buf[after + len + 1] !== 0x0a) throw new Error('RESP: bulk not ended by CRLF');
      return { reply: { type: 'bulk', value: buf.toString('latin1', after, after + len) }, next: after + len + 2 };
    }
    case 0x2a: {
      // *
      const n = Number(line);
      if (n === -1) return { reply: { type: 'nil-array' }, next: after };
      if (!Number.isInteger(n) || n < 0) throw new Error(`RESP: bad array length ${line}`);
      const items: RespReply[] = [];
      let at = after;
      for (let i = 0; i < n; i++) {
        const r = parseReply(buf, at);
        if (r === INCOMPLETE) return INCOMPLETE;
        items.push(r.reply);
        at = r.next;
      }
      return { reply: { type: 'array', value: items }, next: at };
    }
    default:
      throw new Error(`RESP: unexpected type byte ${prefix} at ${pos}`);
  }
}

function toInteger(text: string): number | bigint {
  if (!/^-?[0-9]+$/.test(text)) throw new Error(`RESP: bad integer ${text}`);
  const n = BigInt(text);
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
}

interface Pending {
  resolve: (r: RespReply) => void;
  reject: (e: Error) => void;
}

export class RespClient {
  private readonly socket: Socket;
  private buf: Buffer = Buffer.alloc(0);
  private readonly pending: Pending[] = [];
  private failure: Error | undefined;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.fail(err));
    socket.on('close', () => this.fail(new Error('RESP: connection closed')));
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RespClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host, noDelay: true });
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new RespClient(socket));
      });
    });
  }

  /** Sends one command; resolves with its reply (an error reply resolves too: it is a reply). */
  send(argv: readonly string[]): Promise<RespReply> {
    return this.pipeline([argv]).then((r) => r[0] as RespReply);
  }

  /** Writes all commands in one go and resolves with their replies, in order. */
  pipeline(commands: readonly (readonly string[])[]): Promise<RespReply[]> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (commands.length === 0) return Promise.resolve([]);
    const replies = commands.map(
      () => new Promise<RespReply>((resolve, reject) => this.pending.push({ resolve, reject })),
    );
    this.socket.write(Buffer.concat(commands.map(encodeCommand)));
    return Promise.all(replies);
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    let pos = 0;
    try {
      while (pos < this.buf.length) {
        const r = parseReply(this.buf, pos);
        if (r === INCOMPLETE) break;
        pos = r.next;
        const waiter = this.pending.shift();
        if (waiter === undefined) throw new Error('RESP: reply with no command waiting for it');
        waiter.resolve(r.reply);
      }
    } catch (err) {
      this.fail(err as Error);
      this.socket.destroy();
      return;
    }
    this.buf = pos === this.buf.length ? Buffer.alloc(0) : this.buf.subarray(pos);
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const p of this.pending.splice(0)) p.reject(err);
  }
}
