/**
 * Redis's glob matching (`stringmatchlen` in util.c), byte for byte: `*`, `?`, `[abc]`, `[^a-z]`, `[!…]`,
 * ranges in either order, and `\` escapes, with Redis's handling of unterminated classes and trailing
 * backslashes. Used by KEYS, SCAN/HSCAN/SSCAN/ZSCAN MATCH and (later) PSUBSCRIBE.
 */
export function globMatch(pattern: string, subject: string, nocase = false): boolean {
  void pattern;
  void subject;
  void nocase;
  throw new Error('globMatch: not implemented yet');
}
