/**
 * The crash test's load and its accounting. Each writer sends one write at a time, so its writes reach the
 * log in the order it sent them, and it records when each was sent and acknowledged on a tick counter
 * shared by all writers (real-time order across writers). After a crash and restart, `checkRound` reads the
 * round's keys back and checks them against that history.
 */
import assert from 'node:assert/strict';
import { seededRandom } from '@redstash/engine/testing';
import { rest } from './server-process.ts';

export type Op =
  | { kind: 'incr'; key: string }
  | { kind: 'set'; key: string; value: string }
  | { kind: 'push'; key: string; elem: string }
  /** MULTI/EXEC over /multi-exec: SET a and SET b, the same value. */
  | { kind: 'tx'; a: string; b: string; value: string };

export interface Sent {
  op: Op;
  sendTick: number;
  /** Infinity while unacknowledged. */
  ackTick: number;
}

export interface WriterLog {
  id: number;
  ops: Sent[];
  acked: number;
  /** A reply that was not the expected success, or a failed request while the server was meant to run. */
  failure?: string;
}

export interface Ticks {
  now: number;
}

export const COUNTERS = 3;
export const LISTS = 2;

/** Seeded randomness to pick operations and kill times: the engine's mulberry32. */
export const prng = seededRandom;

function makeOp(rand: () => number, prefix: string, writer: number, i: number): Op {
  const r = rand();
  // Values of varying length, so records (and a torn cut) land at irregular offsets.
  const value = `${writer}.${i}.${'v'.repeat(Math.floor(rand() * 48))}`;
  if (r < 0.3) return { kind: 'incr', key: `${prefix}ctr:${Math.floor(rand() * COUNTERS)}` };
  if (r < 0.6) return { kind: 'set', key: `${prefix}u:${writer}:${i}`, value };
  if (r < 0.85) return { kind: 'push', key: `${prefix}list:${Math.floor(rand() * LISTS)}`, elem: `${writer}:${i}` };
  return { kind: 'tx', a: `${prefix}a:${writer}:${i}`, b: `${prefix}b:${writer}:${i}`, value };
}

/** The request for `op` and whether a reply acknowledges it. */
function request(op: Op): { path: string; body: unknown; ok: (json: unknown) => boolean } {
  const result = (json: unknown) => (json as { result?: unknown }).result;
  switch (op.kind) {
    case 'incr':
      return { path: '/', body: ['INCR', op.key], ok: (j) => typeof result(j) === 'number' };
    case 'set':
      return { path: '/', body: ['SET', op.key, op.value], ok: (j) => result(j) === 'OK' };
    case 'push':
      return { path: '/', body: ['RPUSH', op.key, op.elem], ok: (j) => typeof result(j) === 'number' };
    case 'tx':
      return {
        path: '/multi-exec',
        body: [
          ['SET', op.a, op.value],
          ['SET', op.b, op.value],
        ],
        ok: (j) => Array.isArray(j) && j.length === 2 && j.every((r) => result(r) === 'OK'),
      };
  }
}

/**
 * Sends up to `maxOps` writes one after another until a request fails. A failure is expected only once
 * `killed()` is true; before that it is recorded as the writer's failure.
 */
export async function runWriter(
  url: string,
  log: WriterLog,
  rand: () => number,
  prefix: string,
  maxOps: number,
  ticks: Ticks,
  killed: () => boolean,
): Promise<void> {
  for (let i = 0; i < maxOps; i++) {
    const op = makeOp(rand, prefix, log.id, i);
    const sent: Sent = { op, sendTick: ticks.now++, ackTick: Number.POSITIVE_INFINITY };
    log.ops.push(sent);
    const { path, body, ok } = request(op);
    let reply: { status: number; json: unknown };
    try {
      reply = await rest(url, body, path);
    } catch (err) {
      if (!killed()) log.failure = `request ${i} failed before the kill: ${(err as Error).message}`;
      return;
    }
    if (reply.status !== 200 || !ok(reply.json)) {
      log.failure = `request ${i} (${JSON.stringify(body)}) got ${reply.status} ${JSON.stringify(reply.json)}`;
      return;
    }
    sent.ackTick = ticks.now++;
    log.acked = i + 1;
  }
}

/** What a round's keys hold after the restart. */
export interface Observed {
  keys: string[];
  counters: Map<string, string | null>;
  lists: Map<string, string[]>;
  /** Every SET key and transaction key sent: its value, or null when absent. */
  values: Map<string, string | null>;
}

const MGET_CHUNK = 2000;

export async function observe(url: string, prefix: string, writers: readonly WriterLog[]): Promise<Observed> {
  const counterKeys = Array.from({ length: COUNTERS }, (_, i) => `${prefix}ctr:${i}`);
  const listKeys = Array.from({ length: LISTS }, (_, i) => `${prefix}list:${i}`);
  const valueKeys: string[] = [];
  for (const w of writers)
    for (const { op } of w.ops) {
      if (op.kind === 'set') valueKeys.push(op.key);
      else if (op.kind === 'tx') valueKeys.push(op.a, op.b);
    }
  const commands: unknown[] = [
    ['KEYS', `${prefix}*`],
    ...counterKeys.map((k) => ['GET', k]),
    ...listKeys.map((k) => ['LRANGE', k, '0', '-1']),
  ];
  for (let i = 0; i < valueKeys.length; i += MGET_CHUNK) commands.push(['MGET', ...valueKeys.slice(i, i + MGET_CHUNK)]);
  const { status, json } = await rest(url, commands, '/pipeline');
  assert.equal(status, 200, JSON.stringify(json));
  const results = (json as { result?: unknown; error?: string }[]).map((r) => {
    assert.equal(r.error, undefined);
    return r.result;
  });
  let at = 0;
  const keys = (results[at++] as string[]).sort();
  const counters = new Map(counterKeys.map((k) => [k, results[at++] as string | null]));
  const lists = new Map(listKeys.map((k) => [k, results[at++] as string[]]));
  const flat = results.slice(at).flat() as (string | null)[];
  return { keys, counters, lists, values: new Map(valueKeys.map((k, i) => [k, flat[i] ?? null])) };
}

export interface RoundStats {
  sent: number;
  acked: number;
  /** Identifiable writes (SET, RPUSH, transactions) acknowledged / present after the restart. */
  ackedWrites: number;
  presentWrites: number;
  /** Acknowledged identifiable writes missing, plus acknowledged increments a counter is short of. */
  lost: number;
  /** Writes present that were sent but never acknowledged (in flight at the kill). */
  unackedPresent: number;
}

/**
 * The state must be the log replayed up to some point: for each writer, the writes present are a prefix of
 * what it sent; a write acknowledged before another was sent is present if that one is; no transaction is
 * half there; nothing that was never sent exists. With `ackedSurvive`, the prefix covers every acknowledged
 * write. Counters cannot tell writers apart, so their value is bounded by the prefixes the other writes pin.
 */
export function checkRound(
  prefix: string,
  writers: readonly WriterLog[],
  seen: Observed,
  ackedSurvive: boolean,
  where: string,
): RoundStats {
  const sentKeys = new Set<string>();
  const listIndex = new Map<string, Map<string, Sent>>();
  for (const w of writers)
    for (const s of w.ops) {
      const { op } = s;
      if (op.kind === 'tx') sentKeys.add(op.a).add(op.b);
      else sentKeys.add(op.key);
      if (op.kind === 'push') {
        const byElem = listIndex.get(op.key) ?? new Map<string, Sent>();
        listIndex.set(op.key, byElem.set(op.elem, s));
      }
    }
  for (const k of seen.keys) assert.ok(sentKeys.has(k), `${where}: key ${k} exists but was never written`);
  for (const k of seen.keys) assert.ok(k.startsWith(prefix));

  // Lists: each element once, each one sent, and in real-time order.
  const inList = new Set<Sent>();
  for (const [key, elems] of seen.lists) {
    const byElem = listIndex.get(key) ?? new Map<string, Sent>();
    let minAckAfter = Number.POSITIVE_INFINITY;
    for (let i = elems.length - 1; i >= 0; i--) {
      const s = byElem.get(elems[i] as string);
      assert.ok(s !== undefined, `${where}: ${key} holds ${elems[i]}, never pushed there`);
      assert.ok(!inList.has(s), `${where}: ${key} holds ${elems[i]} twice`);
      inList.add(s);
      assert.ok(
        !(minAckAfter < s.sendTick),
        `${where}: ${key} has ${elems[i]} before an element acknowledged before it was sent`,
      );
      minAckAfter = Math.min(minAckAfter, s.ackTick);
    }
  }

  const present = (s: Sent): boolean | undefined => {
    const { op } = s;
    if (op.kind === 'incr') return undefined;
    if (op.kind === 'push') return inList.has(s);
    if (op.kind === 'set') {
      const v = seen.values.get(op.key) ?? null;
      assert.ok(v === null || v === op.value, `${where}: ${op.key} = ${v}, written as ${op.value}`);
      return v !== null;
    }
    const a = seen.values.get(op.a) ?? null;
    const b = seen.values.get(op.b) ?? null;
    assert.equal(a === null, b === null, `${where}: transaction half applied: ${op.a} = ${a}, ${op.b} = ${b}`);
    assert.ok(a === null || (a === op.value && b === op.value), `${where}: transaction ${op.a} holds ${a}/${b}`);
    return a !== null;
  };

  const stats: RoundStats = { sent: 0, acked: 0, ackedWrites: 0, presentWrites: 0, lost: 0, unackedPresent: 0 };
  let latestPresentSend = Number.NEGATIVE_INFINITY;
  let earliestMissingAck = Number.POSITIVE_INFINITY;
  const spans = writers.map((w) => {
    assert.equal(w.failure, undefined, `${where}: writer ${w.id}: ${w.failure}`);
    assert.ok(w.ops.length - w.acked <= 1, 'one request in flight per writer');
    stats.sent += w.ops.length;
    stats.acked += w.acked;
    let lastPresent = -1;
    let firstMissing = w.ops.length;
    w.ops.forEach((s, i) => {
      const p = present(s);
      if (p === undefined) return;
      if (i < w.acked) stats.ackedWrites++;
      if (p) {
        stats.presentWrites++;
        if (i >= w.acked) stats.unackedPresent++;
        lastPresent = i;
        latestPresentSend = Math.max(latestPresentSend, s.sendTick);
      } else {
        if (i < w.acked) stats.lost++;
        firstMissing = Math.min(firstMissing, i);
        earliestMissingAck = Math.min(earliestMissingAck, s.ackTick);
      }
    });
    assert.ok(
      lastPresent < firstMissing,
      `${where}: writer ${w.id} has write ${lastPresent} present but ${firstMissing} (sent before it) missing`,
    );
    if (ackedSurvive)
      assert.ok(firstMissing >= w.acked, `${where}: writer ${w.id}: acknowledged write ${firstMissing} is missing`);
    return { w, lastPresent, firstMissing };
  });

  // Across writers: nothing acknowledged before a present write was sent may be missing.
  for (const { w, firstMissing } of spans) {
    const s = w.ops[firstMissing];
    if (s !== undefined)
      assert.ok(
        !(s.ackTick < latestPresentSend),
        `${where}: writer ${w.id}'s write ${firstMissing} is missing though a write sent after its ack is present`,
      );
  }

  // Counters: each writer's applied prefix is at least up to its last present write (and everything
  // acknowledged before any present write was sent), and stops before its first missing one (and before
  // anything sent after a missing write was acknowledged).
  for (const [key, text] of seen.counters) {
    const value = text === null ? 0 : Number(text);
    let low = 0;
    let high = 0;
    let ackedIncrs = 0;
    for (const { w, lastPresent, firstMissing } of spans) {
      let from = lastPresent + 1;
      if (ackedSurvive) from = Math.max(from, w.acked);
      while (from < w.ops.length && (w.ops[from] as Sent).ackTick < latestPresentSend) from++;
      let to = firstMissing;
      while (to > 0 && (w.ops[to - 1] as Sent).sendTick > earliestMissingAck) to--;
      w.ops.forEach((s, i) => {
        if (s.op.kind !== 'incr' || s.op.key !== key) return;
        if (i < from) low++;
        if (i < to) high++;
        if (i < w.acked) ackedIncrs++;
      });
    }
    assert.ok(low <= value && value <= high, `${where}: ${key} = ${value}, expected ${low}..${high}`);
    stats.lost += Math.max(0, ackedIncrs - value);
  }
  return stats;
}
