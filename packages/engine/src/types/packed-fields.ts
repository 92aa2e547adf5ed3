/**
 * A stream entry's field/value list packed into one byte string: each element is its length (one char below
 * 255, else char 255 and four big-endian length bytes) followed by its bytes. An entry then costs one string
 * instead of an array plus a string per element, which is most of what an entry weighs in V8 (Redis packs
 * entries into listpacks for the same reason). `join` builds a flat string, never a chain of concatenations.
 */

const LONG = 255;

function lengthChars(n: number): string {
  if (n < LONG) return String.fromCharCode(n);
  return String.fromCharCode(LONG, (n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255);
}

export function packFields(fields: readonly string[]): string {
  const parts: string[] = [];
  for (const f of fields) parts.push(lengthChars(f.length), f);
  return parts.join('');
}

/** Where the element after the one `lengthAt` last read begins (a module cursor, so reads allocate nothing). */
let next = 0;

/** The length of the element whose header starts at `at`; its bytes start at `next`. */
function lengthAt(packed: string, at: number): number {
  const n = packed.charCodeAt(at);
  if (n !== LONG) {
    next = at + 1;
    return n;
  }
  next = at + 5;
  return (
    ((packed.charCodeAt(at + 1) << 24) |
      (packed.charCodeAt(at + 2) << 16) |
      (packed.charCodeAt(at + 3) << 8) |
      packed.charCodeAt(at + 4)) >>>
    0
  );
}

export function unpackFields(packed: string): string[] {
  const out: string[] = [];
  for (let at = 0; at < packed.length; ) {
    const n = lengthAt(packed, at);
    out.push(packed.slice(next, next + n));
    at = next + n;
  }
  return out;
}
