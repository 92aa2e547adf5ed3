import { c, differential } from './harness.ts';

const cases = [
  c(
    'SORT numeric and ALPHA, ASC/DESC, LIMIT',
    `
    RPUSH l 3 1 2 10 -5 1.5 1e2 " 7" 0x10 inf -inf ""
    SORT l
    SORT l DESC
    SORT l ASC LIMIT 2 3
    SORT l LIMIT -1 3
    SORT l LIMIT 5 -1
    SORT l LIMIT 100 3
    SORT l LIMIT 0 0
    SORT l ALPHA
    SORT l ALPHA DESC LIMIT 1 4
    SORT_RO l DESC LIMIT 0 5
    RPUSH bad 1 x 2
    SORT bad
    SORT bad ALPHA
    RPUSH nan 1 nan
    SORT nan
    RPUSH huge 1 1e400
    SORT huge
    SORT missing
    SORT missing ALPHA LIMIT 0 2
    SORT l LIMIT 1
    SORT l LIMIT x 1
    SORT l LIMIT 0 y
    SORT l BOGUS
    SORT l BY
    SORT l GET
    SORT l STORE
    SORT_RO l STORE dst
    SET s v
    SORT s
    SORT_RO s
    SORT s BOGUS
    HSET h a 1
    SORT h
    RPUSH dup 2 1 2 1 3
    SORT dup DESC
    `,
  ),
  c(
    'SORT BY and GET patterns, hashes, GET #',
    `
    RPUSH ids 1 2 3 4
    MSET w_1 40 w_2 10 w_3 30
    MSET n_1 one n_2 two n_3 three n_4 four
    HSET o_1 f 9 name alice
    HSET o_2 f 7 name bob
    HSET o_3 f 8
    SORT ids BY w_*
    SORT ids BY w_* DESC
    SORT ids BY w_* GET n_*
    SORT ids BY w_* GET # GET n_* GET missing_* GET o_*->name
    SORT ids BY o_*->f
    SORT ids BY o_*->f GET o_*->name
    SORT ids BY n_* ALPHA
    SORT ids BY n_* ALPHA DESC GET #
    SORT ids BY o_*->name ALPHA GET #
    SORT ids BY w_* LIMIT 1 2 GET n_*
    SORT ids GET n_* GET n_*
    SORT ids GET nostar
    SORT ids BY nosort
    SORT ids BY nosort DESC
    SORT ids BY nosort LIMIT 1 2
    SORT ids BY nosort DESC LIMIT 1 2
    SORT ids BY nosort LIMIT 10 2
    SORT ids BY nosort GET n_*
    SORT ids BY n_*
    SET n_4 x4
    SORT ids BY o_*
    SORT ids BY w_*->f
    SORT ids BY "w_*->"
    SET "w_3->" 1
    SORT ids BY "w_*->" GET "w_*->"
    SORT_RO ids BY w_* GET n_*
    `,
  ),
  c(
    'SORT sets and sorted sets',
    `
    SADD si 5 3 9 1
    SORT si
    SORT si DESC LIMIT 1 2
    SADD ss b c a d
    SORT ss ALPHA
    SORT ss BY nosort STORE out
    LRANGE out 0 -1
    SORT ss
    ZADD z 3 c 1 a 2 b 5 e 4 d
    SORT z ALPHA
    SORT z BY nosort
    SORT z BY nosort DESC
    SORT z BY nosort LIMIT 1 3
    SORT z BY nosort DESC LIMIT 1 3
    SORT z BY nosort DESC LIMIT 4 10
    SORT z BY nosort LIMIT 9 10
    SORT z BY nosort LIMIT -3 2
    ZADD zn 1 30 2 10 3 20
    SORT zn
    SORT zn BY nosort GET #
    `,
  ),
  c(
    'SORT STORE',
    `
    RPUSH src 3 1 2
    SET k_1 a
    SORT src STORE dst
    LRANGE dst 0 -1
    TYPE dst
    SET dst x
    EXPIRE dst 100
    SORT src DESC STORE dst
    LRANGE dst 0 -1
    TTL dst
    SORT src GET k_* GET # STORE dst
    LRANGE dst 0 -1
    SORT src LIMIT 0 0 STORE dst
    EXISTS dst
    SORT nothing STORE dst2
    EXISTS dst2
    SORT src store src
    LRANGE src 0 -1
    RPUSH badl x 1
    SET dst3 keep
    SORT badl STORE dst3
    GET dst3
    `,
  ),
  c(
    'OBJECT',
    `
    SET i 123
    SET big 12345
    SET neg -1
    SET lz 0123
    SET emb "hello world"
    SET e44 12345678901234567890123456789012345678901234
    SET r45 123456789012345678901234567890123456789012345
    SET i20 -9223372036854775808
    SET i21 9223372036854775808
    OBJECT ENCODING i
    OBJECT ENCODING big
    OBJECT ENCODING neg
    OBJECT ENCODING lz
    OBJECT ENCODING emb
    OBJECT ENCODING e44
    OBJECT ENCODING r45
    OBJECT ENCODING i20
    OBJECT ENCODING i21
    OBJECT ENCODING missing
    OBJECT REFCOUNT i
    OBJECT REFCOUNT big
    OBJECT REFCOUNT neg
    OBJECT REFCOUNT emb
    OBJECT REFCOUNT missing
    INCR counter
    OBJECT REFCOUNT counter
    OBJECT ENCODING counter
    // Seconds since the last access: Redis's ticks while a slow run goes on; ours is always 0.
    OBJECT IDLETIME i @ttl=5
    OBJECT IDLETIME missing
    OBJECT FREQ i
    OBJECT FREQ missing
    OBJECT HELP
    OBJECT BOGUS k
    OBJECT ENCODING
    OBJECT ENCODING a b
    OBJECT
    HSET h f v
    OBJECT ENCODING h
    HSET h f 1234567890123456789012345678901234567890123456789012345678901234
    OBJECT ENCODING h
    HSET h2 1234567890123456789012345678901234567890123456789012345678901234X v
    OBJECT ENCODING h2
    ZADD z 1 a
    OBJECT ENCODING z
    ZADD z 2 1234567890123456789012345678901234567890123456789012345678901234X
    OBJECT ENCODING z
    ZREM z 1234567890123456789012345678901234567890123456789012345678901234X
    OBJECT ENCODING z
    SADD si 1 2 3
    OBJECT ENCODING si
    OBJECT REFCOUNT si
    `,
  ),
  c(
    'WAIT SELECT SWAPDB',
    `
    WAIT 0 0
    WAIT 0 100
    WAIT x 0
    WAIT 0 -1
    WAIT 0 1.5
    WAIT 0
    SELECT 0
    SELECT -1
    SELECT 1.5
    SELECT 99999999999
    SELECT x
    SWAPDB 0 0
    SWAPDB 99 0
    SWAPDB x 0
    SWAPDB 0 x
    SWAPDB 0
    `,
  ),
];

// Sizes that cross Redis's compact-encoding thresholds: 512 hash fields, 128 zset members, 512 intset members.
const fill = (cmd: string, n: number, pair: (i: number) => string) =>
  `${cmd} ${Array.from({ length: n }, (_, i) => pair(i)).join(' ')}`;
cases.push(
  c(
    'OBJECT ENCODING across the entry thresholds',
    `
    ${fill('HSET hh', 512, (i) => `f${i} ${i}`)}
    OBJECT ENCODING hh
    HSET hh f512 x
    OBJECT ENCODING hh
    ${fill('ZADD zz', 128, (i) => `${i} m${i}`)}
    OBJECT ENCODING zz
    ZADD zz 999 m128
    OBJECT ENCODING zz
    ${fill('SADD ss', 512, (i) => `${i}`)}
    OBJECT ENCODING ss
    SADD ss 512
    OBJECT ENCODING ss
    `,
  ),
);

differential('sort', cases);
