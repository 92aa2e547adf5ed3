/** Stream commands (Valkey's `stream` group), plus Redis 8.2's XACKDEL and XDELEX. */
import { type CommandDef, command, container, type KeySpec, key } from '../../command/table.ts';
import { xgroupHandlers as g, xack, xautoclaim, xclaim, xpending } from './groups.ts';
import { xinfoHandlers as i } from './info.ts';
import { xlen, xrange, xread, xreadgroup, xrevrange } from './read.ts';
import { xackdel, xadd, xdel, xdelex, xsetid, xtrim } from './write.ts';

const streams = (startfrom: number): KeySpec => ({ keyword: 'STREAMS', startfrom, last: -1, step: 1, limit: 2 });

export const streamCommands: CommandDef[] = [
  command('xadd', -5, 'write denyoom fast', [key(1)], xadd),
  command('xtrim', -4, 'write', [key(1)], xtrim),
  command('xdel', -3, 'write fast', [key(1)], xdel),
  command('xsetid', -3, 'write denyoom fast', [key(1)], xsetid),
  command('xdelex', -5, 'write fast', [key(1)], xdelex),
  command('xackdel', -6, 'write fast', [key(1)], xackdel),
  command('xlen', 2, 'readonly fast', [key(1)], xlen),
  command('xrange', -4, 'readonly', [key(1)], xrange),
  command('xrevrange', -4, 'readonly', [key(1)], xrevrange),
  command('xread', -4, 'blocking readonly', [streams(1)], xread),
  command('xreadgroup', -7, 'blocking write', [streams(4)], xreadgroup),
  command('xack', -4, 'write fast', [key(1)], xack),
  command('xpending', -3, 'readonly', [key(1)], xpending),
  command('xclaim', -6, 'write fast', [key(1)], xclaim),
  command('xautoclaim', -6, 'write fast', [key(1)], xautoclaim),
  container('xgroup', '', [
    command('xgroup|create', -5, 'write denyoom', [key(2)], g.create),
    command('xgroup|createconsumer', 5, 'write denyoom', [key(2)], g.createconsumer),
    command('xgroup|delconsumer', 5, 'write', [key(2)], g.delconsumer),
    command('xgroup|destroy', 4, 'write', [key(2)], g.destroy),
    command('xgroup|help', 2, 'loading stale', [], g.help),
    command('xgroup|setid', -5, 'write', [key(2)], g.setid),
  ]),
  container('xinfo', '', [
    command('xinfo|consumers', 4, 'readonly', [key(2)], i.consumers),
    command('xinfo|groups', 3, 'readonly', [key(2)], i.groups),
    command('xinfo|help', 2, 'loading stale', [], i.help),
    command('xinfo|stream', -3, 'readonly', [key(2)], i.stream),
  ]),
];
