import { c, differential, type Gen, generated, quote, type Step } from './harness.ts';

const cases = [
  c(
    'SADD SREM SCARD SISMEMBER SMISMEMBER SMEMBERS',
    `
    SADD s a b c
    SADD s a d
    SADD s a a a
    SCARD s
    SMEMBERS s
    SISMEMBER s a
    SISMEMBER s z
    SISMEMBER missing a
    SMISMEMBER s a z b
    SMISMEMBER missing a b
    SREM s a z
    SREM s z
    SMEMBERS s
    SREM s b c d
    EXISTS s
    SCARD s
    SMEMBERS missing
    SADD s "" "\\x00" "\\xff\\x80"
    SISMEMBER s ""
    SMEMBERS s
    SADD s
    SREM s
    SCARD
    SISMEMBER s
    SMISMEMBER s
    SMEMBERS
    SET str v
    SADD str a
    SREM str a
    SCARD str
    SISMEMBER str a
    SMISMEMBER str a
    SMEMBERS str
    SADD t a
    EXPIRE t 100
    SADD t b
    TTL t
    `,
  ),
  c(
    'integer sets (intset) and large sets',
    `
    SADD i 3 1 2 -5 100 0
    SMEMBERS i
    SISMEMBER i 1
    SISMEMBER i 01
    SADD i 01 +1 " 1"
    SCARD i
    SADD i 9223372036854775807 -9223372036854775808 9223372036854775808
    SMEMBERS i
    SREM i 3 01
    SMEMBERS i
    ` +
      Array.from({ length: 600 }, (_, i) => `SADD big ${i}`).join('\n') +
      `
    SCARD big
    SMEMBERS big
    SADD big x
    SISMEMBER big 599
    SMEMBERS big
    SSCAN big 0 COUNT 50 @scan
    `,
  ),
  c(
    'SINTER SUNION SDIFF and their STORE forms',
    `
    SADD a 1 2 3 4 x
    SADD b 3 4 5 y
    SADD c 4 5 6
    SINTER a b
    SINTER a b c
    SINTER a missing
    SINTER missing a
    SINTER a
    SUNION a b c
    SUNION missing
    SUNION a missing
    SDIFF a b
    SDIFF a b c
    SDIFF missing a
    SDIFF a missing
    SDIFF a a
    SINTERSTORE d a b
    SMEMBERS d
    SINTERSTORE d a missing
    EXISTS d
    SUNIONSTORE d a b c
    SCARD d
    SDIFFSTORE d a b
    SMEMBERS d
    SDIFFSTORE d a a
    EXISTS d
    SUNIONSTORE a a b
    SCARD a
    SET str v
    SINTER a str
    SINTER missing str
    SUNION a str
    SDIFF str a
    SDIFF missing str
    SDIFF a str
    SINTERSTORE d a str
    SUNIONSTORE str a
    TYPE str
    SDIFFSTORE d missing
    SINTERSTORE str missing
    TYPE str
    SET t v EX 100
    SUNIONSTORE t a
    TTL t
    SINTER
    SUNIONSTORE d
    SDIFFSTORE
    `,
  ),
  c(
    'SINTERCARD',
    `
    SADD a 1 2 3 4
    SADD b 2 3 4 5
    SINTERCARD 2 a b
    SINTERCARD 2 a b LIMIT 2
    SINTERCARD 2 a b LIMIT 0
    SINTERCARD 2 a b LIMIT 10
    SINTERCARD 1 a
    SINTERCARD 2 a missing
    SINTERCARD 0 a
    SINTERCARD -1 a
    SINTERCARD 3 a b
    SINTERCARD x a
    SINTERCARD 2 a b LIMIT -1
    SINTERCARD 2 a b LIMIT x
    SINTERCARD 2 a b LIMIT
    SINTERCARD 2 a b BOGUS 1
    SINTERCARD 1 a limit 1
    SET s v
    SINTERCARD 2 a s
    SINTERCARD 2 missing s
    SINTERCARD 1
    `,
  ),
  c(
    'SMOVE',
    `
    SADD a 1 2 3
    SADD b 3 4
    SMOVE a b 1
    SMOVE a b 3
    SMOVE a b z
    SMOVE missing b 1
    SMEMBERS a
    SMEMBERS b
    SMOVE a a 2
    SMOVE a a z
    SMOVE a new 2
    EXISTS a
    SMEMBERS new
    SET s v
    SMOVE s new 1
    SMOVE new s 2
    SMOVE new s zz
    SMOVE missing s 1
    SMEMBERS new
    SMOVE a b
    `,
  ),
  c(
    'SPOP and SRANDMEMBER',
    `
    SPOP missing
    SPOP missing 2
    SRANDMEMBER missing
    SRANDMEMBER missing 2
    SRANDMEMBER missing -2
    SADD s a b c d e
    SRANDMEMBER s @among=a,b,c,d,e
    SRANDMEMBER s 3 @distinct @among=a,b,c,d,e
    SRANDMEMBER s 5 @distinct @among=a,b,c,d,e
    SRANDMEMBER s 100 @distinct @among=a,b,c,d,e
    SRANDMEMBER s -8 @among=a,b,c,d,e
    SRANDMEMBER s 0
    SRANDMEMBER s x
    SRANDMEMBER s 1 2
    SRANDMEMBER s -9223372036854775808
    SCARD s
    SPOP s @among=a,b,c,d,e
    SCARD s
    SPOP s 2 @distinct @among=a,b,c,d,e
    SCARD s
    SPOP s 0
    SPOP s -1
    SPOP s x
    SPOP s 1 2
    SPOP s 10 @distinct @among=a,b,c,d,e
    EXISTS s
    SPOP s
    SPOP s 0
    SADD one x
    SPOP one
    EXISTS one
    SADD i 1 2 3
    SPOP i 3
    EXISTS i
    SET str v
    SPOP str
    SPOP str 0
    SRANDMEMBER str
    SRANDMEMBER str 0
    SPOP
    SRANDMEMBER
    `,
  ),
  c(
    'SSCAN',
    `
    SADD s a b c ab "\\x00" 1 2
    SSCAN s 0 @scan
    SSCAN s 0 COUNT 1 @scan
    SSCAN s 0 MATCH a* @scan
    SSCAN s 0 MATCH ? COUNT 2 @scan
    SSCAN s 0 MATCH zz* @scan
    SADD i 1 2 3 10 20
    SSCAN i 0 MATCH 1* @scan
    SSCAN missing 0
    SSCAN s 0 COUNT 0
    SSCAN s 0 COUNT x
    SSCAN s 0 MATCH
    SSCAN s 0 NOVALUES
    SSCAN s 0 TYPE set
    SSCAN s x
    SSCAN s
    SET str v
    SSCAN str 0
    `,
  ),
];

const MEMBERS = ['a', 'b', 'c', '1', '2', '', '\xff'];

function op(g: Gen): Step {
  const k = g.pick(['s1', 's2', 's3', 'x']);
  const k2 = g.pick(['s1', 's2', 's3']);
  const m = quote(g.pick(MEMBERS));
  switch (g.int(0, 18)) {
    case 0:
    case 1:
      return `SADD ${k} ${m} ${quote(g.pick(MEMBERS))}`;
    case 2:
      return `SREM ${k} ${m}`;
    case 3:
      return `SCARD ${k}`;
    case 4:
      return `SISMEMBER ${k} ${m}`;
    case 5:
      return `SMISMEMBER ${k} ${m} ${quote(g.pick(MEMBERS))}`;
    case 6:
      return `SMEMBERS ${k}`;
    case 7:
      return `SINTER ${k} ${k2}`;
    case 8:
      return `SUNION ${k} ${k2}`;
    case 9:
      return `SDIFF ${k} ${k2}`;
    case 10:
      return `SINTERSTORE ${g.pick(['d', k2])} ${k} ${k2}`;
    case 11:
      return `SUNIONSTORE ${g.pick(['d', k2])} ${k} ${k2}`;
    case 12:
      return `SDIFFSTORE ${g.pick(['d', k2])} ${k} ${k2}`;
    case 13:
      return `SMOVE ${k} ${k2} ${m}`;
    case 14:
      return `SINTERCARD 2 ${k} ${k2}${g.chance(0.5) ? ` LIMIT ${g.int(0, 3)}` : ''}`;
    case 15:
      return `SMEMBERS d`;
    case 16:
      return g.chance(0.3) ? `SET x ${m}` : `DEL ${k}`;
    case 17:
      return `SPOP ${k} 10`;
    default:
      return `SSCAN ${k} 0 COUNT 2 @scan`;
  }
}

differential('set', [...cases, ...generated('random set operations', 8, 80, op)]);
