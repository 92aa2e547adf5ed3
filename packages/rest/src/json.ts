/**
 * Reply → Upstash JSON text, written straight to a string (no intermediate object tree: this is the hot
 * path). Shapes are RESP2's, as the client's deserialisers expect: maps flatten to arrays, doubles become
 * strings, the nil array becomes null. With base64 on, every bulk and status string at every depth is
 * base64 of its bytes (the client decodes them); error texts never are.
 */
import { DoubleReply, ErrorReply, formatDouble, MapReply, type Reply, SimpleString, toUtf8 } from '@redstash/engine';

/** JSON text for one reply value. */
export function jsonValue(reply: Reply, base64: boolean): string {
  switch (typeof reply) {
    case 'string':
      return jsonString(reply, base64);
    case 'number':
    case 'bigint':
      // bigint prints its exact digits: the JSON text carries the full int64 even if a JS reader rounds it.
      return String(reply);
    default:
      if (reply === null) return 'null';
      if (Array.isArray(reply)) return jsonArray(reply, base64);
      if (reply instanceof SimpleString) return jsonString(reply.value, base64);
      if (reply instanceof DoubleReply) return jsonString(formatDouble(reply.value), base64);
      if (reply instanceof MapReply) return jsonArray(reply.items, base64);
      // An error nested in an array (a script's error table): its text, never encoded.
      if (reply instanceof ErrorReply) return JSON.stringify(toUtf8(reply.message));
      return 'null'; // NilArray
  }
}

/** A byte string as JSON: base64 of its bytes, or its bytes read as UTF-8 (invalid ones become U+FFFD). */
function jsonString(bytes: string, base64: boolean): string {
  // btoa takes a latin1 string, which is exactly a byte string, and is the fastest encoder in Node 20.
  return base64 ? `"${btoa(bytes)}"` : JSON.stringify(toUtf8(bytes));
}

function jsonArray(items: readonly Reply[], base64: boolean): string {
  const n = items.length;
  if (n === 0) return '[]';
  let out = `[${jsonValue(items[0] as Reply, base64)}`;
  for (let i = 1; i < n; i++) out += `,${jsonValue(items[i] as Reply, base64)}`;
  return `${out}]`;
}

/** `{"result":…}`, or `{"error":…}` for an error reply. */
export function jsonResult(reply: Reply, base64: boolean): string {
  return reply instanceof ErrorReply ? jsonError(reply) : `{"result":${jsonValue(reply, base64)}}`;
}

export function jsonError(err: ErrorReply): string {
  return `{"error":${JSON.stringify(toUtf8(err.message))}}`;
}

/** A pipeline's or transaction's answer: one `{"result"}` or `{"error"}` per command, in order. */
export function jsonResults(replies: readonly Reply[], base64: boolean): string {
  const n = replies.length;
  if (n === 0) return '[]';
  let out = `[${jsonResult(replies[0] as Reply, base64)}`;
  for (let i = 1; i < n; i++) out += `,${jsonResult(replies[i] as Reply, base64)}`;
  return `${out}]`;
}
