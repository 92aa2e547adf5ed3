/**
 * JSON request bodies → argv. Arguments become byte strings the way the client meant them: JSON strings as
 * their UTF-8 bytes, numbers and booleans as JS's `String(x)` spells them. Shapes are checked two levels
 * deep and no further, without recursion, so a million-deep `[[[…]]]` is just a bad argument.
 */
import { type ErrorReply, fromUtf8 } from '@redstash/engine';
import * as H from './errors.ts';

/** Parses a body; an ErrorReply when it is not JSON. */
export function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return H.INVALID_JSON;
  }
}

/** One command: a non-empty JSON array of strings, numbers and booleans. */
export function toArgv(value: unknown): string[] | ErrorReply {
  if (!Array.isArray(value)) return H.ITEM_NOT_COMMAND;
  const n = value.length;
  if (n === 0) return H.EMPTY_COMMAND;
  const argv = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const v: unknown = value[i];
    if (typeof v === 'string') argv[i] = fromUtf8(v);
    else if (typeof v === 'number') argv[i] = String(v);
    else if (typeof v === 'boolean') argv[i] = v ? 'true' : 'false';
    else return H.badArgument(i, v);
  }
  return argv;
}
