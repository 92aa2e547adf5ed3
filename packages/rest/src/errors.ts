/**
 * Every error the HTTP layer itself answers (command errors come from the engine). Texts follow Redis's
 * style (`ERR …`) or copy Upstash's where it publishes them (`WRONGPASS …`, `ERR max request size exceeded`).
 */
import { ErrorReply } from '@redstash/engine';

const e = (message: string) => new ErrorReply(message);

export const WRONGPASS = e('WRONGPASS invalid or missing auth token');
export const MAX_REQUEST_SIZE = e('ERR max request size exceeded');
export const METHOD_NOT_ALLOWED = e('ERR method not allowed (use GET, HEAD, POST or PUT)');
export const INVALID_JSON = e('ERR invalid JSON in the request body');
export const BODY_NOT_COMMAND = e('ERR the request body must be a JSON array: ["COMMAND", "arg", ...]');
export const BODY_NOT_COMMANDS = e(
  'ERR the request body must be a JSON array of commands: [["COMMAND", "arg", ...], ...]',
);
export const ITEM_NOT_COMMAND = e('ERR each command must be a JSON array: ["COMMAND", "arg", ...]');
export const EMPTY_COMMAND = e('ERR empty command');
export const EMPTY_BATCH = e('ERR no commands in the request body');
export const BAD_PERCENT_ENCODING = e('ERR invalid percent-encoding in the request URL');
export const BAD_ENCODING = e("ERR unsupported Upstash-Encoding header (only 'base64' is supported)");
export const BAD_RESPONSE_FORMAT = e("ERR unsupported Upstash-Response-Format header (use 'json' or 'resp2')");
export const RESP2_WITH_BASE64 = e('ERR Upstash-Response-Format resp2 can not be used with Upstash-Encoding base64');
export const RESP2_MULTI_EXEC = e('ERR Upstash-Response-Format resp2 is not supported on /multi-exec');
export const INTERNAL = e('ERR internal server error');

/** JSON `null`, objects and arrays have no Redis string form: refuse them rather than guess one. */
export function badArgument(index: number, value: unknown): ErrorReply {
  const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
  return e(`ERR invalid argument at position ${index}: ${kind} (arguments must be strings, numbers or booleans)`);
}

/** MULTI/EXEC/DISCARD/WATCH inside a /multi-exec body would tear the transaction apart. */
export const notInTransaction = (name: string) =>
  e(`ERR '${name}' is not allowed inside /multi-exec: the request body is the transaction`);

/** Redis answers a refused transaction with EXECABORT alone; over HTTP we also say which command caused it. */
export const execAbort = (cause: ErrorReply) =>
  e(`EXECABORT Transaction discarded because of previous errors: ${cause.message}`);
