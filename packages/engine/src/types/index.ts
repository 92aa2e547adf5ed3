/**
 * The value types a key can hold, by the name `TYPE` reports. Each data structure lives in its own file and
 * knows nothing of commands; the command modules in `../commands` give them Redis semantics.
 */
import type { Hash } from './hash.ts';
import type { JsonDoc } from './json.ts';
import type { List } from './list.ts';
import type { RSet } from './set.ts';
import type { Stream } from './stream.ts';
import type { ZSet } from './zset.ts';

export interface TypeMap {
  string: string;
  hash: Hash;
  list: List;
  set: RSet;
  zset: ZSet;
  stream: Stream;
  /** A RedisJSON document; the name is the module type's, which TYPE reports. */
  'ReJSON-RL': JsonDoc;
}

export type RedisType = keyof TypeMap;

/**
 * Estimated bytes a collection element costs beyond its own bytes, for memory accounting: roughly a V8
 * Map entry (three tagged words), the element's slot in a dense array, and a string header. It is one
 * figure for every type, so accounting follows growth and shrinkage without claiming the exact heap size.
 */
export const ELEMENT_OVERHEAD = 48;

/** The bytes a value accounts for: a string's length (one byte per code unit), a collection's counter. */
export function valueBytes(value: TypeMap[RedisType]): number {
  return typeof value === 'string' ? value.length : value.bytes;
}

/** A deep copy of a value (COPY, and later RESTORE): strings are immutable, collections clone themselves. */
export function cloneValue<T extends RedisType>(value: TypeMap[T]): TypeMap[T] {
  return (typeof value === 'string' ? value : value.clone()) as TypeMap[T];
}
