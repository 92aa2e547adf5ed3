/** The queue's store on an embedded engine: commands run synchronously; durability is the engine's log's. */
import type { Argv, Engine, Reply } from '@redstash/engine';
import type { QueueDb } from './store.ts';

export function engineQueueDb(engine: Engine, durable?: (writeSeq: number) => Promise<void> | undefined): QueueDb {
  const client = engine.createClient({ name: 'qstash' });
  return {
    call: (argv) => Promise.resolve(engine.exec(client, argv as Argv)),
    atomic: (commands) => {
      const { reply } = engine.transaction(client, commands as Argv[]);
      return Promise.resolve(Array.isArray(reply) ? (reply as Reply[]) : [reply]);
    },
    durable: () => durable?.(engine.writeSeq) ?? Promise.resolve(),
  };
}
