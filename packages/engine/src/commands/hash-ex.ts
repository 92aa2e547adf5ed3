/**
 * Redis 8.0's hash commands that read or write fields together with their TTLs: HGETDEL, HGETEX and
 * HSETEX. Their logged forms are deterministic: HGETDEL as HDEL, HGETEX as HPEXPIREAT or HPERSIST,
 * HSETEX with an absolute PXAT, and a time already past as the HDELs it amounted to.
 */
import { parseInt64 } from '../bytes.ts';
import { is } from '../command/args.ts';
import type { Ctx } from '../command/context.ts';
import * as E from '../command/errors.ts';
import { type Argv, type CommandDef, command, key } from '../command/table.ts';
import { deleteIfEmpty, NOTIFY } from '../pubsub/notify.ts';
import type { Reply } from '../reply.ts';
import { Hash } from '../types/hash.ts';
import { fieldsFrom, parseFieldExpire } from './hash-ttl.ts';

const INT_MAX = 2147483647;

/** HGETDEL key FIELDS numfields field…: the values (nil for missing fields), then the fields are gone. */
function hgetdel(ctx: Ctx, argv: Argv): Reply {
  const k = argv[1] as string;
  const hash = ctx.db.get(k, 'hash');
  const first = fieldsFrom(argv, 2, E.HFE_FIELDS_NOT_POSITIVE, 'hgetdel');
  const out: Reply[] = [];
  let deleted = 0;
  for (let i = first; i < argv.length; i++) {
    const field = argv[i] as string;
    const value = hash?.get(field);
    out.push(value ?? null);
    if (value !== undefined) {
      hash?.delete(field);
      deleted++;
    }
  }
  if (hash === undefined || deleted === 0) {
    ctx.unchanged();
    return out;
  }
  ctx.notify(NOTIFY.HASH, 'hdel', k);
  ctx.propagate(['HDEL', k, ...argv.slice(first)]);
  deleteIfEmpty(ctx, k, hash);
  return out;
}

/**
 * HGETEX key [EX s | PX ms | EXAT unix-s | PXAT unix-ms | PERSIST] FIELDS numfields field…: the values,
 * and the fields that exist get the new TTL (or lose theirs).
 */
function hgetex(ctx: Ctx, argv: Argv): Reply {
  const k = argv[1] as string;
  const hash = ctx.db.get(k, 'hash');
  const opt = argv[2];
  let at = 0;
  let persist = false;
  let fieldsAt = 2;
  if (is(opt, 'ex') || is(opt, 'px') || is(opt, 'exat') || is(opt, 'pxat')) {
    const lower = (opt as string).toLowerCase();
    const seconds = lower === 'ex' || lower === 'exat';
    const relative = lower === 'ex' || lower === 'px';
    at = parseFieldExpire(argv[3], seconds, relative ? ctx.now : 0, 'hgetex');
    fieldsAt = 4;
  } else if (is(opt, 'persist')) {
    persist = true;
    fieldsAt = 3;
  }
  const first = fieldsFrom(argv, fieldsAt, E.HFE_FIELDS_NOT_POSITIVE, 'hgetex');
  const n = argv.length - first;
  if (hash === undefined) {
    ctx.unchanged();
    return new Array<Reply>(n).fill(null);
  }
  const setting = fieldsAt !== 2;
  if (setting) hash.markExpirable();
  const out = new Array<Reply>(n);
  let updated = 0;
  let deleted = 0;
  for (let i = 0; i < n; i++) {
    const field = argv[first + i] as string;
    const value = hash.get(field);
    out[i] = value ?? null;
    if (value === undefined || !setting) continue;
    if (persist) {
      if (hash.persist(field)) updated++;
    } else if (at <= ctx.db.now) {
      hash.delete(field);
      ctx.propagate(['HDEL', k, field]);
      deleted++;
    } else {
      hash.setExpireAt(field, at);
      updated++;
    }
  }
  if (updated === 0 && deleted === 0) {
    ctx.unchanged();
    return out;
  }
  const fields = argv.slice(first);
  if (updated > 0 && persist) {
    ctx.notify(NOTIFY.HASH, 'hpersist', k);
    ctx.propagate(['HPERSIST', k, 'FIELDS', String(n), ...fields]);
  } else if (updated > 0) {
    ctx.notify(NOTIFY.HASH, 'hexpire', k);
    ctx.propagate(['HPEXPIREAT', k, String(at), 'FIELDS', String(n), ...fields]);
    ctx.db.armFields(k, hash);
  } else {
    ctx.notify(NOTIFY.HASH, 'hdel', k);
  }
  deleteIfEmpty(ctx, k, hash);
  return out;
}

const FNX = 1;
const FXX = 2;
const KEEPTTL = 4;
const EXPIRY = 8;

interface HsetexArgs {
  flags: number;
  /** Absolute ms when `flags & EXPIRY`. */
  at: number;
  /** Where the expiry option's keyword sits (its value follows). */
  atPos: number;
  first: number;
}

/** Redis parses HSETEX's options before looking the key up, so option errors win over WRONGTYPE. */
function parseHsetex(ctx: Ctx, argv: Argv): HsetexArgs {
  const args: HsetexArgs = { flags: 0, at: 0, atPos: -1, first: -1 };
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i] as string;
    if (is(a, 'fields')) {
      if (i >= argv.length - 3) throw E.arity('hsetex');
      const n = parseInt64(argv[i + 1] as string);
      if (n === null || n < 1 || n > INT_MAX) throw E.HSETEX_BAD_NUMFIELDS;
      const remaining = argv.length - i - 2;
      if (remaining % 2 !== 0 || Number(n) !== remaining / 2) throw E.arity('hsetex');
      args.first = i + 2;
      return args;
    }
    if (is(a, 'ex') || is(a, 'px') || is(a, 'exat') || is(a, 'pxat')) {
      if (args.flags & (EXPIRY | KEEPTTL)) throw E.HSETEX_ONE_EXPIRY;
      if (i >= argv.length - 1) throw E.HSETEX_MISSING_EXPIRE;
      const lower = a.toLowerCase();
      const relative = lower === 'ex' || lower === 'px';
      args.flags |= EXPIRY;
      args.atPos = i;
      i++;
      args.at = parseFieldExpire(argv[i], lower === 'ex' || lower === 'exat', relative ? ctx.now : 0, 'hsetex');
    } else if (is(a, 'keepttl')) {
      if (args.flags & (EXPIRY | KEEPTTL)) throw E.HSETEX_ONE_EXPIRY;
      args.flags |= KEEPTTL;
    } else if (is(a, 'fxx') || is(a, 'fnx')) {
      if (args.flags & (FXX | FNX)) throw E.HSETEX_FNX_FXX;
      args.flags |= is(a, 'fxx') ? FXX : FNX;
    } else {
      throw E.hfeUnknownArgument(a);
    }
  }
  throw E.arity('hsetex');
}

/**
 * HSETEX key [FNX | FXX] [EX s | PX ms | EXAT unix-s | PXAT unix-ms | KEEPTTL] FIELDS numfields field
 * value…: 1 when the fields were set, 0 when FNX / FXX refused them all. Without an expiry option or
 * KEEPTTL, setting a field drops its TTL as HSET does.
 */
function hsetex(ctx: Ctx, argv: Argv): Reply {
  const { flags, at, atPos, first } = parseHsetex(ctx, argv);
  const k = argv[1] as string;
  const existing = ctx.db.get(k, 'hash');
  if (flags & (FNX | FXX)) {
    let found = 0;
    for (let i = first; i < argv.length; i += 2) if (existing?.has(argv[i] as string)) found++;
    const pairs = (argv.length - first) / 2;
    if ((flags & FNX && found > 0) || (flags & FXX && found < pairs)) {
      ctx.unchanged();
      return 0;
    }
  }
  const hash = existing ?? ctx.db.getOrCreate(k, 'hash', () => new Hash());
  const keepTtl = (flags & (EXPIRY | KEEPTTL)) !== 0;
  if (flags & EXPIRY) hash.markExpirable();
  let updated = 0;
  let deleted = 0;
  for (let i = first; i < argv.length; i += 2) {
    const field = argv[i] as string;
    hash.set(field, argv[i + 1] as string, keepTtl);
    if (!(flags & EXPIRY)) continue;
    if (at <= ctx.db.now) {
      hash.delete(field);
      ctx.propagate(['HDEL', k, field]);
      deleted++;
    } else {
      hash.setExpireAt(field, at);
      updated++;
    }
  }
  ctx.notify(NOTIFY.HASH, 'hset', k);
  if (deleted + updated > 0) ctx.notify(NOTIFY.HASH, deleted > 0 ? 'hdel' : 'hexpire', k);
  if (deleted === 0 && flags & EXPIRY && !is(argv[atPos], 'pxat')) {
    const effect = argv.slice();
    effect[atPos] = 'PXAT';
    effect[atPos + 1] = String(at);
    ctx.propagate(effect);
  }
  if (!deleteIfEmpty(ctx, k, hash) && updated > 0) {
    ctx.db.armFields(k, hash);
  }
  return 1;
}

export const hashExCommands: CommandDef[] = [
  command('hgetdel', -5, 'write fast', [key(1)], hgetdel),
  command('hgetex', -5, 'write fast', [key(1)], hgetex),
  command('hsetex', -6, 'write denyoom fast', [key(1)], hsetex),
];
