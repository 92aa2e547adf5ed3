/**
 * The value types a key can hold, by the name `TYPE` reports. Each data structure lives in its own file and
 * knows nothing of commands; the command modules in `../commands` give them Redis semantics.
 */
import type { Hash } from './hash.ts';
import type { List } from './list.ts';
import type { RSet } from './set.ts';
import type { ZSet } from './zset.ts';

export interface TypeMap {
  string: string;
  hash: Hash;
  list: List;
  set: RSet;
  zset: ZSet;
}

export type RedisType = keyof TypeMap;

/** A deep copy of a value (COPY, and later RESTORE): strings are immutable, collections clone themselves. */
export function cloneValue<T extends RedisType>(value: TypeMap[T]): TypeMap[T] {
  return (typeof value === 'string' ? value : value.clone()) as TypeMap[T];
}
