/**
 * Reply → RESP2 bytes (`Upstash-Response-Format: resp2`), as a byte string: every code unit is one byte, so
 * the caller sends it as latin1 and its `.length` is the Content-Length.
 */
import { DoubleReply, ErrorReply, formatDouble, MapReply, type Reply, SimpleString } from '@redstash/engine';

const NEWLINES = /[\r\n]/g;

export function resp2(reply: Reply): string {
  switch (typeof reply) {
    case 'string':
      return `$${reply.length}\r\n${reply}\r\n`;
    case 'number':
    case 'bigint':
      return `:${reply}\r\n`;
    default:
      if (reply === null) return '$-1\r\n';
      if (Array.isArray(reply)) return resp2Array(reply);
      if (reply instanceof SimpleString) return `+${reply.value}\r\n`;
      if (reply instanceof DoubleReply) {
        const text = formatDouble(reply.value);
        return `$${text.length}\r\n${text}\r\n`;
      }
      if (reply instanceof MapReply) return resp2Array(reply.items);
      // Redis turns newlines in an error text into spaces (addReplyErrorLength) so the line stays one line.
      if (reply instanceof ErrorReply) return `-${reply.message.replace(NEWLINES, ' ')}\r\n`;
      return '*-1\r\n'; // NilArray
  }
}

function resp2Array(items: readonly Reply[]): string {
  let out = `*${items.length}\r\n`;
  for (const item of items) out += resp2(item);
  return out;
}
