/**
 * The command table: every command's metadata as data. It drives arity errors, read-only token checks,
 * MULTI rules, key extraction and `COMMAND`. Field meanings follow Valkey's command specs (arity counts the
 * command name; negative means "at least"; flags are its `command_flags`, lower-cased; key specs are its
 * `begin_search` + `find_keys`), so a test can cross-check the table against that reference.
 */
import type { Reply } from '../reply.ts';
import type { Ctx } from './context.ts';

export type Argv = readonly string[];
export type Handler = (ctx: Ctx, argv: Argv) => Reply;

export type CommandFlag =
  | 'write'
  | 'readonly'
  | 'denyoom'
  | 'fast'
  | 'admin'
  | 'pubsub'
  | 'noscript'
  | 'blocking'
  | 'loading'
  | 'stale'
  | 'no_multi'
  | 'no_auth'
  | 'may_replicate'
  | 'skip_monitor'
  | 'skip_slowlog'
  | 'allow_busy'
  | 'no_mandatory_keys'
  | 'no_async_loading'
  | 'touches_arbitrary_keys';

/**
 * Where a command's keys are. `pos` is Valkey's `begin_search.index.pos`. Then either a range (`last` is
 * relative to `pos`: 0 = just that key, -1 = up to the last argument, -2 = all but the last; `step`
 * between keys; `limit` as in Valkey) or a key count (`keynum`: offset from `pos` of the count argument,
 * `first`: offset of the first key after `pos`, `step`). `keyword` starts the search after that token.
 */
export type KeySpec =
  | { pos: number; keyword?: undefined; last: number; step: number; limit?: number }
  | { pos: number; keyword?: undefined; keynum: number; first: number; step: number }
  | { pos?: undefined; keyword: string; startfrom: number; last: number; step: number; limit?: number };

export interface CommandDef {
  /** Lower-case name; a subcommand is `container|sub`, as Redis names them in errors. */
  readonly name: string;
  readonly arity: number;
  readonly flags: readonly CommandFlag[];
  readonly keys: readonly KeySpec[];
  readonly handler: Handler;
  /** Set from the module that registers it (Valkey's `group`). */
  group: string;
  /** For a container command (CONFIG, SCRIPT, …): its subcommands by lower-case name. */
  subcommands?: Map<string, CommandDef>;
  // Derived once at registration so the dispatcher reads booleans, not arrays.
  isWrite: boolean;
  isReadonly: boolean;
  denyOom: boolean;
  noMulti: boolean;
  noScript: boolean;
  /** A write whose integer reply 0 means it changed nothing (UNCHANGED_AT_ZERO): then it is not logged. */
  zeroUnchanged: boolean;
  /** INFO commandstats, kept on the definition so counting costs one increment (see engine.execute). */
  stats: CommandStats;
}

/** Per-command counters: runs, runs that answered an error, refusals before running, sampled time. */
export interface CommandStats {
  calls: number;
  failed: number;
  rejected: number;
  /** Microseconds spent in the calls that were timed (one in `TIMING_SAMPLE`), and how many those were. */
  sampledUsec: number;
  sampledCalls: number;
}

export const freshStats = (): CommandStats => ({ calls: 0, failed: 0, rejected: 0, sampledUsec: 0, sampledCalls: 0 });

/** Shorthand for a key spec: one key at `pos`, or a range from `pos` to `last` every `step`. */
export const key = (pos: number, last = 0, step = 1, limit?: number): KeySpec =>
  limit === undefined ? { pos, last, step } : { pos, last, step, limit };
/** Shorthand for a key-count spec (ZUNIONSTORE, EVAL, LMPOP, …): count at `pos`, keys right after. */
export const keynum = (pos: number, first = 1, step = 1): KeySpec => ({ pos, keynum: 0, first, step });

/**
 * One registration line: `command('hset', -4, 'write denyoom fast', [key(1)], hset)`. Flags are written as a
 * space-separated list to keep each line short; they are checked against `CommandFlag` at start-up.
 */
export function command(
  name: string,
  arity: number,
  flags: string,
  keys: readonly KeySpec[],
  handler: Handler,
): CommandDef {
  const list = flags.split(' ').filter(Boolean) as CommandFlag[];
  for (const f of list) if (!KNOWN_FLAGS.has(f)) throw new Error(`command ${name}: unknown flag ${f}`);
  return {
    name: name.toLowerCase(),
    arity,
    flags: list,
    keys,
    handler,
    group: '',
    isWrite: list.includes('write'),
    isReadonly: list.includes('readonly'),
    denyOom: list.includes('denyoom'),
    noMulti: list.includes('no_multi'),
    noScript: list.includes('noscript'),
    zeroUnchanged: UNCHANGED_AT_ZERO.has(name.toLowerCase()),
    stats: freshStats(),
  };
}

/**
 * Writes whose reply 0 says that nothing changed: nothing deleted, added, moved, trimmed or set, or a
 * condition (NX, XX, GT, LT) unmet. Redis propagates a command only when it made the keyspace dirty, so
 * these are neither logged nor seen by WATCH when they answer 0. Writes whose 0 can hide a change are not
 * here: HSET and ZADD (updates), the *STORE commands and BITOP (an empty result deletes the destination),
 * XGROUP DELCONSUMER (its reply counts pending entries).
 */
export const UNCHANGED_AT_ZERO: ReadonlySet<string> = new Set([
  'del',
  'unlink',
  'expire',
  'pexpire',
  'expireat',
  'pexpireat',
  'persist',
  'hdel',
  'hsetnx',
  'sadd',
  'srem',
  'smove',
  'zrem',
  'zremrangebyscore',
  'zremrangebyrank',
  'zremrangebylex',
  'lrem',
  'linsert',
  'lpushx',
  'rpushx',
  'setnx',
  'msetnx',
  'renamenx',
  'copy',
  'xdel',
  'xack',
  'xtrim',
  'xgroup|createconsumer',
  'xgroup|destroy',
  'json.del',
  'json.forget',
  'json.clear',
]);

/**
 * A container such as CONFIG: its own entry plus subcommands named `container|sub`. `bare` answers the
 * container alone when its arity allows that (COMMAND with no subcommand lists everything).
 */
export function container(
  name: string,
  flags: string,
  subs: CommandDef[],
  bare?: { arity: number; handler: Handler },
): CommandDef {
  const fallback: Handler = () => {
    throw new Error('container commands dispatch to their subcommands');
  };
  const def = command(name, bare?.arity ?? -2, flags, [], bare?.handler ?? fallback);
  def.subcommands = new Map();
  for (const sub of subs) {
    const short = sub.name.slice(sub.name.indexOf('|') + 1);
    if (!sub.name.startsWith(`${def.name}|`)) throw new Error(`subcommand ${sub.name} outside ${def.name}`);
    def.subcommands.set(short, sub);
  }
  return def;
}

const KNOWN_FLAGS = new Set<string>([
  'write',
  'readonly',
  'denyoom',
  'fast',
  'admin',
  'pubsub',
  'noscript',
  'blocking',
  'loading',
  'stale',
  'no_multi',
  'no_auth',
  'may_replicate',
  'skip_monitor',
  'skip_slowlog',
  'allow_busy',
  'no_mandatory_keys',
  'no_async_loading',
  'touches_arbitrary_keys',
]);

export class CommandTable {
  private readonly byName = new Map<string, CommandDef>();

  register(group: string, defs: readonly CommandDef[]): void {
    for (const shared of defs) {
      if (this.byName.has(shared.name)) throw new Error(`command ${shared.name} registered twice`);
      // The module's definitions are shared by every engine in the process; each table keeps its own
      // copies so per-command counters (INFO commandstats) are per engine.
      const def: CommandDef = { ...shared, group, stats: freshStats() };
      if (shared.subcommands) {
        def.subcommands = new Map();
        for (const [short, sub] of shared.subcommands)
          def.subcommands.set(short, { ...sub, group, stats: freshStats() });
      }
      this.byName.set(def.name, def);
    }
  }

  /** Case-insensitive lookup of a top-level command. */
  get(name: string): CommandDef | undefined {
    return this.byName.get(name) ?? this.byName.get(name.toLowerCase());
  }

  all(): IterableIterator<CommandDef> {
    return this.byName.values();
  }

  get size(): number {
    return this.byName.size;
  }
}

/** Positions of the keys in `argv` per the command's key specs (`COMMAND GETKEYS`, future key locking). */
export function keyPositions(def: CommandDef, argv: Argv): number[] {
  const out: number[] = [];
  for (const spec of def.keys) {
    let start: number;
    if (spec.keyword !== undefined) {
      let i = spec.startfrom;
      while (i < argv.length && argv[i]?.toLowerCase() !== spec.keyword.toLowerCase()) i++;
      if (i >= argv.length) continue;
      start = i + 1;
    } else start = spec.pos;
    if (start >= argv.length) continue;
    if ('keynum' in spec) {
      const n = Number(argv[start + spec.keynum]);
      if (!Number.isInteger(n) || n < 0) continue;
      const first = start + spec.first;
      for (let i = 0; i < n && first + i * spec.step < argv.length; i++) out.push(first + i * spec.step);
    } else {
      const last = spec.last >= 0 ? start + spec.last : argv.length + spec.last;
      const stop =
        'limit' in spec && spec.limit ? Math.min(last, start + Math.floor((last - start) / spec.limit)) : last;
      for (let i = start; i <= stop && i < argv.length; i += spec.step) out.push(i);
    }
  }
  return out;
}
