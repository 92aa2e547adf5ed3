import { c, differential, type Gen, generated, quote, type Step } from './harness.ts';

const cases = [
  c(
    'ZADD basics, scores and ZSCORE ZMSCORE ZCARD',
    `
    ZADD z 1 a
    ZADD z 2 b 3 c
    ZADD z 1 a
    ZADD z 5 a
    ZCARD z
    ZSCORE z a
    ZSCORE z missing
    ZSCORE missing a
    ZMSCORE z a b missing
    ZMSCORE missing a b
    ZADD z 0.5 h -2.75 n 1e3 e 1.5E-3 s +3 p -0 m
    ZRANGE z 0 -1 WITHSCORES
    ZADD z inf i -inf j +inf k
    ZSCORE z i
    ZSCORE z j
    ZSCORE z k
    ZADD z 1.1 f 0.1 g 3.3333333333333335 t
    ZSCORE z f
    ZSCORE z g
    ZSCORE z t
    ZMSCORE z f g t
    ZADD z nan x
    ZADD z abc x
    ZADD z "" x
    ZADD z " 1" x
    ZADD z 1 x 2
    ZADD z 1
    ZADD z
    ZSCORE z
    ZMSCORE z
    ZCARD missing
    ZADD z 9007199254740993 big 1e308 huge -1e-308 tiny 123456789.5 mid
    ZSCORE z big
    ZSCORE z huge
    ZSCORE z tiny
    ZSCORE z mid
    ZADD z 1 "" 2 "\\x00" 3 "\\xff\\x80"
    ZRANGE z 0 2
    ZSCORE z ""
    SET s v
    ZADD s 1 a
    ZSCORE s a
    ZMSCORE s a
    ZCARD s
    `,
  ),
  c(
    'ZADD NX XX GT LT CH INCR',
    `
    ZADD z 1 a 2 b
    ZADD z NX 5 a 3 c
    ZRANGE z 0 -1 WITHSCORES
    ZADD z XX 5 a 4 d
    ZRANGE z 0 -1 WITHSCORES
    ZADD z CH 5 a 6 b 7 e
    ZADD z GT 1 a 10 b
    ZRANGE z 0 -1 WITHSCORES
    ZADD z LT 1 a 100 b
    ZRANGE z 0 -1 WITHSCORES
    ZADD z GT CH 2 a 3 b 9 f
    ZADD z LT CH 2 a 3 b
    ZADD z XX GT 100 a 1 new
    ZADD z XX CH 100 a
    ZADD z NX XX 1 a
    ZADD z NX GT 1 a
    ZADD z NX LT 1 a
    ZADD z GT LT 1 a
    ZADD z INCR 1 a 2 b
    ZADD z INCR 5 a
    ZADD z INCR -105 a
    ZADD z INCR 1 new
    ZADD z NX INCR 1 a
    ZADD z XX INCR 1 nothere
    ZADD z GT INCR -1 a
    ZADD z LT INCR 1 a
    ZADD z GT INCR 1 a
    ZADD z INCR inf a
    ZADD z INCR -inf a
    ZSCORE z a
    ZADD z INCR 1 a
    ZADD z inf a
    ZADD z INCR -inf a
    ZADD z INCR abc a
    ZADD z ch nx 1 zz
    ZADD z Xx Ch 2 zz
    ZADD z BOGUS 1 a
    ZADD z CH
    ZADD z NX 1
    ZADD z INCR
    ZADD z XX
    ZADD missing XX 1 a
    EXISTS missing
    ZADD missing XX INCR 1 a
    EXISTS missing
    ZADD missing GT 1 a
    ZADD missing2 LT INCR 5 a
    `,
  ),
  c(
    'ZINCRBY ZREM ZCOUNT ZLEXCOUNT',
    `
    ZINCRBY z 1 a
    ZINCRBY z 2.5 a
    ZINCRBY z -10 a
    ZINCRBY z 0.1 b
    ZINCRBY z 0.2 b
    ZINCRBY z abc a
    ZINCRBY z inf a
    ZINCRBY z -inf a
    ZINCRBY z 1 a 2
    ZINCRBY z 1
    ZADD z 1 c 2 d 3 e 4 f
    ZCOUNT z -inf +inf
    ZCOUNT z 1 3
    ZCOUNT z (1 3
    ZCOUNT z (1 (3
    ZCOUNT z 3 1
    ZCOUNT z -inf (2
    ZCOUNT z x 1
    ZCOUNT z 1 (x
    ZCOUNT z "(" 1
    ZCOUNT z [1 2
    ZCOUNT missing 0 1
    ZREM z c d nothere
    ZREM z nothere
    ZREM missing a
    ZREM z a b e f
    EXISTS z
    ZREM z
    ZADD l 0 a 0 b 0 c 0 d 0 e
    ZLEXCOUNT l - +
    ZLEXCOUNT l [b [d
    ZLEXCOUNT l (b (d
    ZLEXCOUNT l [b +
    ZLEXCOUNT l - (c
    ZLEXCOUNT l + -
    ZLEXCOUNT l [d [b
    ZLEXCOUNT l b d
    ZLEXCOUNT l [b d
    ZLEXCOUNT l "" +
    ZLEXCOUNT l "[" "("
    ZLEXCOUNT missing - +
    SET s v
    ZINCRBY s 1 a
    ZREM s a
    ZCOUNT s 0 1
    ZLEXCOUNT s - +
    `,
  ),
  c(
    'ZRANGE by rank, score and lex',
    `
    ZADD z 1 a 2 b 3 c 4 d 5 e 5 ee 6 f
    ZRANGE z 0 -1
    ZRANGE z 0 -1 WITHSCORES
    ZRANGE z -3 -1
    ZRANGE z 5 2
    ZRANGE z 100 200
    ZRANGE z -100 1
    ZRANGE z 0 -1 REV
    ZRANGE z 0 1 REV WITHSCORES
    ZRANGE z 2 4 withscores rev
    ZRANGE z 2 5 BYSCORE
    ZRANGE z (2 (5 BYSCORE
    ZRANGE z -inf +inf BYSCORE WITHSCORES
    ZRANGE z 5 2 BYSCORE REV
    ZRANGE z (5 -inf BYSCORE REV
    ZRANGE z 2 5 BYSCORE REV
    ZRANGE z -inf +inf BYSCORE LIMIT 1 2
    ZRANGE z -inf +inf BYSCORE LIMIT 1 -1
    ZRANGE z -inf +inf BYSCORE LIMIT -1 2
    ZRANGE z -inf +inf BYSCORE LIMIT 10 2
    ZRANGE z -inf +inf BYSCORE LIMIT 0 0
    ZRANGE z +inf -inf BYSCORE REV LIMIT 1 3 WITHSCORES
    ZRANGE z 0 -1 LIMIT 1 2
    ZRANGE z x 1 BYSCORE
    ZRANGE z 1 x
    ZRANGE z 0 -1 BYSCORE BYLEX
    ZRANGE z 0 -1 BOGUS
    ZRANGE z 0 -1 LIMIT 1
    ZRANGE z 0 -1 BYSCORE LIMIT x 1
    ZRANGE z 0
    ZADD l 0 a 0 b 0 c 0 d 0 e 0 "" 0 "\\xff"
    ZRANGE l - + BYLEX
    ZRANGE l [b (d BYLEX
    ZRANGE l + - BYLEX REV
    ZRANGE l (d [b BYLEX REV
    ZRANGE l - + BYLEX LIMIT 2 2
    ZRANGE l - + BYLEX REV LIMIT 0 3
    ZRANGE l [ + BYLEX
    ZRANGE l "(" + BYLEX
    ZRANGE l - "[\\xff" BYLEX
    ZRANGE l b d BYLEX
    ZRANGE l - + BYLEX WITHSCORES
    ZRANGE missing 0 -1
    ZRANGE missing - + BYLEX
    SET s v
    ZRANGE s 0 -1
    `,
  ),
  c(
    'legacy ZRANGEBYSCORE ZREVRANGEBYSCORE ZRANGEBYLEX ZREVRANGEBYLEX ZREVRANGE',
    `
    ZADD z 1 a 2 b 3 c 4 d 5 e
    ZREVRANGE z 0 -1
    ZREVRANGE z 0 1 WITHSCORES
    ZREVRANGE z 0 1 BOGUS
    ZRANGEBYSCORE z 2 4
    ZRANGEBYSCORE z (2 4 WITHSCORES
    ZRANGEBYSCORE z -inf +inf LIMIT 1 2
    ZRANGEBYSCORE z -inf +inf WITHSCORES LIMIT 1 2
    ZRANGEBYSCORE z -inf +inf LIMIT 1 2 WITHSCORES
    ZRANGEBYSCORE z 4 2
    ZRANGEBYSCORE z x 2
    ZRANGEBYSCORE z 1 2 LIMIT 1
    ZRANGEBYSCORE z 1 2 BOGUS
    ZREVRANGEBYSCORE z 4 2
    ZREVRANGEBYSCORE z +inf -inf WITHSCORES LIMIT 0 2
    ZREVRANGEBYSCORE z 2 4
    ZREVRANGEBYSCORE z (4 (2
    ZADD l 0 a 0 b 0 c 0 d
    ZRANGEBYLEX l - +
    ZRANGEBYLEX l [b [c
    ZRANGEBYLEX l - + LIMIT 1 1
    ZRANGEBYLEX l a c
    ZRANGEBYLEX l - + WITHSCORES
    ZREVRANGEBYLEX l + -
    ZREVRANGEBYLEX l [c (a
    ZREVRANGEBYLEX l + - LIMIT 0 2
    ZREVRANGEBYLEX l - +
    ZRANGEBYSCORE missing 0 1
    ZREVRANGEBYLEX missing + -
    SET s v
    ZRANGEBYSCORE s 0 1
    ZRANGEBYLEX s - +
    `,
  ),
  c(
    'ZRANK ZREVRANK (WITHSCORE is 7.2+)',
    `
    ZADD z 1 a 2 b 3 c 1.5 x
    ZRANK z a
    ZRANK z c
    ZRANK z missing
    ZRANK missing a
    ZREVRANK z a
    ZREVRANK z c
    ZREVRANK z missing
    ZRANK z b WITHSCORE
    ZREVRANK z b WITHSCORE
    ZRANK z x WITHSCORE
    ZRANK z missing WITHSCORE
    ZRANK missing a WITHSCORE
    ZRANK z a BOGUS
    ZRANK z a WITHSCORE x
    ZREVRANK missing a WITHSCORE
    ZRANK z
    SET s v
    ZRANK s a
    ZREVRANK s a
    `,
  ),
  c(
    'ZREMRANGEBYRANK ZREMRANGEBYSCORE ZREMRANGEBYLEX',
    `
    ZADD z 1 a 2 b 3 c 4 d 5 e 6 f
    ZREMRANGEBYRANK z 0 0
    ZREMRANGEBYRANK z -1 -1
    ZREMRANGEBYRANK z 5 10
    ZREMRANGEBYRANK z 3 1
    ZRANGE z 0 -1
    ZREMRANGEBYSCORE z (2 4
    ZRANGE z 0 -1
    ZREMRANGEBYSCORE z 10 20
    ZREMRANGEBYSCORE z -inf +inf
    EXISTS z
    ZADD l 0 a 0 b 0 c 0 d
    ZREMRANGEBYLEX l [b (d
    ZRANGE l 0 -1
    ZREMRANGEBYLEX l - +
    EXISTS l
    ZREMRANGEBYRANK z x 1
    ZREMRANGEBYSCORE z x 1
    ZREMRANGEBYLEX z x y
    ZREMRANGEBYRANK missing 0 -1
    ZREMRANGEBYLEX missing - +
    SET s v
    ZREMRANGEBYRANK s 0 1
    ZREMRANGEBYSCORE s 0 1
    ZREMRANGEBYLEX s - +
    `,
  ),
  c(
    'ZPOPMIN ZPOPMAX ZMPOP',
    `
    ZADD z 1 a 2 b 3 c 4 d 5 e
    ZPOPMIN z
    ZPOPMAX z
    ZPOPMIN z 2
    ZPOPMAX z 0
    ZPOPMIN z 10
    EXISTS z
    ZPOPMIN z
    ZPOPMAX missing 2
    ZPOPMIN z -1
    ZPOPMIN z x
    ZPOPMIN z 1 2
    ZADD a 1 x 2 y
    ZADD b 3 p
    ZMPOP 2 missing a MIN
    ZMPOP 2 a b MAX COUNT 5
    ZMPOP 2 a b MIN
    ZMPOP 1 a MIN
    ZMPOP 2 a b max
    ZMPOP 0 a MIN
    ZMPOP 1 a MIDDLE
    ZMPOP 1 a MIN COUNT 0
    ZMPOP 1 a MIN COUNT x
    ZMPOP 1 a MIN COUNT
    ZMPOP 1 a MIN COUNT 1 COUNT 1
    ZMPOP 2 a
    ZMPOP 1
    SET s v
    ZPOPMIN s
    ZADD c 1 q
    ZMPOP 2 s c MIN
    ZMPOP 2 c s MIN
    `,
  ),
  c(
    'ZRANDMEMBER',
    `
    ZRANDMEMBER missing
    ZRANDMEMBER missing 3
    ZRANDMEMBER missing 3 WITHSCORES
    ZADD z 1 a 2 b 3 c
    ZRANDMEMBER z @among=a,b,c
    ZRANDMEMBER z 0
    ZRANDMEMBER z 2 @distinct @among=a,b,c
    ZRANDMEMBER z 10 @distinct @among=a,b,c
    ZRANDMEMBER z -5 @among=a,b,c
    ZRANDMEMBER z 2 WITHSCORES @random-pairs @distinct @among=a,b,c
    ZRANDMEMBER z -4 WITHSCORES @random-pairs @among=a,b,c
    ZRANDMEMBER z x
    ZRANDMEMBER z 1 BOGUS
    ZRANDMEMBER z -9223372036854775808 WITHSCORES
    SET s v
    ZRANDMEMBER s
    `,
  ),
  c(
    'ZUNION ZINTER ZDIFF and STORE forms',
    `
    ZADD a 1 x 2 y 3 z
    ZADD b 10 y 20 z 30 w
    SADD s y z v
    ZUNION 2 a b
    ZUNION 2 a b WITHSCORES
    ZUNION 2 a b WEIGHTS 2 0.5 WITHSCORES
    ZUNION 2 a b AGGREGATE MIN WITHSCORES
    ZUNION 2 a b AGGREGATE MAX WITHSCORES
    ZUNION 2 a b AGGREGATE SUM WEIGHTS 1 -1 WITHSCORES
    ZUNION 2 a s WITHSCORES
    ZUNION 3 a b missing WITHSCORES
    ZINTER 2 a b WITHSCORES
    ZINTER 2 a s WITHSCORES
    ZINTER 2 a b AGGREGATE MAX
    ZINTER 2 a missing
    ZDIFF 2 a b
    ZDIFF 2 a b WITHSCORES
    ZDIFF 2 b a WITHSCORES
    ZDIFF 1 a
    ZDIFF 2 missing a
    ZUNIONSTORE d 2 a b
    ZRANGE d 0 -1 WITHSCORES
    ZINTERSTORE d 2 a b WEIGHTS 1 2
    ZRANGE d 0 -1 WITHSCORES
    ZINTERSTORE d 2 a missing
    EXISTS d
    ZDIFFSTORE d 2 b a
    ZRANGE d 0 -1 WITHSCORES
    ZDIFFSTORE d 2 a a
    EXISTS d
    ZUNIONSTORE a 2 a b
    ZRANGE a 0 -1 WITHSCORES
    ZADD i 1 p
    ZADD j inf p
    ZADD k -inf p
    ZUNION 2 j k WITHSCORES
    ZINTER 2 j k WITHSCORES
    ZUNION 2 j k WEIGHTS 0 0 WITHSCORES
    ZUNION 2 i j WEIGHTS inf 1 WITHSCORES
    ZUNION 0 a
    ZUNION -1 a
    ZUNION 3 a b
    ZUNION 2 a b WEIGHTS 1
    ZUNION 2 a b WEIGHTS 1 x
    ZUNION 2 a b AGGREGATE AVG
    ZUNION 2 a b AGGREGATE
    ZUNION 2 a b BOGUS
    ZUNIONSTORE d 2 a b WITHSCORES
    ZDIFF 2 a b WEIGHTS 1 1
    ZDIFF 2 a b AGGREGATE SUM
    ZUNIONSTORE d 0 a
    ZINTERSTORE d
    SET str v
    ZUNION 2 a str
    ZINTER 2 missing str
    ZDIFF 2 missing str
    ZDIFF 2 a str
    ZUNIONSTORE str 1 a
    TYPE str
    `,
  ),
  c(
    'ZINTERCARD and ZRANGESTORE',
    `
    ZADD a 1 x 2 y 3 z
    ZADD b 1 y 2 z 3 w
    ZINTERCARD 2 a b
    ZINTERCARD 2 a b LIMIT 1
    ZINTERCARD 2 a b LIMIT 0
    ZINTERCARD 2 a missing
    ZINTERCARD 0 a
    ZINTERCARD 2 a b LIMIT -1
    ZINTERCARD 3 a b
    ZINTERCARD 2 a b BOGUS
    ZRANGESTORE d a 0 1
    ZRANGE d 0 -1 WITHSCORES
    ZRANGESTORE d a 2 3 BYSCORE
    ZRANGE d 0 -1 WITHSCORES
    ZRANGESTORE d a (3 -inf BYSCORE REV LIMIT 0 1
    ZRANGE d 0 -1 WITHSCORES
    ZRANGESTORE d a - + BYLEX
    ZRANGESTORE d a 5 10
    EXISTS d
    ZRANGESTORE d missing 0 -1
    ZRANGESTORE d a 0 -1 WITHSCORES
    ZRANGESTORE d a 0
    SET s v
    ZRANGESTORE d s 0 -1
    ZINTERCARD 2 a s
    `,
  ),
  c(
    'ZSCAN',
    `
    ZADD z 1 a 2 b 3 c 4 ab 0.5 "\\x00" 1.5 e
    ZSCAN z 0 @scan
    ZSCAN z 0 COUNT 1 @scan
    ZSCAN z 0 MATCH a* @scan
    ZSCAN z 0 MATCH zz @scan
    ZSCAN missing 0
    ZSCAN z 0 COUNT 0
    ZSCAN z 0 MATCH
    ZSCAN z 0 NOVALUES
    ZSCAN z x
    SET s v
    ZSCAN s 0
    ` +
      Array.from({ length: 200 }, (_, i) => `ZADD big ${i % 17} m${i}`).join('\n') +
      `
    ZSCAN big 0 COUNT 30 @scan
    ZRANGE big 0 -1 WITHSCORES
    ZRANGE big 50 60
    ZRANK big m100
    ZCOUNT big 3 (9
    ZREMRANGEBYSCORE big 5 6
    ZCARD big
    `,
  ),
];

const MEMBERS = ['a', 'b', 'c', 'd', '', '\xff'];
const SCORES = ['0', '1', '-1', '2.5', '-0.5', '10', 'inf', '-inf', '3'];

function op(g: Gen): Step {
  const k = g.pick(['z1', 'z2', 's']);
  const k2 = g.pick(['z1', 'z2']);
  const m = quote(g.pick(MEMBERS));
  const sc = g.pick(SCORES);
  const lex = () => g.pick(['-', '+', '[a', '(b', '[c', '(d', '[']);
  const range = () => g.pick(['-inf', '+inf', '0', '(1', '2.5', '(-1', '10']);
  switch (g.int(0, 24)) {
    case 0:
    case 1:
      return `ZADD ${k} ${sc} ${m} ${g.pick(SCORES)} ${quote(g.pick(MEMBERS))}`;
    case 2:
      return `ZADD ${k} ${g.pick(['NX', 'XX', 'GT', 'LT', 'CH', 'GT CH', 'XX LT', 'INCR', 'NX INCR'])} ${sc} ${m}`;
    case 3:
      return `ZINCRBY ${k} ${g.pick(['1', '-2', '0.5', 'inf'])} ${m}`;
    case 4:
      return `ZREM ${k} ${m}`;
    case 5:
      return `ZSCORE ${k} ${m}`;
    case 6:
      return `ZRANGE ${k} ${g.int(-4, 4)} ${g.int(-4, 4)}${g.chance(0.5) ? ' WITHSCORES' : ''}`;
    case 7:
      return `ZRANGE ${k} ${range()} ${range()} BYSCORE${g.chance(0.3) ? ' REV' : ''}${g.chance(0.3) ? ` LIMIT ${g.int(0, 2)} ${g.int(-1, 2)}` : ''} WITHSCORES`;
    case 8:
      return `ZRANGE ${k} ${lex()} ${lex()} BYLEX${g.chance(0.3) ? ' REV' : ''}`;
    case 9:
      return `ZCOUNT ${k} ${range()} ${range()}`;
    case 10:
      return `ZLEXCOUNT ${k} ${lex()} ${lex()}`;
    case 11:
      return `ZRANK ${k} ${m}`;
    case 12:
      return `ZREVRANK ${k} ${m}`;
    case 13:
      return `ZCARD ${k}`;
    case 14:
      return `ZPOPMIN ${k}${g.chance(0.5) ? ` ${g.int(0, 3)}` : ''}`;
    case 15:
      return `ZPOPMAX ${k}${g.chance(0.5) ? ` ${g.int(0, 3)}` : ''}`;
    case 16:
      return `ZREMRANGEBYRANK ${k} ${g.int(-3, 3)} ${g.int(-3, 3)}`;
    case 17:
      return `ZREMRANGEBYSCORE ${k} ${range()} ${range()}`;
    case 18:
      return `ZREMRANGEBYLEX ${k} ${lex()} ${lex()}`;
    case 19:
      return `ZUNIONSTORE ${g.pick(['d', k2])} 2 ${k} ${k2} ${g.pick(['', 'WEIGHTS 2 -1', 'AGGREGATE MIN', 'AGGREGATE MAX'])}`;
    case 20:
      return `ZINTERSTORE ${g.pick(['d', k2])} 2 ${k} ${k2}`;
    case 21:
      return `ZDIFF 2 ${k} ${k2} WITHSCORES`;
    case 22:
      return `ZMSCORE ${k} ${m} ${quote(g.pick(MEMBERS))}`;
    case 23:
      return g.chance(0.3) ? `SET s ${m}` : `DEL ${k}`;
    default:
      return `ZSCAN ${k} 0 COUNT 2 @scan`;
  }
}

differential('sorted-set', [...cases, ...generated('random sorted-set operations', 8, 80, op)]);
