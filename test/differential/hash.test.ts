import { c, differential, type Gen, generated, quote, type Step } from './harness.ts';

const cases = [
  c(
    'HSET HGET HMSET HMGET HSETNX',
    `
    HSET h f1 v1
    HSET h f1 v1
    HSET h f1 v2 f2 v2 f3 v3
    HGET h f1
    HGET h missing
    HGET missing f
    HMGET h f1 f2 missing f3
    HMGET missing a b
    HMSET h f4 v4 f5 v5
    HMSET h f4
    HMSET h
    HSET h f
    HSET h f v g
    HSET h
    HSETNX h f1 x
    HSETNX h new x
    HGET h new
    HSETNX h a
    HSETNX h a b c
    HSET h f1 a f1 b
    HGET h f1
    HGETALL h
    HSET h "" empty "\\x00\\xff" "\\r\\n"
    HGET h ""
    HGET h "\\x00\\xff"
    HSET h big 123456789012345678901234567890
    HGET h big
    HGET h
    HGET h a b
    HMGET h
    `,
  ),
  c(
    'HDEL HEXISTS HLEN HSTRLEN',
    `
    HSET h a 1 b 22 c 333 e ""
    HLEN h
    HEXISTS h a
    HEXISTS h z
    HEXISTS missing a
    HSTRLEN h c
    HSTRLEN h e
    HSTRLEN h z
    HSTRLEN missing z
    HDEL h a
    HDEL h a
    HDEL h b c z b
    HLEN h
    HDEL h e
    EXISTS h
    HLEN h
    HDEL h x
    HDEL h
    HLEN
    HEXISTS h
    HSTRLEN h
    HSET t f v
    EXPIRE t 100
    HDEL t f
    TTL t
    `,
  ),
  c(
    'HGETALL HKEYS HVALS order',
    `
    HSET h z 1 a 2 m 3
    HGETALL h
    HKEYS h
    HVALS h
    HDEL h a
    HSET h a 4 b 5
    HGETALL h
    HKEYS h
    HVALS h
    HSET h z 9
    HGETALL h
    HGETALL missing
    HKEYS missing
    HVALS missing
    HGETALL
    HKEYS a b
    `,
  ),
  c(
    'large hash (hashtable encoding)',
    Array.from({ length: 150 }, (_, i) => `HSET big f${i} ${'v'.repeat(i % 70)}`).join('\n') +
      `
    HLEN big
    HGETALL big @pairs
    HKEYS big @unordered
    HVALS big @unordered
    HGET big f149
    HSTRLEN big f69
    HSCAN big 0 COUNT 10 @scan
    HSCAN big 0 MATCH f1* COUNT 20 @scan
    `,
  ),
  c(
    'HINCRBY',
    `
    HINCRBY h n 5
    HINCRBY h n -10
    HINCRBY h n 0
    HGET h n
    HSET h s abc e "" sp " 1" f 1.5 big 9223372036854775807 small -9223372036854775808
    HINCRBY h s 1
    HINCRBY h e 1
    HINCRBY h sp 1
    HINCRBY h f 1
    HINCRBY h big 1
    HINCRBY h big 0
    HINCRBY h small -1
    HINCRBY h small 9223372036854775807
    HINCRBY h n abc
    HINCRBY h n 1.5
    HINCRBY h n 9223372036854775808
    HINCRBY h n
    HINCRBY missing f 3
    HGETALL missing
    SET str v
    HINCRBY str f 1
    `,
  ),
  c(
    'HINCRBYFLOAT',
    `
    HINCRBYFLOAT h f 1.5
    HINCRBYFLOAT h f 0.1
    HINCRBYFLOAT h f -0.2
    HINCRBYFLOAT h f 1e3
    HINCRBYFLOAT h f 2.0e-3
    HGET h f
    HSET h i 10 s abc x 5.0e3
    HINCRBYFLOAT h i 0
    HINCRBYFLOAT h x 1
    HINCRBYFLOAT h s 1
    HINCRBYFLOAT h f abc
    HINCRBYFLOAT h f inf
    HINCRBYFLOAT h f -inf
    HINCRBYFLOAT h f nan
    HINCRBYFLOAT h f ""
    HSET h inf inf
    HINCRBYFLOAT h inf 1
    HSET h huge 1.7e308
    HINCRBYFLOAT h huge 1.7e308
    HINCRBYFLOAT h f
    SET str v
    HINCRBYFLOAT str f 1
    `,
  ),
  c(
    'HRANDFIELD',
    `
    HRANDFIELD missing
    HRANDFIELD missing 3
    HRANDFIELD missing 3 WITHVALUES
    HSET h a 1 b 2 c 3
    HRANDFIELD h @among=a,b,c
    HRANDFIELD h 0
    HRANDFIELD h 2 @distinct @among=a,b,c
    HRANDFIELD h 3 @distinct @among=a,b,c
    HRANDFIELD h 10 @distinct @among=a,b,c
    HRANDFIELD h -5 @among=a,b,c
    HRANDFIELD h -1 @among=a,b,c
    HRANDFIELD h 2 WITHVALUES @random-pairs @distinct @among=a,b,c
    HRANDFIELD h -4 WITHVALUES @random-pairs @among=a,b,c
    HRANDFIELD h 10 WITHVALUES @random-pairs @among=a,b,c
    HRANDFIELD h 1 withvalues @random-pairs @among=a,b,c
    HRANDFIELD h x
    HRANDFIELD h 1 BOGUS
    HRANDFIELD h 1 WITHVALUES x
    HRANDFIELD h -9223372036854775808
    HRANDFIELD h -9223372036854775807 WITHVALUES
    HRANDFIELD h 9223372036854775807 @among=a,b,c
    HRANDFIELD
    SET str v
    HRANDFIELD str
    `,
  ),
  c(
    'HSCAN',
    `
    HSET h a 1 b 2 c 3 ab 4 "\\x00" 5
    HSCAN h 0 @scan
    HSCAN h 0 COUNT 1 @scan
    HSCAN h 0 MATCH a* @scan
    HSCAN h 0 MATCH z* @scan
    HSCAN h 0 COUNT 100
    HSCAN h 0 COUNT 100 NOVALUES
    HSCAN h 0 MATCH a* COUNT 100 NOVALUES
    HSCAN missing 0
    HSCAN missing 0 @scan
    HSCAN h 0 COUNT 0
    HSCAN h 0 COUNT x
    HSCAN h 0 MATCH
    HSCAN h 0 TYPE string
    HSCAN h 0 BOGUS
    HSCAN h x
    HSCAN h -1 @shape
    HSCAN h
    SET str v
    HSCAN str 0
    `,
  ),
  c(
    'wrong types',
    `
    SET s v
    HSET s f v
    HGET s f
    HMGET s f
    HDEL s f
    HLEN s
    HEXISTS s f
    HSTRLEN s f
    HKEYS s
    HVALS s
    HGETALL s
    HSETNX s f v
    HMSET s f v
    RPUSH l a
    HGETALL l
    `,
  ),
];

const FIELDS = ['f1', 'f2', 'f3', '', 'f\x00'];
const VALUES = ['0', '1', '-3', '10', 'abc', '', '\xff', '2.5'];

function op(g: Gen): Step {
  const k = g.pick(['h1', 'h2', 's']);
  const f = quote(g.pick(FIELDS));
  const v = quote(g.pick(VALUES));
  switch (g.int(0, 17)) {
    case 0:
    case 1:
      return `HSET ${k} ${f} ${v}`;
    case 2:
      return `HSET ${k} ${f} ${v} ${quote(g.pick(FIELDS))} ${quote(g.pick(VALUES))}`;
    case 3:
      return `HGET ${k} ${f}`;
    case 4:
      return `HMGET ${k} ${f} ${quote(g.pick(FIELDS))}`;
    case 5:
      return `HDEL ${k} ${f}`;
    case 6:
      return `HDEL ${k} ${f} ${quote(g.pick(FIELDS))}`;
    case 7:
      return `HEXISTS ${k} ${f}`;
    case 8:
      return `HLEN ${k}`;
    case 9:
      return `HSTRLEN ${k} ${f}`;
    case 10:
      return `HGETALL ${k}`;
    case 11:
      return `HKEYS ${k}`;
    case 12:
      return `HVALS ${k}`;
    case 13:
      return `HINCRBY ${k} ${f} ${g.int(-5, 5)}`;
    case 14:
      return `HINCRBYFLOAT ${k} ${f} ${g.pick(['0.5', '-1.5', '3', '0.1'])}`;
    case 15:
      return `HSETNX ${k} ${f} ${v}`;
    case 16:
      return g.chance(0.3) ? `SET s ${v}` : `EXISTS ${k}`;
    default:
      return `HSCAN ${k} 0 COUNT 2 @scan`;
  }
}

differential('hash', [...cases, ...generated('random hash operations', 8, 80, op)]);
