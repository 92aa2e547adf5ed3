/** Sorted-set commands: the registration table. Semantics live in the modules beside this one. */
import { type CommandDef, command, key, keynum } from '../../command/table.ts';
import { popHandlers as p } from './pop.ts';
import { rangeHandlers as r } from './range.ts';
import { readHandlers as q } from './read.ts';
import { setopHandlers as s } from './setops.ts';
import { writeHandlers as w } from './write.ts';

export const sortedSetCommands: CommandDef[] = [
  command('zadd', -4, 'write denyoom fast', [key(1)], w.zadd),
  command('zincrby', 4, 'write denyoom fast', [key(1)], w.zincrby),
  command('zrem', -3, 'write fast', [key(1)], w.zrem),
  command('zremrangebyrank', 4, 'write', [key(1)], w.zremrangebyrank),
  command('zremrangebyscore', 4, 'write', [key(1)], w.zremrangebyscore),
  command('zremrangebylex', 4, 'write', [key(1)], w.zremrangebylex),
  command('zscore', 3, 'readonly fast', [key(1)], q.zscore),
  command('zmscore', -3, 'readonly fast', [key(1)], q.zmscore),
  command('zcard', 2, 'readonly fast', [key(1)], q.zcard),
  command('zcount', 4, 'readonly fast', [key(1)], q.zcount),
  command('zlexcount', 4, 'readonly fast', [key(1)], q.zlexcount),
  command('zrank', -3, 'readonly fast', [key(1)], q.zrank),
  command('zrevrank', -3, 'readonly fast', [key(1)], q.zrevrank),
  command('zscan', -3, 'readonly', [key(1)], q.zscan),
  command('zrandmember', -2, 'readonly', [key(1)], q.zrandmember),
  command('zrange', -4, 'readonly', [key(1)], r.zrange),
  command('zrangestore', -5, 'write denyoom', [key(1), key(2)], r.zrangestore),
  command('zrevrange', -4, 'readonly', [key(1)], r.zrevrange),
  command('zrangebyscore', -4, 'readonly', [key(1)], r.zrangebyscore),
  command('zrevrangebyscore', -4, 'readonly', [key(1)], r.zrevrangebyscore),
  command('zrangebylex', -4, 'readonly', [key(1)], r.zrangebylex),
  command('zrevrangebylex', -4, 'readonly', [key(1)], r.zrevrangebylex),
  command('zpopmin', -2, 'write fast', [key(1)], p.zpopmin),
  command('zpopmax', -2, 'write fast', [key(1)], p.zpopmax),
  command('zmpop', -4, 'write', [keynum(1)], p.zmpop),
  command('zunion', -3, 'readonly', [keynum(1)], s.zunion),
  command('zinter', -3, 'readonly', [keynum(1)], s.zinter),
  command('zdiff', -3, 'readonly', [keynum(1)], s.zdiff),
  command('zintercard', -3, 'readonly', [keynum(1)], s.zintercard),
  command('zunionstore', -4, 'write denyoom', [key(1), keynum(2)], s.zunionstore),
  command('zinterstore', -4, 'write denyoom', [key(1), keynum(2)], s.zinterstore),
  command('zdiffstore', -4, 'write denyoom', [key(1), keynum(2)], s.zdiffstore),
];
