/**
 * Hash field expiration (Redis 7.4, with Redis 8's `FIELDS numfields` syntax): HEXPIRE, HPEXPIRE,
 * HEXPIREAT, HPEXPIREAT, HTTL, HPTTL, HEXPIRETIME, HPEXPIRETIME and HPERSIST. Each answers one integer per
 * field named. The keyspace removes due fields before a command sees the hash (types/hash.ts,
 * keyspace/keyspace.ts), so these handlers only ever meet live fields.
 */
import { parseInt64 } from '../bytes.ts';
import { is } from '../command/args.ts';
import type { Ctx } from '../command/context.ts';
import * as E from '../command/errors.ts';
import { type Argv, type CommandDef, command, key } from '../command/table.ts';
import { deleteIfEmpty, NOTIFY } from '../pubsub/notify.ts';
import type { ErrorReply, Reply } from '../reply.ts';

/** The latest field expiry Redis accepts, in ms: EB_EXPIRE_TIME_MAX (2^48 - 1) with two bits reserved. */
export const HFE_MAX_ABS_TIME_MS = Math.floor((2 ** 48 - 1) / 4);

/** Per-field answers, as Redis's SetExRes, GetExpireTimeRes and SetPersistRes. */
const NO_FIELD = -2;
const NO_TTL = -1;
const CONDITION_NOT_MET = 0;
const OK = 1;
const DELETED = 2;

const NX = 1;
const XX = 2;
const GT = 4;
const LT = 8;

/**
 * An expiry argument as absolute ms (Redis's parseExpireTime): `seconds` scales it, `base` is the current
 * time for relative forms (0 for the *AT ones). `cmd` names the command in the range error.
 */
export function parseFieldExpire(arg: string | undefined, seconds: boolean, base: number, cmd: string): number {
  const n = arg === undefined ? null : parseInt64(arg);
  if (n === null) throw E.NOT_INTEGER;
  if (n < 0) throw E.HFE_EXPIRE_NEGATIVE;
  let ms = typeof n === 'bigint' ? Number.POSITIVE_INFINITY : n;
  if (seconds) {
    if (ms > Math.floor(HFE_MAX_ABS_TIME_MS / 1000)) throw E.INVALID_EXPIRE(cmd);
    ms *= 1000;
  }
  if (ms > HFE_MAX_ABS_TIME_MS - base) throw E.INVALID_EXPIRE(cmd);
  return ms + base;
}

/**
 * `FIELDS numfields field…` starting at `at`, which must run to the end of argv: the index of the first
 * field. `notPositive` is the command's own text for a bad count (Redis words it two ways).
 */
export function fieldsFrom(argv: Argv, at: number, notPositive: ErrorReply, name: string): number {
  if (!is(argv[at], 'fields')) throw E.HFE_FIELDS_MISSING;
  const raw = argv[at + 1];
  if (raw === undefined) throw E.arity(name);
  const n = parseInt64(raw);
  if (n === null || n < 1) throw notPositive;
  if (Number(n) !== argv.length - at - 2) throw E.HFE_NUMFIELDS_MISMATCH;
  return at + 2;
}

function repeated(n: number, value: number): Reply[] {
  return new Array<Reply>(n).fill(value);
}

/**
 * HEXPIRE key time [NX | XX | GT | LT] FIELDS numfields field…, and its ms / absolute variants. A time
 * not in the future deletes the field (2, logged as HDEL). The effect is logged as HPEXPIREAT with the
 * absolute time and only the fields it changed, as Redis 7.4 propagates it.
 */
function hexpireGeneric(ctx: Ctx, argv: Argv, name: string, seconds: boolean, relative: boolean): Reply {
  const k = argv[1] as string;
  const hash = ctx.db.get(k, 'hash');
  const at = parseFieldExpire(argv[2], seconds, relative ? ctx.now : 0, name);
  const opt = argv[3];
  let cond = 0;
  if (is(opt, 'nx')) cond = NX;
  else if (is(opt, 'xx')) cond = XX;
  else if (is(opt, 'gt')) cond = GT;
  else if (is(opt, 'lt')) cond = LT;
  const first = fieldsFrom(argv, cond === 0 ? 3 : 4, E.HFE_NUMFIELDS_NOT_POSITIVE, name);
  const n = argv.length - first;
  if (hash === undefined) {
    ctx.unchanged();
    return repeated(n, NO_FIELD);
  }
  hash.markExpirable();
  const out = new Array<Reply>(n);
  const updated: string[] = [];
  let deleted = 0;
  for (let i = 0; i < n; i++) {
    const field = argv[first + i] as string;
    if (!hash.has(field)) {
      out[i] = NO_FIELD;
      continue;
    }
    const prev = hash.expireAt(field);
    // A field without a TTL counts as expiring never: XX and GT fail, NX and LT hold.
    const refused =
      prev === 0
        ? (cond & (XX | GT)) !== 0
        : (cond & NX) !== 0 || ((cond & GT) !== 0 && prev >= at) || ((cond & LT) !== 0 && prev <= at);
    if (refused) {
      out[i] = CONDITION_NOT_MET;
    } else if (at <= ctx.db.now) {
      hash.delete(field);
      ctx.propagate(['HDEL', k, field]);
      deleted++;
      out[i] = DELETED;
    } else {
      hash.setExpireAt(field, at);
      updated.push(field);
      out[i] = OK;
    }
  }
  if (deleted + updated.length > 0) ctx.notify(NOTIFY.HASH, deleted > 0 ? 'hdel' : 'hexpire', k);
  if (!deleteIfEmpty(ctx, k, hash) && updated.length > 0) {
    ctx.db.armFields(k, hash);
  }
  if (updated.length > 0) {
    const effect = ['HPEXPIREAT', k, String(at)];
    if (cond !== 0) effect.push(opt as string);
    effect.push('FIELDS', String(updated.length), ...updated);
    ctx.propagate(effect);
  } else if (deleted === 0) {
    ctx.unchanged();
  }
  return out;
}

/** HTTL / HPTTL / HEXPIRETIME / HPEXPIRETIME key FIELDS numfields field…: -2 no field, -1 no TTL. */
function httlGeneric(ctx: Ctx, argv: Argv, name: string, seconds: boolean, relative: boolean): Reply {
  const hash = ctx.db.get(argv[1] as string, 'hash');
  const first = fieldsFrom(argv, 2, E.HFE_FIELDS_NOT_POSITIVE, name);
  const n = argv.length - first;
  if (hash === undefined) return repeated(n, NO_FIELD);
  const base = relative ? ctx.now : 0;
  const out = new Array<Reply>(n);
  for (let i = 0; i < n; i++) {
    const field = argv[first + i] as string;
    const at = hash.expireAt(field);
    if (!hash.has(field) || (at !== 0 && at < ctx.now)) out[i] = NO_FIELD;
    else if (at === 0) out[i] = NO_TTL;
    // Seconds round up, as Redis's (expire + 999 - base) / 1000.
    else out[i] = seconds ? Math.floor((at + 999 - base) / 1000) : at - base;
  }
  return out;
}

/** HPERSIST key FIELDS numfields field…: 1 TTL removed, -1 no TTL, -2 no field. */
function hpersist(ctx: Ctx, argv: Argv): Reply {
  const k = argv[1] as string;
  const hash = ctx.db.get(k, 'hash');
  const first = fieldsFrom(argv, 2, E.HFE_FIELDS_NOT_POSITIVE, 'hpersist');
  const n = argv.length - first;
  if (hash === undefined) {
    ctx.unchanged();
    return repeated(n, NO_FIELD);
  }
  const out = new Array<Reply>(n);
  let changed = false;
  for (let i = 0; i < n; i++) {
    const field = argv[first + i] as string;
    if (!hash.has(field)) {
      out[i] = NO_FIELD;
    } else if (hash.persist(field)) {
      out[i] = OK;
      changed = true;
    } else {
      out[i] = NO_TTL;
    }
  }
  if (changed) ctx.notify(NOTIFY.HASH, 'hpersist', k);
  else ctx.unchanged();
  return out;
}

export const hashTtlCommands: CommandDef[] = [
  command('hexpire', -6, 'write denyoom fast', [key(1)], (ctx, argv) =>
    hexpireGeneric(ctx, argv, 'hexpire', true, true),
  ),
  command('hpexpire', -6, 'write denyoom fast', [key(1)], (ctx, argv) =>
    hexpireGeneric(ctx, argv, 'hpexpire', false, true),
  ),
  command('hexpireat', -6, 'write denyoom fast', [key(1)], (ctx, argv) =>
    hexpireGeneric(ctx, argv, 'hexpireat', true, false),
  ),
  command('hpexpireat', -6, 'write denyoom fast', [key(1)], (ctx, argv) =>
    hexpireGeneric(ctx, argv, 'hpexpireat', false, false),
  ),
  command('httl', -5, 'readonly fast', [key(1)], (ctx, argv) => httlGeneric(ctx, argv, 'httl', true, true)),
  command('hpttl', -5, 'readonly fast', [key(1)], (ctx, argv) => httlGeneric(ctx, argv, 'hpttl', false, true)),
  command('hexpiretime', -5, 'readonly fast', [key(1)], (ctx, argv) =>
    httlGeneric(ctx, argv, 'hexpiretime', true, false),
  ),
  command('hpexpiretime', -5, 'readonly fast', [key(1)], (ctx, argv) =>
    httlGeneric(ctx, argv, 'hpexpiretime', false, false),
  ),
  command('hpersist', -5, 'write fast', [key(1)], hpersist),
];
