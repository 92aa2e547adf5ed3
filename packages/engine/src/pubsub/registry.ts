/**
 * Who listens to what: channel, pattern and shard-channel subscriptions, and PUBLISH's fan-out. Pure and
 * synchronous; the host (an SSE stream, a RESP connection) owns each subscription and must call the
 * returned function when it goes away, so nothing here outlives its subscriber.
 */
import { globMatch } from '../keyspace/glob.ts';

/** Called synchronously by PUBLISH; `pattern` is set for a `pmessage`. */
export type PubSubListener = (kind: 'message' | 'pmessage', channel: string, message: string, pattern?: string) => void;

/** One subscription; a distinct object per call, so the same listener subscribed twice counts twice. */
interface Subscription {
  readonly listener: PubSubListener;
}

type Index = Map<string, Set<Subscription>>;

export class PubSub {
  private readonly channels: Index = new Map();
  private readonly patterns: Index = new Map();
  private readonly shards: Index = new Map();
  /** A listener that throws is the host's bug; the others must still get the message. */
  onListenerError: ((err: unknown) => void) | undefined;

  subscribe(channel: string, listener: PubSubListener): () => void {
    return add(this.channels, channel, listener);
  }

  psubscribe(pattern: string, listener: PubSubListener): () => void {
    return add(this.patterns, pattern, listener);
  }

  ssubscribe(channel: string, listener: PubSubListener): () => void {
    return add(this.shards, channel, listener);
  }

  /** Delivers to the channel's subscribers, then to each matching pattern's; the receivers, as Redis counts. */
  publish(channel: string, message: string): number {
    let receivers = 0;
    const subs = this.channels.get(channel);
    if (subs !== undefined)
      for (const sub of [...subs]) {
        receivers++;
        this.deliver(sub, 'message', channel, message, undefined);
      }
    if (this.patterns.size > 0)
      for (const [pattern, psubs] of [...this.patterns]) {
        if (!globMatch(pattern, channel)) continue;
        for (const sub of [...psubs]) {
          receivers++;
          this.deliver(sub, 'pmessage', channel, message, pattern);
        }
      }
    return receivers;
  }

  spublish(channel: string, message: string): number {
    const subs = this.shards.get(channel);
    if (subs === undefined) return 0;
    for (const sub of [...subs]) this.deliver(sub, 'message', channel, message, undefined);
    return subs.size;
  }

  /** Channels with at least one subscriber, optionally only those matching a glob (PUBSUB CHANNELS). */
  activeChannels(pattern?: string): string[] {
    return names(this.channels, pattern);
  }

  activeShardChannels(pattern?: string): string[] {
    return names(this.shards, pattern);
  }

  numsub(channel: string): number {
    return this.channels.get(channel)?.size ?? 0;
  }

  shardNumsub(channel: string): number {
    return this.shards.get(channel)?.size ?? 0;
  }

  /** Distinct patterns subscribed by anyone (Redis counts patterns, not subscriptions). */
  numpat(): number {
    return this.patterns.size;
  }

  /** Every subscription of any kind; 0 once all hosts have cleaned up. */
  get size(): number {
    let n = 0;
    for (const index of [this.channels, this.patterns, this.shards]) for (const subs of index.values()) n += subs.size;
    return n;
  }

  private deliver(
    sub: Subscription,
    kind: 'message' | 'pmessage',
    channel: string,
    message: string,
    pattern: string | undefined,
  ): void {
    try {
      if (pattern === undefined) sub.listener(kind, channel, message);
      else sub.listener(kind, channel, message, pattern);
    } catch (err) {
      this.onListenerError?.(err);
    }
  }
}

function add(index: Index, name: string, listener: PubSubListener): () => void {
  const sub: Subscription = { listener };
  let subs = index.get(name);
  if (subs === undefined) {
    subs = new Set();
    index.set(name, subs);
  }
  subs.add(sub);
  let active = true;
  return () => {
    if (!active) return;
    active = false;
    const current = index.get(name);
    if (current === undefined) return;
    current.delete(sub);
    if (current.size === 0) index.delete(name);
  };
}

function names(index: Index, pattern: string | undefined): string[] {
  const out: string[] = [];
  for (const name of index.keys()) if (pattern === undefined || globMatch(pattern, name)) out.push(name);
  return out;
}

/**
 * The registry of the engine a command runs in. Handlers see only the Ctx, so the engine links its
 * registry to its command table (one per engine) rather than widening the Ctx every command receives.
 */
