import { c, differential, type Gen, generated, quote, type Step } from './harness.ts';

const cases = [
  c(
    'LPUSH RPUSH LPUSHX RPUSHX LLEN LRANGE',
    `
    LPUSH l a
    LPUSH l b c
    RPUSH l d e
    LRANGE l 0 -1
    LLEN l
    LPUSHX l x
    RPUSHX l y z
    LPUSHX missing x
    RPUSHX missing x
    EXISTS missing
    LLEN missing
    LRANGE l 0 -1
    LPUSH l "" "\\x00\\xff" "\\r\\n"
    LRANGE l 0 2
    LPUSH l
    RPUSH
    LPUSHX l
    RPUSHX
    LLEN
    LLEN a b
    SET s v
    LPUSH s a
    RPUSH s a
    LPUSHX s a
    RPUSHX s a
    LLEN s
    LRANGE s 0 -1
    `,
  ),
  c(
    'LRANGE indexes',
    `
    RPUSH l 0 1 2 3 4 5 6 7 8 9
    LRANGE l 0 0
    LRANGE l 0 -1
    LRANGE l -3 -1
    LRANGE l -100 100
    LRANGE l 5 2
    LRANGE l 9 9
    LRANGE l 10 20
    LRANGE l -1 -1
    LRANGE l -1 -2
    LRANGE l -20 -15
    LRANGE l 2 -8
    LRANGE l 2 -9
    LRANGE l 9223372036854775807 9223372036854775807
    LRANGE l -9223372036854775808 9223372036854775807
    LRANGE l 0 9223372036854775808
    LRANGE l a 1
    LRANGE l 1 b
    LRANGE l 1.5 2
    LRANGE l 0
    LRANGE missing 0 -1
    `,
  ),
  c(
    'LPOP RPOP with and without count',
    `
    RPUSH l a b c d e
    LPOP l
    RPOP l
    LPOP l 2
    RPOP l 0
    LPOP l 0
    LRANGE l 0 -1
    RPOP l 10
    EXISTS l
    LPOP l
    RPOP l
    LPOP l 2
    RPOP l 0
    LPOP missing 0
    RPUSH l a
    LPOP l -1
    LPOP l x
    LPOP l 1.5
    LPOP l 9223372036854775807
    RPUSH l a
    RPOP l 1 2
    LPOP
    SET s v
    LPOP s
    RPOP s 2
    LPOP s 0
    RPUSH t a b
    EXPIRE t 100
    LPOP t
    TTL t
    `,
  ),
  c(
    'LINDEX LSET LINSERT',
    `
    RPUSH l a b c
    LINDEX l 0
    LINDEX l -1
    LINDEX l 3
    LINDEX l -4
    LINDEX l x
    LINDEX missing 0
    LSET l 0 A
    LSET l -1 C
    LSET l 3 x
    LSET l -4 x
    LSET l x y
    LSET missing 0 x
    LRANGE l 0 -1
    LINSERT l BEFORE b x
    LINSERT l AFTER b y
    LINSERT l after C z
    LINSERT l before A w
    LINSERT l BEFORE nothere x
    LINSERT missing BEFORE a x
    LINSERT l MIDDLE b x
    LINSERT l BEFORE b
    LRANGE l 0 -1
    RPUSH d a a a
    LINSERT d AFTER a b
    LRANGE d 0 -1
    SET s v
    LINDEX s 0
    LSET s 0 x
    LINSERT s BEFORE a b
    LINSERT s MIDDLE a b
    LINDEX l
    LSET l 0
    `,
  ),
  c(
    'LREM and LTRIM',
    `
    RPUSH l a b a c a b a
    LREM l 2 a
    LRANGE l 0 -1
    LREM l -1 a
    LRANGE l 0 -1
    LREM l 0 b
    LRANGE l 0 -1
    LREM l 0 zz
    LREM l 0 c
    LREM l 0 a
    EXISTS l
    LREM missing 0 a
    LREM l x a
    RPUSH m 0 1 2 3 4 5 6 7 8 9
    LTRIM m 1 -2
    LRANGE m 0 -1
    LTRIM m -3 -1
    LRANGE m 0 -1
    LTRIM m 5 2
    EXISTS m
    RPUSH m 0 1 2
    LTRIM m 0 100
    LRANGE m 0 -1
    LTRIM m -100 0
    LRANGE m 0 -1
    LTRIM m 1 1
    EXISTS m
    LTRIM missing 0 1
    LTRIM m x 1
    LTRIM m 0
    SET s v
    LREM s 0 a
    LTRIM s 0 1
    `,
  ),
  c(
    'LPOS',
    `
    RPUSH l a b c a b c a
    LPOS l a
    LPOS l c
    LPOS l z
    LPOS missing a
    LPOS l a RANK 2
    LPOS l a RANK -1
    LPOS l a RANK -3
    LPOS l a RANK 4
    LPOS l a RANK -4
    LPOS l a RANK 0
    LPOS l a COUNT 0
    LPOS l a COUNT 2
    LPOS l a COUNT 10
    LPOS l z COUNT 0
    LPOS l a COUNT 0 RANK -1
    LPOS l a COUNT 2 RANK 2
    LPOS l a MAXLEN 3
    LPOS l a MAXLEN 1 COUNT 0
    LPOS l a MAXLEN 4 COUNT 0
    LPOS l a MAXLEN 0 COUNT 0
    LPOS l a RANK -1 MAXLEN 2
    LPOS l a COUNT -1
    LPOS l a MAXLEN -1
    LPOS l a RANK x
    LPOS l a RANK
    LPOS l a BOGUS 1
    LPOS l a COUNT
    LPOS missing a COUNT 0
    LPOS l
    SET s v
    LPOS s a
    `,
  ),
  c(
    'LMOVE and RPOPLPUSH',
    `
    RPUSH src a b c
    RPUSH dst x y
    LMOVE src dst LEFT RIGHT
    LMOVE src dst RIGHT LEFT
    LRANGE src 0 -1
    LRANGE dst 0 -1
    LMOVE src dst left left
    EXISTS src
    LMOVE src dst LEFT RIGHT
    LMOVE dst dst LEFT RIGHT
    LRANGE dst 0 -1
    LMOVE dst dst RIGHT LEFT
    LRANGE dst 0 -1
    LMOVE dst new RIGHT RIGHT
    LRANGE new 0 -1
    LMOVE dst new UP RIGHT
    LMOVE dst new LEFT DOWN
    LMOVE dst new LEFT
    RPOPLPUSH dst new
    LRANGE new 0 -1
    RPOPLPUSH missing new
    RPOPLPUSH new new
    LRANGE new 0 -1
    SET s v
    LMOVE s new LEFT LEFT
    LMOVE new s LEFT LEFT
    LMOVE missing s LEFT LEFT
    RPOPLPUSH new s
    RPOPLPUSH s new
    LRANGE new 0 -1
    RPUSH one only
    RPOPLPUSH one one
    LRANGE one 0 -1
    RPOPLPUSH one
    `,
  ),
  c(
    'LMPOP',
    `
    RPUSH a 1 2 3
    RPUSH b 4 5
    LMPOP 2 missing a LEFT
    LMPOP 2 a b RIGHT COUNT 2
    LMPOP 1 a LEFT COUNT 10
    EXISTS a
    LMPOP 2 a b LEFT
    LMPOP 2 a missing LEFT
    LMPOP 1 b right count 1
    LMPOP 0 a LEFT
    LMPOP -1 a LEFT
    LMPOP x a LEFT
    LMPOP 3 a b LEFT
    LMPOP 1 a MIDDLE
    LMPOP 1 a LEFT COUNT 0
    LMPOP 1 a LEFT COUNT -1
    LMPOP 1 a LEFT COUNT x
    LMPOP 1 a LEFT COUNT
    LMPOP 1 a LEFT COUNT 1 COUNT 1
    LMPOP 1 a LEFT BOGUS
    LMPOP 1 a
    LMPOP 1
    SET s v
    RPUSH c 1
    LMPOP 2 s c LEFT
    LMPOP 2 c s LEFT
    LMPOP 2 missing c LEFT
    `,
  ),
  c(
    'long list (quicklist) and binary values',
    Array.from({ length: 200 }, (_, i) => `RPUSH big ${i % 2 === 0 ? `v${i}` : `"${'\\x00x'.repeat(i % 40)}"`}`).join(
      '\n',
    ) +
      `
    LLEN big
    LRANGE big 0 -1
    LRANGE big 95 105
    LINDEX big 150
    LREM big 0 v10
    LTRIM big 10 -10
    LLEN big
    LPOS big v100
    LPOS big "" COUNT 0
    LSET big 50 changed
    LRANGE big 45 55
    `,
  ),
];

const VALUES = ['a', 'b', 'c', '', '\x00', '1'];

function op(g: Gen): Step {
  const k = g.pick(['l1', 'l2', 's']);
  const k2 = g.pick(['l1', 'l2']);
  const v = quote(g.pick(VALUES));
  const i = g.int(-6, 6);
  switch (g.int(0, 20)) {
    case 0:
    case 1:
      return `RPUSH ${k} ${v} ${quote(g.pick(VALUES))}`;
    case 2:
      return `LPUSH ${k} ${v}`;
    case 3:
      return `LPOP ${k}${g.chance(0.5) ? ` ${g.int(0, 3)}` : ''}`;
    case 4:
      return `RPOP ${k}${g.chance(0.5) ? ` ${g.int(0, 3)}` : ''}`;
    case 5:
      return `LRANGE ${k} ${i} ${g.int(-6, 6)}`;
    case 6:
      return `LINDEX ${k} ${i}`;
    case 7:
      return `LSET ${k} ${i} ${v}`;
    case 8:
      return `LINSERT ${k} ${g.pick(['BEFORE', 'AFTER'])} ${v} ${quote(g.pick(VALUES))}`;
    case 9:
      return `LREM ${k} ${g.int(-2, 2)} ${v}`;
    case 10:
      return `LTRIM ${k} ${i} ${g.int(-6, 6)}`;
    case 11:
      return `LLEN ${k}`;
    case 12:
      return `LPOS ${k} ${v} ${g.pick(['', 'RANK -1', 'COUNT 0', 'COUNT 2 RANK 2', 'MAXLEN 2'])}`;
    case 13:
      return `LMOVE ${k} ${k2} ${g.pick(['LEFT', 'RIGHT'])} ${g.pick(['LEFT', 'RIGHT'])}`;
    case 14:
      return `RPOPLPUSH ${k} ${k2}`;
    case 15:
      return `LMPOP 2 ${k} ${k2} ${g.pick(['LEFT', 'RIGHT'])} COUNT ${g.int(1, 3)}`;
    case 16:
      return `LPUSHX ${k} ${v}`;
    case 17:
      return `RPUSHX ${k} ${v}`;
    case 18:
      return g.chance(0.3) ? `SET s ${v}` : `DEL ${k}`;
    default:
      return `LRANGE ${k} 0 -1`;
  }
}

differential('list', [...cases, ...generated('random list operations', 8, 80, op)]);
