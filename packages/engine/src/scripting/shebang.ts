/**
 * `#!lua flags=…` (scripts) and `#!lua name=…` (function libraries): the first line of a body, parsed as Redis
 * 7 does. Scripts without one run in compatibility mode. We also accept `allow-key-locking`, which
 * @upstash/ratelimit ≥ 2.2 puts on every script (stock Redis 7 refuses it): one engine thread already
 * runs every script atomically, so the flag needs no work here.
 */
import { ErrorReply } from '../reply.ts';

export const SCRIPT_FLAGS = [
  'no-writes',
  'allow-oom',
  'allow-stale',
  'no-cluster',
  'allow-cross-slot-keys',
  'allow-key-locking',
] as const;
export type ScriptFlag = (typeof SCRIPT_FLAGS)[number];

export interface Shebang {
  /** Null in compatibility mode (no shebang). */
  flags: Set<ScriptFlag> | null;
  /** The body to compile: the shebang line turned into a comment, so line numbers stay right. */
  source: string;
}

const KNOWN = new Set<string>(SCRIPT_FLAGS);

/** The shebang's words, split as sdssplitargs would for these simple lines; null when quotes are unbalanced. */
function words(line: string): string[] | null {
  if ((line.match(/"/g)?.length ?? 0) % 2 === 1 || (line.match(/'/g)?.length ?? 0) % 2 === 1) return null;
  return line
    .split(/[ \t]+/)
    .filter(Boolean)
    .map((w) => w.replace(/^["']|["']$/g, ''));
}

function firstLine(body: string): string {
  const eol = body.indexOf('\n');
  return eol < 0 ? body : body.slice(0, eol);
}

export function parseScriptShebang(body: string): Shebang | ErrorReply {
  if (!body.startsWith('#!')) return { flags: null, source: body };
  const parts = words(firstLine(body));
  if (parts === null) return new ErrorReply('ERR Invalid script shebang');
  if (parts[0] !== '#!lua') return new ErrorReply(`ERR Unexpected engine in script shebang: ${parts[0]}`);
  const flags = new Set<ScriptFlag>();
  for (const part of parts.slice(1)) {
    if (!part.startsWith('flags=')) return new ErrorReply(`ERR Unknown lua shebang option: ${part}`);
    for (const f of part.slice(6).split(',')) {
      if (f === '') continue;
      if (!KNOWN.has(f)) return new ErrorReply(`ERR Unexpected flag in script shebang: ${f}`);
      flags.add(f as ScriptFlag);
    }
  }
  return { flags, source: `--${body}` };
}

/** A library's metadata line: its engine and name. */
export function parseLibraryShebang(code: string): { name: string; source: string } | ErrorReply {
  if (!code.startsWith('#!')) return new ErrorReply('ERR Missing library metadata');
  const parts = words(firstLine(code));
  if (parts === null || parts.length === 0) return new ErrorReply('ERR Invalid library metadata');
  const engine = (parts[0] as string).slice(2);
  if (engine.toLowerCase() !== 'lua') return new ErrorReply(`ERR Engine '${engine}' not found`);
  let name: string | undefined;
  for (const part of parts.slice(1)) {
    if (!part.startsWith('name=')) return new ErrorReply(`ERR Invalid metadata value given: ${part}`);
    name = part.slice(5);
  }
  if (name === undefined) return new ErrorReply('ERR Library name was not given');
  if (!/^[A-Za-z0-9_]+$/.test(name))
    return new ErrorReply(
      'ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long',
    );
  return { name, source: `--${code}` };
}
