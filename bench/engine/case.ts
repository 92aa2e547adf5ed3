/**
 * One family's in-process engine benchmark. The runner (run.ts) loads `entries` elements into a fresh
 * engine with `load`, times it (the write rate), times each op, and loads the same commands into a real
 * redis-server to compare memory per entry (`INFO memory` used_memory before and after).
 */
export type Argv = readonly string[];

export interface EngineBenchCase {
  /** Shown in the results table, e.g. 'stream'. */
  family: string;
  /** Elements in the structure (the issue asks for 1M). */
  entries: number;
  /** The commands that build the structure, generated lazily so a million argvs never sit in memory. */
  load(entries: number): Iterable<Argv>;
  /** The name of the write being measured by the load (e.g. 'XADD'). */
  loadOp: string;
  /** Commands timed on the loaded structure; `argv(i)` builds the i-th call (vary it, e.g. by a seeded i). */
  ops: { name: string; argv(i: number): Argv }[];
  /** Whether redis-server can load it (JSON.* cannot: Debian's has no RedisJSON module). */
  redisComparable: boolean;
}
