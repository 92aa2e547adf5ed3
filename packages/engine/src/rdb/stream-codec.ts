/**
 * A stream's DUMP body. Redis's own (listpacks in a radix tree) is not reproduced: the type byte is
 * RDB_TYPE_STREAM_LISTPACKS_3 but the body is a plain encoding of ours, so a Redis server refuses it and we
 * refuse Redis's. Layout, with RDB lengths and strings (IDs as their 16-byte keys, numbers as decimal text):
 *
 *   entries: n, then n × (id, field-count, fields…)
 *   last-id, max-deleted-id, entries-added
 *   groups: n, then n × (name, last-id, entries-read,
 *                        consumers: n × (name, seen-time, active-time),
 *                        pending: n × (id, consumer, delivery-time, delivery-count))
 */
import { type Consumer, type Group, Stream } from '../types/stream.ts';
import type { StreamId } from '../types/stream-id.ts';
import { type RdbReader, writeLength, writeString } from './string.ts';

export const RDB_TYPE_STREAM = 21;

export function encodeStream(s: Stream): string {
  const out: string[] = [writeLength(s.length)];
  for (const [id, fields] of s) {
    out.push(writeString(id), writeLength(fields.length));
    for (const f of fields) out.push(writeString(f));
  }
  out.push(writeString(s.lastId), writeString(s.maxDeletedId), writeString(String(s.entriesAdded)));
  out.push(writeLength(s.groups.size));
  // Groups and consumers in name order, so equal streams encode equally.
  for (const g of s.sortedGroups()) {
    out.push(writeString(g.name), writeString(g.lastId), writeString(String(g.entriesRead)));
    out.push(writeLength(g.consumers.size));
    for (const c of g.sortedConsumers()) {
      out.push(writeString(c.name), writeString(String(c.seenTime)), writeString(String(c.activeTime)));
    }
    out.push(writeLength(g.pel.size));
    for (const [id, nack] of g.pel) {
      out.push(writeString(id), writeString(nack.consumer.name), writeString(String(nack.time)));
      out.push(writeString(String(nack.count)));
    }
  }
  return out.join('');
}

function count(r: RdbReader): number | null {
  const n = r.length();
  return typeof n === 'number' && n >= 0 ? n : null;
}

function id(r: RdbReader): StreamId | null {
  const s = r.string();
  return s !== null && s.length === 16 ? s : null;
}

function num(r: RdbReader): number | null {
  const s = r.string();
  if (s === null || !/^-?[0-9]+$/.test(s)) return null;
  return Number(s);
}

/** The stream in a body, or null when malformed (IDs out of order, unknown consumers, bad numbers). */
export function decodeStream(r: RdbReader): Stream | null {
  const s = new Stream();
  const n = count(r);
  if (n === null) return null;
  let prev: StreamId | null = null;
  for (let i = 0; i < n; i++) {
    const key = id(r);
    const nf = key === null ? null : count(r);
    if (key === null || nf === null || nf < 2 || nf % 2 !== 0 || (prev !== null && key <= prev)) return null;
    const fields: string[] = [];
    for (let j = 0; j < nf; j++) {
      const f = r.string();
      if (f === null) return null;
      fields.push(f);
    }
    s.append(key, fields);
    prev = key;
  }
  const last = id(r);
  const maxDeleted = id(r);
  const added = num(r);
  if (last === null || maxDeleted === null || added === null || (prev !== null && last < prev)) return null;
  s.lastId = last;
  s.maxDeletedId = maxDeleted;
  s.entriesAdded = added;
  const ng = count(r);
  if (ng === null) return null;
  for (let i = 0; i < ng; i++) if (!readGroup(r, s)) return null;
  return s;
}

function readGroup(r: RdbReader, s: Stream): boolean {
  const name = r.string();
  const lastId = id(r);
  const read = num(r);
  if (name === null || lastId === null || read === null) return false;
  const group = s.createGroup(name, lastId, read) as Group | null;
  const nc = count(r);
  if (group === null || nc === null) return false;
  for (let i = 0; i < nc; i++) {
    const cname = r.string();
    const seen = num(r);
    const active = num(r);
    if (cname === null || seen === null || active === null) return false;
    const c = s.createConsumer(group, cname, seen) as Consumer | null;
    if (c === null) return false;
    c.activeTime = active;
  }
  const np = count(r);
  if (np === null) return false;
  for (let i = 0; i < np; i++) {
    const pid = id(r);
    const owner = r.string();
    const time = num(r);
    const deliveries = num(r);
    const c = owner === null ? undefined : group.consumers.get(owner);
    if (pid === null || c === undefined || time === null || deliveries === null || group.pel.has(pid)) return false;
    s.assign(group, pid, c, time, deliveries);
  }
  return true;
}
