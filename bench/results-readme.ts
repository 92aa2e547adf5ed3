/**
 * Each benchmark owns one `## …` section of bench/results/README.md and replaces only that section, so
 * running one benchmark keeps the others' latest figures.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const TITLE = '# Benchmark results\n\n';

export function writeSection(readme: string, heading: string, section: string): void {
  const current = existsSync(readme) ? readFileSync(readme, 'utf8') : TITLE;
  const start = current.indexOf(heading);
  const end = start < 0 ? -1 : current.indexOf('\n## ', start + 1);
  const body = section.trimEnd();
  const updated =
    start < 0
      ? `${current.trimEnd()}\n\n${body}\n`
      : `${current.slice(0, start)}${body}\n${end < 0 ? '' : current.slice(end)}`;
  writeFileSync(readme, updated);
}
