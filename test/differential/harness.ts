/**
 * Differential testing: the same command sequence goes to a real redis-server and to a fresh in-process
 * engine, and every reply must be identical on the wire (RESP2), errors included. Replies that are
 * inherently different (random picks, TTLs that tick, server facts) are compared by declared rules, and
 * every deliberate difference from the installed Redis 7.0 is declared once, with its reason, in
 * KNOWN_DIFFERENCES below: nothing is silently skipped.
 */
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import {
  DoubleReply,
  Engine,
  ErrorReply,
  formatDouble,
  loadLua,
  MapReply,
  NilArray,
  type Reply,
  SimpleString,
} from '@redstash/engine';
import { seededRandom } from '@redstash/engine/testing';
import { REDIS_MISSING, type RedisServer, startRedisServer } from '../support/redis-server.ts';
import type { RespClient, RespReply } from '../support/resp-client.ts';

export type Argv = readonly string[];

/**
 * A command: an argv, or one line split on spaces where `"…"` quotes a token (so `""` is the empty
 * string) and, inside quotes, `\xHH`, `\n`, `\r`, `\t`, `\"` and `\\` escape bytes.
 */
export type Cmd = string | Argv;

/** How to compare a reply that is random by design (SRANDMEMBER, SPOP, RANDOMKEY, HRANDFIELD, ZRANDMEMBER). */
export interface RandomRule {
  /** Every picked element (every other one with `pairs`) must be one of these. */
  among?: readonly string[];
  /** The reply alternates element and value/score (WITHVALUES, WITHSCORES). */
  pairs?: boolean;
  /** Our picks must not repeat (a positive count). */
  distinct?: boolean;
}

export interface StepOptions {
  cmd: Cmd;
  /** Sort an array reply before comparing (`pairs`: keep field/value pairs together). */
  unordered?: boolean | 'pairs';
  /** Integer replies may differ by this much (TTL, PTTL and *EXPIRETIME get a default). */
  ttlTolerance?: number;
  /** Compare the shape only: reply types, array lengths, membership. */
  random?: RandomRule;
  /** Run a SCAN-family cursor loop to completion on both sides and compare the union of elements. */
  scanAll?: boolean;
}

export type Step = Cmd | StepOptions | { sleep: number };

export interface Case {
  name: string;
  steps: readonly Step[];
}

export interface Mismatch {
  index: number;
  argv: Argv;
  redis: string;
  ours: string;
  why: string;
}

// ---------------------------------------------------------------------------------------------------------
// Declared rules

/**
 * Float replies of sorted-set commands. Redis 7.0 prints them with `%.17g` (ZSCORE of 1.1 is
 * "1.1000000000000001"); Redis ≥ 7.2 prints the shortest text that round-trips ("1.1"), as we do.
 */
const SCORE_REPLY_COMMANDS = new Set([
  'zscore',
  'zmscore',
  'zincrby',
  'zadd',
  'zrange',
  'zrangebyscore',
  'zrevrange',
  'zrevrangebyscore',
  'zpopmin',
  'zpopmax',
  'zmpop',
  'bzpopmin',
  'bzpopmax',
  'bzmpop',
  'zrandmember',
  'zunion',
  'zinter',
  'zdiff',
  'zscan',
  'zrank',
  'zrevrank',
]);

/** `%.17g` output with 17 significant digits: the only texts on which 7.0 and 7.2+ can disagree. */
function seventeenDigits(text: string): boolean {
  const m = /^-?([0-9]*)\.?([0-9]*)(?:e[+-][0-9]+)?$/.exec(text);
  if (m === null) return false;
  const digits = `${m[1]}${m[2]}`.replace(/^0+/, '');
  return digits.length === 17;
}

/** Rewrites Redis 7.0's `%.17g` float texts to the shortest round-trip form Redis ≥ 7.2 sends. */
function shortestFloats(r: RespReply): RespReply {
  if (r.type === 'bulk' && seventeenDigits(r.value)) return { type: 'bulk', value: formatDouble(Number(r.value)) };
  if (r.type === 'array') return { type: 'array', value: r.value.map(shortestFloats) };
  return r;
}

type Ask = (argv: Argv) => Promise<RespReply>;

/**
 * Where we deliberately answer differently from the installed Redis 7.0.15. `check` returns undefined
 * when our reply is the one the declared behaviour requires, or why not; it may ask Redis more questions,
 * which run right after the command (such steps are not pipelined).
 */
export interface KnownDifference {
  id: string;
  reason: string;
  applies(argv: Argv): boolean;
  check(redis: RespReply, ours: RespReply, argv: Argv, ask: Ask, base: Compare): Promise<string | undefined>;
}

type Compare = (redis: RespReply, ours: RespReply) => string | undefined;

const name = (argv: Argv) => (argv[0] ?? '').toLowerCase();
const hasToken = (argv: Argv, token: string, from = 1) => argv.slice(from).some((a) => a.toLowerCase() === token);
const SYNTAX_ERROR: RespReply = { type: 'error', value: 'ERR syntax error' };

// A family may declare its own differences by appending here from its test file (each test file runs in
// its own process, so they apply to that family only).
export const KNOWN_DIFFERENCES: KnownDifference[] = [
  {
    id: 'float-format',
    reason:
      'Redis 7.0 formats sorted-set scores with %.17g ("1.1000000000000001"); Redis ≥ 7.2 sends the shortest ' +
      'round-trip text ("1.1") and so do we. Redis texts with 17 significant digits are rewritten to the ' +
      'shortest form before comparing; member names of that form are therefore avoided in cases.',
    applies: (argv) => SCORE_REPLY_COMMANDS.has(name(argv)) && !(name(argv).endsWith('rank') && argv.length >= 4),
    check: async (redis, ours, _argv, _ask, base) => base(shortestFloats(redis), ours),
  },
  {
    id: 'copy-same-key',
    reason: 'Upstash answers COPY k k with 0 (not copied); Redis errors "source and destination objects are the same".',
    applies: (argv) => name(argv) === 'copy' && argv.length >= 3 && argv[1] === argv[2],
    check: async (redis, ours, _argv, _ask, base) => {
      if (redis.type === 'error' && redis.value === 'ERR source and destination objects are the same')
        return base({ type: 'integer', value: 0 }, ours);
      // Other errors (syntax, arity) come first in both.
      return base(redis, ours);
    },
  },
  {
    id: 'scan-withtype',
    reason:
      'Upstash extension: SCAN … WITHTYPE answers [cursor, [key, type, …]]; Redis errors. Checked against ' +
      "Redis's SCAN without WITHTYPE plus TYPE of each key (cases use a COUNT that ends the scan in one call).",
    applies: (argv) => name(argv) === 'scan' && hasToken(argv, 'withtype', 2),
    check: async (redis, ours, argv, ask) => {
      const plain = argv.filter((a) => a.toLowerCase() !== 'withtype');
      const expected = await ask(plain);
      if (expected.type !== 'array') return redis.type === 'error' && ours.type === 'error' ? undefined : 'scan failed';
      const keys = (expected.value[1] as { value: RespReply[] }).value;
      const pairs: RespReply[] = [];
      for (const k of keys) {
        // TYPE answers a status; WITHTYPE lists the type names as bulk strings.
        const type = await ask(['TYPE', (k as { value: string }).value]);
        pairs.push(k, type.type === 'status' ? { type: 'bulk', value: type.value } : type);
      }
      const want: RespReply = {
        type: 'array',
        value: [expected.value[0] as RespReply, { type: 'array', value: pairs }],
      };
      return compareReplies(want, ours, { unordered: 'scan-pairs' });
    },
  },
  {
    id: 'zrank-withscore',
    reason:
      'ZRANK/ZREVRANK … WITHSCORE is Redis 7.2+; 7.0 has arity 3 and answers any 4th argument with an arity ' +
      'error. Checked against ZRANK without it plus ZSCORE (a missing member or key is a nil array).',
    applies: (argv) => (name(argv) === 'zrank' || name(argv) === 'zrevrank') && argv.length >= 4,
    check: async (redis, ours, argv, ask) => {
      // 7.2+: more than one extra argument stays an arity error; one that is not WITHSCORE is a syntax error.
      if (argv.length > 4) return compareReplies(redis, ours);
      if ((argv[3] as string).toLowerCase() !== 'withscore') return compareReplies(SYNTAX_ERROR, ours);
      const rank = await ask(argv.slice(0, 3));
      if (rank.type === 'nil') return compareReplies({ type: 'nil-array' }, ours);
      if (rank.type !== 'integer') return compareReplies(rank, ours);
      const score = shortestFloats(await ask(['ZSCORE', argv[1] as string, argv[2] as string]));
      return compareReplies({ type: 'array', value: [rank, score] }, ours);
    },
  },
  {
    id: 'hscan-novalues',
    reason:
      'HSCAN … NOVALUES is Redis 7.4+ (7.0 answers a syntax error). Checked against HSCAN without it, fields ' +
      'only (cases use a COUNT that ends the scan in one call).',
    applies: (argv) => name(argv) === 'hscan' && hasToken(argv, 'novalues', 3),
    check: async (_redis, ours, argv, ask) => {
      const full = await ask(argv.filter((a, i) => i < 3 || a.toLowerCase() !== 'novalues'));
      if (full.type !== 'array') return compareReplies(full, ours);
      const items = (full.value[1] as { value: RespReply[] }).value.filter((_, i) => i % 2 === 0);
      return compareReplies(
        { type: 'array', value: [full.value[0] as RespReply, { type: 'array', value: items }] },
        ours,
        { unordered: 'scan' },
      );
    },
  },
];

/** Replies that differ by nature between two servers; compared by shape. */
const INHERENT: Record<string, (redis: RespReply, ours: RespReply) => string | undefined> = {
  // Wall-clock time: two [seconds, microseconds] pairs of digit strings, within two seconds of each other.
  time: (redis, ours) => {
    const secs = (r: RespReply) =>
      r.type === 'array' && r.value.length === 2 && r.value.every((x) => x.type === 'bulk' && /^\d+$/.test(x.value))
        ? Number((r.value[0] as { value: string }).value)
        : undefined;
    const a = secs(redis);
    const b = secs(ours);
    if (a === undefined || b === undefined) return compareReplies(redis, ours);
    return Math.abs(a - b) <= 2 ? undefined : 'clocks more than 2 s apart';
  },
  // Server facts (version, memory, uptime): both must be INFO text, `# Section` headers and `field:value` lines.
  info: (redis, ours) => {
    if (redis.type !== 'bulk' || ours.type !== 'bulk') return compareReplies(redis, ours);
    const shape = (s: string) => s === '' || /^(# \w+\r\n([^\r\n:]+:[^\r\n]*\r\n)*(\r\n)?)+$/.test(s);
    if (!shape(ours.value)) return 'INFO text is not "# Section" / "field:value" lines';
    if ((redis.value === '') !== (ours.value === '')) return 'one INFO reply is empty and the other is not';
    return undefined;
  },
};

/** Commands whose array replies are unordered by nature (hash-table iteration order). */
const UNORDERED = new Set(['smembers', 'sinter', 'sunion', 'sdiff', 'keys']);

/** Replies that are random by design: compared by shape unless a case says more. */
const RANDOM = new Set(['srandmember', 'spop', 'randomkey', 'hrandfield', 'zrandmember']);

const TTL_TOLERANCE: Record<string, number> = { ttl: 1, expiretime: 1, pttl: 250, pexpiretime: 250 };

// ---------------------------------------------------------------------------------------------------------
// Parsing cases

export function parseCmd(cmd: Cmd): Argv {
  if (typeof cmd !== 'string') return cmd;
  const out: string[] = [];
  let i = 0;
  while (i < cmd.length) {
    if (cmd[i] === ' ') {
      i++;
      continue;
    }
    let tok = '';
    if (cmd[i] === '"') {
      i++;
      while (i < cmd.length && cmd[i] !== '"') {
        if (cmd[i] === '\\') {
          const c = cmd[i + 1];
          if (c === 'x') {
            tok += String.fromCharCode(Number.parseInt(cmd.slice(i + 2, i + 4), 16));
            i += 4;
            continue;
          }
          tok += c === 'n' ? '\n' : c === 'r' ? '\r' : c === 't' ? '\t' : (c ?? '');
          i += 2;
          continue;
        }
        tok += cmd[i];
        i++;
      }
      if (cmd[i] !== '"') throw new Error(`unterminated quote in ${cmd}`);
      i++;
    } else {
      while (i < cmd.length && cmd[i] !== ' ') tok += cmd[i++];
    }
    out.push(tok);
  }
  return out;
}

/**
 * A case written as text, one command per line (blank lines and lines starting with `//` are ignored).
 * A line may end with annotations: `@unordered`, `@pairs` (unordered field/value pairs), `@scan` (scanAll),
 * `@random` (or `@shape`: compare the shape only), `@random-pairs`, `@distinct`, `@among=a,b,c`, `@ttl=N`; `@sleep N` alone sleeps N ms.
 */
export function script(text: string): Step[] {
  const steps: Step[] = [];
  for (const raw of text.split('\n')) {
    let line = raw.trim();
    if (line === '' || line.startsWith('//')) continue;
    const sleep = /^@sleep (\d+)$/.exec(line);
    if (sleep) {
      steps.push({ sleep: Number(sleep[1]) });
      continue;
    }
    const opts: Partial<StepOptions> & { random?: RandomRule } = {};
    for (let m = /\s@([a-z-]+)(?:=(\S*))?$/.exec(line); m !== null; m = /\s@([a-z-]+)(?:=(\S*))?$/.exec(line)) {
      const [tag, value] = [m[1], m[2] ?? ''];
      if (tag === 'unordered') opts.unordered = true;
      else if (tag === 'pairs') opts.unordered = 'pairs';
      else if (tag === 'scan') opts.scanAll = true;
      else if (tag === 'random' || tag === 'shape') opts.random = { ...opts.random };
      else if (tag === 'random-pairs') opts.random = { ...opts.random, pairs: true };
      else if (tag === 'distinct') opts.random = { ...opts.random, distinct: true };
      else if (tag === 'among') opts.random = { ...opts.random, among: value.split(',') };
      else if (tag === 'ttl') opts.ttlTolerance = Number(value);
      else throw new Error(`unknown annotation @${tag} in: ${raw}`);
      line = line.slice(0, m.index).trimEnd();
    }
    steps.push(Object.keys(opts).length === 0 ? line : { ...opts, cmd: line });
  }
  return steps;
}

/** A case from a script. */
export const c = (name: string, text: string): Case => ({ name, steps: script(text) });

function options(step: Cmd | StepOptions): StepOptions {
  return typeof step === 'string' || Array.isArray(step) ? { cmd: step as Cmd } : (step as StepOptions);
}

// ---------------------------------------------------------------------------------------------------------
// Replies: one shape for both sides, and its one-line rendering

export function fromEngine(r: Reply): RespReply {
  if (r === null) return { type: 'nil' };
  if (typeof r === 'string') return { type: 'bulk', value: r };
  if (typeof r === 'number' || typeof r === 'bigint') return { type: 'integer', value: safeInteger(r) };
  if (Array.isArray(r)) return { type: 'array', value: r.map(fromEngine) };
  if (r instanceof SimpleString) return { type: 'status', value: r.value };
  if (r instanceof ErrorReply) return { type: 'error', value: r.message };
  if (r instanceof DoubleReply) return { type: 'bulk', value: formatDouble(r.value) };
  if (r instanceof MapReply) return { type: 'array', value: r.items.map(fromEngine) };
  if (r instanceof NilArray) return { type: 'nil-array' };
  throw new Error(`not a reply: ${String(r)}`);
}

/** Integers on the wire have no JS type: number when safe, bigint otherwise (as the RESP client parses). */
function safeInteger(n: number | bigint): number | bigint {
  if (typeof n === 'number') return n;
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
}

export function render(r: RespReply): string {
  switch (r.type) {
    case 'status':
      return `+${r.value}`;
    case 'error':
      return `(error) ${escapeBytes(r.value)}`;
    case 'integer':
      return `(integer) ${typeof r.value === 'number' && !Number.isInteger(r.value) ? `NOT-AN-INTEGER ${r.value}` : r.value}`;
    case 'bulk':
      return quote(r.value);
    case 'nil':
      return '(nil)';
    case 'nil-array':
      return '(nil array)';
    case 'array':
      return `[${r.value.map(render).join(', ')}]`;
  }
}

export function quote(s: string): string {
  return `"${escapeBytes(s).replace(/"/g, '\\"')}"`;
}

/** Printable ASCII as it is; other bytes as `\n`, `\r` or `\xHH`; backslashes doubled. */
function escapeBytes(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x5c) out += '\\\\';
    else if (c >= 0x20 && c < 0x7f) out += s[i];
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else out += `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return out;
}

export function renderArgv(argv: Argv): string {
  return argv.map((a) => (/^[\x21-\x7e]+$/.test(a) && !a.includes('"') ? a : quote(a))).join(' ');
}

// ---------------------------------------------------------------------------------------------------------
// Comparing

interface CompareOptions {
  /** `scan`: a [cursor, items] reply whose items are a set; `scan-pairs`: the same with pairs. */
  unordered?: boolean | 'pairs' | 'scan' | 'scan-pairs';
  ttlTolerance?: number;
}

function sortItems(items: readonly RespReply[], pairs: boolean): RespReply[] {
  if (!pairs) return [...items].sort((a, b) => cmp(render(a), render(b)));
  const chunks: RespReply[][] = [];
  for (let i = 0; i < items.length; i += 2) chunks.push(items.slice(i, i + 2));
  chunks.sort((a, b) => cmp(a.map(render).join(), b.map(render).join()));
  return chunks.flat();
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function canonical(r: RespReply, unordered: CompareOptions['unordered']): RespReply {
  if (r.type !== 'array' || !unordered) return r;
  if (unordered === 'scan' || unordered === 'scan-pairs') {
    const [cursor, items] = r.value;
    if (r.value.length !== 2 || items?.type !== 'array') return r;
    return {
      type: 'array',
      value: [cursor as RespReply, { type: 'array', value: sortItems(items.value, unordered === 'scan-pairs') }],
    };
  }
  return { type: 'array', value: sortItems(r.value, unordered === 'pairs') };
}

/** Exact comparison under the options; undefined when equal, else why not. */
export function compareReplies(redis: RespReply, ours: RespReply, opts: CompareOptions = {}): string | undefined {
  const tol = opts.ttlTolerance;
  if (
    tol !== undefined &&
    redis.type === 'integer' &&
    ours.type === 'integer' &&
    Number.isInteger(Number(redis.value)) &&
    Number.isInteger(Number(ours.value))
  ) {
    // BigInt: a TTL near the 64-bit limit is past 2^53, where Number() rounds to even and turns a 1 ms
    // tick into a difference of 2.
    const a = BigInt(redis.value);
    const b = BigInt(ours.value);
    const d = a > b ? a - b : b - a;
    if (a >= 0n && b >= 0n && d <= BigInt(tol)) return undefined;
  }
  const a = render(canonical(redis, opts.unordered));
  const b = render(canonical(ours, opts.unordered));
  return a === b ? undefined : 'replies differ';
}

/** Shape-only comparison for random replies. */
function compareRandom(redis: RespReply, ours: RespReply, rule: RandomRule): string | undefined {
  if (redis.type !== ours.type) return 'reply types differ';
  if (redis.type === 'error' || redis.type === 'integer' || redis.type === 'status') return compareReplies(redis, ours);
  const among = rule.among === undefined ? undefined : new Set(rule.among);
  const picked = (r: RespReply): string[] => {
    if (r.type === 'bulk') return [r.value];
    if (r.type !== 'array') return [];
    return r.value.filter((_, i) => !rule.pairs || i % 2 === 0).map((x) => (x.type === 'bulk' ? x.value : render(x)));
  };
  if (redis.type === 'array' && ours.type === 'array') {
    if (redis.value.length !== ours.value.length)
      return `array lengths differ (${redis.value.length} vs ${ours.value.length})`;
    for (let i = 0; i < ours.value.length; i++) {
      if ((redis.value[i] as RespReply).type !== (ours.value[i] as RespReply).type) return `element ${i} types differ`;
    }
  }
  if (among !== undefined) {
    for (const p of picked(redis)) if (!among.has(p)) return `case error: redis picked ${quote(p)}, not in among`;
    for (const p of picked(ours)) if (!among.has(p)) return `we picked ${quote(p)}, not a member`;
  }
  if (rule.distinct) {
    const ps = picked(ours);
    if (new Set(ps).size !== ps.length) return 'our picks repeat';
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Running

interface Sides {
  redis: RespClient;
  engine: Engine;
  client: ReturnType<Engine['createClient']>;
  internalErrors: string[];
}

function runOurs(sides: Sides, argv: Argv): RespReply {
  sides.internalErrors.length = 0;
  return fromEngine(sides.engine.exec(sides.client, argv));
}

const TX_CONTROL = new Set(['multi', 'exec', 'discard']);
const SCAN_PAIRS = new Set(['hscan', 'zscan']);

/** Runs a SCAN-family loop to the end on one side; the sorted, de-duplicated elements, or the first non-page reply. */
async function scanLoop(argv: Argv, send: (argv: Argv) => RespReply | Promise<RespReply>): Promise<RespReply> {
  const at = name(argv) === 'scan' ? 1 : 2;
  const pairs =
    (SCAN_PAIRS.has(name(argv)) && !hasToken(argv, 'novalues', 3)) ||
    (name(argv) === 'scan' && hasToken(argv, 'withtype'));
  const seen = new Map<string, RespReply[]>();
  let cursor = argv[at] as string;
  for (let rounds = 0; rounds < 100_000; rounds++) {
    const page = await send(argv.map((a, i) => (i === at ? cursor : a)));
    if (page.type !== 'array' || page.value.length !== 2) return page;
    const [next, items] = page.value;
    if (next?.type !== 'bulk' || items?.type !== 'array') return page;
    const step = pairs ? 2 : 1;
    for (let i = 0; i < items.value.length; i += step) {
      const chunk = items.value.slice(i, i + step);
      seen.set(chunk.map(render).join(), chunk);
    }
    cursor = next.value;
    if (cursor === '0') break;
  }
  const keys = [...seen.keys()].sort(cmp);
  return { type: 'array', value: keys.flatMap((k) => seen.get(k) as RespReply[]) };
}

async function newSides(redis: RespClient, seed: number): Promise<Sides> {
  const engine = new Engine({ clock: { now: () => Date.now() }, random: seededRandom(seed), lua: await loadLua() });
  const sides: Sides = { redis, engine, client: engine.createClient(), internalErrors: [] };
  engine.onInternalError = (err) => {
    sides.internalErrors.push(
      err instanceof Error ? (err.stack ?? err.message).split('\n').slice(0, 3).join(' | ') : String(err),
    );
  };
  return sides;
}

interface Pending {
  index: number;
  argv: Argv;
  opts: StepOptions;
  ours: RespReply;
  internal: string[];
}

/** Runs one case against both sides and returns every mismatch. `redis` must be a fresh connection. */
export async function runCase(redis: RespClient, steps: readonly Step[], seed = 1): Promise<Mismatch[]> {
  const flushed = await redis.send(['FLUSHALL']);
  assert.equal(render(flushed), '+OK', 'FLUSHALL on redis');
  const sides = await newSides(redis, seed);
  const mismatches: Mismatch[] = [];
  let batch: Pending[] = [];
  // Inside MULTI, each queued command's options, to compare its element of EXEC's reply.
  let queued: StepOptions[] | null = null;

  const judge = async (p: Pending, redisReply: RespReply, ask: Ask | undefined): Promise<void> => {
    const n = name(p.argv);
    let why: string | undefined;
    if (queued !== null && !TX_CONTROL.has(n)) {
      why = compareReplies(redisReply, p.ours);
      if (redisReply.type === 'status' && redisReply.value === 'QUEUED') queued.push(p.opts);
    } else if (n === 'exec' && queued !== null && redisReply.type === 'array' && p.ours.type === 'array') {
      const inner = queued;
      why =
        redisReply.value.length === p.ours.value.length
          ? undefined
          : `EXEC lengths differ (${redisReply.value.length} vs ${p.ours.value.length})`;
      for (let i = 0; why === undefined && i < inner.length; i++) {
        const w = await compareStep(
          inner[i] as StepOptions,
          redisReply.value[i] as RespReply,
          p.ours.value[i] as RespReply,
          ask,
        );
        if (w !== undefined) why = `EXEC element ${i} (${renderArgv(parseCmd((inner[i] as StepOptions).cmd))}): ${w}`;
      }
    } else {
      why = await compareStep(p.opts, redisReply, p.ours, ask);
    }
    if (n === 'multi' && redisReply.type === 'status') queued = [];
    if ((n === 'exec' || n === 'discard') && queued !== null && redisReply.type !== 'error') queued = null;
    if (n === 'exec' && redisReply.type === 'error' && redisReply.value.startsWith('EXECABORT')) queued = null;
    if (why !== undefined) {
      const note = p.internal.length > 0 ? ` [engine threw: ${p.internal.join(' ; ')}]` : '';
      mismatches.push({
        index: p.index,
        argv: p.argv,
        redis: render(redisReply),
        ours: render(p.ours),
        why: why + note,
      });
    }
  };

  const flush = async () => {
    if (batch.length === 0) return;
    const current = batch;
    batch = [];
    const replies = await redis.pipeline(current.map((p) => p.argv));
    for (let i = 0; i < current.length; i++) await judge(current[i] as Pending, replies[i] as RespReply, undefined);
  };

  for (let index = 0; index < steps.length; index++) {
    const step = steps[index] as Step;
    if (typeof step === 'object' && 'sleep' in step) {
      await flush();
      await new Promise((r) => setTimeout(r, step.sleep));
      continue;
    }
    const opts = options(step);
    const argv = parseCmd(opts.cmd);
    if (opts.scanAll) {
      await flush();
      const theirs = await scanLoop(argv, (a) => redis.send(a));
      const ours = await scanLoop(argv, (a) => runOurs(sides, a));
      await judge({ index, argv, opts: { cmd: argv }, ours, internal: [...sides.internalErrors] }, theirs, undefined);
      continue;
    }
    const ours = runOurs(sides, argv);
    const pending: Pending = { index, argv, opts, ours, internal: [...sides.internalErrors] };
    // Alone, not pipelined: MULTI-control commands (so `queued` is current when the next step is read)
    // and commands whose declared difference asks Redis about the state right after them.
    const alone = TX_CONTROL.has(name(argv)) || (queued === null && KNOWN_DIFFERENCES.some((d) => d.applies(argv)));
    if (alone) {
      await flush();
      const reply = await redis.send(argv);
      await judge(pending, reply, (a) => redis.send(a));
    } else batch.push(pending);
  }
  await flush();
  // Frees the Lua states a scripting case created.
  sides.engine.close();
  return mismatches;
}

async function compareStep(
  opts: StepOptions,
  redis: RespReply,
  ours: RespReply,
  ask: Ask | undefined,
): Promise<string | undefined> {
  const argv = parseCmd(opts.cmd);
  const n = name(argv);
  if (opts.random !== undefined || (RANDOM.has(n) && !(redis.type === 'error' || redis.type === 'nil')))
    return compareRandom(redis, ours, opts.random ?? {});
  const inherent = INHERENT[n];
  if (inherent !== undefined) return inherent(redis, ours);
  const base: Compare = (r, o) =>
    compareReplies(r, o, {
      unordered: opts.unordered ?? (UNORDERED.has(n) ? true : undefined),
      ttlTolerance: opts.ttlTolerance ?? TTL_TOLERANCE[n],
    } as CompareOptions);
  const diff = KNOWN_DIFFERENCES.find((d) => d.applies(argv));
  if (diff !== undefined) {
    const asker: Ask = ask ?? (() => Promise.reject(new Error(`${diff.id}: cannot ask Redis inside MULTI`)));
    return diff.check(redis, ours, argv, asker, base);
  }
  return base(redis, ours);
}

// ---------------------------------------------------------------------------------------------------------
// node:test glue

const MAX_SHOWN = 4;

export function formatMismatches(mismatches: readonly Mismatch[]): string {
  const lines = mismatches
    .slice(0, MAX_SHOWN)
    .map(
      (m) => `  #${m.index} ${renderArgv(m.argv)}\n      redis: ${m.redis}\n      ours:  ${m.ours}\n      (${m.why})`,
    );
  if (mismatches.length > MAX_SHOWN) lines.push(`  … and ${mismatches.length - MAX_SHOWN} more`);
  return `${mismatches.length} mismatch(es):\n${lines.join('\n')}`;
}

/** With DIFF_REPORT=<file>, every mismatch is also appended there as a JSON line, for triage across files. */
function report(family: string, name: string, mismatches: readonly Mismatch[]): void {
  const file = process.env.DIFF_REPORT;
  if (file === undefined || file === '') return;
  const lines = mismatches.map((m) =>
    JSON.stringify({
      family,
      case: name,
      index: m.index,
      argv: renderArgv(m.argv),
      redis: m.redis,
      ours: m.ours,
      why: m.why,
    }),
  );
  appendFileSync(file, `${lines.join('\n')}\n`);
}

/**
 * Declares one test per case, all against one private redis-server for the file. Without redis-server
 * every case is skipped with the reason.
 */
export function differential(family: string, cases: readonly Case[]): void {
  describe(`differential: ${family}`, () => {
    let server: RedisServer | undefined;
    before(async () => {
      server = await startRedisServer();
    });
    after(async () => {
      await server?.stop();
    });
    cases.forEach((c, i) => {
      test(c.name, async (t) => {
        if (server === undefined) {
          t.skip(REDIS_MISSING);
          return;
        }
        const redis = await server.connect();
        try {
          const mismatches = await runCase(redis, c.steps, i + 1);
          if (mismatches.length > 0) {
            report(family, c.name, mismatches);
            // No stack: the mismatch list is the whole story.
            const err = new Error(formatMismatches(mismatches));
            err.stack = `Mismatch: ${err.message}`;
            throw err;
          }
        } finally {
          redis.close();
        }
      });
    });
  });
}

// ---------------------------------------------------------------------------------------------------------
// Generated cases

/** A small seeded generator for operation sequences. */
export class Gen {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = seededRandom(seed);
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

/** `runs` cases of `length` operations each, from `op` with seeds base, base+1, …: one bug masks one run only. */
export function generated(label: string, runs: number, length: number, op: (g: Gen) => Step, base = 1000): Case[] {
  const out: Case[] = [];
  for (let r = 0; r < runs; r++) {
    const g = new Gen(base + r);
    const steps: Step[] = [];
    for (let i = 0; i < length; i++) steps.push(op(g));
    out.push({ name: `${label} (seed ${base + r})`, steps });
  }
  return out;
}

/** Byte strings every family's cases reuse: empty, NUL, high bytes, CRLF, spaces. */
export const BINARY = [
  '',
  '\x00',
  'a\x00b',
  '\x80\xff',
  '\xff\xfe\x00\x01',
  'caf\xc3\xa9',
  'line\r\nbreak',
  ' sp ace ',
];
