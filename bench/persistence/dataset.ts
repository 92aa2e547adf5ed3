/**
 * The restart benchmark's data: a log of individual write commands, as clients would have sent them, that
 * leaves `keys` keys behind — mostly strings (SET, 16–64-byte values), plus hashes, lists, sets and sorted sets
 * built one element per command (HSET, RPUSH, SADD, ZADD), the elements of one key spread over the whole log.
 * Written straight in the log format (RESP, which is also Redis's AOF format), so the same file loads into
 * both servers. A seeded generator makes every run load the same bytes.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { seededRandom } from '@redstash/engine/testing';
import { encodeCommand } from '@redstash/persistence';

/** Share of the keys of each aggregate type; the rest are strings. */
const AGGREGATE_SHARE = 0.025;
/** Elements (fields, members) per aggregate key, one command each. */
const ELEMENTS = 8;
const CHUNK_BYTES = 4 * 1024 * 1024;
const POOL_BYTES = 1 << 20;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_';

export interface Dataset {
  keys: number;
  commands: number;
  bytes: number;
  /** Keys per type. */
  mix: Record<'string' | 'hash' | 'list' | 'set' | 'zset', number>;
  elementsPerAggregate: number;
}

export function writeCommandLog(path: string, keys: number): Dataset {
  const random = seededRandom(20261126);
  // Values are random windows of one random pool: as varied as needed, without a random call per byte.
  let pool = '';
  for (let i = 0; i < POOL_BYTES; i++) pool += ALPHABET[Math.floor(random() * ALPHABET.length)];
  const value = () => {
    const length = 16 + Math.floor(random() * 49);
    const at = Math.floor(random() * (POOL_BYTES - length));
    return pool.slice(at, at + length);
  };
  const aggregates = Math.round(keys * AGGREGATE_SHARE);
  const strings = keys - 4 * aggregates;
  const fd = openSync(path, 'w', 0o600);
  let parts: string[] = [];
  let pending = 0;
  let bytes = 0;
  let commands = 0;
  const flush = () => {
    const data = Buffer.from(parts.join(''), 'latin1');
    let off = 0;
    while (off < data.length) off += writeSync(fd, data, off, data.length - off);
    bytes += data.length;
    parts = [];
    pending = 0;
  };
  const emit = (argv: string[]) => {
    const record = encodeCommand(argv);
    parts.push(record);
    pending += record.length;
    commands++;
    if (pending >= CHUNK_BYTES) flush();
  };
  try {
    // Pass p adds element p of every aggregate key, with an eighth of the strings spread between them.
    for (let pass = 0; pass < ELEMENTS; pass++) {
      const first = Math.floor((strings * pass) / ELEMENTS);
      const end = Math.floor((strings * (pass + 1)) / ELEMENTS);
      let s = first;
      for (let a = 0; a < aggregates; a++) {
        const until = first + Math.floor(((end - first) * (a + 1)) / aggregates);
        for (; s < until; s++) emit(['SET', `string:${s}`, value()]);
        emit(['HSET', `hash:${a}`, `field:${pass}`, value()]);
        emit(['RPUSH', `list:${a}`, value()]);
        emit(['SADD', `set:${a}`, `member:${pass}:${value()}`]);
        emit(['ZADD', `zset:${a}`, (random() * 1000).toFixed(3), `member:${pass}`]);
      }
      for (; s < end; s++) emit(['SET', `string:${s}`, value()]);
    }
    flush();
  } finally {
    closeSync(fd);
  }
  return {
    keys,
    commands,
    bytes,
    mix: { string: strings, hash: aggregates, list: aggregates, set: aggregates, zset: aggregates },
    elementsPerAggregate: ELEMENTS,
  };
}
