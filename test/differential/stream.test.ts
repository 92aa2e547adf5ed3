import type { RespReply } from '../support/resp-client.ts';
import {
  type Argv,
  c,
  compareReplies,
  differential,
  type Gen,
  generated,
  KNOWN_DIFFERENCES,
  type Step,
} from './harness.ts';

const lower = (argv: Argv, i: number) => (argv[i] ?? '').toLowerCase();

/** Replaces the value after each named field of a flat map (at any depth) by `mask(value)`. */
function maskFields(r: RespReply, fields: Record<string, (v: RespReply) => RespReply | null>): RespReply {
  if (r.type !== 'array') return r;
  const out: RespReply[] = [];
  for (let i = 0; i < r.value.length; i++) {
    const item = r.value[i] as RespReply;
    const next = r.value[i + 1];
    const rule = item.type === 'bulk' ? fields[item.value] : undefined;
    if (rule !== undefined && next !== undefined) {
      const masked = rule(next);
      if (masked !== null) out.push(item, masked);
      i++;
      continue;
    }
    out.push(maskFields(item, fields));
  }
  return { type: 'array', value: out };
}

const ZERO: RespReply = { type: 'integer', value: 0 };
const zero = () => ZERO;
const drop = () => null;

KNOWN_DIFFERENCES.push(
  {
    id: 'xinfo-radix-nodes',
    reason:
      "XINFO STREAM's radix-tree-nodes counts the inner nodes of Redis's radix tree, which we do not have " +
      '(radix-tree-keys, one per 100-entry node, is compared). FULL also gained active-time in 7.2, and ' +
      'seen-time/delivery times tick: those are masked on both sides.',
    applies: (argv) => lower(argv, 0) === 'xinfo' && lower(argv, 1) === 'stream',
    check: async (redis, ours) => {
      const rules = { 'radix-tree-nodes': zero, 'seen-time': zero, 'active-time': drop };
      const strip = (r: RespReply) => maskFields(r, rules);
      const full = (r: RespReply): RespReply => {
        // FULL's pending entries carry absolute delivery times: keep their ID, consumer and count.
        if (r.type !== 'array') return r;
        return {
          type: 'array',
          value: r.value.map((x) => {
            if (x.type === 'array' && x.value.length >= 3 && x.value.every((y) => y.type !== 'array')) {
              const v = x.value.slice();
              v[v.length - 2] = ZERO;
              return { type: 'array', value: v } as RespReply;
            }
            return full(x);
          }),
        };
      };
      return compareReplies(full(strip(redis)), full(strip(ours)));
    },
  },
  {
    id: 'xinfo-consumers-inactive',
    reason:
      'XINFO CONSUMERS gained `inactive` in Redis 7.2 (and `idle` ticks): compared without `inactive`, idle masked.',
    applies: (argv) => lower(argv, 0) === 'xinfo' && lower(argv, 1) === 'consumers',
    check: async (redis, ours) => {
      const rules = { idle: zero, inactive: drop };
      return compareReplies(maskFields(redis, rules), maskFields(ours, rules));
    },
  },
  {
    id: 'xread-unbalanced-text',
    reason:
      "Redis 7.4 names the command in lower case and quoted in XREAD/XREADGROUP's unbalanced-streams error, and " +
      "XREAD's also names '+' (the last-entry ID added in 7.4).",
    applies: (argv) => lower(argv, 0) === 'xread' || lower(argv, 0) === 'xreadgroup',
    check: async (redis, ours, argv) => {
      if (redis.type === 'error' && redis.value.startsWith('ERR Unbalanced'))
        return compareReplies(
          {
            type: 'error',
            value:
              lower(argv, 0) === 'xread'
                ? "ERR Unbalanced 'xread' list of streams: for each stream key an ID, '+', or '$' must be specified."
                : "ERR Unbalanced 'xreadgroup' list of streams: for each stream key an ID or '>' must be specified.",
          },
          ours,
        );
      return compareReplies(redis, ours);
    },
  },
);

const fill = (key: string, from: number, to: number, extra = '') =>
  Array.from({ length: to - from + 1 }, (_, i) => `XADD ${key} ${from + i}-1 f ${from + i}${extra}`).join('\n');

const cases = [
  c(
    'XADD IDs: explicit, ms-*, errors and the 0-0 rule',
    `
    XADD s 1-1 a 1
    XADD s 1-1 a 1
    XADD s 1-0 a 1
    XADD s 0-0 a 1
    XADD s2 0-0 a 1
    EXISTS s2
    XADD s2 0-* a 1
    XADD s2 0-* a 1
    XADD s 1-* b 2
    XADD s 5-* c 3
    XADD s 5 c 3
    XADD s 6 c 3 d
    XADD s 6
    XADD s 7-x a b
    XADD s -1 a b
    XADD s 007-1 a b
    XADD s 18446744073709551615-18446744073709551614 a b
    XADD s 18446744073709551615-* a b
    XADD s 18446744073709551615-* a b
    XADD s * a b
    XADD s2 18446744073709551616-0 a b
    XADD s2 9007199254740993-5 a b
    XRANGE s2 - +
    XRANGE s - +
    XLEN s
    XLEN nokey
    XADD nokey NOMKSTREAM * a b
    EXISTS nokey
    XADD s nomkstream 18446744073709551615-18446744073709551615 a b
    SET str x
    XADD str * a b
    XADD str 0-0 a b
    XLEN str
    XADD s MAXLEN 5 LIMIT 2 * a b
    XADD s MAXLEN ~ 5 MINID 3 * a b
    XADD s MAXLEN -1 * a b
    XADD s MAXLEN x * a b
    XADD s MINID bad * a b
    XADD s LIMIT 5 * a b
    XADD s MAXLEN ~ 5 LIMIT -1 * a b
    XADD s MAXLEN ~ 5 LIMIT x * a b
    `,
  ),
  c(
    'XRANGE and XREVRANGE: bounds, exclusive ids, COUNT',
    `
    ${fill('s', 1, 12)}
    XADD s 12-5 g h i j
    XRANGE s - +
    XRANGE s 3 5
    XRANGE s 3-1 5-0
    XRANGE s (3-1 (5-1
    XRANGE s (3 +
    XRANGE s - (2
    XRANGE s ( +
    XRANGE s (- +
    XRANGE s - (+
    XRANGE s (0-0 +
    XRANGE s (18446744073709551615-18446744073709551615 +
    XRANGE s - (0-0
    XRANGE s 5 3
    XRANGE s - + COUNT 3
    XRANGE s - + COUNT 0
    XRANGE s - + COUNT -1
    XRANGE s - + COUNT
    XRANGE s - + LIMIT 2
    XRANGE s - + COUNT x
    XRANGE s x +
    XRANGE s 1-2-3 +
    XRANGE nokey - +
    XRANGE nokey - + COUNT 0
    XREVRANGE s + -
    XREVRANGE s + - COUNT 2
    XREVRANGE s (12-5 (2
    XREVRANGE s 5 3
    XREVRANGE s 3 5
    XREVRANGE s + - COUNT 0
    XREVRANGE nokey + -
    `,
  ),
  c(
    'XDEL, XLEN and the max deleted ID',
    `
    ${fill('s', 1, 5)}
    XDEL s 2-1 3-1 9-9
    XDEL s 2-1
    XDEL s bad
    XDEL s 4-1 bad
    XLEN s
    XDEL nokey 1-1
    XDEL nokey bad
    XRANGE s - +
    XINFO STREAM s
    XDEL s 1-1 4-1 5-1
    XLEN s
    EXISTS s
    XINFO STREAM s
    XADD s 5-1 a b
    XADD s 5-2 a b
    `,
  ),
  c(
    'XTRIM exact and approximate, MAXLEN and MINID, LIMIT',
    `
    ${fill('s', 1, 250)}
    XTRIM s MAXLEN ~ 220
    XLEN s
    XTRIM s MAXLEN ~ 150
    XLEN s
    XRANGE s - + COUNT 1
    XTRIM s MAXLEN = 140
    XLEN s
    XTRIM s MAXLEN 140
    XTRIM s MINID ~ 175
    XRANGE s - + COUNT 1
    XTRIM s MINID 180-1
    XRANGE s - + COUNT 1
    XTRIM s MINID = 182
    XRANGE s - + COUNT 1
    XTRIM s MAXLEN ~ 0 LIMIT 10
    XLEN s
    XTRIM s MAXLEN ~ 0 LIMIT 100
    XLEN s
    XTRIM s MAXLEN ~ 0 LIMIT 0
    XLEN s
    XINFO STREAM s
    XTRIM s MAXLEN 5 LIMIT 10
    XTRIM s
    XTRIM s MAXLEN
    XTRIM s FOO 1
    XTRIM s MAXLEN 1 MINID 1
    XTRIM s MAXLEN 1 MAXLEN 1
    XTRIM s LIMIT 1
    XTRIM s MAXLEN -1
    XTRIM nokey MAXLEN 0
    XTRIM nokey MAXLEN bad
    `,
  ),
  c(
    'XADD with trimming: approximate node boundaries',
    `
    ${fill('s', 1, 99)}
    XADD s MAXLEN ~ 50 100-1 f v
    XLEN s
    XADD s MAXLEN ~ 50 101-1 f v
    XLEN s
    XADD s MAXLEN ~ 50 LIMIT 1000 102-1 f v
    XLEN s
    XADD s MAXLEN 10 103-1 f v
    XLEN s
    XADD s MINID 102 104-1 f v
    XRANGE s - +
    XADD s MINID ~ 200 105-1 f v
    XLEN s
    XADD s MAXLEN = 0 106-1 f v
    XLEN s
    XINFO STREAM s
    `,
  ),
  c(
    'approximate trims after deletes: tombstones count towards a node',
    `
    ${fill('s', 1, 60)}
    XDEL s 10-1 20-1 30-1 40-1 50-1 60-1
    ${fill('s', 61, 130)}
    XTRIM s MAXLEN ~ 60
    XLEN s
    XRANGE s - + COUNT 2
    XINFO STREAM s
    `,
  ),
  c(
    'MINID ~ sees a node up to its last deleted entry, as Redis reads tombstones',
    `
    ${fill('s', 1, 150)}
    XDEL s 100-1 99-1
    XTRIM s MINID ~ 100
    XLEN s
    XTRIM s MINID ~ 100-2
    XLEN s
    XDEL s 150-1
    XADD s MINID ~ 151 151-1 f v
    XLEN s
    XRANGE s - + COUNT 1
    `,
  ),
  c(
    'XSETID',
    `
    ${fill('s', 1, 3)}
    XSETID s 2-1
    XSETID s 3-1
    XSETID s 10-0
    XADD s 9-0 a b
    XADD s 20-0 a b
    XSETID s 1-1 ENTRIESADDED 5
    XSETID s 18446744073709551615-18446744073709551615
    XSETID s 18446744073709551615-18446744073709551615 ENTRIESADDED 2
    XSETID s 18446744073709551615-18446744073709551615 ENTRIESADDED -1
    XSETID s 18446744073709551615-18446744073709551615 ENTRIESADDED 100 MAXDELETEDID 2-0
    XINFO STREAM s
    XSETID s 3-0 MAXDELETEDID 4-0
    XSETID s 18446744073709551615-18446744073709551615 MAXDELETEDID 1-0
    XSETID s 18446744073709551615-18446744073709551615 FOO 1
    XSETID s 18446744073709551615-18446744073709551615 ENTRIESADDED
    XSETID nokey 1-1
    XSETID s bad
    XADD s * a b
    DEL s
    XADD e MAXLEN 0 5-5 x y
    XSETID e 1-0
    XSETID e 6-0 ENTRIESADDED 0
    XINFO STREAM e
    `,
  ),
  c(
    'XGROUP CREATE, SETID, DESTROY, CREATECONSUMER, DELCONSUMER',
    `
    XGROUP CREATE s g $
    XGROUP CREATE s g $ MKSTREAM
    XGROUP CREATE s g $ MKSTREAM
    XLEN s
    ${fill('s', 1, 5)}
    XGROUP CREATE s g2 0
    XGROUP CREATE s g3 3 ENTRIESREAD 2
    XGROUP CREATE s g4 $ ENTRIESREAD -1
    XGROUP CREATE s g5 $ ENTRIESREAD -2
    XGROUP CREATE s g5 $ ENTRIESREAD x
    XGROUP CREATE s g5 $ FOO
    XGROUP CREATE s g5 bad
    XGROUP CREATE s g5 - 
    XGROUP CREATE s g5 $ MKSTREAM ENTRIESREAD 1 MKSTREAM
    XINFO GROUPS s
    XGROUP SETID s g2 3
    XGROUP SETID s g2 $
    XGROUP SETID s g2 + 
    XGROUP SETID s g2 - ENTRIESREAD 0
    XGROUP SETID s g2 2 ENTRIESREAD 1
    XGROUP SETID s g2 2 FOO 1
    XGROUP SETID s g2 2 ENTRIESREAD -5
    XGROUP SETID s nog 2
    XGROUP SETID nokey g 2
    XINFO GROUPS s
    XGROUP CREATECONSUMER s g2 alice
    XGROUP CREATECONSUMER s g2 alice
    XGROUP CREATECONSUMER s nog alice
    XGROUP CREATECONSUMER nokey g alice
    XGROUP DELCONSUMER s g2 alice
    XGROUP DELCONSUMER s g2 alice
    XGROUP DELCONSUMER s nog alice
    XGROUP DESTROY s g3
    XGROUP DESTROY s g3
    XGROUP DESTROY nokey g3
    XGROUP CREATE nokey g 0
    XGROUP FOO s g
    XGROUP HELP
    XGROUP
    SET str x
    XGROUP CREATE str g $ MKSTREAM
    XGROUP DESTROY str g
    XINFO GROUPS s
    `,
  ),
  c(
    'XREADGROUP, XACK and XPENDING',
    `
    ${fill('s', 1, 6)}
    XGROUP CREATE s g 0
    XREADGROUP GROUP g alice COUNT 2 STREAMS s >
    XREADGROUP GROUP g bob STREAMS s >
    XREADGROUP GROUP g bob STREAMS s >
    XREADGROUP GROUP g alice STREAMS s 0
    XREADGROUP GROUP g alice COUNT 1 STREAMS s 1-1
    XREADGROUP GROUP g carol STREAMS s 0
    XPENDING s g
    XPENDING s g - + 10 @shape
    XPENDING s g - + 10 bob @shape
    XPENDING s g - + 0
    XPENDING s g - + -3
    XPENDING s g (1-1 (5-1 10 @shape
    XPENDING s g - + 10 nobody
    XPENDING s g - +
    XPENDING s g IDLE 0 - + 10 @shape
    XPENDING s g IDLE x - + 10
    XPENDING s g IDLE 0 - +
    XPENDING s g - + x
    XPENDING s g x + 10
    XPENDING s nog
    XPENDING nokey g
    XACK s g 1-1 2-1 9-9
    XACK s g 1-1
    XACK s g bad
    XACK s nog 1-1
    XACK nokey g bad
    XPENDING s g
    XDEL s 3-1
    XREADGROUP GROUP g bob STREAMS s 0
    XINFO GROUPS s
    XGROUP DELCONSUMER s g bob
    XPENDING s g
    XINFO GROUPS s
    XINFO CONSUMERS s g
    XINFO CONSUMERS s nog
    XINFO CONSUMERS nokey g
    `,
  ),
  c(
    'XREADGROUP options and errors',
    `
    ${fill('s', 1, 3)}
    XGROUP CREATE s g 0
    XREADGROUP GROUP g c NOACK STREAMS s >
    XPENDING s g
    XINFO GROUPS s
    XREADGROUP GROUP g c STREAMS s >
    XREADGROUP GROUP g c BLOCK 10 STREAMS s >
    XREADGROUP GROUP g c STREAMS s $
    XREADGROUP GROUP g c STREAMS s +
    XREADGROUP GROUP g c STREAMS s bad
    XREADGROUP GROUP g c STREAMS s
    XREADGROUP GROUP g c STREAMS s t >
    XREADGROUP GROUP nog c STREAMS s >
    XREADGROUP GROUP g c STREAMS nokey >
    XREADGROUP GROUP g c STREAMS s nokey > >
    XREADGROUP STREAMS s >
    XREADGROUP GROUP g c COUNT x STREAMS s >
    XREADGROUP GROUP g c BLOCK -1 STREAMS s >
    XREADGROUP GROUP g c BLOCK x STREAMS s >
    XREADGROUP GROUP g c FOO STREAMS s >
    XGROUP SETID s g 0
    XREADGROUP GROUP g d COUNT 0 STREAMS s >
    XINFO GROUPS s
    XPENDING s g
    SET str x
    XREADGROUP GROUP g c STREAMS str >
    `,
  ),
  c(
    'XREAD',
    `
    ${fill('s', 1, 4)}
    ${fill('t', 2, 3)}
    XREAD STREAMS s 0
    XREAD COUNT 2 STREAMS s t 0 0
    XREAD COUNT 0 STREAMS s 2
    XREAD COUNT -5 STREAMS s 2
    XREAD STREAMS s $
    XREAD STREAMS s 4-1
    XREAD STREAMS nokey 0
    XREAD STREAMS nokey $
    XREAD BLOCK 10 STREAMS s t 1 3
    XREAD STREAMS s
    XREAD STREAMS s t 0
    XREAD COUNT 1
    XREAD GROUP g c STREAMS s 0
    XREAD NOACK STREAMS s 0
    XREAD STREAMS s >
    XREAD STREAMS s bad
    XREAD STREAMS s (1
    XREAD FOO STREAMS s 0
    XREAD BLOCK -1 STREAMS s 0
    XREAD STREAMS s 18446744073709551615-18446744073709551615
    SET str x
    XREAD STREAMS str 0
    `,
  ),
  c(
    'XCLAIM',
    `
    ${fill('s', 1, 5)}
    XGROUP CREATE s g 0
    XREADGROUP GROUP g alice STREAMS s >
    XCLAIM s g bob 0 1-1 2-1
    XCLAIM s g bob 0 1-1 JUSTID
    XCLAIM s g bob 0 1-1 RETRYCOUNT 7 JUSTID
    XCLAIM s g bob 0 3-1 IDLE 1000 JUSTID
    XGROUP CREATECONSUMER s g carol
    XCLAIM s g carol 100000 1-1 3-1
    XCLAIM s g carol 0 9-9
    XCLAIM s g carol 0 9-9 FORCE
    XDEL s 4-1
    XCLAIM s g carol 0 4-1
    XPENDING s g
    XCLAIM s g carol 0 5-1 FORCE LASTID 5-1
    XINFO GROUPS s
    XCLAIM s g carol 0 5-1 LASTID 10-0
    XINFO GROUPS s
    XACK s g 2-1
    XCLAIM s g dave 0 2-1 FORCE
    XPENDING s g - + 10 @shape
    XCLAIM s g dave 0 2-1 TIME 0 RETRYCOUNT 3 FORCE JUSTID
    XPENDING s g - + 10 @shape
    XCLAIM s g dave x 1-1
    XCLAIM s g dave -5 1-1 JUSTID
    XCLAIM s g dave 0 1-1 IDLE x
    XCLAIM s g dave 0 1-1 TIME x
    XCLAIM s g dave 0 1-1 RETRYCOUNT x
    XCLAIM s g dave 0 1-1 LASTID bad
    XCLAIM s g dave 0 1-1 FOO
    XCLAIM s g dave 0 1-1 IDLE
    XCLAIM s nog dave 0 1-1
    XCLAIM nokey g dave 0 1-1
    XINFO GROUPS s
    `,
  ),
  c(
    'XAUTOCLAIM: cursor, COUNT, JUSTID and deleted entries',
    `
    ${fill('s', 1, 8)}
    XGROUP CREATE s g 0
    XREADGROUP GROUP g alice STREAMS s >
    XDEL s 3-1 6-1
    XAUTOCLAIM s g bob 0 0 COUNT 2
    XAUTOCLAIM s g bob 0 2-2 COUNT 2
    XAUTOCLAIM s g bob 0 5-1 COUNT 2 JUSTID
    XAUTOCLAIM s g bob 0 8-1
    XAUTOCLAIM s g bob 0 (8-1
    XAUTOCLAIM s g bob 0 -
    XAUTOCLAIM s g bob 0 + JUSTID
    XAUTOCLAIM s g bob 100000 0
    XPENDING s g
    XAUTOCLAIM s g bob 0 0 COUNT 0
    XAUTOCLAIM s g bob 0 0 COUNT x
    XAUTOCLAIM s g bob x 0
    XAUTOCLAIM s g bob 0 bad
    XAUTOCLAIM s g bob 0 0 FOO
    XAUTOCLAIM s nog bob 0 0
    XAUTOCLAIM nokey g bob 0 0
    XPENDING s g - + 10 @shape
    `,
  ),
  c(
    'XINFO STREAM, FULL and GROUPS lag',
    `
    XGROUP CREATE s g $ MKSTREAM
    XINFO STREAM s
    XINFO STREAM s FULL
    XINFO GROUPS s
    ${fill('s', 1, 15)}
    XGROUP CREATE s g2 0
    XREADGROUP GROUP g2 c COUNT 3 STREAMS s >
    XINFO GROUPS s
    XDEL s 10-1
    XINFO GROUPS s
    XREADGROUP GROUP g2 c COUNT 8 STREAMS s >
    XINFO GROUPS s
    XINFO STREAM s
    XINFO STREAM s FULL
    XINFO STREAM s FULL COUNT 2
    XINFO STREAM s FULL COUNT 0
    XINFO STREAM s FULL COUNT -1
    XINFO STREAM s FULL COUNT x
    XINFO STREAM s FULL COUNT
    XINFO STREAM s FOO
    XINFO STREAM nokey
    XINFO GROUPS nokey
    XINFO HELP
    XINFO FOO s
    SET str x
    XINFO STREAM str
    `,
  ),
  c(
    'streams in MULTI, TYPE, OBJECT ENCODING, DUMP/RESTORE and RENAME',
    `
    MULTI
    XADD s 1-1 a b
    XGROUP CREATE s g 0
    XREADGROUP GROUP g c BLOCK 0 STREAMS s >
    EXEC
    TYPE s
    OBJECT ENCODING s
    RENAME s t
    XINFO GROUPS t
    COPY t u
    XPENDING u g
    XLEN u
    SCAN 0 TYPE stream @scan
    `,
  ),
];

function op(g: Gen): Step {
  const id = () => `${g.int(0, 40)}-${g.int(0, 3)}`;
  const bound = () => g.pick(['-', '+', id(), `(${id()}`, String(g.int(0, 40))]);
  switch (g.int(0, 11)) {
    case 0:
    case 1:
    case 2:
      return `XADD s ${g.int(0, 40)}-${g.int(0, 3)} f ${g.int(0, 9)}`;
    case 3:
      return `XADD s ${g.int(0, 40)}-* f v`;
    case 4:
      return `XRANGE s ${bound()} ${bound()} COUNT ${g.int(0, 5)}`;
    case 5:
      return `XREVRANGE s ${bound()} ${bound()}`;
    case 6:
      return `XDEL s ${id()} ${id()}`;
    case 7:
      return `XTRIM s ${g.pick(['MAXLEN', 'MINID'])} ${g.pick(['', '=', '~'])} ${g.pick([String(g.int(0, 20)), id()])}`;
    case 8:
      return `XREAD COUNT ${g.int(0, 3)} STREAMS s ${id()}`;
    case 9:
      return 'XLEN s';
    case 10:
      return `XADD s MAXLEN ${g.pick(['', '~'])} ${g.int(0, 15)} ${g.int(0, 60)}-${g.int(0, 3)} f v`;
    default:
      return 'XINFO STREAM s';
  }
}

function groupOp(g: Gen): Step {
  const id = () => `${g.int(0, 30)}-${g.int(0, 2)}`;
  const consumer = () => g.pick(['alice', 'bob', 'carol']);
  switch (g.int(0, 10)) {
    case 0:
    case 1:
      return `XADD s ${g.int(0, 30)}-${g.int(0, 2)} f v`;
    case 2:
      return `XGROUP CREATE s ${g.pick(['g', 'h'])} ${g.pick(['0', '$', id()])} MKSTREAM`;
    case 3:
      return `XREADGROUP GROUP ${g.pick(['g', 'h'])} ${consumer()} COUNT ${g.int(0, 4)} STREAMS s ${g.pick(['>', '>', '0', id()])}`;
    case 4:
      return `XACK s ${g.pick(['g', 'h'])} ${id()} ${id()}`;
    case 5:
      return `XPENDING s ${g.pick(['g', 'h'])}`;
    case 6:
      return `XCLAIM s ${g.pick(['g', 'h'])} ${consumer()} 0 ${id()} ${id()} JUSTID`;
    case 7:
      return `XAUTOCLAIM s ${g.pick(['g', 'h'])} ${consumer()} 0 ${id()} COUNT ${g.int(1, 4)} JUSTID`;
    case 8:
      return `XDEL s ${id()}`;
    case 9:
      return 'XINFO GROUPS s';
    default:
      return `XGROUP SETID s ${g.pick(['g', 'h'])} ${g.pick(['0', '$', id()])}`;
  }
}

/** Entries of random sizes and shapes, so nodes also close on their listpack byte size (4096). */
let sizedId = 0;
function sizedOp(g: Gen): Step {
  const value = () =>
    g.pick([
      () => 'v'.repeat(g.int(1, 300)),
      () => String(g.int(0, 100000) - 50000),
      () => String(g.int(0, 2 ** 40)),
      () => 'w'.repeat(g.int(60, 70)),
    ])();
  const fields = () =>
    g.pick([
      () => `f ${value()}`,
      () => `f ${value()} g ${value()}`,
      () => `other ${value()}`,
      () => `f ${value()} g ${value()} h ${value()}`,
    ])();
  switch (g.int(0, 5)) {
    case 0:
      return `XTRIM s MAXLEN ~ ${g.int(0, 200)}`;
    case 1:
      return 'XINFO STREAM s';
    case 2:
      return `XDEL s ${g.int(Math.max(1, sizedId - 300), sizedId + 1)}-${g.pick([1, 7, 300])}`;
    default:
      // IDs spread over ms and seq, as auto IDs are, so the listpack's ID deltas vary in size too.
      sizedId += g.pick([1, 1, 1, 2, 500, 100000]);
      return `XADD s MAXLEN ~ ${g.int(50, 400)} ${sizedId}-${g.pick([1, 1, 7, 300])} ${fields()}`;
  }
}

/**
 * Every consumer the random group operations name exists from the start: Redis 7.2+ (and we) create the
 * consumer of an XCLAIM/XAUTOCLAIM that claims nothing, 7.0 does not.
 */
const PRELUDE: Step[] = [
  'XGROUP CREATE s g 0 MKSTREAM',
  'XGROUP CREATE s h 0',
  ...['g', 'h'].flatMap((g) => ['alice', 'bob', 'carol'].map((c) => `XGROUP CREATECONSUMER s ${g} ${c}`)),
];

differential('stream', [
  ...cases,
  ...generated('random stream operations', 6, 150, op),
  ...generated('random entry sizes against node limits', 4, 400, sizedOp, 3000),
  ...generated('random consumer-group operations', 6, 150, groupOp, 2000).map((k) => ({
    ...k,
    steps: [...PRELUDE, ...k.steps],
  })),
]);
