/**
 * Argument parsing shared by handlers. Each helper throws the catalogue's error reply on bad input, so a
 * handler reads top to bottom as Redis's C does: parse, check, act.
 */
import { eqi, parseInt64 } from '../bytes.ts';
import type { ErrorReply } from '../reply.ts';
import { string2d } from '../strtod.ts';
import * as E from './errors.ts';

/** An int64 argument as a number (values beyond 2^53 lose precision, fine for counts and indexes). */
export function int(arg: string | undefined, err: ErrorReply = E.NOT_INTEGER): number {
  const n = arg === undefined ? null : parseInt64(arg);
  if (n === null) throw err;
  return Number(n);
}

/** An exact int64 argument (INCRBY and friends): a bigint outside the safe-integer range. */
export function int64(arg: string | undefined, err: ErrorReply = E.NOT_INTEGER): number | bigint {
  const n = arg === undefined ? null : parseInt64(arg);
  if (n === null) throw err;
  return n;
}

/** A double argument (`inf`/`-inf` allowed, NaN refused). */
export function float(arg: string | undefined, err: ErrorReply = E.NOT_FLOAT): number {
  const n = arg === undefined ? null : string2d(arg);
  if (n === null) throw err;
  return n;
}

/** Case-insensitive option keyword test: `is(argv[i], 'withscores')`. */
export function is(arg: string | undefined, lower: string): boolean {
  return arg !== undefined && eqi(arg, lower);
}

/** The argument at `i`, or a syntax error when it is missing (an option that needs a value). */
export function need(argv: readonly string[], i: number): string {
  const v = argv[i];
  if (v === undefined) throw E.SYNTAX;
  return v;
}

/**
 * The most repeated random picks one command may return (SRANDMEMBER, HRANDFIELD, ZRANDMEMBER with a
 * negative count). Redis accepts down to -LONG_MAX and would build a reply that large; we refuse past ten
 * million with Redis's own range error so one command cannot exhaust the process.
 */
export const MAX_RANDOM_PICKS = 10_000_000;
