/**
 * The DUMP payload frame: body, then the RDB version (2 bytes, little-endian), then the CRC-64 of everything
 * before it (8 bytes, little-endian). Redis accepts payloads whose version is not newer than its own.
 */
import { crc64 } from './crc64.ts';

/** The RDB format version of Redis 7.4, which DUMP payloads carry. */
export const RDB_VERSION = 12;

export function framePayload(body: string): string {
  const withVersion = body + String.fromCharCode(RDB_VERSION & 0xff, RDB_VERSION >> 8);
  return withVersion + crc64(withVersion);
}

/** The body of a well-formed payload, or null when the version or checksum is wrong. */
export function unframePayload(payload: string): string | null {
  if (payload.length < 10) return null;
  const footer = payload.length - 10;
  const version = payload.charCodeAt(footer) | (payload.charCodeAt(footer + 1) << 8);
  if (version > RDB_VERSION) return null;
  if (crc64(payload.slice(0, footer + 2)) !== payload.slice(footer + 2)) return null;
  return payload.slice(0, footer);
}
