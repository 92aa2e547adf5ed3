/**
 * Cross-checks our command table against Valkey's command specs (BSD reference data kept outside the
 * repository in ../shared/reference/valkey-commands). Skips when that folder is absent.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createTestEngine } from '../testing/index.ts';
import { type CommandDef, type KeySpec, keyPositions, UNCHANGED_AT_ZERO } from './table.ts';

const REFERENCE = join(import.meta.dirname, '../../../../../shared/reference/valkey-commands');

/** Where we knowingly differ from Valkey's metadata, and why. */
const DEVIATIONS: Record<string, string> = {
  sort: "Valkey marks BY/GET/STORE keys 'unknown'; we name STORE's destination with a keyword spec",
  sort_ro: "Valkey marks BY/GET keys 'unknown', which our key specs cannot express",
};

/** Sentinel-mode flags say nothing about a standalone server. */
const IGNORED_FLAGS = new Set(['sentinel', 'only_sentinel']);

interface ValkeySpec {
  arity: number;
  command_flags?: string[];
  key_specs?: {
    begin_search: { index?: { pos: number }; keyword?: { keyword: string; startfrom: number } };
    find_keys: {
      range?: { lastkey: number; step: number; limit: number };
      keynum?: { keynumidx: number; firstkey: number; step: number };
    };
  }[];
}

function load(def: CommandDef): ValkeySpec | undefined {
  const file = join(REFERENCE, `${def.name.replace('|', '-')}.json`);
  if (!existsSync(file)) return undefined;
  const doc = JSON.parse(readFileSync(file, 'utf8')) as Record<string, ValkeySpec>;
  return Object.values(doc)[0];
}

function ours(spec: KeySpec): unknown {
  if (spec.keyword !== undefined)
    return { keyword: spec.keyword.toUpperCase(), startfrom: spec.startfrom, last: spec.last, step: spec.step };
  if ('keynum' in spec) return { pos: spec.pos, keynum: spec.keynum, first: spec.first, step: spec.step };
  return { pos: spec.pos, last: spec.last, step: spec.step, limit: spec.limit ?? 0 };
}

function theirs(spec: NonNullable<ValkeySpec['key_specs']>[number]): unknown {
  const { begin_search: b, find_keys: f } = spec;
  if (b.keyword && f.range)
    return { keyword: b.keyword.keyword, startfrom: b.keyword.startfrom, last: f.range.lastkey, step: f.range.step };
  if (b.index && f.keynum)
    return { pos: b.index.pos, keynum: f.keynum.keynumidx, first: f.keynum.firstkey, step: f.keynum.step };
  if (b.index && f.range) return { pos: b.index.pos, last: f.range.lastkey, step: f.range.step, limit: f.range.limit };
  return { unsupported: spec };
}

function defs(): CommandDef[] {
  const { engine } = createTestEngine();
  const out: CommandDef[] = [];
  for (const def of engine.table.all()) {
    out.push(def);
    if (def.subcommands) out.push(...def.subcommands.values());
  }
  return out;
}

test('command table matches the Valkey reference specs', {
  skip: !existsSync(REFERENCE) && 'reference specs not present',
}, () => {
  const mismatches: string[] = [];
  for (const def of defs()) {
    if (DEVIATIONS[def.name]) continue;
    const spec = load(def);
    if (spec === undefined) continue; // newer than the reference, or ours alone: specified in our table only
    if (spec.arity !== def.arity) mismatches.push(`${def.name}: arity ${def.arity}, reference ${spec.arity}`);
    const want = (spec.command_flags ?? [])
      .map((f) => f.toLowerCase())
      .filter((f) => !IGNORED_FLAGS.has(f))
      .sort();
    const got = [...def.flags].sort();
    if (want.join(' ') !== got.join(' ')) mismatches.push(`${def.name}: flags [${got}] reference [${want}]`);
    const wantKeys = (spec.key_specs ?? []).map(theirs);
    const gotKeys = def.keys.map(ours);
    if (JSON.stringify(wantKeys) !== JSON.stringify(gotKeys))
      mismatches.push(`${def.name}: keys ${JSON.stringify(gotKeys)} reference ${JSON.stringify(wantKeys)}`);
  }
  assert.deepEqual(mismatches, []);
});

test('every command has a handler and a positive group', () => {
  for (const def of defs()) {
    assert.equal(typeof def.handler, 'function', def.name);
    assert.ok(def.group.length > 0, `${def.name} has no group`);
    assert.ok(def.arity !== 0, `${def.name} has arity 0`);
  }
});

test('key positions follow the specs', () => {
  const { engine } = createTestEngine();
  const get = engine.table.get('get') as CommandDef;
  assert.deepEqual(keyPositions(get, ['get', 'k']), [1]);
});

test('every write listed as unchanged at 0 is a registered write command', () => {
  const { engine } = createTestEngine();
  for (const name of UNCHANGED_AT_ZERO) {
    const [container, sub] = name.split('|') as [string, string | undefined];
    const top = engine.table.get(container);
    const def = sub === undefined ? top : top?.subcommands?.get(sub);
    assert.ok(def?.isWrite === true && def.zeroUnchanged, name);
  }
});
