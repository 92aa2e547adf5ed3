/**
 * Tokens: random, shown once, stored only as SHA-256 digests. A presented token is digested, its first half
 * finds the candidate entry, and the whole digest is then compared in constant time — the lookup's timing
 * depends only on a digest the presenter cannot steer, never on the stored secret.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 256 random bits, base64url: safe in a header, a URL and a .env line. */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The stored form of a token: hex SHA-256. */
export function tokenDigest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export interface TokenEntry<T> {
  /** Hex SHA-256 of the token. */
  digest: string;
  target: T;
}

/** Digest → what the token opens, for every live token. */
export class TokenIndex<T> {
  private readonly byPrefix = new Map<string, { digest: Buffer; target: T }>();

  add(digest: string, target: T): void {
    this.byPrefix.set(digest.slice(0, 32), { digest: Buffer.from(digest, 'hex'), target });
  }

  /** Forgets a token at once: the next request presenting it is refused. */
  remove(digest: string): void {
    const key = digest.slice(0, 32);
    const entry = this.byPrefix.get(key);
    if (entry?.digest.equals(Buffer.from(digest, 'hex'))) this.byPrefix.delete(key);
  }

  lookup(token: string): T | undefined {
    const d = createHash('sha256').update(token).digest();
    const entry = this.byPrefix.get(d.toString('hex', 0, 16));
    if (entry === undefined || !timingSafeEqual(entry.digest, d)) return undefined;
    return entry.target;
  }

  get size(): number {
    return this.byPrefix.size;
  }
}
