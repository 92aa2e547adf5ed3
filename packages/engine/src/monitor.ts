/**
 * MONITOR: who is watching the command stream, and the line Redis prints for each command
 * (`<sec>.<µs> [<db> <addr>|lua] "cmd" "arg" …`, arguments escaped like sdscatrepr). The engine checks
 * `active` (one boolean) before doing any of this, so an unwatched engine pays nothing more.
 */
import type { Argv } from './command/table.ts';

/** Receives one MONITOR line (no trailing CRLF: the host frames it). Called synchronously. */
export type MonitorListener = (line: string) => void;

/** The address shown for a client created without one (what Upstash's REST monitor prints). */
export const UNKNOWN_ADDR = '0.0.0.0:0';

export class Monitors {
  /** True while anyone watches: the engine's only cost per command when nobody does. */
  active = false;
  private readonly listeners = new Set<{ readonly listener: MonitorListener }>();
  /** A listener that throws is the host's bug; the others must still get the line. */
  onListenerError: ((err: unknown) => void) | undefined;

  /** Starts delivering lines to `listener`; call the returned function when its connection ends. */
  add(listener: MonitorListener): () => void {
    // One entry per call, so the same function added twice is removed once per remover.
    const entry = { listener };
    this.listeners.add(entry);
    this.active = true;
    return () => {
      this.listeners.delete(entry);
      this.active = this.listeners.size > 0;
    };
  }

  get size(): number {
    return this.listeners.size;
  }

  /** `nowMs` is Unix time in ms; `addr` is the client's `ip:port`, or null for a script's command. */
  feed(nowMs: number, db: number, addr: string | null, argv: Argv): void {
    const line = monitorLine(nowMs, db, addr, argv);
    for (const entry of [...this.listeners]) {
      try {
        entry.listener(line);
      } catch (err) {
        this.onListenerError?.(err);
      }
    }
  }
}

export function monitorLine(nowMs: number, db: number, addr: string | null, argv: Argv): string {
  const micros = Math.floor(nowMs * 1000);
  const sec = Math.floor(micros / 1_000_000);
  const frac = String(micros - sec * 1_000_000).padStart(6, '0');
  let line = `${sec}.${frac} [${db} ${addr ?? 'lua'}]`;
  const shown = redact(argv);
  for (const arg of shown) line += ` ${quote(arg)}`;
  return line;
}

const REDACTED = '(redacted)';

/** Passwords never reach a monitor: Redis shows them as `(redacted)`. */
function redact(argv: Argv): Argv {
  const name = (argv[0] as string).toLowerCase();
  if (name === 'auth') return argv.map((a, i) => (i === 0 ? a : REDACTED));
  if (name === 'hello') {
    let out: string[] | undefined;
    for (let i = 2; i < argv.length; i++) {
      if ((argv[i] as string).toLowerCase() !== 'auth') continue;
      out ??= [...argv];
      for (let j = i + 1; j <= i + 2 && j < out.length; j++) out[j] = REDACTED;
      i += 2;
    }
    return out ?? argv;
  }
  return argv;
}

/** sdscatrepr: a quoted byte string, printable ASCII as is, the rest escaped (`\n`, `\xHH`, …). */
export function quote(bytes: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes.charCodeAt(i);
    if (c >= 0x20 && c <= 0x7e && c !== 0x22 && c !== 0x5c) continue;
    out += bytes.slice(start, i) + escapeByte(c);
    start = i + 1;
  }
  return `${out}${bytes.slice(start)}"`;
}

function escapeByte(c: number): string {
  switch (c) {
    case 0x22:
      return '\\"';
    case 0x5c:
      return '\\\\';
    case 0x0a:
      return '\\n';
    case 0x0d:
      return '\\r';
    case 0x09:
      return '\\t';
    case 0x07:
      return '\\a';
    case 0x08:
      return '\\b';
    default:
      return `\\x${(c & 0xff).toString(16).padStart(2, '0')}`;
  }
}
