/**
 * The request target, read the way Upstash's path-style API needs: split the *raw* path on `/` first and
 * only then percent-decode each segment, so `%2F` stays inside an argument and `/get/%2e%2e/flushall` is
 * three arguments, never a path that normalises to `/flushall`. Decoding yields byte strings (`%FF` is the
 * byte 0xFF), the engine's convention for binary-safe arguments.
 */

/** Percent-decodes to a byte string; `undefined` on a malformed escape. `plus` maps `+` to a space (queries). */
export function percentDecode(text: string, plus = false): string | undefined {
  let pct = text.indexOf('%');
  if (pct < 0 && !(plus && text.includes('+'))) return text;
  if (plus) text = text.replaceAll('+', ' ');
  if (pct < 0) return text;
  let out = '';
  let from = 0;
  while (pct >= 0) {
    const byte = hex(text.charCodeAt(pct + 1)) * 16 + hex(text.charCodeAt(pct + 2));
    if (!(byte >= 0)) return undefined; // NaN or negative: not two hex digits
    out += text.slice(from, pct) + String.fromCharCode(byte);
    from = pct + 3;
    pct = text.indexOf('%', from);
  }
  return out + text.slice(from);
}

function hex(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  c |= 32; // ASCII lower case
  if (c >= 97 && c <= 102) return c - 87;
  return Number.NaN;
}

/**
 * `/set/foo/bar` → `['set', 'foo', 'bar']`; `undefined` on a bad escape. Empty segments are empty
 * arguments (`/set/k/` sets an empty value), as nothing else could express one in a path.
 */
export function pathArgs(path: string): string[] | undefined {
  const parts = path.slice(1).split('/');
  for (let i = 0; i < parts.length; i++) {
    const decoded = percentDecode(parts[i] as string);
    if (decoded === undefined) return undefined;
    parts[i] = decoded;
  }
  return parts;
}

/**
 * Appends query parameters as arguments: `?EX=100&NX` → `EX 100 NX` (a name alone when its value is empty),
 * leaving out `_token`. Returns false on a bad escape.
 */
export function appendQueryArgs(query: string, argv: string[]): boolean {
  for (const pair of query.split('&')) {
    if (pair.length === 0) continue;
    const eq = pair.indexOf('=');
    const rawName = eq < 0 ? pair : pair.slice(0, eq);
    if (rawName === '_token') continue;
    const name = percentDecode(rawName, true);
    const value = eq < 0 ? '' : percentDecode(pair.slice(eq + 1), true);
    if (name === undefined || value === undefined) return false;
    argv.push(name);
    if (value.length > 0) argv.push(value);
  }
  return true;
}

/** The `_token` query parameter's value, if any (URL-decoded; tokens are ASCII). */
export function queryToken(query: string): string | undefined {
  for (const pair of query.split('&')) {
    if (pair.startsWith('_token=')) return percentDecode(pair.slice(7), true) ?? '';
  }
  return undefined;
}
