/**
 * Tokens. The handler only extracts the presented token; `authenticate` decides what it opens, which is
 * the seam where a multi-database platform plugs in its own lookup. `tokenAuthenticator` is the
 * single-database one.
 */
import { hash, timingSafeEqual } from 'node:crypto';
import type { Engine, ErrorReply } from '@redstash/engine';

export interface Grant {
  engine: Engine;
  /** A read-only token: the engine refuses every command that is not a read with NOPERM. */
  readonly: boolean;
  /**
   * The database's durability: called before answering a request that wrote, with the engine's write
   * sequence; a promise means the answer must wait for it (appendfsync always), and a rejection means the
   * write could not be made durable, so it is not acknowledged.
   */
  durable?: Durable | undefined;
  /** The database's own request size limit (its plan's); absent: the handler's. */
  readonly maxRequestBytes?: number | undefined;
  /** The platform's per-request accounting for the database: concurrency, bandwidth, service time. */
  readonly meter?: RequestMeter | undefined;
}

/** Whole-request metering. `enter` may refuse (too many at once); every entered request is left once. */
export interface RequestMeter {
  enter(): ErrorReply | undefined;
  /** Bytes of the request body and of the answer, and the service time in ms. */
  leave(bytesIn: number, bytesOut: number, ms: number): void;
}

export type Durable = (writeSeq: number) => Promise<void> | undefined;

export type Authenticate = (token: string) => Grant | undefined;

export interface TokenAuthenticatorOptions {
  token: string;
  readonlyToken?: string | undefined;
  engine: Engine;
  durable?: Durable | undefined;
}

/**
 * Compares in constant time: both sides are hashed to fixed-length digests first (timingSafeEqual needs
 * equal lengths, and comparing digests leaks nothing about the token's length), and the presented token is
 * checked against both tokens every time so the timing does not tell which one matched.
 */
export function tokenAuthenticator({ token, readonlyToken, engine, durable }: TokenAuthenticatorOptions): Authenticate {
  if (token.length === 0 || readonlyToken === '') throw new Error('tokens must not be empty');
  if (token === readonlyToken) throw new Error('the read-only token must differ from the token');
  const full = digest(token);
  const readonly = digest(readonlyToken ?? token);
  const fullGrant: Grant = durable === undefined ? { engine, readonly: false } : { engine, readonly: false, durable };
  const readonlyGrant: Grant | undefined = readonlyToken === undefined ? undefined : { ...fullGrant, readonly: true };
  return (presented) => {
    const d = digest(presented);
    const isFull = timingSafeEqual(d, full);
    const isReadonly = timingSafeEqual(d, readonly);
    if (isFull) return fullGrant;
    return isReadonly ? readonlyGrant : undefined;
  };
}

function digest(text: string): Buffer {
  return hash('sha256', text, 'buffer');
}

/** The token of an `Authorization: Bearer <token>` header (scheme case-insensitive), or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined || header.length < 7) return undefined;
  const scheme = header.slice(0, 7);
  if (scheme !== 'Bearer ' && scheme.toLowerCase() !== 'bearer ') return undefined;
  return header.slice(7).trim();
}
