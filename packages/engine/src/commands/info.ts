/**
 * INFO: Redis 7's sections and field names, so tools that parse them (redis-cli, exporters, client
 * libraries' version checks) work. The engine fills what it knows; the host's `info` hook adds or
 * overrides what only it can measure (process memory, CPU, persistence, connections).
 */
import type { Ctx } from '../command/context.ts';
import { type Argv, type CommandDef, freshStats } from '../command/table.ts';
import type { Reply } from '../reply.ts';

/** The Redis version we answer as (INFO, HELLO, Lua's REDIS_VERSION): the semantics we implement. */
export const REDIS_VERSION = '7.4.0';

const DEFAULT = [
  'server',
  'clients',
  'memory',
  'persistence',
  'stats',
  'replication',
  'cpu',
  'modules',
  'errorstats',
  'cluster',
  'keyspace',
];
/** `all` adds the per-command statistics; `everything` also the modules' own sections (we have none). */
const ALL = [...DEFAULT.slice(0, -3), 'commandstats', ...DEFAULT.slice(-3)];

const TITLES: Record<string, string> = { cpu: 'CPU' };

/** Sampled by `recordOpsSample` (the host's 100 ms expiry tick): commands processed at each sample. */
export interface OpsSamples {
  times: number[];
  counts: number[];
}

const OPS_SAMPLES = 16;

/** Keeps the last OPS_SAMPLES (time, commands) pairs for `instantaneous_ops_per_sec`. */
export function recordOpsSample(samples: OpsSamples, now: number, commands: number): void {
  samples.times.push(now);
  samples.counts.push(commands);
  if (samples.times.length > OPS_SAMPLES) {
    samples.times.shift();
    samples.counts.shift();
  }
}

function opsPerSec(samples: OpsSamples): number {
  const n = samples.times.length;
  if (n < 2) return 0;
  const ms = (samples.times[n - 1] as number) - (samples.times[0] as number);
  const ops = (samples.counts[n - 1] as number) - (samples.counts[0] as number);
  return ms <= 0 ? 0 : Math.round((ops * 1000) / ms);
}

/** Redis's bytesToHuman: B, K, M, G, T with two decimals. */
export function humanBytes(n: number): string {
  const units = ['K', 'M', 'G', 'T', 'P'];
  if (n < 1024) return `${n}B`;
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(2)}${units[i]}`;
}

function info(ctx: Ctx, argv: Argv): Reply {
  const wanted = new Set<string>();
  if (argv.length === 1) for (const s of DEFAULT) wanted.add(s);
  for (const arg of argv.slice(1)) {
    const s = arg.toLowerCase();
    if (s === 'default') for (const d of DEFAULT) wanted.add(d);
    else if (s === 'all' || s === 'everything') for (const a of ALL) wanted.add(a);
    else wanted.add(s);
  }
  const out: string[] = [];
  // Redis's order, whatever order they were asked in.
  for (const section of [...ALL, ...[...wanted].filter((s) => !ALL.includes(s))]) {
    if (!wanted.has(section)) continue;
    const builtin = builtinSection(ctx, section);
    const host = ctx.info(section);
    if (builtin === undefined && host === undefined) continue;
    if (out.length > 0) out.push('');
    out.push(`# ${TITLES[section] ?? `${section[0]?.toUpperCase()}${section.slice(1)}`}`);
    for (const [k, v] of Object.entries({ ...builtin, ...host })) out.push(`${k}:${v}`);
  }
  return out.length === 0 ? '' : `${out.join('\r\n')}\r\n`;
}

type Fields = Record<string, string | number>;

function builtinSection(ctx: Ctx, section: string): Fields | undefined {
  switch (section) {
    case 'server': {
      const uptime = Math.floor((ctx.now - ctx.stats.startedAt) / 1000);
      return {
        redis_version: REDIS_VERSION,
        redis_mode: 'standalone',
        arch_bits: 64,
        uptime_in_seconds: uptime,
        uptime_in_days: Math.floor(uptime / 86400),
        hz: 10,
        configured_hz: 10,
      };
    }
    case 'clients':
      return {
        connected_clients: 1,
        maxclients: ctx.config.get('maxclients')?.get() ?? '10000',
        blocked_clients: 0,
        tracking_clients: 0,
        pubsub_clients: 0,
      };
    case 'memory':
      return memory(ctx);
    case 'persistence': {
      const lastSave = ctx.persistence?.lastSave() ?? Math.floor(ctx.stats.startedAt / 1000);
      return {
        loading: 0,
        async_loading: 0,
        rdb_changes_since_last_save: 0,
        rdb_bgsave_in_progress: 0,
        rdb_last_save_time: lastSave,
        rdb_last_bgsave_status: 'ok',
        aof_enabled: 0,
        aof_rewrite_in_progress: 0,
        aof_rewrite_scheduled: 0,
        aof_last_write_status: 'ok',
      };
    }
    case 'stats': {
      let errors = 0;
      for (const n of ctx.stats.errors.values()) errors += n;
      return {
        total_commands_processed: ctx.stats.commands,
        instantaneous_ops_per_sec: opsPerSec(ctx.stats.ops),
        expired_keys: ctx.db.expiredCount,
        evicted_keys: ctx.stats.evictedKeys,
        keyspace_hits: ctx.db.hits,
        keyspace_misses: ctx.db.misses,
        pubsub_channels: ctx.pubsub.activeChannels().length,
        pubsub_patterns: ctx.pubsub.numpat(),
        pubsubshard_channels: ctx.pubsub.activeShardChannels().length,
        total_error_replies: errors,
      };
    }
    case 'replication':
      return {
        role: 'master',
        connected_slaves: 0,
        master_failover_state: 'no-failover',
        master_repl_offset: 0,
        second_repl_offset: -1,
        repl_backlog_active: 0,
      };
    case 'cpu':
      return {};
    case 'modules':
      return modules(ctx);
    case 'commandstats':
      return commandStats(ctx);
    case 'errorstats': {
      const fields: Fields = {};
      for (const [code, n] of ctx.stats.errors) fields[`errorstat_${code}`] = `count=${n}`;
      return fields;
    }
    case 'cluster':
      return { cluster_enabled: 0 };
    case 'keyspace':
      return ctx.db.size === 0 ? {} : { db0: `keys=${ctx.db.size},expires=${ctx.db.volatileCount},avg_ttl=0` };
    default:
      return undefined;
  }
}

function memory(ctx: Ctx): Fields {
  // The keyspace's own estimate of its data; a host replaces used_memory with the process's figure.
  const used = ctx.db.usedBytes;
  const max = ctx.tunables.maxmemory;
  const fields: Fields = {
    used_memory: used,
    used_memory_human: humanBytes(used),
    used_memory_dataset: used,
    maxmemory: max,
    maxmemory_human: humanBytes(max),
    maxmemory_policy: ctx.tunables.maxmemoryPolicy,
  };
  if (ctx.scripting === null) return fields;
  const lua = ctx.scripting.usedMemory();
  return {
    ...fields,
    used_memory_lua: lua.scripts,
    used_memory_vm_functions: lua.functions,
    number_of_cached_scripts: ctx.scripting.scriptCount,
    number_of_functions: ctx.scripting.functions.size,
    number_of_libraries: ctx.scripting.libraries.size,
  };
}

/** A JSON data type answers as Redis Stack's module does, so clients probing for it find it. */
function modules(ctx: Ctx): Fields {
  for (const def of ctx.table.all())
    if (def.name.startsWith('json.'))
      return { module: 'name=ReJSON,ver=20800,api=1,filters=0,usedby=[],using=[],options=[handle-io-errors]' };
  return {};
}

function commandStats(ctx: Ctx): Fields {
  const fields: Fields = {};
  const add = (def: CommandDef) => {
    const s = def.stats;
    if (s.calls === 0 && s.rejected === 0 && s.failed === 0) return;
    // Timing is sampled: the sampled calls' mean stands for all of them.
    const perCall = s.sampledCalls === 0 ? 0 : s.sampledUsec / s.sampledCalls;
    const usec = Math.round(perCall * s.calls);
    fields[`cmdstat_${def.name}`] =
      `calls=${s.calls},usec=${usec},usec_per_call=${perCall.toFixed(2)},rejected_calls=${s.rejected},failed_calls=${s.failed}`;
  };
  for (const def of ctx.table.all()) {
    add(def);
    if (def.subcommands) for (const sub of def.subcommands.values()) add(sub);
  }
  return fields;
}

/** CONFIG RESETSTAT: every counter INFO reports since start. */
export function resetStats(ctx: Ctx): void {
  ctx.stats.commands = 0;
  ctx.stats.errors.clear();
  ctx.db.expiredCount = 0;
  ctx.db.hits = 0;
  ctx.db.misses = 0;
  for (const def of ctx.table.all()) {
    def.stats = freshStats();
    if (def.subcommands) for (const sub of def.subcommands.values()) sub.stats = freshStats();
  }
}

export { info as infoHandler };
