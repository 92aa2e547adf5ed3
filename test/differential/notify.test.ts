/**
 * Keyspace notifications against redis-server 7.0: each case sets `notify-keyspace-events`, runs its
 * commands on both sides, and the exact sequence of (channel, message) a pattern subscriber receives must
 * match. Redis's side is read by a raw subscriber connection; a final PUBLISH on a sentinel channel marks
 * the end, since Redis delivers everything a connection's commands published before it. CONFIG replies
 * (normalised flag strings, the invalid-class error) are compared too.
 */
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Engine, loadLua } from '@redstash/engine';
import { seededRandom } from '@redstash/engine/testing';
import { REDIS_MISSING, type RedisServer, startRedisServer } from '../support/redis-server.ts';
import { encodeCommand, INCOMPLETE, parseReply, type RespReply } from '../support/resp-client.ts';
import { type Argv, fromEngine, parseCmd, render, renderArgv } from './harness.ts';

const PATTERN = '__key*__:*';
const SENTINEL = 'notify-test-done';

type Event = string;

const marker = (argv: Argv) => `after ${renderArgv(argv)}`;

/** Tells, command by command, whether it runs inside MULTI (EXEC and DISCARD themselves not). */
function inMulti(): (argv: Argv) => boolean {
  let open = false;
  return (argv) => {
    const name = (argv[0] ?? '').toLowerCase();
    if (name === 'multi') open = true;
    else if (name === 'exec' || name === 'discard') open = false;
    return open;
  };
}

interface NotifyCase {
  name: string;
  flags: string;
  /** One command per line; `@sleep N` waits N ms (for keys to expire on both sides). */
  script: string;
}

type Line = Argv | { sleep: number };

function lines(text: string): Line[] {
  const out: Line[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('//')) continue;
    const sleep = /^@sleep (\d+)$/.exec(line);
    out.push(sleep ? { sleep: Number(sleep[1]) } : parseCmd(line));
  }
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A RESP2 connection in subscribe mode: collects every pmessage, resolves `done` on the sentinel. */
class Subscriber {
  readonly events: Event[] = [];
  private buf = Buffer.alloc(0);
  private confirmations = 0;
  private onConfirmed: (() => void) | undefined;
  private onDone: (() => void) | undefined;
  private readonly socket: Socket;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
  }

  static async open(port: number): Promise<Subscriber> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = connect({ port, host: '127.0.0.1', noDelay: true });
      s.once('error', reject);
      s.once('connect', () => resolve(s));
    });
    const sub = new Subscriber(socket);
    const confirmed = new Promise<void>((resolve) => {
      sub.onConfirmed = resolve;
    });
    socket.write(Buffer.concat([encodeCommand(['PSUBSCRIBE', PATTERN]), encodeCommand(['SUBSCRIBE', SENTINEL])]));
    await confirmed;
    return sub;
  }

  /** Resolves once the sentinel message has arrived. */
  done(): Promise<void> {
    return new Promise((resolve) => {
      this.onDone = resolve;
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buf = Buffer.concat([this.buf, chunk]);
    let pos = 0;
    for (;;) {
      const r = parseReply(this.buf, pos);
      if (r === INCOMPLETE) break;
      pos = r.next;
      this.handle(r.reply);
    }
    this.buf = this.buf.subarray(pos);
  }

  private handle(reply: RespReply): void {
    if (reply.type !== 'array') throw new Error(`subscriber: unexpected ${render(reply)}`);
    const parts = reply.value.map((v) => (v.type === 'bulk' ? v.value : render(v)));
    const kind = parts[0];
    if (kind === 'psubscribe' || kind === 'subscribe') {
      if (++this.confirmations === 2) this.onConfirmed?.();
    } else if (kind === 'pmessage') this.events.push(`${parts[2]} ${parts[3]}`);
    else if (kind === 'message' && parts[1] === SENTINEL) {
      if (parts[2] === '') this.onDone?.();
      else this.events.push(parts[2] as string);
    }
  }
}

interface Outcome {
  events: Event[];
  /** CONFIG replies, rendered: compared too. */
  config: string[];
}

async function runRedis(server: RedisServer, c: NotifyCase): Promise<Outcome> {
  const client = await server.connect();
  const sub = await Subscriber.open(server.port);
  try {
    assert.equal(render(await client.send(['FLUSHALL'])), '+OK');
    assert.equal(render(await client.send(['CONFIG', 'SET', 'notify-keyspace-events', c.flags])), '+OK');
    const config: string[] = [];
    const queueing = inMulti();
    for (const line of lines(c.script)) {
      if (!Array.isArray(line)) {
        await sleep((line as { sleep: number }).sleep);
        continue;
      }
      const argv = line as Argv;
      // The marker locates a difference: it follows the events of the command it names (none is sent
      // inside MULTI, where it would be queued).
      const [reply] = queueing(argv)
        ? await client.pipeline([argv])
        : await client.pipeline([argv, ['PUBLISH', SENTINEL, marker(argv)]]);
      if ((argv[0] ?? '').toLowerCase() === 'config') config.push(render(reply as RespReply));
    }
    const finished = sub.done();
    await client.send(['PUBLISH', SENTINEL, '']);
    await finished;
    await client.send(['CONFIG', 'SET', 'notify-keyspace-events', '']);
    return { events: sub.events, config };
  } finally {
    sub.close();
    client.close();
  }
}

async function runOurs(c: NotifyCase): Promise<Outcome> {
  const engine = new Engine({ clock: { now: () => Date.now() }, random: seededRandom(1), lua: await loadLua() });
  const client = engine.createClient();
  const events: Event[] = [];
  engine.pubsub.psubscribe(PATTERN, (_kind, channel, message) => events.push(`${channel} ${message}`));
  assert.equal(render(fromEngine(engine.exec(client, ['CONFIG', 'SET', 'notify-keyspace-events', c.flags]))), '+OK');
  const config: string[] = [];
  const queueing = inMulti();
  for (const line of lines(c.script)) {
    if (!Array.isArray(line)) {
      await sleep((line as { sleep: number }).sleep);
      continue;
    }
    const argv = line as Argv;
    const reply = fromEngine(engine.exec(client, argv));
    if (!queueing(argv)) events.push(marker(argv));
    if ((argv[0] ?? '').toLowerCase() === 'config') config.push(render(reply));
  }
  return { events, config };
}

const CASES: NotifyCase[] = [
  {
    name: 'strings',
    flags: 'KEA',
    script: `
      SET s v
      SET s v2 EX 100
      SET s v3 KEEPTTL
      SET s v NX
      SET s2 v XX
      SET s2 v GET
      SET s v4 GET
      SETNX s v
      SETNX s3 v
      SETEX s4 100 v
      PSETEX s5 100000 v
      GETSET s6 v
      GETSET s6 w
      MSET m1 a m2 b
      MSETNX m1 a m3 c
      MSETNX m4 a m5 b
      APPEND a x
      APPEND a yz
      INCR n
      DECR n
      INCRBY n 5
      DECRBY n 2
      INCRBYFLOAT f 1.5
      SETRANGE r 2 ab
      SETRANGE r 0 ""
      SETRANGE r9 0 ""
      GETDEL a
      GETDEL nosuch
      GETEX s4 PERSIST
      GETEX s4 PERSIST
      GETEX s4 EX 100
      GETEX s4 PXAT 1
      GETEX nosuch EX 10
      GET s
      GET nosuch
      MGET s nosuch1 nosuch2
      STRLEN nosuch
      LCS nosuch s
      SET s x EXAT 99999999999
      INCR s
    `,
  },
  {
    name: 'generic',
    flags: 'KEA',
    script: `
      SET a 1
      SET b 2
      DEL a b c
      UNLINK nosuch
      SET k v
      EXPIRE k 100
      EXPIRE k 100 NX
      PEXPIRE k 200000 GT
      EXPIREAT k 99999999999
      PERSIST k
      PERSIST k
      EXPIRE nosuch 10
      EXPIRE k -1
      SET k v
      PEXPIREAT k 1
      SET x 1
      RENAME x y
      RENAME y y
      SET z 1
      RENAME y z
      RENAMENX z w
      SET v 1
      RENAMENX w v
      COPY w c1
      COPY w c1
      COPY w c1 REPLACE
      COPY nosuch c2
      EXISTS w nosuch nosuch
      TYPE nosuch
      TTL nosuch
      PTTL w
      TOUCH w nosuch
      DUMP nosuch
      OBJECT ENCODING nosuch
      SCAN 0
      KEYS *
    `,
  },
  {
    name: 'dump and restore',
    flags: 'KEA',
    script: `
      SET k v
      RESTORE r 0 "\\x00\\x01v\\n\\x00\\x91\\x08\\xce\\xb2\\x198\\x8a\\xce"
      RESTORE r 0 "\\x00\\x01v\\n\\x00\\x91\\x08\\xce\\xb2\\x198\\x8a\\xce" REPLACE
      RESTORE r 1 "\\x00\\x01v\\n\\x00\\x91\\x08\\xce\\xb2\\x198\\x8a\\xce" REPLACE ABSTTL
      RESTORE r 1 "\\x00\\x01v\\n\\x00\\x91\\x08\\xce\\xb2\\x198\\x8a\\xce" ABSTTL
      RESTORE t 100000 "\\x00\\x01v\\n\\x00\\x91\\x08\\xce\\xb2\\x198\\x8a\\xce"
    `,
  },
  {
    name: 'hashes',
    flags: 'KEA',
    script: `
      HSET h a 1 b 2
      HSET h a 1
      HMSET h c 3
      HSETNX h a 9
      HSETNX h d 4
      HINCRBY h n 5
      HINCRBYFLOAT h f 1.5
      HDEL h nosuch
      HDEL h a b
      HDEL h c d n f
      HDEL nosuch a
      HGET nosuch a
      HGETALL nosuch
      HLEN nosuch
    `,
  },
  {
    name: 'lists',
    flags: 'KEA',
    script: `
      LPUSH l a b
      RPUSH l c
      LPUSHX nosuch a
      RPUSHX l d
      LINSERT l BEFORE a x
      LINSERT l BEFORE nosuchpivot x
      LSET l 0 y
      LREM l 0 nosuch
      LREM l 1 y
      LTRIM l 0 10
      LPOP l
      RPOP l 2
      LPOP l 0
      RPUSH l a b c
      LMOVE l m LEFT RIGHT
      LMOVE l m RIGHT LEFT
      LMOVE l m LEFT LEFT
      LMOVE nosuch m LEFT LEFT
      RPOPLPUSH m m
      LMPOP 2 nosuch m LEFT COUNT 2
      LMPOP 1 m RIGHT COUNT 5
      RPUSH t a b
      LTRIM t 5 10
      RPUSH t a b c
      LREM t 0 a
      LREM t 0 b
      LREM t 0 c
      LRANGE nosuch 0 -1
      LLEN nosuch
    `,
  },
  {
    name: 'sets',
    flags: 'KEA',
    script: `
      SADD s a b c
      SADD s a
      SREM s nosuch
      SREM s a
      SMOVE s d b
      SMOVE s d b
      SMOVE s s c
      SMOVE s d c
      SADD d x
      SADD e x y
      SINTERSTORE i d e
      SUNIONSTORE u d e nosuch
      SDIFFSTORE df e d
      SDIFFSTORE df d e
      SINTERSTORE i nosuch d
      SINTERSTORE i nosuch d
      SPOP e
      SPOP e 5
      SPOP nosuch
      SADD p 1 2 3
      SPOP p 0
      SPOP p 3
      SMEMBERS nosuch
      SINTER d nosuch
      SUNION nosuch2 d
      SISMEMBER nosuch a
    `,
  },
  {
    name: 'sorted sets',
    flags: 'KEA',
    script: `
      ZADD z 1 a 2 b 3 c
      ZADD z 1 a
      ZADD z XX 5 nosuch
      ZADD z NX 9 a
      ZADD z CH 4 a
      ZADD z INCR 1 a
      ZINCRBY z 1 b
      ZINCRBY z 0 b
      ZREM z nosuch
      ZREM z a
      ZADD z 7 d 8 e 9 f
      ZREMRANGEBYRANK z 0 0
      ZREMRANGEBYSCORE z 100 200
      ZREMRANGEBYSCORE z 8 8
      ZREMRANGEBYLEX z [a [a
      ZPOPMIN z
      ZPOPMAX z 1
      ZPOPMIN nosuch
      ZADD y 1 a 2 b
      ZADD w 1 a
      ZUNIONSTORE u 2 y w
      ZINTERSTORE i 2 y w
      ZDIFFSTORE d 2 y w
      ZDIFFSTORE d 2 w y
      ZINTERSTORE i 2 y nosuch
      ZRANGESTORE r y 0 -1
      ZRANGESTORE r nosuch 0 -1
      ZRANGESTORE r y 5 10
      ZMPOP 2 nosuch y MIN COUNT 5
      ZPOPMAX w 10
      ZSCORE nosuch a
      ZRANGE nosuch 0 -1
      ZUNION 2 nosuch u
      ZCARD z
    `,
  },
  {
    name: 'geo, hyperloglog, bitmaps, sort',
    flags: 'KEA',
    script: `
      GEOADD g 13.361389 38.115556 Palermo 15.087269 37.502669 Catania
      GEOADD g 13.361389 38.115556 Palermo
      GEOSEARCHSTORE gs g FROMLONLAT 15 37 BYRADIUS 200 km
      GEOSEARCHSTORE gs g FROMLONLAT 15 37 BYRADIUS 1 m
      GEOSEARCHSTORE gs g FROMLONLAT 15 37 BYRADIUS 200 km STOREDIST
      GEORADIUS g 15 37 200 km STORE gr
      GEORADIUS nosuch 15 37 200 km STORE gr
      GEORADIUS nosuch 15 37 200 km
      GEOSEARCH nosuch FROMLONLAT 15 37 BYRADIUS 200 km
      GEOPOS nosuch a
      GEORADIUSBYMEMBER g Palermo 300 km STORE gm
      PFADD h a b
      PFADD h a
      PFADD h2
      PFADD h2
      PFMERGE h3 h nosuch
      PFMERGE h3
      PFCOUNT h nosuch
      PFCOUNT nosuch
      SETBIT b 7 1
      SETBIT b 7 1
      SETBIT b 7 0
      SETBIT b2 0 0
      GETBIT nosuch 0
      BITOP OR bo b nosuch
      BITOP AND bo nosuch nosuch2
      BITFIELD bf SET u8 0 255 GET u8 0
      BITFIELD bf GET u8 0
      BITFIELD nosuch GET u8 0
      BITFIELD bf OVERFLOW FAIL INCRBY u8 0 10
      BITFIELD bf2 OVERFLOW FAIL INCRBY u2 0 10
      BITFIELD_RO nosuch GET u8 0
      BITCOUNT nosuch
      RPUSH src 3 1 2
      SORT src STORE dst
      SORT src BY w_* STORE dst2
      SORT src BY nosort GET o_* GET # STORE dst3
      SORT nosuch STORE dst
      SORT nosuch STORE dst
      SORT src
      SORT_RO nosuch
      SORT_RO src BY w_*
    `,
  },
  {
    name: 'lazy expiry reports expired, then the miss of the read that found it',
    flags: 'KEA',
    script: `
      // One volatile key at a time: Redis's active expiry may take any of several first.
      SET a 1 PX 5
      @sleep 20
      GET a
      SET b 1 PX 5
      @sleep 20
      SET b 2
      SET c 1 PX 5
      @sleep 20
      EXISTS c
      HSET h f v
      PEXPIRE h 5
      @sleep 20
      HGET h f
      LPUSH l a
      PEXPIRE l 5
      @sleep 20
      LPUSH l b
    `,
  },
  {
    name: 'new-key events',
    flags: 'KEn',
    script: `
      SET a 1
      SET a 2
      LPUSH l x
      RPUSH l y
      SADD s a
      HSET h f v
      ZADD z 1 a
      RENAME a b
      COPY b c
      MSET m1 1 m2 2 m1 3
      LMOVE l l2 LEFT LEFT
      SINTERSTORE s2 s s
      INCR n
      APPEND ap x
      SETBIT bt 1 1
      PFADD hl a
      GEOADD g 1 1 m
      DEL a b c
    `,
  },
  {
    name: 'new-key events with every class (A does not include n)',
    flags: 'KEAn',
    script: `
      SET a 1
      LPUSH l x
      LMOVE l l2 LEFT LEFT
      CONFIG GET notify-keyspace-events
    `,
  },
  {
    name: 'key-miss events only',
    flags: 'Em',
    script: `
      GET nosuch
      SET a 1
      GET a
      MGET a b c
      DEL nosuch
      HGETALL nosuch
      LRANGE nosuch 0 -1
      SMEMBERS nosuch
      ZRANGE nosuch 0 -1
      GETDEL nosuch
      INCR n
      EXISTS nosuch a
      TYPE nosuch
      TTL nosuch
      PTTL a
      OBJECT ENCODING nosuch
      OBJECT FREQ nosuch
      SCAN 0
      RANDOMKEY
      DUMP nosuch
      TOUCH nosuch
      STRLEN nosuch
      GETRANGE nosuch 0 1
      LCS a nosuch
      HGET nosuch f
      HMGET nosuch f g
      LINDEX nosuch 0
      LPOS nosuch a
      SISMEMBER nosuch a
      SINTER a2 nosuch
      SUNION nosuch nosuch2
      SINTERCARD 2 nosuch nosuch2
      ZSCORE nosuch a
      ZUNION 2 nosuch nosuch2
      ZRANGEBYSCORE nosuch 0 1
      GEOPOS nosuch a
      GEOSEARCH nosuch FROMLONLAT 1 1 BYRADIUS 1 km
      PFCOUNT nosuch nosuch2
      BITCOUNT nosuch
      BITFIELD_RO nosuch GET u8 0
      SORT_RO nosuch
      // Writes that read with lookupKeyRead
      SET a x GET
      SET nosuch x GET
      DEL nosuch
      GETSET nosuch x
      DEL nosuch
      GETEX nosuch2 EX 10
      COPY nosuch2 c
      BITOP OR dest nosuch2 nosuch3
      BITFIELD nosuch2 GET u8 0
      BITFIELD nosuch2
      PFMERGE hll nosuch2 nosuch3
      SORT nosuch2 STORE dst
      RPUSH src 1 2
      SORT src BY w_* GET o_* STORE dst
      ZRANGESTORE dst nosuch2 0 -1
      GEORADIUS nosuch2 1 1 1 km
      GEORADIUS nosuch2 1 1 1 km STORE dst
      GEOSEARCHSTORE dst nosuch2 FROMLONLAT 1 1 BYRADIUS 1 km
      ZUNIONSTORE dst 2 nosuch2 nosuch3
      SUNIONSTORE dst nosuch2 nosuch3
      SINTERSTORE dst nosuch2 nosuch3
      SDIFFSTORE dst nosuch2 nosuch3
      ZINTERSTORE dst 2 nosuch2 nosuch3
      ZDIFFSTORE dst 2 nosuch2 nosuch3
      SMOVE n1 n2 a
      LMPOP 1 n1 LEFT
      ZMPOP 1 n1 MIN
      RPOPLPUSH n1 n2
      SPOP n1
      SRANDMEMBER n1
      ZINCRBY z 1 a
      HINCRBY h f 1
      LMOVE nosuch2 dst LEFT LEFT
      SMOVE nosuch2 dst a
      RENAME nosuch2 x
      EXPIRE nosuch2 10
      LPOP nosuch2
      HDEL nosuch2 a
      APPEND ap x
    `,
  },
  {
    name: 'expired events only, keyspace channel',
    flags: 'Kx',
    script: `
      SET a 1 PX 5
      SET b 1
      DEL b
      @sleep 30
      GET a
      GET a
    `,
  },
  {
    name: 'one class at a time',
    flags: 'K$',
    script: `
      SET a 1
      EXPIRE a 100
      LPUSH l x
      DEL a
      INCR n
      CONFIG SET notify-keyspace-events El
      LPUSH l y
      SET a 1
      LPOP l
      CONFIG SET notify-keyspace-events Eg
      LPOP l
      CONFIG SET notify-keyspace-events E
      SET a 2
      CONFIG SET notify-keyspace-events A
      SET a 3
      CONFIG SET notify-keyspace-events Ksh
      SADD s a
      HSET h a b
      SET a 4
      CONFIG SET notify-keyspace-events Ez
      ZADD z 1 a
      HSET h a c
    `,
  },
  {
    name: 'MULTI and scripts report as the commands they run',
    flags: 'KEA',
    script: `
      MULTI
      SET a 1
      INCR a
      DEL a
      EXEC
      EVAL "redis.call('set', KEYS[1], 'x'); return redis.call('del', KEYS[1])" 1 k
    `,
  },
  {
    name: 'CONFIG GET shows the flags normalised; invalid classes are refused',
    flags: '',
    script: `
      CONFIG GET notify-keyspace-events
      CONFIG SET notify-keyspace-events KEA
      CONFIG GET notify-keyspace-events
      CONFIG SET notify-keyspace-events An
      CONFIG GET notify-keyspace-events
      CONFIG SET notify-keyspace-events nA
      CONFIG GET notify-keyspace-events
      CONFIG SET notify-keyspace-events Ag$lshzxetd
      CONFIG GET notify-keyspace-events
      CONFIG SET notify-keyspace-events g$lshzxetdKE
      CONFIG GET notify-keyspace-events
      CONFIG SET notify-keyspace-events mEn
      CONFIG GET notify-keyspace-events
      CONFIG SET notify-keyspace-events Kgg
      CONFIG GET notify-keyspace-events
      CONFIG SET notify-keyspace-events KEAm
      CONFIG GET notify-keyspace-events
      CONFIG SET notify-keyspace-events Q
      CONFIG SET notify-keyspace-events "K E"
      CONFIG GET notify-keyspace-events
      CONFIG SET notify-keyspace-events ""
      CONFIG GET notify-keyspace-events
      SET a 1
    `,
  },
  {
    name: 'K or E alone publishes nothing without a class, a class alone nothing without K or E',
    flags: 'A',
    script: `
      SET a 1
      CONFIG SET notify-keyspace-events KE
      SET a 2
      GET nosuch
    `,
  },
];

describe('differential: keyspace notifications', () => {
  let server: RedisServer | undefined;
  before(async () => {
    server = await startRedisServer();
  });
  after(async () => {
    await server?.stop();
  });
  for (const c of CASES) {
    test(`${c.name} (${c.flags === '' ? 'off' : c.flags})`, async (t) => {
      if (server === undefined) {
        t.skip(REDIS_MISSING);
        return;
      }
      const theirs = await runRedis(server, c);
      const ours = await runOurs(c);
      assert.deepEqual(ours.config, theirs.config, 'CONFIG replies');
      assert.deepEqual(ours.events, theirs.events, 'events, in order');
    });
  }
});
