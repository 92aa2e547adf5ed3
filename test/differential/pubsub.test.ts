import { c, differential } from './harness.ts';

// With no subscribers on either side, every reply is comparable: counts are 0 and lists are empty.
differential('pubsub', [
  c(
    'PUBLISH and SPUBLISH with nobody listening',
    `
    PUBLISH ch hello
    PUBLISH "" ""
    SPUBLISH ch hello
    PUBLISH ch
    PUBLISH
    SPUBLISH ch
    PUBLISH a b c
    `,
  ),
  c(
    'PUBSUB introspection with no subscriptions',
    `
    PUBSUB CHANNELS
    PUBSUB CHANNELS *
    PUBSUB CHANNELS a b
    PUBSUB NUMSUB
    PUBSUB NUMSUB a b a
    PUBSUB NUMPAT
    PUBSUB NUMPAT x
    PUBSUB SHARDCHANNELS
    PUBSUB SHARDCHANNELS h*
    PUBSUB SHARDCHANNELS a b
    PUBSUB SHARDNUMSUB
    PUBSUB SHARDNUMSUB x y
    PUBSUB
    PUBSUB NOPE
    PUBSUB HELP
    PUBSUB help x
    `,
  ),
  c(
    'PUBLISH from a script',
    `
    EVAL "return redis.call('publish', 'ch', 'm')" 0
    EVAL "return redis.call('spublish', KEYS[1], 'm')" 1 k
    `,
  ),
]);
