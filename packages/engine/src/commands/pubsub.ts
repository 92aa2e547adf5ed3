/**
 * PUBLISH, SPUBLISH and the PUBSUB introspection subcommands. Subscribing is not a command here: a
 * subscriber is a host's stream (REST SSE) that registers on `engine.pubsub` directly. PUBLISH is not a
 * keyspace write (Redis flags it `pubsub`, not `write`), so it is never logged or replayed.
 */

import type { Ctx } from '../command/context.ts';
import * as E from '../command/errors.ts';
import { type Argv, type CommandDef, command, container, key } from '../command/table.ts';
import { type Reply, SimpleString } from '../reply.ts';

function publish(ctx: Ctx, argv: Argv): Reply {
  return ctx.pubsub.publish(argv[1] as string, argv[2] as string);
}

function spublish(ctx: Ctx, argv: Argv): Reply {
  return ctx.pubsub.spublish(argv[1] as string, argv[2] as string);
}

/** CHANNELS and SHARDCHANNELS take at most one pattern; more is Redis's subcommand syntax error. */
function patternArg(argv: Argv): string | undefined {
  if (argv.length > 3) throw E.subcommandSyntax(argv[1] as string, argv[0] as string);
  return argv[2];
}

function channels(ctx: Ctx, argv: Argv): Reply {
  return ctx.pubsub.activeChannels(patternArg(argv));
}

function shardChannels(ctx: Ctx, argv: Argv): Reply {
  return ctx.pubsub.activeShardChannels(patternArg(argv));
}

function numsub(ctx: Ctx, argv: Argv): Reply {
  const pubsub = ctx.pubsub;
  const out: Reply[] = [];
  for (let i = 2; i < argv.length; i++) out.push(argv[i] as string, pubsub.numsub(argv[i] as string));
  return out;
}

function shardNumsub(ctx: Ctx, argv: Argv): Reply {
  const pubsub = ctx.pubsub;
  const out: Reply[] = [];
  for (let i = 2; i < argv.length; i++) out.push(argv[i] as string, pubsub.shardNumsub(argv[i] as string));
  return out;
}

function numpat(ctx: Ctx): Reply {
  return ctx.pubsub.numpat();
}

const INTROSPECT = 'pubsub loading stale';

/** Redis 7's text, line for line (status replies, as Redis sends help). */
const HELP = [
  'PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'CHANNELS [<pattern>]',
  "    Return the currently active channels matching a <pattern> (default: '*').",
  'NUMPAT',
  '    Return number of subscriptions to patterns.',
  'NUMSUB [<channel> ...]',
  '    Return the number of subscribers for the specified channels, excluding',
  '    pattern subscriptions(default: no channels).',
  'SHARDCHANNELS [<pattern>]',
  "    Return the currently active shard level channels matching a <pattern> (default: '*').",
  'SHARDNUMSUB [<shardchannel> ...]',
  '    Return the number of subscribers for the specified shard level channel(s)',
  'HELP',
  '    Prints this help.',
].map((line) => new SimpleString(line));

export const pubsubCommands: CommandDef[] = [
  command('publish', 3, 'pubsub loading stale fast may_replicate', [], publish),
  command('spublish', 3, 'pubsub loading stale fast may_replicate', [key(1)], spublish),
  container('pubsub', '', [
    command('pubsub|channels', -2, INTROSPECT, [], channels),
    command('pubsub|numsub', -2, INTROSPECT, [], numsub),
    command('pubsub|numpat', 2, INTROSPECT, [], numpat),
    command('pubsub|shardchannels', -2, INTROSPECT, [], shardChannels),
    command('pubsub|shardnumsub', -2, INTROSPECT, [], shardNumsub),
    command('pubsub|help', 2, 'loading stale', [], () => HELP),
  ]),
];
