/**
 * The parameters clients and tools read or tune with CONFIG GET/SET, with Redis 7's defaults, value syntax
 * and refusal texts. Most only tune encodings or features we do not have (eviction, slow log, client
 * buffers): a value is validated and kept, so CONFIG SET round-trips, and otherwise changes nothing. The few
 * our code reads are mirrored as numbers in `Tunables` so hot paths never parse text.
 */
import * as E from '../command/errors.ts';
import type { ConfigParam, ConfigRegistry } from './config.ts';

/** The tunables engine code reads (`ctx.tunables`); kept in step with their CONFIG parameters. */
export interface Tunables {
  /** `maxmemory` in bytes; 0 = no limit. Nothing is evicted: the value is reported only. */
  maxmemory: number;
  maxmemoryPolicy: string;
}

export function defaultTunables(): Tunables {
  return {
    maxmemory: 0,
    maxmemoryPolicy: 'noeviction',
  };
}

const INT_MAX = '2147483647';
const INT_MIN = '-2147483648';
const LLONG_MAX = '9223372036854775807';
const UINT_MAX = '4294967295';

export const MAXMEMORY_POLICIES = [
  'volatile-lru',
  'volatile-lfu',
  'volatile-random',
  'volatile-ttl',
  'allkeys-lru',
  'allkeys-lfu',
  'allkeys-random',
  'noeviction',
] as const;

/** Redis's string2ll: optional minus, no leading zeros or plus, no spaces. */
const INTEGER = /^(?:0|-?[1-9][0-9]*)$/;

/** A bigint within bounds, or the refusal text. */
function parseBounded(value: string, min: string, max: string): bigint | string {
  if (!INTEGER.test(value) || value.length > 20) return E.CONFIG_NOT_INTEGER;
  const n = BigInt(value);
  if (n < BigInt(min) || n > BigInt(max)) return E.configNotBetween(min, max);
  return n;
}

const UNITS: Record<string, number> = { '': 1, b: 1, k: 1000, kb: 1024, m: 1e6, mb: 1 << 20, g: 1e9, gb: 1 << 30 };

/** Redis's memtoull: digits and an optional unit (`k`, `kb`, `m`, `mb`, `g`, `gb`, any case). */
export function parseMemory(value: string): number | undefined {
  const m = /^([0-9]+)([a-z]*)$/i.exec(value);
  const scale = m === null ? undefined : UNITS[(m[2] as string).toLowerCase()];
  return scale === undefined ? undefined : Number(m?.[1]) * scale;
}

interface Spec {
  name: string;
  aliases?: readonly string[];
  default: string;
  /** Normalises a valid value to what CONFIG GET shows, or returns the refusal text. */
  parse?: (value: string) => { ok: string } | { refused: string };
  /** Runs after a value is accepted (mirrors it into Tunables). */
  apply?: (shown: string) => void;
}

const int =
  (min: string, max: string, clamp?: [number, number]) =>
  (value: string): { ok: string } | { refused: string } => {
    const n = parseBounded(value, min, max);
    if (typeof n === 'string') return { refused: n };
    if (clamp !== undefined) return { ok: String(Math.min(Math.max(Number(n), clamp[0]), clamp[1])) };
    return { ok: String(n) };
  };

const memory = (value: string): { ok: string } | { refused: string } => {
  const n = parseMemory(value);
  return n === undefined ? { refused: E.CONFIG_NOT_MEMORY } : { ok: String(n) };
};

const bool = (value: string): { ok: string } | { refused: string } => {
  const v = value.toLowerCase();
  return v === 'yes' || v === 'no' ? { ok: v } : { refused: E.CONFIG_NOT_BOOL };
};

const oneOf =
  (options: readonly string[]) =>
  (value: string): { ok: string } | { refused: string } => {
    const v = value.toLowerCase();
    return options.includes(v) ? { ok: v } : { refused: E.configOneOf(options) };
  };

/** `save "<seconds> <changes> …"`: pairs of non-negative integers, or "" for none. */
function save(value: string): { ok: string } | { refused: string } {
  const parts = value.split(' ').filter(Boolean);
  if (parts.length % 2 !== 0 || parts.some((p) => !/^[0-9]+$/.test(p))) return { refused: E.CONFIG_BAD_SAVE };
  return { ok: parts.map((p) => String(Number(p))).join(' ') };
}

const COBL_CLASSES = ['normal', 'slave', 'pubsub'];

/** `client-output-buffer-limit`: groups of class, hard, soft, soft-seconds; classes not named keep theirs. */
function outputBufferLimit(current: () => string) {
  return (value: string): { ok: string } | { refused: string } => {
    const parts = value.split(' ').filter(Boolean);
    if (parts.length === 0 || parts.length % 4 !== 0) return { refused: E.CONFIG_COBL_ARGS };
    const now = current().split(' ');
    const limits = new Map<string, string>();
    for (let i = 0; i < now.length; i += 4) limits.set(now[i] as string, now.slice(i + 1, i + 4).join(' '));
    for (let i = 0; i < parts.length; i += 4) {
      let cls = (parts[i] as string).toLowerCase();
      if (cls === 'replica') cls = 'slave';
      if (!COBL_CLASSES.includes(cls)) return { refused: E.CONFIG_COBL_CLASS };
      const hard = parseMemory(parts[i + 1] as string);
      const soft = parseMemory(parts[i + 2] as string);
      const secs = parts[i + 3] as string;
      if (hard === undefined || soft === undefined || !/^[0-9]+$/.test(secs)) return { refused: E.CONFIG_COBL_VALUE };
      limits.set(cls, `${hard} ${soft} ${Number(secs)}`);
    }
    return { ok: COBL_CLASSES.map((c) => `${c} ${limits.get(c) ?? '0 0 0'}`).join(' ') };
  };
}

function specs(t: Tunables, get: (name: string) => string): Spec[] {
  const listpack = (kind: string, entries: string, value: string): Spec[] => [
    { name: `${kind}-max-listpack-entries`, default: entries, parse: int('0', LLONG_MAX) },
    { name: `${kind}-max-listpack-value`, default: value, parse: int('0', LLONG_MAX) },
  ];
  return [
    { name: 'maxmemory', default: '0', parse: memory, apply: (v: string) => (t.maxmemory = Number(v)) },
    {
      name: 'maxmemory-policy',
      default: 'noeviction',
      parse: oneOf(MAXMEMORY_POLICIES),
      apply: (v: string) => (t.maxmemoryPolicy = v),
    },
    { name: 'maxmemory-samples', default: '5', parse: int('1', INT_MAX) },
    { name: 'maxmemory-eviction-tenacity', default: '10', parse: int('0', '100') },
    ...listpack('hash', '512', '64'),
    ...listpack('set', '128', '64'),
    ...listpack('zset', '128', '64'),
    { name: 'set-max-intset-entries', default: '512', parse: int('0', LLONG_MAX) },
    { name: 'list-max-listpack-size', default: '-2', parse: int(INT_MIN, INT_MAX) },
    { name: 'list-compress-depth', default: '0', parse: int('0', INT_MAX) },
    // Encoding limits, validated and kept: stream nodes stay at Redis's defaults (types/stream.ts) and the
    // HyperLogLog's sparse limit is fixed (types/hll.ts).
    { name: 'stream-node-max-bytes', default: '4096', parse: memory },
    { name: 'stream-node-max-entries', default: '100', parse: int('0', LLONG_MAX) },
    { name: 'hll-sparse-max-bytes', default: '3000', parse: memory },
    { name: 'timeout', default: '0', parse: int('0', INT_MAX) },
    { name: 'tcp-keepalive', default: '300', parse: int('0', INT_MAX) },
    // One database per token: SELECT accepts only 0.
    { name: 'databases', default: '1' },
    // Snapshots are the host's business (append-only log plus rewrites); no timed saves.
    { name: 'save', default: '', parse: save },
    { name: 'slowlog-log-slower-than', default: '10000', parse: int('-1', LLONG_MAX) },
    { name: 'slowlog-max-len', default: '128', parse: int('0', LLONG_MAX) },
    { name: 'latency-tracking', default: 'yes', parse: bool },
    { name: 'latency-monitor-threshold', default: '0', parse: int('0', LLONG_MAX) },
    { name: 'lfu-log-factor', default: '10', parse: int('0', INT_MAX) },
    { name: 'lfu-decay-time', default: '1', parse: int('0', INT_MAX) },
    { name: 'activerehashing', default: 'yes', parse: bool },
    { name: 'active-expire-effort', default: '1', parse: int('1', '10') },
    // Redis clamps hz to 1..500 after accepting any non-negative int.
    { name: 'hz', default: '10', parse: int('0', INT_MAX, [1, 500]) },
    { name: 'dynamic-hz', default: 'yes', parse: bool },
    { name: 'lazyfree-lazy-eviction', default: 'no', parse: bool },
    { name: 'lazyfree-lazy-expire', default: 'no', parse: bool },
    { name: 'lazyfree-lazy-server-del', default: 'no', parse: bool },
    { name: 'lazyfree-lazy-user-del', default: 'no', parse: bool },
    { name: 'lazyfree-lazy-user-flush', default: 'no', parse: bool },
    { name: 'maxclients', default: '10000', parse: int('1', UINT_MAX) },
    { name: 'bind', default: '* -::*' },
    { name: 'port', default: '6379' },
    {
      name: 'client-output-buffer-limit',
      default: 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60',
      parse: outputBufferLimit(() => get('client-output-buffer-limit')),
    },
  ].map((s: Spec) => {
    // Redis 7 renamed ziplist to listpack and keeps the old names as aliases of the same value.
    const m = /^(hash|zset)-max-listpack-(entries|value)$|^list-max-listpack-size$/.exec(s.name);
    return m === null ? s : { ...s, aliases: [s.name.replace('listpack', 'ziplist')] };
  });
}

/**
 * Registers every tunable in `registry`, skipping names already registered (a host's own take precedence
 * when it registered first). `tunables` is updated as values are set.
 */
export function registerTunables(registry: ConfigRegistry, tunables: Tunables): void {
  const values = new Map<string, string>();
  const get = (name: string) => values.get(name) ?? '';
  for (const spec of specs(tunables, get)) {
    values.set(spec.name, spec.default);
    const parse = spec.parse;
    for (const name of [spec.name, ...(spec.aliases ?? [])]) {
      if (registry.get(name) !== undefined) continue;
      const param: ConfigParam = { name, get: () => get(spec.name) };
      if (parse !== undefined)
        param.set = (value) => {
          const r = parse(value);
          if ('refused' in r) return r.refused;
          values.set(spec.name, r.ok);
          spec.apply?.(r.ok);
          return undefined;
        };
      registry.register(param);
    }
  }
}
