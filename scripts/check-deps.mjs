#!/usr/bin/env node
// The dependency direction is the architecture: fails when a package imports another internal package
// it may not, or when the pure engine imports I/O modules.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Which internal packages each package may import. Helper packages (llm-cache, memory) may import none. */
const ALLOWED = {
  engine: [],
  resp: [],
  persistence: ['engine'],
  platform: ['engine', 'persistence'],
  rest: ['engine', 'platform'],
  queue: ['engine', 'platform'],
  console: ['engine', 'platform'],
  server: ['engine', 'persistence', 'platform', 'rest', 'queue', 'resp', 'console'],
};
/** Helper packages for app code: no dependencies at all on their import path (edge runtimes). */
const EDGE_PACKAGES = new Set(['ai']);
/** Node built-ins the engine must not touch: it is pure and synchronous. */
const ENGINE_FORBIDDEN =
  /^(node:)?(net|http|https|http2|fs|fs\/promises|child_process|dgram|tls|worker_threads|cluster)$/;

const problems = [];
for (const pkg of readdirSync('packages')) {
  const allowed = ALLOWED[pkg] ?? [];
  const src = join('packages', pkg, 'src');
  let files;
  try {
    files = readdirSync(src, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.ts'));
  } catch {
    continue;
  }
  for (const rel of files) {
    const file = join(src, rel);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)) {
      const spec = m[1];
      const internal = spec.match(/^@redstash\/([^/]+)/);
      if (internal && internal[1] !== pkg && !allowed.includes(internal[1]))
        problems.push(`${file}: ${pkg} may not import @redstash/${internal[1]}`);
      if (pkg === 'engine' && !file.endsWith('.test.ts') && ENGINE_FORBIDDEN.test(spec))
        problems.push(`${file}: the engine may not import ${spec}`);
      // App helpers run in edge runtimes: Web APIs only, and nothing but their own files.
      if (EDGE_PACKAGES.has(pkg) && !file.endsWith('.test.ts') && !spec.startsWith('.'))
        problems.push(`${file}: ${pkg} runs in edge runtimes and may import only its own files, not ${spec}`);
      if (spec.startsWith('../') && spec.includes('/packages/'))
        problems.push(`${file}: relative import across packages: ${spec}`);
    }
  }
}
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log('check-deps: package edges hold');
