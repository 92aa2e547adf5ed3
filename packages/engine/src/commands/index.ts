/** Every command module, by Valkey's group name. Adding a family is one line here. */
import type { CommandDef } from '../command/table.ts';
import { bitmapCommands } from './bitmap.ts';
import { configCommands } from './config.ts';
import { connectionCommands } from './connection.ts';
import { dumpCommands } from './dump.ts';
import { genericCommands } from './generic.ts';
import { geoCommands } from './geo.ts';
import { hashCommands } from './hash.ts';
import { hashExCommands } from './hash-ex.ts';
import { hashTtlCommands } from './hash-ttl.ts';
import { hyperloglogCommands } from './hyperloglog.ts';
import { jsonCommands } from './json/index.ts';
import { listCommands } from './list.ts';
import { objectCommands, selectCommands, swapdbCommands } from './object.ts';
import { persistenceCommands } from './persistence.ts';
import { pubsubCommands } from './pubsub.ts';
import { scriptingCommands } from './scripting.ts';
import { serverCommands } from './server.ts';
import { setCommands } from './set.ts';
import { sortCommands } from './sort.ts';
import { sortedSetCommands } from './sorted-set/index.ts';
import { streamCommands } from './stream/index.ts';
import { stringCommands } from './string.ts';
import { transactionCommands } from './transactions.ts';

export const allCommands: [group: string, defs: CommandDef[]][] = [
  ['string', stringCommands],
  ['generic', genericCommands],
  ['hash', hashCommands],
  ['hash', hashTtlCommands],
  ['hash', hashExCommands],
  ['list', listCommands],
  ['set', setCommands],
  ['sorted_set', sortedSetCommands],
  ['geo', geoCommands],
  ['hyperloglog', hyperloglogCommands],
  ['transactions', transactionCommands],
  ['scripting', scriptingCommands],
  ['connection', connectionCommands],
  ['server', serverCommands],
  ['server', persistenceCommands],
  ['server', configCommands],
  ['bitmap', bitmapCommands],
  ['generic', sortCommands],
  ['generic', objectCommands],
  ['connection', selectCommands],
  ['server', swapdbCommands],
  ['pubsub', pubsubCommands],
  ['generic', dumpCommands],
  ['stream', streamCommands],
  ['json', jsonCommands],
];
