/** The queue's store on an embedded engine: commands run synchronously; durability is the engine's log's. */
import type { Argv, Engine, Reply } from '@redstash/engine';
import { check, type QueueDb } from './store.ts';

export function engineQueueDb(engine: Engine, durable?: (writeSeq: number) => Promise<void> | undefined): QueueDb {
  const client = engine.createClient({ name: 'qstash' });
  return {
    call: async (argv) => check(engine.exec(client, argv as Argv)),
    atomic: async (commands) => {
      const { reply, queueError } = engine.transaction(client, commands as Argv[]);
      if (queueError !== undefined) check(queueError);
      const replies = check(reply);
      if (!Array.isArray(replies)) throw new Error('queue store: the transaction did not run');
      for (const r of replies) check(r as Reply);
      return replies as Reply[];
    },
    durable: () => durable?.(engine.writeSeq) ?? Promise.resolve(),
  };
}
