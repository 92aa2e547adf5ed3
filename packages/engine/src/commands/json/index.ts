/**
 * RedisJSON (JSON.*) with RedisJSON v2 semantics. Metadata is RedisJSON's own (its command definitions:
 * Valkey has no JSON commands to cross-check against); JSON.MGET's keys are named as all but the last
 * argument, which is what they are, where RedisJSON declares only the first.
 */
import { type CommandDef, command, key } from '../../command/table.ts';
import { arrayHandlers as A } from './array.ts';
import { readHandlers as R } from './read.ts';
import { writeHandlers as W } from './write.ts';

export const jsonCommands: CommandDef[] = [
  command('json.set', -4, 'write denyoom', [key(1)], W.jsonSet),
  command('json.get', -2, 'readonly', [key(1)], R.jsonGet),
  command('json.mget', -3, 'readonly', [key(1, -2)], R.jsonMget),
  command('json.mset', -4, 'write denyoom', [key(1, -1, 3)], W.jsonMset),
  command('json.merge', -4, 'write denyoom', [key(1)], W.jsonMerge),
  command('json.del', -2, 'write', [key(1)], W.jsonDel),
  command('json.forget', -2, 'write', [key(1)], W.jsonDel),
  command('json.type', -2, 'readonly', [key(1)], R.jsonType),
  command('json.strlen', -2, 'readonly', [key(1)], R.jsonStrlen),
  command('json.strappend', -3, 'write denyoom', [key(1)], W.jsonStrappend),
  command('json.numincrby', 4, 'write', [key(1)], W.jsonNumincrby),
  command('json.nummultby', 4, 'write', [key(1)], W.jsonNummultby),
  command('json.toggle', 3, 'write', [key(1)], W.jsonToggle),
  command('json.clear', -2, 'write', [key(1)], W.jsonClear),
  command('json.arrappend', -3, 'write denyoom', [key(1)], A.jsonArrappend),
  command('json.arrindex', -4, 'readonly', [key(1)], R.jsonArrindex),
  command('json.arrinsert', -5, 'write denyoom', [key(1)], A.jsonArrinsert),
  command('json.arrlen', -2, 'readonly', [key(1)], R.jsonArrlen),
  command('json.arrpop', -2, 'write', [key(1)], A.jsonArrpop),
  command('json.arrtrim', 5, 'write', [key(1)], A.jsonArrtrim),
  command('json.objkeys', -2, 'readonly', [key(1)], R.jsonObjkeys),
  command('json.objlen', -2, 'readonly', [key(1)], R.jsonObjlen),
  command('json.resp', -2, 'readonly', [key(1)], R.jsonResp),
  command('json.debug', -2, 'readonly', [{ keyword: 'MEMORY', startfrom: 1, last: 0, step: 1 }], R.jsonDebug),
];
