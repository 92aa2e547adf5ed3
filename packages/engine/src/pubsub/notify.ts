/**
 * Keyspace notifications (`notify-keyspace-events`): the event classes as bits, and the parameter's
 * string form both ways. Handlers report what they did with `ctx.notify(NOTIFY.HASH, 'hset', key)`; the
 * engine publishes only when the configured flags ask for that class, so a handler's call costs one test
 * while notifications are off (the default).
 */

export const NOTIFY = {
  KEYSPACE: 1 << 0, // K
  KEYEVENT: 1 << 1, // E
  GENERIC: 1 << 2, // g
  STRING: 1 << 3, // $
  LIST: 1 << 4, // l
  SET: 1 << 5, // s
  HASH: 1 << 6, // h
  ZSET: 1 << 7, // z
  EXPIRED: 1 << 8, // x
  EVICTED: 1 << 9, // e
  STREAM: 1 << 10, // t
  KEY_MISS: 1 << 11, // m (not part of A)
  MODULE: 1 << 12, // d
  NEW: 1 << 13, // n (not part of A)
} as const;

/** `A`: every class but key-miss and new-key events, as Redis defines it. */
export const NOTIFY_ALL =
  NOTIFY.GENERIC |
  NOTIFY.STRING |
  NOTIFY.LIST |
  NOTIFY.SET |
  NOTIFY.HASH |
  NOTIFY.ZSET |
  NOTIFY.EXPIRED |
  NOTIFY.EVICTED |
  NOTIFY.STREAM |
  NOTIFY.MODULE;

const BY_CHAR: Record<string, number> = {
  A: NOTIFY_ALL,
  g: NOTIFY.GENERIC,
  $: NOTIFY.STRING,
  l: NOTIFY.LIST,
  s: NOTIFY.SET,
  h: NOTIFY.HASH,
  z: NOTIFY.ZSET,
  x: NOTIFY.EXPIRED,
  e: NOTIFY.EVICTED,
  K: NOTIFY.KEYSPACE,
  E: NOTIFY.KEYEVENT,
  t: NOTIFY.STREAM,
  m: NOTIFY.KEY_MISS,
  d: NOTIFY.MODULE,
  n: NOTIFY.NEW,
};

/** The flags a parameter value names, or undefined for a character that is not a class. */
export function parseNotifyFlags(value: string): number | undefined {
  let flags = 0;
  for (const ch of value) {
    const bit = BY_CHAR[ch];
    if (bit === undefined) return undefined;
    flags |= bit;
  }
  return flags;
}

/** The string CONFIG GET shows, in the order and with the quirks of Redis's keyspaceEventsFlagsToString. */
export function formatNotifyFlags(flags: number): string {
  let out = '';
  if ((flags & NOTIFY_ALL) === NOTIFY_ALL) out += 'A';
  else {
    if (flags & NOTIFY.GENERIC) out += 'g';
    if (flags & NOTIFY.STRING) out += '$';
    if (flags & NOTIFY.LIST) out += 'l';
    if (flags & NOTIFY.SET) out += 's';
    if (flags & NOTIFY.HASH) out += 'h';
    if (flags & NOTIFY.ZSET) out += 'z';
    if (flags & NOTIFY.EXPIRED) out += 'x';
    if (flags & NOTIFY.EVICTED) out += 'e';
    if (flags & NOTIFY.STREAM) out += 't';
    if (flags & NOTIFY.MODULE) out += 'd';
    // Inside the else, as in Redis 7: with A set, CONFIG GET does not show n.
    if (flags & NOTIFY.NEW) out += 'n';
  }
  if (flags & NOTIFY.KEYSPACE) out += 'K';
  if (flags & NOTIFY.KEYEVENT) out += 'E';
  if (flags & NOTIFY.KEY_MISS) out += 'm';
  return out;
}

/**
 * A miss by a write command that reads a key the way Redis's lookupKeyRead does (GETDEL, SORT, BITOP's
 * sources…), which reports `keymiss` there. A read command's misses the keyspace reports by itself, so
 * this adds nothing then.
 */
export function notifyMiss(
  ctx: { db: { reportMisses: boolean }; notify(type: number, event: string, key: string): void },
  key: string,
): void {
  if (!ctx.db.reportMisses) ctx.notify(NOTIFY.KEY_MISS, 'keymiss', key);
}

/**
 * Deletes `key` once its collection is empty, as Redis does after every removal, with the `del` event;
 * true when it did.
 */
export function deleteIfEmpty(
  ctx: { db: { delete(key: string): boolean }; notify(type: number, event: string, key: string): void },
  key: string,
  value: { readonly size: number },
): boolean {
  if (value.size !== 0) return false;
  ctx.db.delete(key);
  ctx.notify(NOTIFY.GENERIC, 'del', key);
  return true;
}
