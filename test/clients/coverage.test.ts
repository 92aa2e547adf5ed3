/**
 * Every method of `@upstash/redis`'s Redis class (and its `json` and `functions` namespaces) is either
 * exercised by a client contract test or listed as not applicable, per coverage.ts.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Redis } from '@upstash/redis';
import { COVERED, ELSEWHERE, NOT_APPLICABLE } from './coverage.ts';

const ROOT = new URL('../../', import.meta.url);

/** The client's public surface: prototype methods and getters, instance arrow functions, namespaces. */
function clientMethods(): string[] {
  const r = new Redis({ url: 'http://127.0.0.1:1', token: 't', enableAutoPipelining: false, enableTelemetry: false });
  const names = new Set<string>();
  for (
    let p: object | null = Object.getPrototypeOf(r);
    p !== null && p !== Object.prototype;
    p = Object.getPrototypeOf(p)
  ) {
    for (const n of Object.getOwnPropertyNames(p)) if (n !== 'constructor') names.add(n);
  }
  for (const [n, v] of Object.entries(r)) if (typeof v === 'function') names.add(n);
  names.delete('json');
  names.delete('functions');
  for (const n of Object.keys(r.json)) names.add(`json.${n}`);
  for (const n of Object.keys(r.functions)) names.add(`functions.${n}`);
  return [...names].sort();
}

/** Whether source text calls the method (or reads the property, for readYourWritesSyncToken). */
function calls(src: string, name: string): boolean {
  const last = name.slice(name.lastIndexOf('.') + 1);
  const prefix = name.includes('.') ? `${name.slice(0, name.lastIndexOf('.'))}.` : '';
  return (
    src.includes(`.${prefix}${last}(`) ||
    src.includes(`.${prefix}${last}<`) ||
    (name === last && src.includes(`.${name};`))
  );
}

const sources = new Map(Object.keys(COVERED).map((file) => [file, readFileSync(new URL(file, ROOT), 'utf8')]));
const methods = clientMethods();

test('the client exposes the surface coverage.ts was written against', () => {
  assert.ok(methods.length > 200, `only ${methods.length} methods found`);
  for (const expected of ['get', 'zadd', 'eval', 'scan', 'functions.call', 'json.set', 'readYourWritesSyncToken']) {
    assert.ok(methods.includes(expected), expected);
  }
});

test('each file listed in coverage.ts calls every method listed for it, and each is a real method', () => {
  for (const [file, names] of Object.entries(COVERED)) {
    const src = sources.get(file) ?? '';
    for (const name of names) {
      assert.ok(methods.includes(name), `${file} lists ${name}, which the client does not have`);
      assert.ok(calls(src, name), `${file} lists ${name} but never calls it`);
    }
  }
});

test('every client method is covered by a contract test or listed as not applicable', (t) => {
  const covered = new Set(Object.values(COVERED).flat());
  const uncovered: string[] = [];
  const awaiting = new Map<string, string[]>();
  let clientFiles: string[] | undefined;
  for (const name of methods) {
    if (covered.has(name) || NOT_APPLICABLE.some((n) => n.match.test(name))) continue;
    const elsewhere = ELSEWHERE.find((e) => e.match.test(name));
    if (elsewhere === undefined) {
      uncovered.push(name);
      continue;
    }
    clientFiles ??= listClientTests();
    if (!clientFiles.some((src) => calls(src, name))) {
      awaiting.set(elsewhere.family, [...(awaiting.get(elsewhere.family) ?? []), name]);
    }
  }
  assert.deepEqual(uncovered, [], 'client methods no test covers: add tests and list them in coverage.ts');
  // One todo per test: the families go into a single message.
  if (awaiting.size > 0) {
    t.todo(
      [...awaiting].map(([family, names]) => `${family}: no client test calls ${names.join(', ')} yet`).join('; '),
    );
  }
});

function listClientTests(): string[] {
  const dir = new URL('test/clients/', ROOT);
  return readdirSyncTs(dir).map((f) => readFileSync(new URL(f, dir), 'utf8'));
}

function readdirSyncTs(dir: URL): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.test.ts') && f !== 'coverage.test.ts');
}
