import { type Case, c, differential, Gen, quote, type Step } from './harness.ts';

const cases = [
  c(
    'MULTI EXEC basics',
    `
    MULTI
    SET a 1
    INCR a
    GET a
    RPUSH l x y
    LRANGE l 0 -1
    EXEC
    GET a
    MULTI
    EXEC
    EXEC
    DISCARD
    `,
  ),
  c(
    'DISCARD drops the queue',
    `
    SET a 1
    MULTI
    SET a 2
    INCR a
    DISCARD
    GET a
    DISCARD
    MULTI
    DISCARD
    EXEC
    `,
  ),
  c(
    'nested MULTI and MULTI with arguments',
    `
    MULTI
    MULTI
    SET a 1
    EXEC
    GET a
    MULTI extra
    MULTI
    EXEC extra
    DISCARD extra
    EXEC
    `,
  ),
  c(
    'runtime errors do not abort the transaction',
    `
    SET s notanumber
    RPUSH l a
    MULTI
    INCR s
    SET a 1
    LPUSH s x
    GET l
    INCR a
    HSET l f v
    SADD set a b
    SMEMBERS set
    EXEC
    GET a
    SCARD set
    `,
  ),
  c(
    'queueing errors abort with EXECABORT',
    `
    SET a 1
    MULTI
    SET a 2
    NOSUCHCOMMAND x
    INCR a
    EXEC
    GET a
    MULTI
    SET a 3
    GET
    EXEC
    GET a
    MULTI
    SET a 4
    SET a
    DISCARD
    GET a
    MULTI
    INCR a
    HSET h
    LPUSH
    EXEC
    EXEC
    GET a
    `,
  ),
  c(
    'syntax errors found at run time stay inside EXEC',
    `
    MULTI
    SET a 1 NX XX
    SET b 1
    ZADD z NX XX 1 m
    EXPIRE b 10 GT LT
    LPOS l x RANK 0
    EXEC
    GET b
    `,
  ),
  c(
    'transactions across families',
    `
    MULTI
    HSET h a 1 b 2
    HINCRBY h a 10
    HGETALL h
    ZADD z 1 x 2 y 0.5 w
    ZRANGE z 0 -1 WITHSCORES
    ZSCORE z w
    SADD s a
    SISMEMBER s a
    EXPIRE h 100
    TTL h
    DEL z
    EXISTS z h s
    TYPE h
    DBSIZE
    PING
    ECHO hi
    EXEC
    `,
  ),
  c(
    'PING inside MULTI is queued',
    `
    MULTI
    PING
    ECHO x
    EXEC
    `,
  ),
  c(
    'WATCH and UNWATCH',
    `
    WATCH a
    UNWATCH
    MULTI
    WATCH a
    SET a 1
    EXEC
    MULTI
    UNWATCH
    EXEC
    `,
  ),
  c(
    'many commands in one transaction',
    `MULTI\n${Array.from({ length: 200 }, (_, i) => `INCRBY n ${i}`).join('\n')}\nEXEC\nGET n`,
  ),
  c(
    'expiry inside a transaction',
    `
    SET k v PX 100000
    MULTI
    PEXPIRE k 60
    GET k
    PTTL k
    EXEC
    @sleep 120
    MULTI
    GET k
    EXISTS k
    EXEC
    `,
  ),
];

/** Commands for random blocks: good ones from every family, runtime errors, and queueing errors. */
function command(g: Gen): string {
  const k = quote(g.pick(['a', 'b', 'h', 'l', '\x00']));
  switch (g.int(0, 15)) {
    case 0:
      return `SET ${k} ${g.int(0, 9)}`;
    case 1:
      return `INCR ${k}`;
    case 2:
      return `GET ${k}`;
    case 3:
      return `RPUSH ${k} ${g.int(0, 9)}`;
    case 4:
      return `LRANGE ${k} 0 -1`;
    case 5:
      return `HSET ${k} f ${g.int(0, 9)}`;
    case 6:
      return `HGETALL ${k}`;
    case 7:
      return `SADD ${k} ${g.int(0, 3)}`;
    case 8:
      return `ZADD ${k} ${g.int(0, 3)} m`;
    case 9:
      return `DEL ${k}`;
    case 10:
      return `TYPE ${k}`;
    case 11:
      return `EXPIRE ${k} ${g.int(10, 100)}`;
    case 12:
      return g.pick(['GET', 'SET a', 'LPUSH', 'HSET h f']);
    case 13:
      return g.pick(['NOSUCHCOMMAND', 'FOO bar']);
    case 14:
      return g.pick(['SET a 1 NX XX', 'ZADD z NX XX 1 m', 'LPOS l x RANK 0', 'INCRBY a x']);
    default:
      return g.pick(['MULTI', 'EXEC', 'DISCARD', 'PING']);
  }
}

/** Random sequences of MULTI blocks, EXEC, DISCARD and plain commands, compared step by step. */
function randomBlocks(seed: number, length: number): Case {
  const g = new Gen(seed);
  const steps: Step[] = [];
  let open = false;
  while (steps.length < length) {
    if (!open && g.chance(0.3)) {
      steps.push('MULTI');
      open = true;
    } else if (open && g.chance(0.2)) {
      steps.push(g.chance(0.8) ? 'EXEC' : 'DISCARD');
      open = false;
    } else steps.push(command(g));
  }
  if (open) steps.push('EXEC');
  return { name: `random transactions (seed ${seed})`, steps };
}

differential('transactions', [...cases, ...Array.from({ length: 8 }, (_, i) => randomBlocks(2000 + i, 80))]);
