import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { type DatabaseRecord, REGISTRY_FILE, Registry } from './registry.ts';
import { tokenDigest } from './tokens.ts';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'redstash-registry-'));
  dirs.push(d);
  return d;
}

function record(name: string, extra: Partial<DatabaseRecord> = {}): DatabaseRecord {
  const id = Registry.newId();
  return {
    id,
    name,
    plan: 'free',
    eviction: false,
    createdAt: Date.UTC(2026, 0, 1),
    tokenDigest: tokenDigest(`${name}-token`),
    readonlyTokenDigest: tokenDigest(`${name}-ro`),
    dataPath: join('databases', id),
    isDefault: false,
    ...extra,
  };
}

describe('Registry', () => {
  it('keeps records across a reopen of the same directory', () => {
    const dir = tempDir();
    const reg = new Registry(dir);
    assert.equal(reg.records.size, 0);
    const def = record('default', { isDefault: true, dataPath: '', plan: 'unlimited' });
    const a = record('a', { eviction: true });
    const b = record('b');
    reg.put(def);
    reg.put(a);
    reg.put(b);
    reg.put({ ...b, name: 'b2' });
    reg.remove(a.id);

    const again = new Registry(dir);
    assert.deepEqual([...again.records.values()], [def, { ...b, name: 'b2' }]);
    assert.deepEqual(again.defaultRecord, def);
    // Token digests only, and a private file.
    const text = readFileSync(join(dir, REGISTRY_FILE), 'utf8');
    assert.ok(!text.includes('b-token'));
    assert.equal(statSync(join(dir, REGISTRY_FILE)).mode & 0o777, 0o600);
    assert.equal(JSON.parse(text).format, 'redstash-databases');
  });

  it('has no default record until one is put', () => {
    const reg = new Registry(tempDir());
    reg.put(record('x'));
    assert.equal(reg.defaultRecord, undefined);
  });

  it('gives distinct ids', () => {
    assert.notEqual(Registry.newId(), Registry.newId());
  });

  it('reports a file that is not JSON', () => {
    const dir = tempDir();
    writeFileSync(join(dir, REGISTRY_FILE), '{ nope');
    assert.throws(() => new Registry(dir), /databases\.json is not valid JSON/);
  });

  it('reports a JSON file of another format or version', () => {
    const dir = tempDir();
    writeFileSync(join(dir, REGISTRY_FILE), JSON.stringify({ format: 'something-else', version: 1, databases: [] }));
    assert.throws(() => new Registry(dir), /is not a Redstash database registry/);
    writeFileSync(
      join(dir, REGISTRY_FILE),
      JSON.stringify({ format: 'redstash-databases', version: 2, databases: [] }),
    );
    assert.throws(() => new Registry(dir), /is not a Redstash database registry/);
    writeFileSync(join(dir, REGISTRY_FILE), '[]');
    assert.throws(() => new Registry(dir), /is not a Redstash database registry/);
  });

  it('reports a malformed record', () => {
    const dir = tempDir();
    const bad = { ...record('a'), tokenDigest: 'plain-token' };
    writeFileSync(
      join(dir, REGISTRY_FILE),
      JSON.stringify({ format: 'redstash-databases', version: 1, databases: [bad] }),
    );
    assert.throws(() => new Registry(dir), /a database record is malformed/);
    writeFileSync(
      join(dir, REGISTRY_FILE),
      JSON.stringify({ format: 'redstash-databases', version: 1, databases: [null] }),
    );
    assert.throws(() => new Registry(dir), /a database record is malformed/);
  });

  it('keeps records in memory only when given no directory', () => {
    const reg = new Registry(undefined);
    const a = record('a');
    reg.put(a);
    assert.deepEqual(reg.records.get(a.id), a);
    reg.remove(a.id);
    assert.equal(reg.records.size, 0);
  });
});
