import { c, differential, type Gen, generated, quote, type Step } from './harness.ts';

const cases = [
  c(
    'GET/SET basics and binary values',
    `
    GET missing
    SET k v
    GET k
    SET k ""
    GET k
    STRLEN k
    SET "" empty-key
    GET ""
    SET bin "a\\x00b\\x80\\xff"
    GET bin
    STRLEN bin
    SET "key\\x00with\\xffnul" "\\r\\n"
    GET "key\\x00with\\xffnul"
    SET big 12345678901234567890123
    GET big
    SET k v extra
    SET k
    GET
    GET a b
    set lower case
    GeT lower
    `,
  ),
  c(
    'SET options NX XX GET',
    `
    SET k v NX
    SET k w NX
    GET k
    SET k w XX
    GET k
    SET nokey v XX
    GET nokey
    SET k x GET
    SET k y NX GET
    SET k z XX GET
    SET fresh a NX GET
    GET fresh
    SET absent a XX GET
    GET absent
    SET k v NX XX
    SET k v XX NX
    SET k v NX NX
    SET k v GET GET
    SET k v nx get
    LPUSH list a
    SET list v GET
    GET list
    SET list v NX GET
    SET list v XX GET
    SET list v XX
    TYPE list
    SET k v BOGUS
    SET k v NX BOGUS
    `,
  ),
  c(
    'SET expiry options',
    `
    SET k v EX 100
    TTL k
    PTTL k
    SET k v PX 100000
    TTL k
    SET k v EXAT 4102444800
    TTL k
    EXPIRETIME k
    SET k v PXAT 4102444800000
    PEXPIRETIME k
    SET k v KEEPTTL
    EXPIRETIME k
    SET k v
    TTL k
    SET k v EX 100 KEEPTTL
    SET k v KEEPTTL EX 100
    SET k v EX 10 PX 100
    SET k v EX 10 EX 10
    SET k v EX 0
    SET k v EX -1
    SET k v PX 0
    SET k v PX -5
    SET k v EXAT 0
    SET k v PXAT -1
    SET k v EX abc
    SET k v EX 1.5
    SET k v EX
    SET k v PX
    SET k v EX 9223372036854775807
    SET k v PX 9223372036854775807
    SET k v EX 9223372036854775
    SET k v EX 922337203685477
    SET k v EXAT 9223372036854775807
    SET k v PXAT 9223372036854775807
    GET k
    SET k v EX 100 NX
    SET k v NX EX 100
    SET n v XX PX 100000
    TTL n
    SET k v GET EX 100
    TTL k
    SET k v EXAT 1
    GET k
    EXISTS k
    SET k v PXAT 1000 GET
    EXISTS k
    `,
  ),
  c(
    'SET expiry takes effect',
    `
    SET k v PX 80
    SET p v PX 5000
    GET k
    @sleep 150
    GET k
    EXISTS k
    TTL k
    SET k v PX 80
    SET k w KEEPTTL
    @sleep 150
    GET k
    GET p
    `,
  ),
  c(
    'SETNX SETEX PSETEX GETSET',
    `
    SETNX k v
    SETNX k w
    GET k
    SETNX k
    SETEX e 100 v
    TTL e
    GET e
    SETEX e 0 v
    SETEX e -10 v
    SETEX e abc v
    SETEX e 10
    SETEX e 10 v extra
    PSETEX p 100000 v
    PTTL p
    PSETEX p 0 v
    PSETEX p -1 v
    PSETEX p 1.5 v
    GETSET k new
    GET k
    GETSET missing v
    GET missing
    SETEX e 100 v
    GETSET e v2
    TTL e
    LPUSH l a
    GETSET l v
    SETNX l v
    SETEX l 10 v
    TYPE l
    GETSET k
    `,
  ),
  c(
    'GETDEL and GETEX',
    `
    SET k v
    GETDEL k
    GETDEL k
    EXISTS k
    GETDEL
    GETDEL a b
    LPUSH l a
    GETDEL l
    GETEX l
    SET k v
    GETEX k
    GETEX k EX 100
    TTL k
    GETEX k PX 200000
    TTL k
    GETEX k EXAT 4102444800
    EXPIRETIME k
    GETEX k PXAT 4102444800123
    PEXPIRETIME k
    GETEX k PERSIST
    TTL k
    GETEX k EX 0
    GETEX k EX -1
    GETEX k PX 0
    GETEX k EXAT 0
    GETEX k EX abc
    GETEX k EX
    GETEX k EX 10 PX 10
    GETEX k EX 10 PERSIST
    GETEX k PERSIST EX 10
    GETEX k PERSIST PERSIST
    GETEX k KEEPTTL
    GETEX k BOGUS
    GETEX k EX 9223372036854775807
    GETEX missing EX 10
    GETEX missing
    GETEX missing BOGUS
    TTL k
    GET k
    GETEX k PXAT 1
    EXISTS k
    `,
  ),
  c(
    'MGET MSET MSETNX',
    `
    MSET a 1 b 2 c 3
    MGET a b c d
    MSET a x a y
    GET a
    MSET a
    MSET a 1 b
    MSET
    MGET
    LPUSH l x
    MGET a l b
    MSET l v
    TYPE l
    MSETNX d 4 e 5
    MGET d e
    MSETNX e 6 f 7
    MGET e f
    MSETNX f 1 f 2
    GET f
    MSETNX f
    MSETNX f 1 g
    MSET "" empty "\\x00" nul
    MGET "" "\\x00"
    SET ttl v EX 100
    MSET ttl w
    TTL ttl
    `,
  ),
  c(
    'APPEND and STRLEN',
    `
    APPEND k hello
    APPEND k " world"
    GET k
    STRLEN k
    APPEND k ""
    APPEND new ""
    EXISTS new
    GET new
    APPEND bin "\\x00\\xff"
    STRLEN bin
    GET bin
    STRLEN missing
    SET n 10
    APPEND n 5
    GET n
    INCR n
    LPUSH l a
    APPEND l x
    STRLEN l
    APPEND k
    STRLEN
    STRLEN a b
    SET e v EX 100
    APPEND e w
    TTL e
    `,
  ),
  c(
    'INCR DECR INCRBY DECRBY',
    `
    INCR n
    INCR n
    DECR n
    DECR n
    DECR n
    INCRBY n 100
    INCRBY n -1000
    DECRBY n -5
    DECRBY n 5
    GET n
    SET n 9223372036854775806
    INCR n
    INCR n
    GET n
    SET n -9223372036854775807
    DECR n
    DECR n
    INCRBY n -1
    SET n 0
    INCRBY n 9223372036854775807
    INCRBY n 1
    DECRBY n -9223372036854775808
    SET n 0
    DECRBY n -9223372036854775808
    DECRBY n 9223372036854775807
    INCRBY n -9223372036854775808
    INCRBY n 9223372036854775808
    INCRBY n abc
    INCRBY n 1.5
    INCRBY n ""
    INCRBY n " 1"
    INCRBY n +1
    INCRBY n 01
    INCRBY n -0
    SET s abc
    INCR s
    SET s ""
    INCR s
    SET s " 1"
    INCR s
    SET s 1.0
    INCR s
    SET s 007
    INCR s
    SET s -0
    INCR s
    SET s +5
    INCR s
    SET s 12345678901234567890
    INCR s
    SET s "1\\x00"
    INCR s
    LPUSH l a
    INCR l
    DECRBY l 1
    INCR
    INCR a b
    INCRBY n
    SET e 5 EX 100
    INCR e
    TTL e
    GET e
    `,
  ),
  c(
    'INCRBYFLOAT',
    `
    INCRBYFLOAT f 1.5
    INCRBYFLOAT f 0.25
    INCRBYFLOAT f -10
    GET f
    INCRBYFLOAT f 0.1
    INCRBYFLOAT f 0.2
    INCRBYFLOAT f 5.0e3
    INCRBYFLOAT f -5.0E3
    INCRBYFLOAT f 1e-5
    SET f 10
    INCRBYFLOAT f 0
    INCRBYFLOAT f 3.0
    SET f 3.0e3
    INCRBYFLOAT f 1
    SET f 1.23456789012345678
    INCRBYFLOAT f 0
    SET f 5
    INCRBYFLOAT f inf
    INCRBYFLOAT f -inf
    INCRBYFLOAT f +inf
    INCRBYFLOAT f nan
    INCRBYFLOAT f abc
    INCRBYFLOAT f ""
    INCRBYFLOAT f " 1"
    INCRBYFLOAT f 1.5x
    INCRBYFLOAT f .5
    INCRBYFLOAT f 5.
    INCRBYFLOAT f +.5e1
    INCRBYFLOAT f 0x10
    SET s abc
    INCRBYFLOAT s 1
    SET s inf
    INCRBYFLOAT s 1
    SET s 1e400
    INCRBYFLOAT s 1
    SET s 1.7e308
    INCRBYFLOAT s 1.7e308
    SET s 100
    INCRBYFLOAT s 1e17
    INCRBYFLOAT s -1e17
    SET s 1
    INCRBYFLOAT s 1e-20
    INCRBYFLOAT s 123456789.123456789
    LPUSH l a
    INCRBYFLOAT l 1
    INCRBYFLOAT f
    SET e 1 EX 100
    INCRBYFLOAT e 1.5
    TTL e
    `,
  ),
  c(
    'GETRANGE and SETRANGE',
    `
    SET s "Hello World"
    GETRANGE s 0 4
    GETRANGE s -5 -1
    GETRANGE s 0 -1
    GETRANGE s 0 100
    GETRANGE s 5 2
    GETRANGE s -100 2
    GETRANGE s -100 -50
    GETRANGE s 0 -100
    GETRANGE s 20 30
    GETRANGE s -1 -2
    GETRANGE s 3 3
    GETRANGE s 9223372036854775807 9223372036854775807
    GETRANGE s -9223372036854775808 9223372036854775807
    GETRANGE s a 1
    GETRANGE s 0 b
    GETRANGE missing 0 -1
    GETRANGE s 0
    SUBSTR s 0 4
    SETRANGE s 6 Redis
    GET s
    SETRANGE s 20 "!"
    GET s
    STRLEN s
    SETRANGE s 0 ""
    SETRANGE new 0 ""
    EXISTS new
    SETRANGE new 5 ""
    EXISTS new
    SETRANGE new 3 "\\x00x"
    GET new
    SETRANGE new -1 x
    SETRANGE new 536870911 ""
    SETRANGE new 536870912 x
    SETRANGE new abc x
    SETRANGE new 0
    SET e v EX 100
    SETRANGE e 1 w
    TTL e
    LPUSH l a
    SETRANGE l 0 x
    GETRANGE l 0 1
    SET n 12345
    SETRANGE n 1 9
    INCR n
    `,
  ),
  c(
    'wrong types and arity everywhere',
    `
    HSET h f v
    GET h
    SET h v NX
    TYPE h
    APPEND h x
    STRLEN h
    INCR h
    INCRBY h 1
    DECR h
    DECRBY h 1
    INCRBYFLOAT h 1
    GETRANGE h 0 1
    SETRANGE h 0 x
    GETDEL h
    GETEX h
    GETSET h v
    MGET h
    SADD st m
    GET st
    ZADD z 1 m
    GET z
    APPEND
    APPEND a
    DECRBY a
    INCRBYFLOAT a
    GETRANGE a 0
    SETRANGE a 0
    PSETEX a 10
    MSETNX
    GETSET a
    `,
  ),
];

const KEYS = ['k1', 'k2', 'k3', 'k\x00'];
const VALUES = ['0', '1', '-7', '42', '9223372036854775806', 'abc', '', 'x\xff\x00', '3.5', ' 5'];

function op(g: Gen): Step {
  const k = quote(g.pick(KEYS));
  const v = quote(g.pick(VALUES));
  const n = g.int(-20, 20);
  switch (g.int(0, 22)) {
    case 0:
      return `SET ${k} ${v}`;
    case 1:
      return `SET ${k} ${v} ${g.pick(['NX', 'XX', 'GET', 'NX GET', 'XX GET', 'KEEPTTL', 'EX 100', 'PX 100000', 'GET EX 50'])}`;
    case 2:
    case 3:
      return `GET ${k}`;
    case 4:
      return `INCR ${k}`;
    case 5:
      return `INCRBY ${k} ${n}`;
    case 6:
      return `DECRBY ${k} ${n}`;
    case 7:
      return `APPEND ${k} ${v}`;
    case 8:
      return `STRLEN ${k}`;
    case 9:
      return `GETRANGE ${k} ${n} ${g.int(-20, 20)}`;
    case 10:
      return `SETRANGE ${k} ${g.int(0, 12)} ${v}`;
    case 11:
      return `GETSET ${k} ${v}`;
    case 12:
      return `GETDEL ${k}`;
    case 13:
      return `MGET ${k} ${quote(g.pick(KEYS))} ${quote(g.pick(KEYS))}`;
    case 14:
      return `MSET ${k} ${v} ${quote(g.pick(KEYS))} ${quote(g.pick(VALUES))}`;
    case 15:
      return `SETNX ${k} ${v}`;
    case 16:
      return `INCRBYFLOAT ${k} ${g.pick(['0.5', '-1.25', '3', '1e2', '0.1'])}`;
    case 17:
      return `DEL ${k}`;
    case 18:
      return `RPUSH ${k} ${v}`;
    case 19:
      return `TTL ${k}`;
    case 20:
      return `DECR ${k}`;
    case 21:
      return `MSETNX ${k} ${v} ${quote(g.pick(KEYS))} ${v}`;
    default:
      return `GETEX ${k} ${g.pick(['', 'PERSIST', 'EX 100', 'PX 5000'])}`;
  }
}

differential('string', [...cases, ...generated('random string operations', 8, 80, op)]);
