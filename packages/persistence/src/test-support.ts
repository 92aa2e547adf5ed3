/**
 * Helpers for this package's tests: a temporary data directory per test, and a dump of an engine's whole
 * state read back through its commands, so two engines can be compared after a reload.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { DoubleReply, ErrorReply, formatDouble, MapReply, NilArray, type Reply, SimpleString } from '@redstash/engine';
import { createScriptingTestEngine, createTestEngine, type TestEngine } from '@redstash/engine/testing';
import { Persistence, type PersistenceLogger, type PersistenceOptions } from './persistence.ts';

/** A fresh directory, removed when the test ends. */
export function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'redstash-persistence-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A reply as plain data: strings, numbers, nested arrays; kinds a comparison must tell apart are tagged. */
export function plain(reply: Reply): unknown {
  if (Array.isArray(reply)) return reply.map(plain);
  if (reply instanceof MapReply) return reply.items.map(plain);
  if (reply instanceof DoubleReply) return formatDouble(reply.value);
  if (reply instanceof SimpleString) return `+${reply.value}`;
  if (reply instanceof ErrorReply) return `-${reply.message}`;
  if (reply instanceof NilArray) return '*-1';
  if (typeof reply === 'bigint') return `${reply}n`;
  return reply;
}

/** Pairs of a flat [k, v, k, v…] list, sorted by k: hashes come back in insertion order, which may differ. */
function sortedPairs(flat: unknown): string[][] {
  const items = flat as string[];
  const pairs: string[][] = [];
  for (let i = 0; i < items.length; i += 2) pairs.push([items[i] as string, items[i + 1] as string]);
  return pairs.sort((a, b) => ((a[0] as string) < (b[0] as string) ? -1 : 1));
}

/** Reads one key's value with the read command for its type; a type missing here throws. */
export function readValue(t: TestEngine, key: string, type: string): unknown {
  switch (type) {
    case 'string':
      return plain(t.raw('GET', key));
    case 'hash': {
      const pairs = sortedPairs(plain(t.raw('HGETALL', key)));
      // Field TTLs (absolute, so a reload at the same instant compares equal).
      const times = plain(
        t.raw('HPEXPIRETIME', key, 'FIELDS', String(pairs.length), ...pairs.map((p) => p[0] as string)),
      );
      return pairs.map((p, i) => [...p, (times as number[])[i]]);
    }
    case 'stream':
      return {
        entries: plain(t.raw('XRANGE', key, '-', '+')),
        info: plain(t.raw('XINFO', 'STREAM', key)),
        groups: (plain(t.raw('XINFO', 'GROUPS', key)) as unknown[]).map((g) => {
          const name = (g as string[])[1] as string;
          return { group: g, pending: plain(t.raw('XPENDING', key, name, '-', '+', '1000')) };
        }),
      };
    case 'ReJSON-RL':
      return plain(t.raw('JSON.GET', key, '$'));
    case 'list':
      return plain(t.raw('LRANGE', key, '0', '-1'));
    case 'set':
      return (plain(t.raw('SMEMBERS', key)) as string[]).sort();
    case 'zset':
      return plain(t.raw('ZRANGE', key, '0', '-1', 'WITHSCORES'));
    default:
      throw new Error(`readValue: no read command for type '${type}'`);
  }
}

export interface KeyState {
  key: string;
  type: string;
  value: unknown;
  pttl: unknown;
}

/** Every live key (sorted) with its type, value and PTTL, plus the function libraries' code. */
export function dumpState(t: TestEngine): { keys: KeyState[]; functions: unknown } {
  const names = (plain(t.raw('KEYS', '*')) as string[]).sort();
  const keys = names.map((key) => {
    const type = (plain(t.raw('TYPE', key)) as string).slice(1);
    return { key, type, value: readValue(t, key, type), pttl: plain(t.raw('PTTL', key)) };
  });
  const functions = t.engine.scripting === null ? null : plain(t.raw('FUNCTION', 'LIST', 'WITHCODE'));
  return { keys, functions };
}

/** A logger that keeps what it is told. */
export function spyLogger(): PersistenceLogger & { lines: { level: string; obj: object; msg: string }[] } {
  const lines: { level: string; obj: object; msg: string }[] = [];
  const log = (level: string) => (obj: object, msg?: string) => lines.push({ level, obj, msg: msg ?? '' });
  return { lines, info: log('info'), warn: log('warn'), error: log('error') };
}

/** A new engine at `now` (the old engine's clock time), loaded from `dataDir`. */
export async function reopen(
  dataDir: string,
  now: number,
  options: Partial<PersistenceOptions> & { lua?: boolean } = {},
): Promise<{ t: TestEngine; p: Persistence }> {
  const { lua, ...rest } = options;
  const t = lua === false ? createTestEngine() : await createScriptingTestEngine();
  t.clock.set(now);
  const p = Persistence.open(t.engine, { dataDir, fsync: 'no', ...rest });
  return { t, p };
}
