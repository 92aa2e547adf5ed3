/**
 * FUNCTION DUMP / RESTORE payloads in Redis's format: each library as RDB_OPCODE_FUNCTION2 followed by its
 * code as an RDB string, framed like any DUMP payload, so payloads move between Redstash and Redis.
 */
import { framePayload, unframePayload } from '../rdb/payload.ts';
import { RdbReader, writeString } from '../rdb/string.ts';
import type { Library } from './scripting.ts';

const RDB_OPCODE_FUNCTION2 = 245;

export function dumpFunctions(libraries: Iterable<Library>): string {
  let body = '';
  for (const lib of libraries) body += String.fromCharCode(RDB_OPCODE_FUNCTION2) + writeString(lib.code);
  return framePayload(body);
}

/** The library codes in a payload, or null when it is not a valid functions payload. */
export function restoreFunctions(payload: string): string[] | null {
  const body = unframePayload(payload);
  if (body === null) return null;
  const reader = new RdbReader(body);
  const codes: string[] = [];
  while (!reader.done) {
    if (reader.byte() !== RDB_OPCODE_FUNCTION2) return null;
    const code = reader.string();
    if (code === null) return null;
    codes.push(code);
  }
  return codes;
}
