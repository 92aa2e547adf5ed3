#!/usr/bin/env node
// Finds every *.test.ts under packages/ and test/ and runs them in ONE `node --test` process tree, so the
// run ends with a single summary. (Node 20's --test takes no globs and skips .ts files in directories.)
// Usage: node scripts/run-tests.mjs [substring-filter ...]
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const roots = ['packages', 'test'];
const filters = process.argv.slice(2);
const files = [];
for (const root of roots) {
  let entries;
  try {
    entries = readdirSync(root, { recursive: true });
  } catch {
    continue;
  }
  for (const rel of entries) {
    const path = join(root, String(rel));
    if (!path.endsWith('.test.ts') || path.includes('node_modules') || path.includes(`${'dist'}/`)) continue;
    if (filters.length > 0 && !filters.some((f) => path.includes(f))) continue;
    files.push(path);
  }
}
files.sort();
if (files.length === 0) {
  console.error('run-tests: no test files found');
  process.exit(1);
}
const child = spawn(
  process.execPath,
  ['--conditions=redstash-source', '--import', 'tsx', '--test', '--test-reporter=spec', ...files],
  {
    stdio: 'inherit',
  },
);
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
