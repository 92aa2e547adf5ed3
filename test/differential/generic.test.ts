import { c, differential, type Gen, generated, quote, type Step } from './harness.ts';

const cases = [
  c(
    'DEL EXISTS UNLINK TOUCH TYPE',
    `
    SET a 1
    SET b 2
    RPUSH l x
    SADD s m
    HSET h f v
    ZADD z 1 m
    EXISTS a
    EXISTS a b missing
    EXISTS a a a
    EXISTS missing
    TYPE a
    TYPE l
    TYPE s
    TYPE h
    TYPE z
    TYPE missing
    TOUCH a b missing
    TOUCH a a
    DEL a a
    DEL a
    DEL b missing l
    EXISTS a b l
    UNLINK s h missing
    UNLINK z z
    DBSIZE
    DEL
    EXISTS
    UNLINK
    TOUCH
    TYPE
    TYPE a b
    SET "" v
    EXISTS ""
    DEL ""
    SET "\\x00\\xff" v
    TYPE "\\x00\\xff"
    DEL "\\x00\\xff"
    `,
  ),
  c(
    'EXPIRE family and TTL queries',
    `
    SET k v
    TTL k
    PTTL k
    EXPIRETIME k
    PEXPIRETIME k
    TTL missing
    PTTL missing
    EXPIRETIME missing
    PEXPIRETIME missing
    EXPIRE k 100
    TTL k
    PTTL k
    EXPIRE missing 100
    PEXPIRE k 50000
    TTL k
    EXPIREAT k 4102444800
    EXPIRETIME k
    PEXPIRETIME k
    PEXPIREAT k 4102444800123
    PEXPIRETIME k
    EXPIRETIME k
    PERSIST k
    PERSIST k
    PERSIST missing
    TTL k
    EXPIRE k abc
    EXPIRE k 1.5
    EXPIRE k ""
    PEXPIRE k 1e3
    EXPIREAT k x
    EXPIRE k
    EXPIRE k 10 20
    PERSIST
    TTL
    PTTL a b
    EXPIRE k 9223372036854775807
    EXPIRE k 9223372036854775
    EXPIRE k 922337203685477
    PEXPIRE k 9223372036854775807
    EXPIREAT k 9223372036854775807
    PEXPIREAT k 9223372036854775807
    EXPIRE k -9223372036854775808
    TTL k
    GET k
    `,
  ),
  c(
    'EXPIRE with zero, negative and past times deletes',
    `
    SET a v
    SET b v
    SET c v
    SET d v
    SET e v
    EXPIRE a 0
    EXISTS a
    EXPIRE b -10
    EXISTS b
    PEXPIRE c -1
    EXISTS c
    EXPIREAT d 1
    EXISTS d
    PEXPIREAT e 0
    EXISTS e
    DBSIZE
    EXPIRE missing 0
    EXPIRE missing -1
    `,
  ),
  c(
    'EXPIRE NX XX GT LT',
    `
    SET k v
    EXPIRE k 100 XX
    TTL k
    EXPIRE k 100 GT
    TTL k
    EXPIRE k 100 LT
    TTL k
    EXPIRE k 200 NX
    TTL k
    EXPIRE k 200 NX
    EXPIRE k 200 XX
    TTL k
    EXPIRE k 300 GT
    TTL k
    EXPIRE k 100 GT
    TTL k
    EXPIRE k 50 LT
    TTL k
    EXPIRE k 500 LT
    TTL k
    PEXPIRE k 1000000 GT
    PTTL k
    EXPIREAT k 4102444800 GT
    EXPIRETIME k
    PEXPIREAT k 4102444800000 LT
    PEXPIREAT k 4102444800001 LT
    PEXPIRETIME k
    EXPIRE k 10 NX XX
    EXPIRE k 10 GT LT
    EXPIRE k 10 NX GT
    EXPIRE k 10 NX LT
    EXPIRE k 10 XX GT
    EXPIRE k 10 xx gt
    EXPIRE k 10 XX XX
    EXPIRE k 10 BOGUS
    EXPIRE k 10 NX NX
    EXPIRE missing 10 XX
    EXPIRE missing 10 NX
    EXPIRE missing 10 GT LT
    EXPIRE k abc NX XX
    EXPIRE k 0 GT
    EXISTS k
    EXPIRE k -1 LT
    EXISTS k
    SET p v
    EXPIRE p -1 GT
    EXISTS p
    EXPIRE p 0 XX
    EXISTS p
    EXPIRE p -1 NX
    EXISTS p
    `,
  ),
  c(
    'keys expire over time',
    `
    SET a v PX 60
    SET b v
    PEXPIRE b 60
    RPUSH l x
    PEXPIRE l 60
    HSET h f v
    PEXPIRE h 60
    SET keep v
    EXISTS a b l h keep
    @sleep 150
    EXISTS a b l h keep
    GET a
    LLEN l
    HGET h f
    TTL a
    PTTL b
    TYPE l
    KEYS *
    RPUSH l y
    TTL l
    `,
  ),
  c(
    'writes clear or keep the TTL',
    `
    SET k v EX 100
    SET k w
    TTL k
    SET k v EX 100
    APPEND k x
    TTL k
    INCR n
    EXPIRE n 100
    INCR n
    TTL n
    RPUSH l a
    EXPIRE l 100
    RPUSH l b
    TTL l
    LPOP l 2
    TTL l
    EXISTS l
    SADD s a
    EXPIRE s 100
    SREM s a
    SADD s a
    TTL s
    HSET h f v
    EXPIRE h 100
    HSET h g v
    TTL h
    DEL h
    TTL h
    `,
  ),
  c(
    'RENAME and RENAMENX',
    `
    SET a 1
    RENAME a b
    GET a
    GET b
    RENAME missing x
    RENAMENX missing x
    RENAME b b
    GET b
    RENAMENX b b
    SET c 3
    RENAMENX b c
    GET b
    RENAMENX b d
    GET d
    RENAME d c
    GET c
    SET t v EX 100
    RENAME t t2
    TTL t2
    RPUSH l1 a b
    SET s x
    RENAME l1 s
    TYPE s
    LRANGE s 0 -1
    RENAME s "\\x00\\xff"
    LRANGE "\\x00\\xff" 0 -1
    RENAME "\\x00\\xff" ""
    TYPE ""
    RENAME a
    RENAME a b c
    RENAMENX a
    SET e v EX 100
    SET f w
    RENAME f e
    TTL e
    GET e
    `,
  ),
  c(
    'COPY',
    `
    SET a hello
    COPY a b
    GET b
    COPY a b
    COPY a b REPLACE
    COPY missing b
    COPY missing b REPLACE
    GET b
    RPUSH l 1 2 3
    COPY l l2
    RPUSH l2 4
    LRANGE l 0 -1
    LRANGE l2 0 -1
    HSET h f v g w
    COPY h h2
    HGETALL h2
    SADD s 1 2 3
    COPY s s2
    SCARD s2
    ZADD z 1 a 2 b
    COPY z z2
    ZRANGE z2 0 -1 WITHSCORES
    SET t v EX 100
    COPY t t2
    TTL t2
    SET u v
    COPY u t2 REPLACE
    TTL t2
    COPY a b BOGUS
    COPY a b REPLACE REPLACE
    COPY a b DB
    COPY a b DB x
    COPY a
    COPY a a
    COPY missing missing
    COPY a a REPLACE
    GET a
    `,
  ),
  c(
    'KEYS patterns',
    `
    MSET hello 1 hallo 2 hxllo 3 hllo 4 heeeello 5 "h*llo" 6 "h?llo" 7 "a[b" 8 "a\\\\b" 9 "" 10 "\\x00x" 11 "\\xff" 12
    KEYS *
    KEYS h?llo
    KEYS h*llo
    KEYS h[ae]llo
    KEYS h[^e]llo
    KEYS h[!e]llo
    KEYS h[a-b]llo
    KEYS h[b-a]llo
    KEYS "h\\\\*llo"
    KEYS "h\\\\?llo"
    KEYS "a[b"
    KEYS "a\\\\[b"
    KEYS "a[\\\\[]b"
    KEYS "a\\\\\\\\b"
    KEYS "a\\\\"
    KEYS "h[a"
    KEYS "h[a-"
    KEYS "h[^"
    KEYS ""
    KEYS "\\x00*"
    KEYS "\\xff"
    KEYS "[\\x80-\\xff]"
    KEYS ?
    KEYS ??
    KEYS *o
    KEYS *l*l*
    KEYS nothing*
    KEYS H*
    KEYS
    KEYS a b
    `,
  ),
  c(
    'SCAN to completion',
    `
    MSET a1 1 a2 2 a3 3 b1 1 b2 2 c 3 "\\x00" 4 "" 5
    RPUSH la x
    SADD sa x
    HSET ha f v
    ZADD za 1 m
    SCAN 0 @scan
    SCAN 0 COUNT 1 @scan
    SCAN 0 COUNT 3 @scan
    SCAN 0 MATCH a* @scan
    SCAN 0 MATCH a* COUNT 2 @scan
    SCAN 0 MATCH *a @scan
    SCAN 0 MATCH nothing @scan
    SCAN 0 TYPE string @scan
    SCAN 0 TYPE list @scan
    SCAN 0 TYPE set @scan
    SCAN 0 TYPE hash @scan
    SCAN 0 TYPE zset @scan
    SCAN 0 TYPE STRING @scan
    SCAN 0 TYPE bogus @scan
    SCAN 0 MATCH ?a TYPE list COUNT 100 @scan
    SCAN 0 COUNT 100 MATCH a? @scan
    SCAN 0 COUNT 0
    SCAN 0 COUNT -1
    SCAN 0 COUNT x
    SCAN 0 MATCH
    SCAN 0 COUNT
    SCAN 0 TYPE
    SCAN 0 BOGUS 1
    SCAN x
    SCAN -1 @shape
    SCAN 1.5
    SCAN 18446744073709551616
    SCAN
    SCAN 0 COUNT 1000 WITHTYPE
    SCAN 0 MATCH a* COUNT 1000 WITHTYPE
    SCAN 0 COUNT 1000 TYPE list WITHTYPE
    `,
  ),
  c(
    'SCAN an empty and a larger keyspace',
    `
    SCAN 0
    SCAN 0 MATCH * COUNT 5 @scan
    DEBUG-NOOP-PLACEHOLDER
    `.replace('DEBUG-NOOP-PLACEHOLDER', Array.from({ length: 300 }, (_, i) => `SET key:${i} ${i}`).join('\n')) +
      `
    SCAN 0 @scan
    SCAN 0 COUNT 7 MATCH key:1* @scan
    SCAN 0 COUNT 50 MATCH *9 @scan
    DBSIZE
    `,
  ),
  c(
    'RANDOMKEY',
    `
    RANDOMKEY
    SET a 1
    RANDOMKEY
    SET b 2
    SET c 3
    RANDOMKEY @among=a,b,c
    RANDOMKEY @among=a,b,c
    RANDOMKEY x
    DEL a b c
    RANDOMKEY
    `,
  ),
];

const KEYS = ['a', 'b', 'c', 'd\x00'];

function op(g: Gen): Step {
  const k = quote(g.pick(KEYS));
  const k2 = quote(g.pick(KEYS));
  switch (g.int(0, 19)) {
    case 0:
      return `SET ${k} ${g.int(0, 9)}`;
    case 1:
      return `RPUSH ${k} ${g.int(0, 9)}`;
    case 2:
      return `SADD ${k} ${g.int(0, 9)}`;
    case 3:
      return `HSET ${k} f${g.int(0, 3)} ${g.int(0, 9)}`;
    case 4:
      return `DEL ${k} ${k2}`;
    case 5:
      return `EXISTS ${k} ${k2}`;
    case 6:
      return `TYPE ${k}`;
    case 7:
      return `RENAME ${k} ${k2}`;
    case 8:
      return `RENAMENX ${k} ${k2}`;
    case 9:
      return `COPY ${k} ${k2}${g.chance(0.5) ? ' REPLACE' : ''}`;
    case 10:
      return `EXPIRE ${k} ${g.int(-5, 500)} ${g.pick(['', '', 'NX', 'XX', 'GT', 'LT'])}`;
    case 11:
      return `PEXPIRE ${k} ${g.int(100000, 900000)}`;
    case 12:
      return `PERSIST ${k}`;
    case 13:
      return `TTL ${k}`;
    case 14:
      return `TOUCH ${k} ${k2}`;
    case 15:
      return 'KEYS *';
    case 16:
      return `UNLINK ${k}`;
    case 17:
      return 'DBSIZE';
    case 18:
      return `GET ${k}`;
    default:
      return `SCAN 0 COUNT ${g.int(1, 5)} @scan`;
  }
}

differential('generic', [...cases, ...generated('random keyspace operations', 8, 80, op)]);
