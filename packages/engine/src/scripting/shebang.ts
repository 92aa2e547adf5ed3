/**
 * `#!lua flags=…` (scripts) and `#!lua name=…` (function libraries): the first line of a body, parsed as Redis
 * 7 does. Scripts without one run in compatibility mode. We also accept `allow-key-locking`, which
 * @upstash/ratelimit ≥ 2.2 puts on every script (stock Redis 7 refuses it): one engine thread already
 * runs every script atomically, so the flag needs no work here.
 */
import * as E from '../command/errors.ts';
import type { ErrorReply } from '../reply.ts';

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

/** The shebang line; null when no newline ends it (Redis then refuses the body). */
function firstLine(body: string): string | null {
  const eol = body.indexOf('\n');
  return eol < 0 ? null : body.slice(0, eol);
}

export function parseScriptShebang(body: string): Shebang | ErrorReply {
  if (!body.startsWith('#!')) return { flags: null, source: body };
  const line = firstLine(body);
  if (line === null) return E.INVALID_SCRIPT_SHEBANG;
  const parts = words(line);
  if (parts === null) return E.INVALID_SHEBANG_ENGINE;
  if (parts[0] !== '#!lua') return E.unexpectedShebangEngine(parts[0] as string);
  const flags = new Set<ScriptFlag>();
  for (const part of parts.slice(1)) {
    if (!part.startsWith('flags=')) return E.unknownShebangOption(part);
    // "flags=" lists nothing, but an empty item in a longer list is an unknown flag.
    const list = part.slice(6);
    for (const f of list === '' ? [] : list.split(',')) {
      if (!KNOWN.has(f)) return E.unexpectedShebangFlag(f);
      flags.add(f as ScriptFlag);
    }
  }
  return { flags, source: `--${body}` };
}

/** A library's metadata line: its engine and name. */
export function parseLibraryShebang(code: string): { name: string; source: string } | ErrorReply {
  if (!code.startsWith('#!')) return E.MISSING_LIBRARY_METADATA;
  const line = firstLine(code);
  const parts = line === null ? null : words(line);
  if (parts === null || parts.length === 0) return E.INVALID_LIBRARY_METADATA;
  const engine = (parts[0] as string).slice(2);
  if (engine.toLowerCase() !== 'lua') return E.engineNotFound(engine);
  let name: string | undefined;
  for (const part of parts.slice(1)) {
    if (!part.startsWith('name=')) return E.invalidMetadataValue(part);
    if (name !== undefined) return E.LIBRARY_NAME_TWICE;
    name = part.slice(5);
  }
  if (name === undefined) return E.LIBRARY_NAME_NOT_GIVEN;
  if (!/^[A-Za-z0-9_]+$/.test(name)) return E.BAD_LIBRARY_NAME;
  return { name, source: `--${code}` };
}
