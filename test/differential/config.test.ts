/**
 * CONFIG against redis-server: the texts that do not depend on which parameters exist (arity, unknown
 * option, odd argument counts, RESETSTAT, REWRITE without a file) and the script time limit, the one
 * parameter both sides have (Redis's default 5000 ms under two names). Others are the host's, tested in
 * the engine's config.test.ts.
 */
import { c, differential } from './harness.ts';

const cases = [
  c(
    'CONFIG arity and subcommands',
    `
    CONFIG
    CONFIG nope
    CONFIG GET
    CONFIG SET
    CONFIG SET busy-reply-threshold
    CONFIG RESETSTAT x
    CONFIG REWRITE x
    config get
    `,
  ),
  c(
    'CONFIG SET unknown options and odd argument counts',
    `
    CONFIG SET no-such-option 1
    CONFIG SET No-Such-Option 1 no-such-option 2
    CONFIG SET no-such-option 1 other
    CONFIG SET busy-reply-threshold 1 other
    CONFIG SET "a\\x00b" 1
    `,
  ),
  c(
    'CONFIG GET',
    `
    CONFIG GET no-such-option
    CONFIG GET no-such-*
    CONFIG GET busy-reply-threshold
    CONFIG GET BUSY-REPLY-THRESHOLD busy-reply-threshold
    CONFIG GET busy-reply-thresh*
    CONFIG GET busy-reply-threshold busy-reply-thresh? no-such-option
    CONFIG GET lua-time-limit
    CONFIG GET lua-time-*
    CONFIG GET "busy\\\\-reply-threshold"
    `,
  ),
  c(
    'CONFIG RESETSTAT and REWRITE',
    `
    SET k v
    CONFIG RESETSTAT
    config resetstat
    CONFIG REWRITE
    `,
  ),
];

differential('config', cases);
