/**
 * Test support for this and other packages: a manual clock, a seeded random source, and `run` to send a
 * command to an engine in one line.
 */
import { fromUtf8 } from '../bytes.ts';
import type { Client } from '../command/context.ts';
import type { Argv } from '../command/table.ts';
import { Engine, type EngineOptions } from '../engine.ts';
import type { Reply } from '../reply.ts';
import { loadLua } from '../scripting/lua-wasm.ts';

/** A clock that moves only when told to: expiry tests advance it instead of sleeping. */
export class ManualClock {
  private ms: number;
  constructor(start = Date.UTC(2026, 0, 1)) {
    this.ms = start;
  }
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
  set(ms: number): void {
    this.ms = ms;
  }
}

/** Mulberry32: a small, fast, seeded PRNG in [0, 1). */
export function seededRandom(seed = 1): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface TestEngine {
  engine: Engine;
  clock: ManualClock;
  client: Client;
  /** Sends one command (UTF-8 text arguments) as `client` and returns the reply. */
  run(...args: (string | number)[]): Reply;
  /** Sends byte-string arguments exactly as given (binary keys and values). */
  raw(...argv: string[]): Reply;
  /** Every write effect the engine propagated, in order (what an append-only log would receive). */
  effects: Argv[];
}

/** A test engine with Lua scripting (the VM loads once per process). */
export async function createScriptingTestEngine(options: Partial<EngineOptions> = {}): Promise<TestEngine> {
  return createTestEngine({ lua: await loadLua(), ...options });
}

export function createTestEngine(options: Partial<EngineOptions> = {}): TestEngine {
  const clock = new ManualClock();
  const engine = new Engine({ clock, random: seededRandom(42), ...options });
  const client = engine.createClient();
  const effects: Argv[] = [];
  engine.onPropagate = (batch) => effects.push(...batch);
  return {
    engine,
    clock,
    client,
    run: (...args) =>
      engine.exec(
        client,
        args.map((a) => fromUtf8(String(a))),
      ),
    raw: (...argv) => engine.exec(client, argv),
    effects,
  };
}

/**
 * For naive models in tests: Redis's normalisation of a start/stop index pair (LRANGE, LTRIM, ZRANGE by
 * rank): negative counts from the end, clamped; [lo, hi] inclusive, or undefined when the range is empty.
 */
export function indexSpan(len: number, start: number, stop: number): [number, number] | undefined {
  let s = start < 0 ? start + len : start;
  let e = stop < 0 ? stop + len : stop;
  if (s < 0) s = 0;
  if (s > e || s >= len) return undefined;
  if (e >= len) e = len - 1;
  return [s, e];
}
