/**
 * Generated tokens. A server started without tokens makes strong random ones once and keeps them in
 * `<data-dir>/tokens.json` (mode 0600), so the `.env.local` a developer pasted keeps working across restarts.
 */
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { generateToken, readJsonFile, writeJsonFile } from '@redstash/platform';

export interface Tokens {
  token: string;
  readonlyToken: string;
}

export const TOKEN_FILE = 'tokens.json';

export { generateToken };

/**
 * The tokens to serve with: the given ones, and for each one not given, the stored one (generated and
 * stored on first use). The file is not touched when both tokens are given.
 */
export function resolveTokens(
  dataDir: string,
  given: { token?: string | undefined; readonlyToken?: string | undefined },
): Tokens {
  if (given.token !== undefined && given.readonlyToken !== undefined) {
    return { token: given.token, readonlyToken: given.readonlyToken };
  }
  const file = join(dataDir, TOKEN_FILE);
  const stored = readTokenFile(file);
  let changed = false;
  if (given.token === undefined && stored.token === undefined) {
    stored.token = generateToken();
    changed = true;
  }
  if (given.readonlyToken === undefined && stored.readonlyToken === undefined) {
    stored.readonlyToken = generateToken();
    changed = true;
  }
  if (changed) writeTokenFile(dataDir, file, stored);
  const tokens = {
    token: given.token ?? (stored.token as string),
    readonlyToken: given.readonlyToken ?? (stored.readonlyToken as string),
  };
  if (tokens.token === tokens.readonlyToken) {
    throw new Error(`the read-only token equals the full-access token (check ${file})`);
  }
  return tokens;
}

function readTokenFile(file: string): Partial<Tokens> {
  let data: unknown;
  try {
    data = readJsonFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== undefined) throw err;
    throw new Error(`${(err as Error).message}: fix or delete it (new tokens are then generated)`);
  }
  if (data === undefined) return {};
  const out: Partial<Tokens> = {};
  if (typeof data === 'object' && data !== null) {
    const { token, readonlyToken } = data as Record<string, unknown>;
    if (typeof token === 'string' && token.length > 0) out.token = token;
    if (typeof readonlyToken === 'string' && readonlyToken.length > 0) out.readonlyToken = readonlyToken;
  }
  // The file holds secrets: keep it private even if someone loosened it.
  chmodSync(file, 0o600);
  return out;
}

/** Replaced atomically and synced (writeJsonFile), in a private directory: a crash leaves old or new tokens. */
function writeTokenFile(dataDir: string, file: string, tokens: Partial<Tokens>): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  writeJsonFile(file, tokens);
  chmodSync(file, 0o600);
}
