/**
 * The Lua 5.4 VM (wasmoon's WASM build), used through its raw C API only. Loading compiles the WASM module,
 * which is asynchronous, so the host loads it once (`loadLua`) and hands it to each engine; everything after
 * that is synchronous. This file owns the byte-exact string crossing: wasmoon's cwrapped string helpers
 * stop at NUL and decode UTF-8, so strings go through the heap with explicit lengths instead.
 */
import { LuaWasm } from 'wasmoon';

export type LuaModule = LuaWasm;

let loading: Promise<LuaModule> | undefined;

/** Loads the VM once per process; every engine's Lua state lives in this one WASM instance. */
export function loadLua(): Promise<LuaModule> {
  loading ??= LuaWasm.initialize();
  return loading;
}

// Lua 5.4 constants (lua.h).
export const LUA_REGISTRYINDEX = -1001000;
export const LUA_MULTRET = -1;
export const T = { NONE: -1, NIL: 0, BOOLEAN: 1, LIGHTUSERDATA: 2, NUMBER: 3, STRING: 4, TABLE: 5 } as const;
export const LUA_OK = 0;
export const LUA_ERRMEM = 4;
export const LUA_MASKCOUNT = 8;
export const LUA_MASKLINE = 4;

/** The raw exports we call on the hot path, typed once. */
interface Raw {
  _malloc(size: number): number;
  _free(ptr: number): void;
  _realloc(ptr: number, size: number): number;
  _lua_pushlstring(L: number, ptr: number, len: number): number;
  _lua_tolstring(L: number, idx: number, lenPtr: number): number;
  HEAPU8: Uint8Array;
  HEAPU32: Uint32Array;
}

/** Byte-exact string transfer between JS byte strings (one char per byte) and a Lua stack. */
export class LuaStrings {
  private readonly raw: Raw;
  private scratch = 0;
  private scratchSize = 0;
  private readonly lenPtr: number;

  constructor(lua: LuaModule) {
    this.raw = lua.module as unknown as Raw;
    this.lenPtr = this.raw._malloc(8);
  }

  /** Pushes a byte string onto L's stack. */
  push(L: number, s: string): void {
    const n = s.length;
    if (n > this.scratchSize) {
      if (this.scratch !== 0) this.raw._free(this.scratch);
      this.scratchSize = Math.max(n, 256, this.scratchSize * 2);
      this.scratch = this.raw._malloc(this.scratchSize);
      if (this.scratch === 0) {
        this.scratchSize = 0;
        throw new RangeError('out of WASM memory');
      }
    }
    const heap = this.raw.HEAPU8;
    const base = this.scratch;
    for (let i = 0; i < n; i++) heap[base + i] = s.charCodeAt(i);
    this.raw._lua_pushlstring(L, base, n);
  }

  /** Reads the string (or number, converted in place by Lua) at idx as a byte string. */
  read(L: number, idx: number): string {
    const ptr = this.raw._lua_tolstring(L, idx, this.lenPtr);
    if (ptr === 0) return '';
    const len = this.raw.HEAPU32[this.lenPtr >> 2] as number;
    const heap = this.raw.HEAPU8;
    if (len < 64) {
      let s = '';
      for (let i = 0; i < len; i++) s += String.fromCharCode(heap[ptr + i] as number);
      return s;
    }
    let s = '';
    for (let i = 0; i < len; i += 8192)
      s += String.fromCharCode.apply(
        null,
        heap.subarray(ptr + i, ptr + Math.min(len, i + 8192)) as unknown as number[],
      );
    return s;
  }

  /** Writes a byte string into fresh heap memory the caller frees (chunk sources for luaL_loadbufferx). */
  alloc(s: string): number {
    const ptr = this.raw._malloc(Math.max(1, s.length));
    const heap = this.raw.HEAPU8;
    for (let i = 0; i < s.length; i++) heap[ptr + i] = s.charCodeAt(i);
    return ptr;
  }

  free(ptr: number): void {
    this.raw._free(ptr);
  }
}
