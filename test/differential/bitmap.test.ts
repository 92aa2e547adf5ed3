import type { RespReply } from '../support/resp-client.ts';
import { c, differential, type Gen, generated, KNOWN_DIFFERENCES, quote, type Step } from './harness.ts';

/**
 * Redis ≥ 7.2 validates BITCOUNT/BITPOS arguments before looking the key up (and BITCOUNT's unit before its
 * negative-range shortcut); 7.0 answered 0 / -1 for a missing key, or 0 for an inverted negative range,
 * whatever followed. Where 7.0 answers and we refuse, our error must be one of the argument errors.
 */
const ARGUMENT_ERRORS = new Set(['ERR syntax error', 'ERR value is not an integer or out of range']);
KNOWN_DIFFERENCES.push({
  id: 'bitcount-bitpos-argument-order',
  reason: 'Redis ≥ 7.2 checks BITCOUNT/BITPOS arguments before the key; the installed 7.0 looks the key up first.',
  applies: (argv) => ['bitcount', 'bitpos'].includes((argv[0] ?? '').toLowerCase()),
  check: async (redis: RespReply, ours: RespReply, _argv, _ask, base) => {
    if (redis.type === 'integer' && ours.type === 'error' && ARGUMENT_ERRORS.has(ours.value)) return undefined;
    return base(redis, ours);
  },
});

const cases = [
  c(
    'SETBIT and GETBIT: growth, previous bit, offsets',
    `
    SETBIT k 7 1
    GET k
    SETBIT k 7 1
    SETBIT k 7 0
    GET k
    SETBIT k 100 1
    STRLEN k
    GETBIT k 100
    GETBIT k 101
    GETBIT k 999999
    GETBIT missing 0
    SETBIT fresh 0 0
    GET fresh
    SETBIT k -1 1
    SETBIT k 4294967296 1
    SETBIT k 4294967295x 1
    SETBIT k 1 2
    SETBIT k 1 -1
    SETBIT k 1 a
    SETBIT k 01 1
    SETBIT k " 1" 1
    GETBIT k -1
    GETBIT k 4294967296
    GETBIT k abc
    SET s "\\xff\\x00"
    GETBIT s 0
    GETBIT s 8
    SETBIT s 15 1
    GET s
    SET e ""
    SETBIT e 3 1
    GET e
    SET t v EX 100
    SETBIT t 0 1
    TTL t
    LPUSH l a
    SETBIT l 0 1
    GETBIT l 0
    SETBIT l x 1
    GETBIT l x
    SETBIT
    GETBIT k
    `,
  ),
  c(
    'BITCOUNT ranges in BYTE and BIT units',
    `
    SET k foobar
    BITCOUNT k
    BITCOUNT k 0 0
    BITCOUNT k 1 1
    BITCOUNT k 1 1 BYTE
    BITCOUNT k 5 30 BIT
    BITCOUNT k 0 -1
    BITCOUNT k -2 -1
    BITCOUNT k -100 100
    BITCOUNT k -1 -2
    BITCOUNT k 3 1
    BITCOUNT k 0 -1 bit
    BITCOUNT k -7 -1 BIT
    BITCOUNT k 7 7 BIT
    BITCOUNT k 1 6 BIT
    BITCOUNT k 9 14 BIT
    BITCOUNT k 47 1000 BIT
    BITCOUNT k 9223372036854775807 -1
    BITCOUNT k -9223372036854775808 9223372036854775807 BIT
    BITCOUNT k 0
    BITCOUNT k 0 1 BOGUS
    BITCOUNT k a 1
    BITCOUNT k 0 1 BIT extra
    SET e ""
    BITCOUNT e
    BITCOUNT e 0 -1
    BITCOUNT e 0 -1 BIT
    BITCOUNT missing
    BITCOUNT missing 0 -1 BIT
    SET bin "\\xff\\x80\\x01\\x00"
    BITCOUNT bin
    BITCOUNT bin 1 2
    BITCOUNT bin 8 23 BIT
    BITCOUNT bin 0 0 BIT
    HSET h f v
    BITCOUNT h
    BITCOUNT h 0 1
    `,
  ),
  c(
    'BITPOS set and clear bits, with and without an end',
    `
    SET k "\\xff\\xf0\\x00"
    BITPOS k 0
    BITPOS k 1
    BITPOS k 1 2
    BITPOS k 0 0 -1
    BITPOS k 1 2 -1
    SET full "\\xff\\xff\\xff"
    BITPOS full 0
    BITPOS full 0 0
    BITPOS full 0 0 -1
    BITPOS full 0 0 -1 BIT
    BITPOS full 0 2 BIT
    BITPOS full 0 3 20 BIT
    BITPOS full 1 3 20 BIT
    SET z "\\x00\\x00\\x00"
    BITPOS z 1
    BITPOS z 0
    BITPOS z 1 0 -1 BIT
    BITPOS z 0 5 BIT
    BITPOS z 0 -3 -1 BIT
    SET m "\\x00\\x0f\\x00"
    BITPOS m 1 7 15 BIT
    BITPOS m 1 12 15 BIT
    BITPOS m 1 13 15 BIT
    BITPOS m 0 12 15 bit
    BITPOS m 1 1 1
    BITPOS m 1 -2 -2
    BITPOS m 1 -1
    BITPOS m 0 -100 100
    BITPOS m 1 2 1
    BITPOS m 0 3
    BITPOS m 0 100 200
    BITPOS missing 0
    BITPOS missing 1
    SET e ""
    BITPOS e 0
    BITPOS e 1
    BITPOS e 0 0 -1
    BITPOS k 2
    BITPOS k -1
    BITPOS k a
    BITPOS k 1 x
    BITPOS k 1 0 x
    BITPOS k 1 0 1 BOGUS
    BITPOS k 1 0 1 BIT extra
    HSET h f v
    BITPOS h 1
    `,
  ),
  c(
    'BITOP AND OR XOR NOT',
    `
    SET a "\\xf0\\x0f\\xaa"
    SET b "\\xff\\x01"
    SET c "\\x0f"
    BITOP AND d a b
    GET d
    BITOP AND d a b c
    GET d
    BITOP OR d a b c
    GET d
    BITOP XOR d a b c
    GET d
    BITOP NOT d a
    GET d
    BITOP not d c
    GET d
    BITOP AND d a missing
    GET d
    BITOP OR d missing a
    GET d
    BITOP OR d missing missing2
    EXISTS d
    SET d x EX 100
    BITOP OR d a
    TTL d
    BITOP OR a a b
    GET a
    BITOP NOT d a b
    BITOP NOT d
    BITOP BOGUS d a
    BITOP DIFFX d a b
    HSET h f v
    BITOP OR d a h
    BITOP OR h a
    TYPE h
    SET e ""
    BITOP AND d e e
    EXISTS d
    BITOP NOT d e
    `,
  ),
  c(
    'BITFIELD GET SET INCRBY with overflow modes',
    `
    BITFIELD k SET i8 0 100 GET i8 0
    GET k
    BITFIELD k INCRBY i8 0 100
    BITFIELD k OVERFLOW SAT INCRBY i8 0 100 INCRBY i8 0 -1000
    BITFIELD k OVERFLOW FAIL INCRBY i8 0 -1 INCRBY i8 0 -200 GET i8 0
    BITFIELD k OVERFLOW WRAP INCRBY u8 8 300 GET u8 8
    BITFIELD k SET u2 100 1 OVERFLOW SAT incrby u2 102 7 overflow fail incrby u2 102 1 GET u2 102
    BITFIELD k SET i64 0 -1 GET u63 0 GET i64 0 GET u1 0 GET i1 0
    BITFIELD k INCRBY i64 0 -9223372036854775807 INCRBY i64 0 -9223372036854775807
    BITFIELD k OVERFLOW SAT SET i64 0 9223372036854775807 INCRBY i64 0 1 INCRBY i64 64 -9223372036854775808 INCRBY i64 64 -1
    BITFIELD k OVERFLOW FAIL SET i64 0 9223372036854775807 INCRBY i64 0 1
    BITFIELD k OVERFLOW SAT SET u63 0 9223372036854775807 SET u63 0 -1 SET u8 0 -1 SET u8 0 256 SET i8 0 128
    BITFIELD k OVERFLOW SAT SET i8 0 -9223372036854775808 SET i8 0 -9223372036854775700 SET i8 0 -200
    BITFIELD k OVERFLOW WRAP SET i8 0 -9223372036854775808 SET i8 0 255 SET u8 0 -1 GET u8 0
    BITFIELD k OVERFLOW FAIL SET u8 0 256 SET i8 0 -129 SET u8 0 255
    BITFIELD k OVERFLOW SAT INCRBY u8 0 -9223372036854775808 INCRBY u63 0 9223372036854775807 INCRBY u63 0 9223372036854775807
    BITFIELD k GET i5 #2 SET i5 #2 9 GET u5 10 SET u4 #1000 3
    STRLEN k
    BITFIELD k GET u8 #-1
    BITFIELD k GET u8 #536870912
    BITFIELD k GET u64 #0
    BITFIELD k GET i65 0
    BITFIELD k GET i0 0
    BITFIELD k GET x8 0
    BITFIELD k GET "" 0
    BITFIELD k GET I8 0 GET U8 0
    BITFIELD k GET i8 -1
    BITFIELD k GET i8 4294967296
    BITFIELD k GET i8 4294967295
    BITFIELD k SET i8 0 abc
    BITFIELD k OVERFLOW BOGUS
    BITFIELD k OVERFLOW
    BITFIELD k GET i8
    BITFIELD k SET i8 0
    BITFIELD k FOO
    BITFIELD k
    BITFIELD k OVERFLOW SAT
    BITFIELD missing GET u8 0
    EXISTS missing
    BITFIELD missing OVERFLOW FAIL SET u8 16 256
    GET missing
    HSET h f v
    BITFIELD h GET u8 0
    BITFIELD h SET u8 0 1
    BITFIELD h
    BITFIELD h GET i8 x
    SET t v EX 100
    BITFIELD t SET u8 0 65
    GET t
    TTL t
    `,
  ),
  c(
    'BITCOUNT and BITPOS argument errors are checked before the key (Redis ≥ 7.2)',
    `
    BITCOUNT missing x 1
    BITCOUNT missing 0 1 BOGUS
    BITPOS missing 1 x
    BITPOS missing 0 0 1 BOGUS
    SET k abc
    BITCOUNT k -1 -5 BOGUS
    BITCOUNT k -1 -5 BIT
    BITPOS missing 2
    `,
  ),
  c(
    'BITFIELD_RO',
    `
    SET k "\\x81\\x42"
    BITFIELD_RO k GET u8 0 GET i8 0 GET u4 4 GET i16 0 GET u8 #1 GET u8 100
    BITFIELD_RO k
    BITFIELD_RO missing GET i8 0
    BITFIELD_RO k GET u8 0 SET u8 0 1
    BITFIELD_RO k INCRBY u8 0 1
    BITFIELD_RO k OVERFLOW FAIL GET u8 0
    BITFIELD_RO k GET u64 0
    BITFIELD_RO k SET u64 0 1
    BITFIELD_RO k SET u8 x 1
    HSET h f v
    BITFIELD_RO h GET u8 0
    BITFIELD_RO h SET u8 0 1
    GET k
    `,
  ),
];

const KEYS = ['a', 'b', 'c', 'h'];
const VALUES = ['', '\x00', '\xff', 'foobar', '\x01\x80\xfe', '\xaa\x55\xaa\x55\xaa\x55\xaa\x55\xaa'];
const UNITS = ['', ' BYTE', ' BIT', ' bit'];
const TYPES = ['i1', 'u1', 'i3', 'u7', 'i8', 'u8', 'i13', 'u16', 'i32', 'u33', 'i63', 'u63', 'i64'];
const NUMBERS = [
  '0',
  '1',
  '-1',
  '5',
  '-100',
  '127',
  '128',
  '255',
  '-129',
  '65535',
  '9223372036854775807',
  '-9223372036854775808',
];

function fieldOp(g: Gen): string {
  const type = g.pick(TYPES);
  const offset = g.chance(0.3) ? `#${g.int(0, 6)}` : String(g.int(0, 90));
  switch (g.int(0, 3)) {
    case 0:
      return `GET ${type} ${offset}`;
    case 1:
      return `SET ${type} ${offset} ${g.pick(NUMBERS)}`;
    case 2:
      return `INCRBY ${type} ${offset} ${g.pick(NUMBERS)}`;
    default:
      return `OVERFLOW ${g.pick(['WRAP', 'SAT', 'FAIL'])}`;
  }
}

function op(g: Gen): Step {
  const k = quote(g.pick(KEYS));
  const n = () => g.int(-12, 12);
  switch (g.int(0, 14)) {
    case 0:
      return `SET ${k} ${quote(g.pick(VALUES))}`;
    case 1:
    case 2:
      return `SETBIT ${k} ${g.int(0, 80)} ${g.int(0, 1)}`;
    case 3:
      return `GETBIT ${k} ${g.int(0, 90)}`;
    case 4:
      return `BITCOUNT ${k}`;
    case 5:
      return `BITCOUNT ${k} ${n()} ${n()}${g.pick(UNITS)}`;
    case 6:
      return `BITPOS ${k} ${g.int(0, 1)}`;
    case 7:
      return `BITPOS ${k} ${g.int(0, 1)} ${n()}`;
    case 8:
      return `BITPOS ${k} ${g.int(0, 1)} ${n()} ${n()}${g.pick(UNITS)}`;
    case 9:
      return `BITOP ${g.pick(['AND', 'OR', 'XOR'])} ${k} ${quote(g.pick(KEYS))} ${quote(g.pick(KEYS))} ${quote(g.pick(KEYS))}`;
    case 10:
      return `BITOP NOT ${k} ${quote(g.pick(KEYS))}`;
    case 11: {
      const ops: string[] = [];
      for (let i = g.int(1, 4); i > 0; i--) ops.push(fieldOp(g));
      return `BITFIELD ${k} ${ops.join(' ')}`;
    }
    case 12:
      return `BITFIELD_RO ${k} GET ${g.pick(TYPES)} ${g.int(0, 90)} GET ${g.pick(TYPES)} #${g.int(0, 4)}`;
    case 13:
      return g.chance(0.3) ? `HSET ${k} f v` : `DEL ${k}`;
    default:
      return `GET ${k}`;
  }
}

differential('bitmap', [...cases, ...generated('random bitmap operations', 30, 150, op)]);
