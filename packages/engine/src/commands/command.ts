/**
 * COMMAND and its subcommands, answered from the command table (metadata) and command/docs.ts (prose), in
 * Redis 7's reply shapes: COMMAND INFO's ten-element entries, COMMAND DOCS's map, COMMAND LIST's filters.
 */
import { is } from '../command/args.ts';
import type { Ctx } from '../command/context.ts';
import { resolve } from '../command/dispatcher.ts';
import { COMMAND_DOCS } from '../command/docs.ts';
import * as E from '../command/errors.ts';
import { type Argv, type CommandDef, command, container, type KeySpec, keyPositions } from '../command/table.ts';
import { globMatch } from '../keyspace/glob.ts';
import { ErrorReply, MapReply, type Reply, SimpleString } from '../reply.ts';

/** The order Redis lists flags in (its flag table), so COMMAND INFO reads the same. */
const FLAG_ORDER = [
  'write',
  'readonly',
  'denyoom',
  'module',
  'admin',
  'pubsub',
  'noscript',
  'blocking',
  'loading',
  'stale',
  'skip_monitor',
  'skip_slowlog',
  'asking',
  'fast',
  'no_auth',
  'may_replicate',
  'no_mandatory_keys',
  'no_multi',
  'allow_busy',
  'no_async_loading',
  'touches_arbitrary_keys',
];

/** ACL categories implied by a command's group (Redis's `acl_categories` of each family). */
const GROUP_CATEGORY: Record<string, string> = {
  generic: 'keyspace',
  string: 'string',
  hash: 'hash',
  list: 'list',
  set: 'set',
  sorted_set: 'sortedset',
  geo: 'geo',
  hyperloglog: 'hyperloglog',
  bitmap: 'bitmap',
  stream: 'stream',
  pubsub: 'pubsub',
  scripting: 'scripting',
  transactions: 'transaction',
  connection: 'connection',
};

/** Commands Redis puts in @dangerous although they are not admin ones. */
const DANGEROUS = new Set(['keys', 'flushdb', 'flushall', 'sort', 'sort_ro', 'swapdb', 'restore', 'info', 'role']);

/** Where Redis's explicit categories replace the family's (server commands that touch keys, SORT, …). */
const CATEGORY_OVERRIDES: Record<string, readonly string[]> = {
  dbsize: ['keyspace'],
  flushdb: ['keyspace'],
  flushall: ['keyspace'],
  swapdb: ['keyspace'],
  sort: ['set', 'sortedset', 'list'],
  sort_ro: ['set', 'sortedset', 'list'],
  wait: ['connection'],
  lastsave: ['admin', 'dangerous'],
  'pubsub|help': [],
};

/** Redis's category table order, which COMMAND INFO follows. */
const CATEGORY_ORDER = [
  'keyspace',
  'read',
  'write',
  'set',
  'sortedset',
  'list',
  'hash',
  'string',
  'bitmap',
  'hyperloglog',
  'geo',
  'stream',
  'pubsub',
  'admin',
  'fast',
  'slow',
  'blocking',
  'dangerous',
  'connection',
  'transaction',
  'scripting',
];

/** Module commands (`json.set`) by name prefix → the module Redis Stack loads them from. */
const MODULES: Record<string, string> = { json: 'ReJSON' };

function moduleOf(def: CommandDef): string | undefined {
  const dot = def.name.indexOf('.');
  return dot === -1 ? undefined : MODULES[def.name.slice(0, dot)];
}

/** A command's ACL categories, derived as Redis does from its flags and family. */
export function aclCategories(def: CommandDef): string[] {
  const cats = new Set<string>();
  const has = (f: string) => (def.flags as readonly string[]).includes(f);
  // COMMAND (which runs bare too) and its subcommands are @connection in Redis.
  const override = /^command(\||$)/.test(def.name) ? ['connection'] : CATEGORY_OVERRIDES[def.name];
  // Any other container (CONFIG, SCRIPT…) is only @slow; its subcommands carry the categories.
  if (def.subcommands !== undefined && override === undefined) return ['slow'];
  const group = GROUP_CATEGORY[def.group];
  if (override !== undefined) for (const c of override) cats.add(c);
  else if (group !== undefined) cats.add(group);
  if (has('write')) cats.add('write');
  if (has('readonly') && def.group !== 'scripting') cats.add('read');
  if (has('admin')) cats.add('admin').add('dangerous');
  if (has('pubsub')) cats.add('pubsub');
  if (has('blocking')) cats.add('blocking');
  cats.add(has('fast') ? 'fast' : 'slow');
  if (DANGEROUS.has(def.name)) cats.add('dangerous');
  return CATEGORY_ORDER.filter((c) => cats.has(c));
}

/** Keys found by a keyword or a key count: where they are depends on the arguments. */
function movable(spec: KeySpec): boolean {
  return spec.keyword !== undefined || 'keynum' in spec;
}

/**
 * The legacy (first, last, step) triple: the first index/range key spec, extended by ones that continue it,
 * as Redis's populateCommandLegacyRangeSpec.
 */
function legacyKeys(def: CommandDef): [number, number, number] {
  let first = 0;
  let last = 0;
  let step = 0;
  for (const spec of def.keys) {
    if (spec.keyword !== undefined || 'keynum' in spec) continue;
    const end = spec.last >= 0 ? spec.pos + spec.last : spec.last;
    if (first === 0) {
      [first, last, step] = [spec.pos, end, spec.step];
      continue;
    }
    if (last >= 0 && spec.step === step && spec.pos === last + step) last = end;
  }
  return [first, last, step];
}

function flagsOf(def: CommandDef): SimpleString[] {
  const flags = FLAG_ORDER.filter((f) => (def.flags as readonly string[]).includes(f));
  if (moduleOf(def) !== undefined) flags.splice(3, 0, 'module');
  if (def.keys.some(movable)) flags.push('movablekeys');
  return flags.map((f) => new SimpleString(f));
}

/** Key-spec flags are not in our table; reads are reported RO ACCESS, writes RW ACCESS UPDATE. */
function keyFlags(def: CommandDef): string[] {
  return def.isWrite ? ['RW', 'ACCESS', 'UPDATE'] : ['RO', 'ACCESS'];
}

function describeKeySpec(def: CommandDef, spec: KeySpec): Reply {
  const begin =
    spec.keyword !== undefined
      ? ['type', 'keyword', 'spec', new MapReply(['keyword', spec.keyword.toUpperCase(), 'startfrom', spec.startfrom])]
      : ['type', 'index', 'spec', new MapReply(['index', spec.pos])];
  const find =
    'keynum' in spec
      ? [
          'type',
          'keynum',
          'spec',
          new MapReply(['keynumidx', spec.keynum, 'firstkey', spec.first, 'keystep', spec.step]),
        ]
      : [
          'type',
          'range',
          'spec',
          new MapReply(['lastkey', spec.last, 'keystep', spec.step, 'limit', 'limit' in spec ? (spec.limit ?? 0) : 0]),
        ];
  return new MapReply([
    'flags',
    keyFlags(def).map((f) => new SimpleString(f)),
    'begin_search',
    new MapReply(begin),
    'find_keys',
    new MapReply(find),
  ]);
}

/** One COMMAND INFO entry: name, arity, flags, first/last/step, ACL categories, tips, key specs, subcommands. */
export function describe(def: CommandDef): Reply {
  const [first, last, step] = legacyKeys(def);
  const subs = def.subcommands ? [...def.subcommands.values()].map(describe) : [];
  return [
    def.name,
    def.arity,
    flagsOf(def),
    first,
    last,
    step,
    aclCategories(def).map((c) => new SimpleString(`@${c}`)),
    [],
    def.keys.map((k) => describeKeySpec(def, k)),
    subs,
  ];
}

function commandInfo(ctx: Ctx, argv: Argv): Reply {
  const names = argv.length > 2 ? argv.slice(2) : [...ctx.table.all()].map((d) => d.name);
  return names.map((n) => {
    const def = lookup(ctx, n);
    return def === undefined ? null : describe(def);
  });
}

/** A command or, written `container|sub`, a subcommand. */
function lookup(ctx: Ctx, name: string): CommandDef | undefined {
  const bar = name.indexOf('|');
  if (bar === -1) return ctx.table.get(name);
  return ctx.table.get(name.slice(0, bar))?.subcommands?.get(name.slice(bar + 1).toLowerCase());
}

/** Redis's group names in COMMAND DOCS use a dash where the specs use an underscore (`sorted-set`). */
function docEntry(def: CommandDef): Reply {
  const doc = COMMAND_DOCS[def.name];
  const module = moduleOf(def);
  const items: Reply[] = [
    'summary',
    doc?.summary ?? '',
    'since',
    doc?.since ?? '',
    'group',
    module !== undefined ? 'module' : def.group.replace('_', '-'),
    'complexity',
    doc?.complexity ?? '',
  ];
  if (module !== undefined) items.push('module', module);
  if (doc?.deprecatedSince !== undefined) {
    items.push('doc_flags', [new SimpleString('deprecated')], 'deprecated_since', doc.deprecatedSince);
    if (doc.replacedBy !== undefined) items.push('replaced_by', doc.replacedBy);
  }
  if (def.subcommands !== undefined && def.subcommands.size > 0) {
    const subs: Reply[] = [];
    for (const sub of def.subcommands.values()) subs.push(sub.name, docEntry(sub));
    items.push('subcommands', new MapReply(subs));
  }
  return new MapReply(items);
}

function commandDocs(ctx: Ctx, argv: Argv): Reply {
  const defs = argv.length > 2 ? argv.slice(2).map((n) => lookup(ctx, n)) : [...ctx.table.all()];
  const items: Reply[] = [];
  for (const def of defs) if (def !== undefined) items.push(def.name, docEntry(def));
  return new MapReply(items);
}

function commandList(ctx: Ctx, argv: Argv): Reply {
  let keep: (def: CommandDef) => boolean = () => true;
  if (argv.length > 2) {
    if (argv.length !== 5 || !is(argv[2] as string, 'filterby')) throw E.SYNTAX;
    const filter = argv[3] as string;
    const value = argv[4] as string;
    if (is(filter, 'module')) keep = (def) => moduleOf(def)?.toLowerCase() === value.toLowerCase();
    else if (is(filter, 'aclcat')) {
      const cat = value.toLowerCase();
      keep = (def) => aclCategories(def).includes(cat);
    } else if (is(filter, 'pattern')) keep = (def) => globMatch(value, def.name, true);
    else throw E.SYNTAX;
  }
  const names: string[] = [];
  for (const def of ctx.table.all()) {
    if (keep(def)) names.push(def.name);
    if (def.subcommands) for (const sub of def.subcommands.values()) if (keep(sub)) names.push(sub.name);
  }
  return names;
}

/** The target command's keys (positions into `target`), or the error Redis gives for GETKEYS. */
function targetKeys(ctx: Ctx, argv: Argv): { def: CommandDef; target: Argv; positions: number[] } {
  const target = argv.slice(2);
  const r = resolve(ctx.table, target);
  if (r instanceof ErrorReply) {
    // Redis checks the name, then the arity, each with its own text.
    if (ctx.table.get(target[0] as string) === undefined) throw E.COMMAND_GETKEYS_INVALID;
    throw E.COMMAND_GETKEYS_ARITY;
  }
  const positions = keyPositions(r.def, target);
  if (positions.length === 0) throw E.COMMAND_GETKEYS_NO_KEYS;
  return { def: r.def, target, positions };
}

function commandGetkeys(ctx: Ctx, argv: Argv): Reply {
  const { target, positions } = targetKeys(ctx, argv);
  return positions.map((i) => target[i] as string);
}

function commandGetkeysAndFlags(ctx: Ctx, argv: Argv): Reply {
  const { def, target, positions } = targetKeys(ctx, argv);
  const flags = keyFlags(def).map((f) => new SimpleString(f));
  return positions.map((i) => [target[i] as string, flags]);
}

export const commandCommands: CommandDef[] = [
  container(
    'command',
    'loading stale',
    [
      command('command|count', 2, 'loading stale', [], (ctx) => ctx.table.size),
      command('command|list', -2, 'loading stale', [], commandList),
      command('command|info', -2, 'loading stale', [], commandInfo),
      command('command|docs', -2, 'loading stale', [], commandDocs),
      command('command|getkeys', -3, 'loading stale', [], commandGetkeys),
      command('command|getkeysandflags', -3, 'loading stale', [], commandGetkeysAndFlags),
    ],
    { arity: -1, handler: (ctx) => [...ctx.table.all()].map(describe) },
  ),
];
