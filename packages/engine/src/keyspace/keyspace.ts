/**
 * One database's keys. Expiry is lazy (a key past its time is deleted when looked up) and active
 * (`activeExpire` deletes due keys in time order from a heap, driven by the host's timer). Time comes from
 * `now`, which the dispatcher sets once per command from the injected clock, so a command, a MULTI block or
 * a script sees one frozen instant, as in Redis.
 *
 * It also keeps `usedBytes`, an estimate of the memory its data takes, current after every command so a
 * quota check reads it in O(1). Each entry remembers the bytes it was last accounted at; replacing,
 * deleting, expiring, renaming and flushing adjust the total here, and since collections change in place,
 * the engine calls `reaccount` for the keys a write command named once it has run.
 */
import { WRONGTYPE } from '../command/errors.ts';
import { NOTIFY } from '../pubsub/notify.ts';
import type { Hash } from '../types/hash.ts';
import { type RedisType, type TypeMap, valueBytes } from '../types/index.ts';
import { ExpiryHeap } from './expiry-heap.ts';

export interface Entry {
  type: RedisType;
  value: TypeMap[RedisType];
  /** Absolute Unix time in ms; 0 = persistent. */
  expireAt: number;
  /** What this entry counts for in `usedBytes` as of its last accounting. */
  bytes: number;
}

/**
 * Estimated bytes of a key's bookkeeping besides its name and value: its Map entry, the Entry object and
 * the key string's header in V8. Like ELEMENT_OVERHEAD, an estimate.
 */
export const ENTRY_OVERHEAD = 80;

/** What an entry for `key` holding `value` accounts for. */
export function entryBytes(key: string, value: TypeMap[RedisType]): number {
  return key.length + valueBytes(value) + ENTRY_OVERHEAD;
}

export class Keyspace {
  now = 0;
  private readonly map = new Map<string, Entry>();
  private readonly heap = new ExpiryHeap();
  private volatileKeys = 0;
  private used = 0;
  /** Keys removed by expiry, lazy or active (INFO stats `expired_keys`). */
  expiredCount = 0;
  /** Lookups by `get` while `countingReads` (set by the engine for read-only commands): INFO stats. */
  hits = 0;
  misses = 0;
  countingReads = false;
  /** Called for every key removed by expiry, so hosts can log or propagate it. */
  onExpire: ((key: string) => void) | undefined;
  /**
   * The keyspace-level events (NOTIFY.NEW, NOTIFY.EXPIRED; NOTIFY.HASH and NOTIFY.GENERIC for field
   * expiry's `hexpired` and `del`) `onEvent` wants; the engine keeps it in sync
   * with `notify-keyspace-events`, so while they are off a key creation or expiry pays one integer test.
   */
  eventMask = 0;
  /**
   * True while a read command runs with key-miss events on: a lookup that finds nothing reports `keymiss`
   * (Redis's lookupKeyRead; write lookups never do).
   */
  reportMisses = false;
  /** Receives the keyspace-level events (`new`, `expired`, `keymiss`) to publish. */
  onEvent: ((type: number, event: string, key: string) => void) | undefined;
  /** Hashes with field TTLs by their earliest one (see `armFields`), for the active sweep. */
  private readonly fieldHeap = new ExpiryHeap();
  /** Hash fields removed by field expiry (INFO stats `expired_subkeys`). */
  expiredFields = 0;
  /**
   * Called with the fields of `key` removed by field expiry, lazy or active, so hosts can log them as
   * `HDEL key field` (as Redis propagates them); the hash's key goes with its last field.
   */
  onFieldExpire: ((key: string, fields: string[]) => void) | undefined;

  /** Number of keys, counting ones past their time that no lookup has removed yet (as Redis's DBSIZE). */
  get size(): number {
    return this.map.size;
  }

  /** Estimated bytes of all entries: keys, values and overheads (see `entryBytes`). */
  get usedBytes(): number {
    return this.used;
  }

  get volatileCount(): number {
    return this.volatileKeys;
  }

  /** Pairs waiting in the active-expiry heap, stale ones included: stays within about twice volatileCount. */
  get pendingExpiries(): number {
    return this.heap.size;
  }

  /** The live entry for `key`, removing it first if it has expired. */
  lookup(key: string): Entry | undefined {
    const entry = this.map.get(key);
    if (entry === undefined) {
      if (this.reportMisses) this.onEvent?.(NOTIFY.KEY_MISS, 'keymiss', key);
      return undefined;
    }
    if (entry.expireAt !== 0 && entry.expireAt <= this.now) {
      this.expire(key, entry);
      if (this.reportMisses) this.onEvent?.(NOTIFY.KEY_MISS, 'keymiss', key);
      return undefined;
    }
    // A hash whose every field expired is gone, as Redis deletes it with its last field.
    if (entry.type === 'hash' && this.lastFieldsExpired(key, entry)) {
      if (this.reportMisses) this.onEvent?.(NOTIFY.KEY_MISS, 'keymiss', key);
      return undefined;
    }
    return entry;
  }

  /**
   * `lookup` that never reports a read miss: OBJECT's and SCAN's lookups, which Redis makes with
   * LOOKUP_NONOTIFY or expireIfNeeded alone.
   */
  peek(key: string): Entry | undefined {
    const entry = this.map.get(key);
    if (entry === undefined) return undefined;
    if (entry.expireAt !== 0 && entry.expireAt <= this.now) {
      this.expire(key, entry);
      return undefined;
    }
    if (entry.type === 'hash' && this.lastFieldsExpired(key, entry)) return undefined;
    return entry;
  }

  has(key: string): boolean {
    return this.lookup(key) !== undefined;
  }

  /** The value of `key` if it holds `type`; undefined if missing; throws WRONGTYPE otherwise. */
  get<T extends RedisType>(key: string, type: T): TypeMap[T] | undefined {
    const entry = this.lookup(key);
    if (this.countingReads) {
      if (entry === undefined) this.misses++;
      else this.hits++;
    }
    if (entry === undefined) return undefined;
    if (entry.type !== type) throw WRONGTYPE;
    return entry.value as TypeMap[T];
  }

  /** The value of `key`, created with `create()` if missing; throws WRONGTYPE for another type. */
  getOrCreate<T extends RedisType>(key: string, type: T, create: () => TypeMap[T]): TypeMap[T] {
    const entry = this.lookup(key);
    if (entry !== undefined) {
      if (entry.type !== type) throw WRONGTYPE;
      return entry.value as TypeMap[T];
    }
    const value = create();
    this.insert(key, type, value);
    return value;
  }

  /**
   * Stores `value` at `key`, replacing whatever was there. The TTL is cleared unless `keepTtl`
   * (SET … KEEPTTL, and in-place rewrites such as INCR or APPEND that Redis treats as the same key).
   */
  set<T extends RedisType>(key: string, type: T, value: TypeMap[T], keepTtl = false): void {
    const old = this.lookup(key);
    if (old !== undefined) {
      if (!keepTtl && old.expireAt !== 0) {
        old.expireAt = 0;
        this.volatileKeys--;
      }
      old.type = type;
      old.value = value;
      this.account(key, old);
      if (type === 'hash') this.rearmFields(key, value as Hash);
      return;
    }
    this.insert(key, type, value);
  }

  /** Deletes `key`; true if it existed (and had not expired). */
  delete(key: string): boolean {
    const entry = this.lookup(key);
    if (entry === undefined) return false;
    this.remove(key, entry);
    return true;
  }

  /** Sets an absolute expiry (ms) on an existing key; an instant not in the future deletes it. */
  setExpire(key: string, at: number): boolean {
    const entry = this.lookup(key);
    if (entry === undefined) return false;
    if (at <= this.now) {
      this.remove(key, entry);
      return true;
    }
    if (entry.expireAt === at) return true;
    if (entry.expireAt === 0) this.volatileKeys++;
    entry.expireAt = at;
    this.heap.push(at, key);
    if (this.heap.size > 64 && this.heap.size > 2 * this.volatileKeys) this.compactHeap();
    return true;
  }

  /** Removes the TTL; true if there was one. */
  persist(key: string): boolean {
    const entry = this.lookup(key);
    if (entry === undefined || entry.expireAt === 0) return false;
    entry.expireAt = 0;
    this.volatileKeys--;
    return true;
  }

  /** Moves the entry of `from` to `to` (RENAME), TTL included, replacing `to`. */
  rename(from: string, to: string): boolean {
    const entry = this.lookup(from);
    if (entry === undefined) return false;
    if (from === to) return true;
    this.delete(to);
    this.map.delete(from);
    this.map.set(to, entry);
    this.account(to, entry);
    if (entry.expireAt !== 0) this.heap.push(entry.expireAt, to);
    if (entry.type === 'hash') this.rearmFields(to, entry.value as Hash);
    // Redis re-adds the value under its new name (dbAdd), which reports the name as new.
    if (this.eventMask & NOTIFY.NEW) this.onEvent?.(NOTIFY.NEW, 'new', to);
    return true;
  }

  /** Inserts a fully-formed entry (COPY, RESTORE), replacing any key there. */
  put(key: string, type: RedisType, value: TypeMap[RedisType], expireAt: number): void {
    this.delete(key);
    this.insert(key, type, value);
    if (expireAt !== 0) this.setExpire(key, expireAt);
  }

  /** Live keys, in insertion order. Skips (but does not remove) keys past their time. */
  *keys(): IterableIterator<string> {
    for (const [key, entry] of this.map) {
      if (entry.expireAt === 0 || entry.expireAt > this.now) yield key;
    }
  }

  /** The raw map, for scans that keep an iterator across calls. Entries may be past their time. */
  entries(): Map<string, Entry> {
    return this.map;
  }

  /**
   * The key to evict next when the platform must free memory, as Upstash's "optimistic-volatile" policy
   * prefers: a key with a TTL (the soonest to expire, so the least time-to-live is lost), else the oldest
   * key written (insertion order, a cheap stand-in for least recently used). Amortised O(1); stale heap
   * pairs met on the way are dropped.
   */
  evictionCandidate(): string | undefined {
    const heap = this.heap;
    while (heap.size > 0) {
      const key = heap.peekKey();
      if (this.map.get(key)?.expireAt === heap.peekTime()) return key;
      heap.pop();
    }
    for (const key of this.map.keys()) return key;
    return undefined;
  }

  /** A uniformly random live key (RANDOMKEY). O(n); Redis samples its hash table instead. */
  randomKey(random: () => number): string | undefined {
    for (let attempts = 0; attempts < 100 && this.map.size > 0; attempts++) {
      let skip = Math.floor(random() * this.map.size);
      for (const [key, entry] of this.map) {
        if (skip-- > 0) continue;
        if (entry.expireAt !== 0 && entry.expireAt <= this.now) {
          this.expire(key, entry);
          break;
        }
        return key;
      }
    }
    return undefined;
  }

  /**
   * Brings `key`'s share of `usedBytes` up to date after its collection changed in place. O(1); a key
   * that is gone (deleted, or never created) needs nothing.
   */
  reaccount(key: string): void {
    const entry = this.map.get(key);
    if (entry !== undefined) this.account(key, entry);
  }

  flush(): void {
    this.map.clear();
    this.heap.clear();
    this.fieldHeap.clear();
    this.volatileKeys = 0;
    this.used = 0;
  }

  /**
   * Deletes keys whose time has come, earliest first, stopping after `limit` deletions. Returns how many
   * it deleted; a host calls it from a timer (Redis's active expire cycle).
   */
  activeExpire(limit = 1000): number {
    let deleted = 0;
    while (deleted < limit && this.heap.size > 0 && this.heap.peekTime() <= this.now) {
      const at = this.heap.peekTime();
      const key = this.heap.pop();
      const entry = this.map.get(key);
      if (entry !== undefined && entry.expireAt === at) {
        this.expire(key, entry);
        deleted++;
      }
    }
    return deleted + this.activeExpireFields(limit - deleted);
  }

  /**
   * Registers `hash` (stored at `key`) for the active sweep at its earliest field expiry, unless it is
   * registered no later already. Commands that give fields a TTL call it; storing a hash does too.
   */
  armFields(key: string, hash: Hash): void {
    const at = hash.nextExpiry();
    if (at >= hash.armedAt) return;
    hash.armedAt = at;
    this.fieldHeap.push(at, key);
    if (this.fieldHeap.size > 64 && this.fieldHeap.size > 2 * this.map.size) this.compactFieldHeap();
  }

  /** `armFields` for a hash newly stored under `key`: a registration under another name does not count. */
  private rearmFields(key: string, hash: Hash): void {
    hash.armedAt = Number.POSITIVE_INFINITY;
    this.armFields(key, hash);
  }

  /** Removes due fields of hashes, earliest first, at most `limit`; returns how many it removed. */
  private activeExpireFields(limit: number): number {
    let deleted = 0;
    const heap = this.fieldHeap;
    while (deleted < limit && heap.size > 0 && heap.peekTime() <= this.now) {
      const at = heap.peekTime();
      const key = heap.pop();
      const entry = this.map.get(key);
      if (entry === undefined || entry.type !== 'hash') continue;
      const hash = entry.value as Hash;
      // A key past its own time is the key sweep's to delete, fields and all.
      if (hash.armedAt !== at || (entry.expireAt !== 0 && entry.expireAt <= this.now)) continue;
      hash.armedAt = Number.POSITIVE_INFINITY;
      deleted += this.expireFields(key, entry, limit - deleted);
      if (this.map.get(key) === entry) this.armFields(key, hash);
    }
    return deleted;
  }

  /** Purges the hash's due fields; true when that removed its last field and so the key. */
  private lastFieldsExpired(key: string, entry: Entry): boolean {
    if ((entry.value as Hash).nextExpiry() > this.now) return false;
    this.expireFields(key, entry, Number.POSITIVE_INFINITY);
    return this.map.get(key) !== entry;
  }

  /**
   * Removes up to `limit` due fields of the hash at `key`, as Redis's field expiry: logged as HDELs,
   * announced as one `hexpired` event, then `del` when the key goes with its last field.
   */
  private expireFields(key: string, entry: Entry, limit: number): number {
    const hash = entry.value as Hash;
    const fields = hash.expireDue(this.now, limit);
    if (fields.length === 0) return 0;
    this.expiredFields += fields.length;
    this.onFieldExpire?.(key, fields);
    if (this.eventMask & NOTIFY.HASH) this.onEvent?.(NOTIFY.HASH, 'hexpired', key);
    if (hash.size === 0) {
      this.remove(key, entry);
      if (this.eventMask & NOTIFY.GENERIC) this.onEvent?.(NOTIFY.GENERIC, 'del', key);
    } else {
      this.account(key, entry);
    }
    return fields.length;
  }

  /** Keeps the live registration of each hash only (see `armFields`). */
  private compactFieldHeap(): void {
    this.fieldHeap.compact((key, at) => {
      const entry = this.map.get(key);
      return entry !== undefined && entry.type === 'hash' && (entry.value as Hash).armedAt === at;
    });
  }

  private expire(key: string, entry: Entry): void {
    this.remove(key, entry);
    this.expiredCount++;
    this.onExpire?.(key);
    if (this.eventMask & NOTIFY.EXPIRED) this.onEvent?.(NOTIFY.EXPIRED, 'expired', key);
  }

  private remove(key: string, entry: Entry): void {
    this.map.delete(key);
    this.used -= entry.bytes;
    if (entry.expireAt !== 0) this.volatileKeys--;
  }

  private insert(key: string, type: RedisType, value: TypeMap[RedisType]): void {
    const bytes = entryBytes(key, value);
    this.map.set(key, { type, value, expireAt: 0, bytes });
    this.used += bytes;
    if (type === 'hash') this.rearmFields(key, value as Hash);
    if (this.eventMask & NOTIFY.NEW) this.onEvent?.(NOTIFY.NEW, 'new', key);
  }

  private account(key: string, entry: Entry): void {
    const bytes = entryBytes(key, entry.value);
    this.used += bytes - entry.bytes;
    entry.bytes = bytes;
  }

  /** Keeps one pair per volatile key: re-arming a key at the same instant leaves duplicates that are live. */
  private compactHeap(): void {
    const kept = new Set<string>();
    this.heap.compact((key, at) => {
      if (this.map.get(key)?.expireAt !== at || kept.has(key)) return false;
      kept.add(key);
      return true;
    });
  }
}
