/**
 * Redis's glob matching (`stringmatchlen` in util.c), byte for byte: `*`, `?`, `[abc]`, `[^a-z]`, ranges in
 * either order, and `\` escapes, with Redis's handling of unterminated classes and trailing backslashes.
 * Used by KEYS, SCAN/HSCAN/SSCAN/ZSCAN MATCH and (later) PSUBSCRIBE.
 *
 * Quirks kept on purpose because clients can observe them:
 * - an empty subject matches only the empty pattern: trailing `*`s are skipped only once a subject byte
 *   has been consumed, so `*` and `**` do not match '' (KEYS and SCAN special-case a lone `*`);
 * - `[` with no `]` treats the rest of the pattern as the class (`[ab` matches `a`); a lone `[` never matches;
 * - in a class, `x-y` is a range whenever three bytes remain, even if `y` is the closing `]` (`[a-]` is the
 *   range `]`..`a`); range bounds compare as signed bytes, so `[a-\xff]` is -1..97: 0xff and 0x00..`a`;
 * - an escaped byte inside a class is compared case-sensitively even with `nocase`;
 * - more than 1000 nested `*` never match (Redis's guard against abusive patterns).
 */

const STAR = 42; // *
const QUESTION = 63; // ?
const OPEN = 91; // [
const CLOSE = 93; // ]
const BACKSLASH = 92; // \
const CARET = 94; // ^
const DASH = 45; // -
const MAX_NESTING = 1000;

/** ASCII-only lower-casing, as C's `tolower` in the C locale. */
function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

/** Redis compares range bounds as C `char`, signed on the platforms it runs on: 0x80..0xff sort below 0. */
function signed(c: number): number {
  return c >= 128 ? c - 256 : c;
}

/** Shared across the recursion of one match: a `*` that ran out of subject proves longer tries useless. */
interface State {
  exhausted: boolean;
}

export function globMatch(pattern: string, subject: string, nocase = false): boolean {
  return match(pattern, 0, subject, 0, nocase, { exhausted: false }, 0);
}

function match(p: string, pi: number, s: string, si: number, nocase: boolean, state: State, nesting: number): boolean {
  if (nesting > MAX_NESTING) return false;
  const plen = p.length;
  const slen = s.length;
  while (pi < plen && si < slen) {
    const c = p.charCodeAt(pi);
    if (c === STAR) {
      while (pi + 1 < plen && p.charCodeAt(pi + 1) === STAR) pi++;
      if (pi + 1 === plen) return true;
      for (; si < slen; si++) {
        if (match(p, pi + 1, s, si, nocase, state, nesting + 1)) return true;
        if (state.exhausted) return false;
      }
      state.exhausted = true;
      return false;
    }
    if (c === QUESTION) {
      si++;
    } else if (c === OPEN) {
      const end = matchClass(p, pi + 1, s.charCodeAt(si), nocase);
      if (end < 0) return false;
      pi = end;
      si++;
    } else {
      // A backslash escapes the next byte; a trailing one stands for itself.
      if (c === BACKSLASH && pi + 1 < plen) pi++;
      const want = p.charCodeAt(pi);
      const got = s.charCodeAt(si);
      if (want !== got && !(nocase && lower(want) === lower(got))) return false;
      si++;
    }
    pi++;
    if (si === slen) {
      while (pi < plen && p.charCodeAt(pi) === STAR) pi++;
      break;
    }
  }
  return pi === plen && si === slen;
}

/**
 * Matches byte `b` against the class whose body starts at `pi` (just after `[`). Returns the index of the
 * class's last pattern byte (its `]`, or the pattern's last byte when unterminated), or -1 when `b` fails.
 */
function matchClass(p: string, pi: number, b: number, nocase: boolean): number {
  const plen = p.length;
  const negate = pi < plen && p.charCodeAt(pi) === CARET;
  if (negate) pi++;
  let hit = false;
  for (;;) {
    const c = p.charCodeAt(pi);
    if (c === BACKSLASH && plen - pi >= 2) {
      pi++;
      if (p.charCodeAt(pi) === b) hit = true;
    } else if (c === CLOSE) {
      break;
    } else if (pi >= plen) {
      pi--;
      break;
    } else if (plen - pi >= 3 && p.charCodeAt(pi + 1) === DASH) {
      let lo = signed(c);
      let hi = signed(p.charCodeAt(pi + 2));
      if (lo > hi) [lo, hi] = [hi, lo];
      let x = signed(b);
      if (nocase) {
        lo = lower(lo);
        hi = lower(hi);
        x = lower(x);
      }
      if (x >= lo && x <= hi) hit = true;
      pi += 2;
    } else if (c === b || (nocase && lower(c) === lower(b))) {
      hit = true;
    }
    pi++;
  }
  return hit !== negate ? pi : -1;
}
