/**
 * The Lua 5.4 VM (wasmoon's WASM build), used through its raw C API only. Loading compiles the WASM module,
 * which is asynchronous, so the host loads it once (`loadLua`) and hands it to each engine; everything after
 * that is synchronous. This file owns the byte-exact string crossing: wasmoon's cwrapped string helpers
 * stop at NUL and decode UTF-8, so strings go through the heap with explicit lengths instead.
 */
import { LuaWasm } from 'wasmoon';

export type LuaModule = LuaWasm;

let loading: Promise<LuaModule> | undefined;
/** The WASM instance's own exports, by module: wasmoon's build wraps each in an assertion shim. */
const rawExports = new WeakMap<LuaModule, Record<string, unknown>>();

/** Loads the VM once per process; every engine's Lua state lives in this one WASM instance. */
export function loadLua(): Promise<LuaModule> {
  loading ??= instantiate();
  return loading;
}

/**
 * wasmoon's published build is a debug build: every `module._lua_*` export goes through a wrapper that
 * checks the runtime is ready and calls the real function with `apply`. That costs as much as the small
 * C API functions themselves, so the instance's exports are captured while it is created (the module
 * does not expose them) and bound directly.
 */
async function instantiate(): Promise<LuaModule> {
  const wasm = (globalThis as unknown as { WebAssembly: WasmGlobal }).WebAssembly;
  const original = wasm.instantiate;
  let exports: Record<string, unknown> | undefined;
  wasm.instantiate = async (...args: unknown[]) => {
    const result = await original.apply(wasm, args);
    exports ??= ('instance' in result ? result.instance : result).exports;
    return result;
  };
  try {
    const lua = await LuaWasm.initialize();
    if (exports !== undefined) rawExports.set(lua, exports);
    return lua;
  } finally {
    wasm.instantiate = original;
  }
}

/** The part of the WebAssembly global used above (the engine's types include no DOM or Node globals). */
interface WasmGlobal {
  instantiate(
    ...args: unknown[]
  ): Promise<{ instance: { exports: Record<string, unknown> } } | { exports: Record<string, unknown> }>;
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

/**
 * The C functions the bridge calls, bound to the module's exports directly. wasmoon's cwrapped versions go
 * through `ccall` (argument conversion, stack save/restore) on every call, which costs more than most of
 * these functions; strings are passed as pointers to constants from `cstring`.
 */
export interface LuaApi {
  lua_newstate(alloc: number, ud: number): number;
  lua_close(L: number): void;
  luaL_openlibs(L: number): void;
  luaL_loadbufferx(L: number, buf: number, size: number, name: number, mode: number): number;
  luaL_ref(L: number, t: number): number;
  luaL_unref(L: number, t: number, ref: number): void;
  luaL_len(L: number, idx: number): bigint;
  lua_absindex(L: number, idx: number): number;
  lua_callk(L: number, nargs: number, nresults: number, ctx: number, k: number): void;
  lua_pcallk(L: number, nargs: number, nresults: number, msgh: number, ctx: number, k: number): number;
  lua_checkstack(L: number, n: number): number;
  lua_createtable(L: number, narr: number, nrec: number): void;
  lua_error(L: number): number;
  lua_getfield(L: number, idx: number, k: number): number;
  lua_gettop(L: number): number;
  lua_isinteger(L: number, idx: number): number;
  lua_next(L: number, idx: number): number;
  lua_pushboolean(L: number, b: number): void;
  lua_pushcclosure(L: number, fn: number, n: number): void;
  lua_pushinteger(L: number, n: bigint): void;
  lua_pushlightuserdata(L: number, p: number): void;
  lua_pushnil(L: number): void;
  lua_pushnumber(L: number, n: number): void;
  lua_pushstring(L: number, s: number): number;
  lua_rawget(L: number, idx: number): number;
  lua_rawgeti(L: number, idx: number, n: bigint): number;
  lua_rawset(L: number, idx: number): void;
  lua_rawseti(L: number, idx: number, n: bigint): void;
  lua_rotate(L: number, idx: number, n: number): void;
  lua_setfield(L: number, idx: number, k: number): void;
  lua_sethook(L: number, f: number, mask: number, count: number): void;
  lua_settop(L: number, idx: number): void;
  lua_setupvalue(L: number, funcindex: number, n: number): number;
  lua_toboolean(L: number, idx: number): number;
  lua_tointegerx(L: number, idx: number, isnum: number): bigint;
  lua_tonumberx(L: number, idx: number, isnum: number): number;
  lua_type(L: number, idx: number): number;
}

const API_NAMES: (keyof LuaApi)[] = [
  'lua_newstate',
  'lua_close',
  'luaL_openlibs',
  'luaL_loadbufferx',
  'luaL_ref',
  'luaL_unref',
  'luaL_len',
  'lua_absindex',
  'lua_callk',
  'lua_pcallk',
  'lua_checkstack',
  'lua_createtable',
  'lua_error',
  'lua_getfield',
  'lua_gettop',
  'lua_isinteger',
  'lua_next',
  'lua_pushboolean',
  'lua_pushcclosure',
  'lua_pushinteger',
  'lua_pushlightuserdata',
  'lua_pushnil',
  'lua_pushnumber',
  'lua_pushstring',
  'lua_rawget',
  'lua_rawgeti',
  'lua_rawset',
  'lua_rawseti',
  'lua_rotate',
  'lua_setfield',
  'lua_sethook',
  'lua_settop',
  'lua_setupvalue',
  'lua_toboolean',
  'lua_tointegerx',
  'lua_tonumberx',
  'lua_type',
];

const apis = new WeakMap<LuaModule, LuaApi>();

export function luaApi(lua: LuaModule): LuaApi {
  let api = apis.get(lua);
  if (api === undefined) {
    const m = lua.module as unknown as Record<string, unknown>;
    const raw = rawExports.get(lua);
    const bound: Partial<Record<keyof LuaApi, unknown>> = {};
    for (const name of API_NAMES) {
      const f = raw?.[name] ?? m[`_${name}`];
      if (typeof f !== 'function') throw new Error(`wasmoon does not export ${name}`);
      bound[name] = f;
    }
    api = bound as LuaApi;
    apis.set(lua, api);
  }
  return api;
}

const cstrings = new WeakMap<LuaModule, Map<string, number>>();

/** A NUL-terminated copy of an ASCII constant in the module's heap, made once and kept. */
export function cstring(lua: LuaModule, s: string): number {
  let map = cstrings.get(lua);
  if (map === undefined) {
    map = new Map();
    cstrings.set(lua, map);
  }
  let ptr = map.get(s);
  if (ptr === undefined) {
    const raw = lua.module as unknown as Raw;
    ptr = raw._malloc(s.length + 1);
    const heap = raw.HEAPU8;
    for (let i = 0; i < s.length; i++) heap[ptr + i] = s.charCodeAt(i);
    heap[ptr + s.length] = 0;
    map.set(s, ptr);
  }
  return ptr;
}
