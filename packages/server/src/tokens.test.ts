import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { resolveTokens, TOKEN_FILE } from './tokens.ts';

const root = mkdtempSync(join(tmpdir(), 'redstash-tokens-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const dir = () => join(root, `d${n++}`, 'nested');

test('without tokens, strong ones are generated into a private file and reused', () => {
  const d = dir();
  const first = resolveTokens(d, {});
  assert.match(first.token, /^[A-Za-z0-9_-]{43}$/);
  assert.match(first.readonlyToken, /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(first.token, first.readonlyToken);
  const file = join(d, TOKEN_FILE);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), first);
  assert.deepEqual(resolveTokens(d, {}), first);
});

test('given tokens win; the file only fills in what is missing', () => {
  const d = dir();
  assert.deepEqual(resolveTokens(d, { token: 'a', readonlyToken: 'b' }), { token: 'a', readonlyToken: 'b' });
  assert.throws(() => statSync(join(d, TOKEN_FILE)), /ENOENT/, 'no file when both are given');
  const partial = resolveTokens(d, { token: 'mine' });
  assert.equal(partial.token, 'mine');
  assert.equal(resolveTokens(d, { token: 'other' }).readonlyToken, partial.readonlyToken);
  assert.deepEqual(Object.keys(JSON.parse(readFileSync(join(d, TOKEN_FILE), 'utf8'))), ['readonlyToken']);
});

test('a corrupt token file is a clear error, not a silent reset', () => {
  const d = dir();
  resolveTokens(d, {});
  writeFileSync(join(d, TOKEN_FILE), '{not json');
  assert.throws(() => resolveTokens(d, {}), /tokens\.json is not valid JSON/);
});

test('a loosened token file is made private again', () => {
  const d = dir();
  resolveTokens(d, {});
  const file = join(d, TOKEN_FILE);
  writeFileSync(file, readFileSync(file), { mode: 0o644 });
  resolveTokens(d, {});
  assert.equal(statSync(file).mode & 0o777, 0o600);
});
