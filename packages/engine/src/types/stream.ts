/**
 * A stream: entries (ID → field/value pairs) in ID order, plus consumer groups with their pending-entries
 * lists (PEL). Entries live in an EntryIndex (stream-entries.ts) whose nodes mirror Redis's listpack nodes:
 * a node takes new entries until it has held NODE_MAX_ENTRIES (deleted ones count, as Redis's tombstones
 * do) or its estimated listpack size reaches NODE_MAX_BYTES. Approximate (`~`) trimming drops whole nodes,
 * so with Redis's default node limits it removes what Redis removes. Deleted entries are really removed
 * here (no tombstones); only the node-fullness rule remembers them.
 */

import { IdIndex } from './id-index.ts';
import { ELEMENT_OVERHEAD } from './index.ts';
import { packFields, unpackFields } from './packed-fields.ts';
import { EntryIndex, type EntryNode } from './stream-entries.ts';
import { idMs, idSeq, MIN_ID, type StreamId } from './stream-id.ts';

/** Redis's stream-node-max-entries and stream-node-max-bytes defaults. */
export const NODE_MAX_ENTRIES = 100;
export const NODE_MAX_BYTES = 4096;
/** PEL chunks: only a lookup structure, any size will do. */
const PEL_CHUNK = 128;
/**
 * What a node costs Redis besides its listpack bytes: its radix-tree key and node (about 64 bytes) and, on
 * average, half of a jemalloc size class of slack at listpack sizes (about 192). Streams are accounted as
 * Redis would measure them (1M bench entries: 20.7 bytes each here, 21.1 by Redis's used_memory), so a
 * plan's data limit holds as many entries as it would on Upstash; deleted entries still count until their
 * node goes, as in Redis.
 */
const NODE_OVERHEAD = 256;

/** A pending entry: delivered to `consumer`, not yet acknowledged. Shared by the group and consumer PELs. */
export interface Nack {
  consumer: Consumer;
  /** Last delivery, unix ms. */
  time: number;
  count: number;
}

export class Consumer {
  readonly name: string;
  /** Last attempted interaction (XREADGROUP, XCLAIM, XAUTOCLAIM), unix ms. */
  seenTime: number;
  /** Last successful interaction (entries read or claimed), or -1 when never. */
  activeTime = -1;
  readonly pel = new IdIndex<Nack>(PEL_CHUNK);
  constructor(name: string, now: number) {
    this.name = name;
    this.seenTime = now;
  }
}

/** Redis's SCG_INVALID_ENTRIES_READ: the group's read counter is unknown. */
export const ENTRIES_READ_UNKNOWN = -1;

export class Group {
  readonly name: string;
  lastId: StreamId;
  entriesRead: number;
  readonly pel = new IdIndex<Nack>(PEL_CHUNK);
  readonly consumers = new Map<string, Consumer>();
  constructor(name: string, lastId: StreamId, entriesRead: number) {
    this.name = name;
    this.lastId = lastId;
    this.entriesRead = entriesRead;
  }

  /** Consumers in Redis's order (its radix tree: byte order of names). */
  sortedConsumers(): Consumer[] {
    return [...this.consumers.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}

/** Bytes of a listpack integer element with its back-length (listpack.c's encodings). */
function lpIntBytes(n: number): number {
  if (n >= 0 && n <= 127) return 2;
  if (n >= -4096 && n <= 4095) return 3;
  if (n >= -32768 && n <= 32767) return 4;
  if (n >= -8388608 && n <= 8388607) return 5;
  if (n >= -2147483648 && n <= 2147483647) return 6;
  return 10;
}

const INT_TEXT = /^(0|-?[1-9][0-9]{0,18})$/;

/** Bytes of a listpack string element (stored as an integer when it reads as one). */
function lpStringBytes(s: string): number {
  if (INT_TEXT.test(s)) {
    const n = Number(s);
    if (Number.isSafeInteger(n)) return lpIntBytes(n);
    const b = BigInt(s);
    if (b >= -(2n ** 63n) && b < 2n ** 63n) return 10;
  }
  const body = (s.length < 64 ? 1 : s.length < 4096 ? 2 : 5) + s.length;
  return body + (body < 128 ? 1 : body < 16384 ? 2 : body < 2097152 ? 3 : body < 268435456 ? 4 : 5);
}

function diffBytes(a: number | bigint, b: number | bigint): number {
  if (typeof a === 'number' && typeof b === 'number') return lpIntBytes(a - b);
  return 10;
}

export class Stream {
  /** Entries by ID, each one's field/value list packed into one string (packed-fields.ts). */
  readonly entries = new EntryIndex(NODE_MAX_ENTRIES);
  /** Last ID ever generated (XADD) or set (XSETID). */
  lastId: StreamId = MIN_ID;
  maxDeletedId: StreamId = MIN_ID;
  entriesAdded = 0;
  /** Groups by name; Redis lists them in byte order of names (sortedGroups). */
  readonly groups = new Map<string, Group>();
  private used = 0;
  // The open tail node as Redis would encode it: its chunk, master entry ID and fields, listpack bytes.
  private tail: EntryNode | undefined;
  private tailMasterId: StreamId = MIN_ID;
  private tailMasterFields: string[] = [];
  private tailBytes = 0;

  get size(): number {
    return this.entries.size;
  }

  get length(): number {
    return this.entries.size;
  }

  /** Estimated bytes: entries, plus pending entries, consumers and groups. */
  get bytes(): number {
    return this.used;
  }

  /** ID of the first entry, 0-0 when empty (Redis's first_id). */
  get firstId(): StreamId {
    return this.entries.firstKey() ?? MIN_ID;
  }

  /** Appends an entry whose ID is above lastId; `fields` is the flat field/value list. */
  append(id: StreamId, fields: string[]): void {
    let raw = 0;
    for (const f of fields) raw += f.length;
    const open = this.tail !== undefined && this.entries.lastNode() === this.tail;
    const fresh = !open || this.tailBytes + raw >= NODE_MAX_BYTES || (this.tail as EntryNode).slots >= NODE_MAX_ENTRIES;
    this.entries.append(id, packFields(fields), fresh);
    if (fresh) {
      this.tail = this.entries.lastNode();
      this.tailMasterId = id;
      this.tailMasterFields = [];
      // Header and end byte, then the master entry: count, deleted, field count, fields, terminator.
      this.tailBytes = 7 + 2 + 2 + lpIntBytes(fields.length / 2) + 2;
      for (let i = 0; i < fields.length; i += 2) {
        this.tailMasterFields.push(fields[i] as string);
        this.tailBytes += lpStringBytes(fields[i] as string);
      }
    }
    this.tailBytes += this.entryBytes(id, fields);
    const node = this.tail as EntryNode;
    this.used += NODE_OVERHEAD + this.tailBytes - node.bytes;
    node.bytes = NODE_OVERHEAD + this.tailBytes;
    this.lastId = id;
    this.entriesAdded++;
  }

  /** The listpack bytes of one entry in the tail node (Redis's streamAppendItem layout). */
  private entryBytes(id: StreamId, fields: string[]): number {
    const master = this.tailMasterFields;
    let same = master.length * 2 === fields.length;
    for (let i = 0; same && i < master.length; i++) if (master[i] !== fields[2 * i]) same = false;
    let n = 2 + diffBytes(idMs(id), idMs(this.tailMasterId)) + diffBytes(idSeq(id), idSeq(this.tailMasterId));
    let elements = 3;
    if (!same) {
      n += lpIntBytes(fields.length / 2);
      elements++;
    }
    for (let i = 0; i < fields.length; i += 2) {
      if (!same) {
        n += lpStringBytes(fields[i] as string);
        elements++;
      }
      n += lpStringBytes(fields[i + 1] as string);
      elements++;
    }
    return n + lpIntBytes(elements);
  }

  get(id: StreamId): string[] | undefined {
    const packed = this.entries.get(id);
    return packed === undefined ? undefined : unpackFields(packed);
  }

  /**
   * Calls `fn` for entries in [from, to] ascending (descending when `rev`) until it returns false. The
   * stream must not change meanwhile.
   */
  range(from: StreamId, to: StreamId, rev: boolean, fn: (id: StreamId, fields: string[]) => boolean | undefined): void {
    this.entries.range(from, to, rev, (id, packed) => fn(id, unpackFields(packed)));
  }

  /** Every entry in ID order, with its field/value list. */
  *[Symbol.iterator](): IterableIterator<[StreamId, string[]]> {
    for (const [id, packed] of this.entries) yield [id, unpackFields(packed)];
  }

  /** Deletes one entry; true when it was there. Does not touch maxDeletedId (XDEL does). */
  delete(id: StreamId): boolean {
    const deleted = this.entries.delete(id);
    if (deleted === false) return false;
    // Like a listpack's deleted flag, an entry frees nothing until its whole node goes.
    if (deleted !== true) this.used -= deleted.bytes;
    return true;
  }

  /** Drops the head node whole; the number of entries it held. */
  dropHeadNode(): number {
    const dropped = this.entries.dropFirstNode();
    if (dropped === undefined) return 0;
    this.used -= dropped.bytes;
    return dropped.n;
  }

  /** The last entry's ID, or undefined when empty (streamLastValidID). */
  lastEntryId(): StreamId | undefined {
    return this.entries.lastKey();
  }

  sortedGroups(): Group[] {
    return [...this.groups.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  createGroup(name: string, lastId: StreamId, entriesRead: number): Group | null {
    if (this.groups.has(name)) return null;
    const group = new Group(name, lastId, entriesRead);
    this.groups.set(name, group);
    this.used += name.length + ELEMENT_OVERHEAD;
    return group;
  }

  destroyGroup(name: string): boolean {
    const group = this.groups.get(name);
    if (group === undefined) return false;
    this.groups.delete(name);
    this.used -= name.length + ELEMENT_OVERHEAD + group.pel.size * ELEMENT_OVERHEAD;
    for (const c of group.consumers.values()) this.used -= c.name.length + ELEMENT_OVERHEAD;
    return true;
  }

  createConsumer(group: Group, name: string, now: number): Consumer | null {
    if (group.consumers.has(name)) return null;
    const consumer = new Consumer(name, now);
    group.consumers.set(name, consumer);
    this.used += name.length + ELEMENT_OVERHEAD;
    return consumer;
  }

  /** Deletes a consumer and its pending entries; how many it had. */
  deleteConsumer(group: Group, consumer: Consumer): number {
    const pending = consumer.pel.size;
    for (const [id] of consumer.pel) group.pel.delete(id);
    group.consumers.delete(consumer.name);
    this.used -= consumer.name.length + ELEMENT_OVERHEAD + pending * ELEMENT_OVERHEAD;
    return pending;
  }

  /** Makes `id` pending for `consumer` (creating or moving the NACK); returns it. */
  assign(group: Group, id: StreamId, consumer: Consumer, time: number, count: number): Nack {
    let nack = group.pel.get(id);
    if (nack === undefined) {
      nack = { consumer, time, count };
      group.pel.set(id, nack);
      consumer.pel.set(id, nack);
      this.used += ELEMENT_OVERHEAD;
      return nack;
    }
    if (nack.consumer !== consumer) {
      nack.consumer.pel.delete(id);
      consumer.pel.set(id, nack);
      nack.consumer = consumer;
    }
    nack.time = time;
    nack.count = count;
    return nack;
  }

  /** Acknowledges `id` in `group`; true when it was pending. */
  ack(group: Group, id: StreamId): boolean {
    const nack = group.pel.delete(id);
    if (nack === undefined) return false;
    nack.consumer.pel.delete(id);
    this.used -= ELEMENT_OVERHEAD;
    return true;
  }

  /** True when some group still needs `id`: not yet delivered to it, or pending in its PEL (ACKED). */
  isReferenced(id: StreamId): boolean {
    for (const group of this.groups.values()) {
      if (id > group.lastId || group.pel.has(id)) return true;
    }
    return false;
  }

  /** Removes `id` from every group's PEL (DELREF). */
  dropReferences(id: StreamId): void {
    for (const group of this.groups.values()) this.ack(group, id);
  }

  /** The bytes `bytes` should hold, counted from scratch (memory accounting tests). */
  recount(): number {
    let n = 0;
    for (const node of this.entries.nodes) n += node.bytes;
    for (const g of this.groups.values()) {
      n += g.name.length + ELEMENT_OVERHEAD + g.pel.size * ELEMENT_OVERHEAD;
      for (const c of g.consumers.values()) n += c.name.length + ELEMENT_OVERHEAD;
    }
    return n;
  }

  clone(): Stream {
    const copy = new Stream();
    copy.entries.copyFrom(this.entries);
    copy.tail = this.tail !== undefined && this.tail === this.entries.lastNode() ? copy.entries.lastNode() : undefined;
    copy.tailMasterId = this.tailMasterId;
    copy.tailMasterFields = this.tailMasterFields;
    copy.tailBytes = this.tailBytes;
    copy.lastId = this.lastId;
    copy.maxDeletedId = this.maxDeletedId;
    copy.entriesAdded = this.entriesAdded;
    copy.used = this.used;
    for (const group of this.groups.values()) {
      const g = new Group(group.name, group.lastId, group.entriesRead);
      copy.groups.set(g.name, g);
      for (const c of group.consumers.values()) {
        const cc = new Consumer(c.name, c.seenTime);
        cc.activeTime = c.activeTime;
        g.consumers.set(cc.name, cc);
      }
      for (const [id, nack] of group.pel) {
        const owner = g.consumers.get(nack.consumer.name) as Consumer;
        const n: Nack = { consumer: owner, time: nack.time, count: nack.count };
        g.pel.append(id, n);
        owner.pel.set(id, n);
      }
    }
    return copy;
  }
}
