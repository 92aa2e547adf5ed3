/** HyperLogLog commands over Redis-format HLL strings (see types/hll.ts). */
import type { Ctx } from '../command/context.ts';
import * as E from '../command/errors.ts';
import { type Argv, type CommandDef, command, key } from '../command/table.ts';
import { NOTIFY, notifyMiss } from '../pubsub/notify.ts';
import { OK, type Reply } from '../reply.ts';
import {
  add,
  CorruptHll,
  cachedCountOf,
  count,
  countRegisters,
  createHll,
  denseWouldChange,
  HLL_REGISTERS,
  type Hll,
  hllBytes,
  invalidateCache,
  isDense,
  isHll,
  mergeInto,
  parseHll,
  setCachedCount,
  setRegister,
  toDense,
} from '../types/hll.ts';

/** The HLL at `k`, or undefined; throws WRONGTYPE for a non-string or a string that is no HLL. */
function lookup(ctx: Ctx, k: string): Hll | undefined {
  const value = ctx.db.get(k, 'string');
  if (value === undefined) return undefined;
  if (!isHll(value)) throw E.NOT_HLL;
  return parseHll(value);
}

/** Runs an HLL edit, turning a corrupt sparse encoding into Redis's INVALIDOBJ reply. */
function guarded<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof CorruptHll) throw E.CORRUPT_HLL;
    throw err;
  }
}

function pfadd(ctx: Ctx, argv: Argv): Reply {
  const k = argv[1] as string;
  const value = ctx.db.get(k, 'string');
  if (value !== undefined) {
    if (!isHll(value)) throw E.NOT_HLL;
    if (!denseWouldChange(value, argv, 2)) {
      ctx.unchanged();
      return 0;
    }
  }
  let hll = value === undefined ? undefined : parseHll(value);
  let updated = 0;
  if (hll === undefined) {
    hll = createHll();
    updated++;
  }
  const target = hll;
  try {
    for (let i = 2; i < argv.length; i++) updated += guarded(() => add(target, argv[i] as string));
  } catch (err) {
    // Redis edits the value in place, so the elements added before the corrupt spot stay added.
    if (updated > 0) ctx.db.set(k, 'string', hllBytes(target), true);
    throw err;
  }
  if (updated === 0) {
    ctx.unchanged();
    return 0;
  }
  invalidateCache(target);
  ctx.db.set(k, 'string', hllBytes(target), true);
  ctx.notify(NOTIFY.STRING, 'pfadd', k);
  return 1;
}

function pfcount(ctx: Ctx, argv: Argv): Reply {
  if (argv.length > 2) {
    const max = new Uint8Array(HLL_REGISTERS);
    for (let i = 1; i < argv.length; i++) {
      const hll = lookup(ctx, argv[i] as string);
      if (hll !== undefined) guarded(() => mergeInto(max, hll));
    }
    return countRegisters(max);
  }
  const k = argv[1] as string;
  const value = ctx.db.get(k, 'string');
  if (value === undefined) return 0;
  if (!isHll(value)) throw E.NOT_HLL;
  // The usual case: the header's cached estimate is valid, and answering needs no copy of the registers.
  const cached = cachedCountOf(value);
  if (cached !== undefined) return cached;
  const hll = parseHll(value);
  const card = guarded(() => count(hll));
  // Redis writes the estimate back into the header as a cache (PFCOUNT is "readonly" yet may write).
  setCachedCount(hll, card);
  ctx.db.set(k, 'string', hllBytes(hll), true);
  return card;
}

function pfmerge(ctx: Ctx, argv: Argv): Reply {
  const max = new Uint8Array(HLL_REGISTERS);
  let useDense = false;
  // The destination is one of the inputs, as in Redis.
  for (let i = 1; i < argv.length; i++) {
    const hll = lookup(ctx, argv[i] as string);
    if (hll === undefined) {
      // Redis reads the inputs with lookupKeyRead, which reports a miss.
      notifyMiss(ctx, argv[i] as string);
      continue;
    }
    if (isDense(hll)) useDense = true;
    guarded(() => mergeInto(max, hll));
  }
  const dest = argv[1] as string;
  const value = ctx.db.get(dest, 'string');
  const hll = value === undefined ? createHll() : parseHll(value);
  if (useDense) guarded(() => toDense(hll));
  for (let r = 0; r < HLL_REGISTERS; r++) {
    const v = max[r] as number;
    if (v === 0) continue;
    try {
      setRegister(hll, r, v);
    } catch (err) {
      // Redis ignores a failed register write here; the inputs were already validated.
      if (!(err instanceof CorruptHll)) throw err;
    }
  }
  invalidateCache(hll);
  ctx.db.set(dest, 'string', hllBytes(hll), true);
  // Redis reports a merge as `pfadd`: a mass add of elements.
  ctx.notify(NOTIFY.STRING, 'pfadd', dest);
  return OK;
}

export const hyperloglogCommands: CommandDef[] = [
  command('pfadd', -2, 'write denyoom fast', [key(1)], pfadd),
  command('pfcount', -2, 'readonly may_replicate', [key(1, -1)], pfcount),
  command('pfmerge', -2, 'write denyoom', [key(1), key(2, -1)], pfmerge),
];
