/**
 * `@redstash/ai` as it would be published: built with the repository's own tsc into a scratch directory,
 * installed there as `node_modules/@redstash/ai` with its package.json, and imported by plain Node (no tsx, no
 * `redstash-source` condition), so every export resolves to built JavaScript with types beside it.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

const root = join(import.meta.dirname, '..', '..');
const packageDir = join(root, 'packages', 'ai');
const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
  name: string;
  private?: boolean;
  files: string[];
  exports: Record<string, Record<string, string>>;
};

let scratch: string;
let installed: string;
before(() => {
  scratch = mkdtempSync(join(tmpdir(), 'redstash-ai-pack-'));
  installed = join(scratch, 'node_modules', '@redstash', 'ai');
  mkdirSync(installed, { recursive: true });
  execFileSync(
    process.execPath,
    [
      join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
      '-p',
      join(packageDir, 'tsconfig.json'),
      '--outDir',
      join(installed, 'dist'),
      '--tsBuildInfoFile',
      join(scratch, 'ai.tsbuildinfo'),
    ],
    { stdio: 'pipe' },
  );
  cpSync(join(packageDir, 'src'), join(installed, 'src'), { recursive: true });
  writeFileSync(join(installed, 'package.json'), JSON.stringify(manifest));
});
after(() => {
  rmSync(scratch, { recursive: true, force: true });
});

test('every export maps to built JavaScript and declarations, listed in files', () => {
  assert.equal(manifest.private, undefined, 'publishable');
  assert.deepEqual(Object.keys(manifest.exports), ['.', './cache', './memory', './guard']);
  for (const [subpath, conditions] of Object.entries(manifest.exports)) {
    // Node takes the first matching condition, so the source one must come first and `default` last.
    assert.deepEqual(Object.keys(conditions), ['redstash-source', 'types', 'default'], subpath);
    for (const target of [conditions.types, conditions.default] as string[]) {
      assert.match(target, /^\.\/dist\//, `${subpath} → ${target}`);
      assert.ok(existsSync(join(installed, target)), `${subpath} → ${target} is built`);
    }
  }
  assert.ok(manifest.files.includes('dist'));
});

test('plain Node imports each entry point and sees the same names as the sources', async () => {
  for (const subpath of Object.keys(manifest.exports)) {
    const specifier = subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`;
    const script = `import(${JSON.stringify(specifier)}).then((m) => console.log(JSON.stringify(Object.keys(m).sort())))`;
    const built = JSON.parse(
      execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: scratch, encoding: 'utf8' }),
    ) as string[];
    const source = Object.keys(await import(specifier)).sort();
    assert.deepEqual(built, source, specifier);
    assert.ok(built.length > 0, specifier);
  }
});
