/**
 * One sandboxed Lua state and the bridge to it: Redis's reply conversions in both directions, `redis.call`
 * and friends as C-level host functions, a count hook that stops runaway scripts, and an allocator that caps
 * the state's memory. Everything crosses through the raw C API; strings cross byte-exact (lua-wasm.ts).
 *
 * Conversions follow Redis (script_lua.c): integers and bulk strings map directly, nil bulk/array ↔ false,
 * status ↔ {ok=}, error ↔ {err=}; a Lua number becomes an integer by truncation; an array stops at its first
 * nil. Arguments to `redis.call` must be strings or numbers, and numbers are printed the way Redis prints
 * them (integers plainly, floats shortest round-trip), never with the VM's own `tostring`.
 */
import { formatDouble } from '../bytes.ts';
import * as E from '../command/errors.ts';
import type { Argv } from '../command/table.ts';
import { DoubleReply, ErrorReply, MapReply, NilArray, type Reply, SimpleString } from '../reply.ts';
import { BIT_LUA, CJSON_LUA, CMSGPACK_LUA, STRUCT_LUA } from './libs/index.ts';
import {
  cstring,
  LUA_ERRMEM,
  LUA_MASKCOUNT,
  LUA_MASKLINE,
  LUA_OK,
  LUA_REGISTRYINDEX,
  type LuaApi,
  type LuaModule,
  LuaStrings,
  luaApi,
  T,
} from './lua-wasm.ts';
import { PRELUDE_LUA } from './prelude.ts';
import { sha1hex } from './sha1.ts';

/** What the engine provides to a running script. */
export interface ScriptHost {
  /** Runs `redis.call`'s command through the dispatcher's script path; failures come back as ErrorReply. */
  call(argv: Argv, run: ScriptRun): Reply;
  /** `redis.acl_check_cmd`: may this caller run the command? An ErrorReply for an unknown command. */
  aclCheck(argv: Argv): boolean | ErrorReply;
  log(level: number, message: string): void;
  /** A monotonic clock in ms for the time limit (wall time, not the engine's frozen command time). */
  elapsed(): number;
  version: string;
  versionNum: number;
}

/** The state of one script invocation, visible to the host functions while it runs. */
export interface ScriptRun {
  /** Shown in errors after `script:` — the SHA for EVAL, the function name for FCALL. */
  name: string;
  /** *_RO, a `no-writes` script or function: writes are refused inside. */
  readOnly: boolean;
  resp: 2 | 3;
  /** `redis.set_repl` flags (REPL_ALL = 3): without REPL_AOF the script's writes are not propagated. */
  repl: number;
  deadline: number;
}

export interface LuaLimits {
  /** A script running longer than this is stopped (an in-process engine cannot answer BUSY meanwhile). */
  timeLimitMs: number;
  /** Bytes the state may allocate; beyond, allocation fails and the script gets "not enough memory". */
  memoryLimit: number;
}

/** A registered function of a library being loaded. */
export interface LoadedFunction {
  name: string;
  ref: number;
  flags: string[];
  description: string | null;
}

const HOOK_EVERY = 100_000;
/** Nesting beyond which a returned table is reported as Redis reports a Lua stack overflow. */
const MAX_REPLY_DEPTH = 1000;
const REPLY_STACK_LIMIT = E.LUA_STACK_LIMIT;
const INT64_MIN = -9223372036854775808n;

type Lua = LuaModule;

export class LuaVm {
  private readonly lua: Lua;
  private readonly api: LuaApi;
  private readonly strings: LuaStrings;
  private readonly host: ScriptHost;
  private readonly limits: LuaLimits;
  private readonly L: number;
  private readonly fnPtrs: number[] = [];
  private memory = 0;
  private run: ScriptRun | null = null;
  /** The protocol the finished script had chosen (redis.setresp), which its result is converted under. */
  private replyResp: 2 | 3 = 2;
  private killed = false;
  private readonly hook: number;
  // Registry references to what the prelude returns.
  private readonly errHandler: number;
  private readonly env: number;
  private readonly setLoading: number;
  private readonly setArgs: number;
  private closed = false;

  constructor(lua: Lua, host: ScriptHost, limits: LuaLimits) {
    this.lua = lua;
    this.api = luaApi(lua);
    const api = this.api;
    this.host = host;
    this.limits = limits;
    this.strings = new LuaStrings(lua);
    const m = lua.module;
    const alloc = this.fn((_ud: number, ptr: number, osize: number, nsize: number) => {
      const old = ptr === 0 ? 0 : osize;
      if (nsize === 0) {
        if (ptr !== 0) m._free(ptr);
        this.memory -= old;
        return 0;
      }
      if (nsize > old && this.memory + nsize - old > this.limits.memoryLimit) return 0;
      const p = m._realloc(ptr, nsize);
      if (p !== 0) this.memory += nsize - old;
      return p;
    }, 'iiiii');
    this.L = api.lua_newstate(alloc, 0);
    if (this.L === 0) throw new RangeError('could not create a Lua state');
    api.luaL_openlibs(this.L);
    const L = this.L;

    // The prelude's arguments: the host functions, then the helper libraries as loaded chunks.
    api.lua_createtable(L, 0, 12);
    this.setHostFn('call', (l) => this.redisCall(l, false));
    this.setHostFn('pcall', (l) => this.redisCall(l, true));
    this.setHostFn('sha1hex', (l) => this.sha1(l));
    this.setHostFn('log', (l) => this.log(l));
    this.setHostFn('setresp', (l) => this.setResp(l));
    this.setHostFn('set_repl', (l) => this.setRepl(l));
    this.setHostFn('acl_check_cmd', (l) => this.aclCheck(l));
    this.strings.push(L, host.version);
    api.lua_setfield(L, -2, this.c('version'));
    api.lua_pushinteger(L, BigInt(host.versionNum));
    api.lua_setfield(L, -2, this.c('version_num'));
    api.lua_pushlightuserdata(L, 0);
    api.lua_setfield(L, -2, this.c('null'));
    api.lua_createtable(L, 0, 4);
    for (const [name, src] of [
      ['cjson', CJSON_LUA],
      ['cmsgpack', CMSGPACK_LUA],
      ['struct', STRUCT_LUA],
      ['bit', BIT_LUA],
    ] as const) {
      this.loadChunk(src, `=${name}`);
      api.lua_setfield(L, -2, this.c(name));
    }
    this.loadChunk(PRELUDE_LUA, '=prelude');
    api.lua_rotate(L, -3, 1); // function below its two arguments
    if (api.lua_pcallk(L, 2, 4, 0, 0, 0) !== LUA_OK) {
      const why = this.strings.read(L, -1);
      this.close();
      throw new Error(`Lua prelude failed: ${why}`);
    }
    this.setArgs = api.luaL_ref(L, LUA_REGISTRYINDEX);
    this.setLoading = api.luaL_ref(L, LUA_REGISTRYINDEX);
    this.env = api.luaL_ref(L, LUA_REGISTRYINDEX);
    this.errHandler = api.luaL_ref(L, LUA_REGISTRYINDEX);
    this.hook = this.fn((l: number) => this.onHook(l), 'vii');
    api.lua_sethook(L, this.hook, LUA_MASKCOUNT, HOOK_EVERY);
  }

  /** Bytes the state holds now (INFO's used_memory_lua). */
  get usedMemory(): number {
    return this.memory;
  }

  /**
   * Compiles a chunk (a script body or a library) in the sandbox and keeps it; returns its registry
   * reference or the compile error's message.
   */
  compile(source: string, chunkName: string): number | string {
    const L = this.L;
    if (!this.loadChunk(source, chunkName)) {
      // Lua 5.1 quotes every token in syntax errors ("near '<eof>'"); 5.4 leaves the <…> ones bare.
      const why = this.strings.read(L, -1).replace(/(?<!')<(eof|name|string|number|integer)>(?!')/g, "'<$1>'");
      this.api.lua_settop(L, 0);
      return why;
    }
    this.api.lua_rawgeti(L, LUA_REGISTRYINDEX, BigInt(this.env));
    this.api.lua_setupvalue(L, -2, 1);
    return this.api.luaL_ref(L, LUA_REGISTRYINDEX);
  }

  release(ref: number): void {
    if (!this.closed) this.api.luaL_unref(this.L, LUA_REGISTRYINDEX, ref);
  }

  /** Runs a compiled EVAL script with KEYS and ARGV set as globals, as Redis does. */
  runScript(ref: number, keys: Argv, args: Argv, run: ScriptRun): Reply {
    const L = this.L;
    const lua = this.api;
    lua.lua_rawgeti(L, LUA_REGISTRYINDEX, BigInt(this.setArgs));
    this.pushArray(L, keys);
    this.pushArray(L, args);
    lua.lua_callk(L, 2, 0, 0, 0);
    return this.invoke(ref, 0, run, null);
  }

  /** Runs a registered function with its keys and args tables as arguments (FCALL). */
  runFunction(ref: number, keys: Argv, args: Argv, run: ScriptRun): Reply {
    return this.invoke(ref, 2, run, () => {
      this.pushArray(this.L, keys);
      this.pushArray(this.L, args);
    });
  }

  /**
   * Runs a library's code with the library API as `redis` (FUNCTION LOAD); returns the functions it
   * registered, or the error to reply with.
   */
  loadLibrary(ref: number, run: ScriptRun): LoadedFunction[] | ErrorReply {
    const L = this.L;
    const lua = this.api;
    lua.lua_rawgeti(L, LUA_REGISTRYINDEX, BigInt(this.setLoading));
    lua.lua_pushboolean(L, 1);
    lua.lua_callk(L, 1, 0, 0, 0);
    const reply = this.invoke(ref, 0, run, null, false);
    lua.lua_rawgeti(L, LUA_REGISTRYINDEX, BigInt(this.setLoading));
    lua.lua_pushboolean(L, 0);
    lua.lua_callk(L, 1, 1, 0, 0);
    if (reply instanceof ErrorReply) {
      lua.lua_settop(L, 0);
      return reply;
    }
    const out: LoadedFunction[] = [];
    const n = Number(lua.luaL_len(L, -1));
    for (let i = 1; i <= n; i++) {
      lua.lua_rawgeti(L, -1, BigInt(i));
      lua.lua_getfield(L, -1, this.c('name'));
      const name = this.strings.read(L, -1);
      lua.lua_settop(L, -2);
      lua.lua_getfield(L, -1, this.c('description'));
      const description = lua.lua_type(L, -1) === T.STRING ? this.strings.read(L, -1) : null;
      lua.lua_settop(L, -2);
      lua.lua_getfield(L, -1, this.c('flags'));
      const flags: string[] = [];
      const nf = Number(lua.luaL_len(L, -1));
      for (let j = 1; j <= nf; j++) {
        lua.lua_rawgeti(L, -1, BigInt(j));
        flags.push(this.strings.read(L, -1));
        lua.lua_settop(L, -2);
      }
      lua.lua_settop(L, -2);
      lua.lua_getfield(L, -1, this.c('callback'));
      const fnRef = lua.luaL_ref(L, LUA_REGISTRYINDEX);
      lua.lua_settop(L, -2);
      out.push({ name, ref: fnRef, flags, description });
    }
    lua.lua_settop(L, 0);
    return out;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.api.lua_close(this.L);
    for (const p of this.fnPtrs) this.lua.module.removeFunction(p);
  }

  /** Calls the function at `ref` under the error handler and converts its result (luaCallFunction). */
  private invoke(ref: number, nargs: number, run: ScriptRun, pushArgs: (() => void) | null, located = true): Reply {
    const L = this.L;
    const lua = this.api;
    const base = lua.lua_gettop(L);
    lua.lua_rawgeti(L, LUA_REGISTRYINDEX, BigInt(this.errHandler));
    lua.lua_rawgeti(L, LUA_REGISTRYINDEX, BigInt(ref));
    pushArgs?.();
    const outer = this.run;
    this.run = run;
    this.killed = false;
    let rc: number;
    try {
      rc = lua.lua_pcallk(L, nargs, 1, base + 1, 0, 0);
    } finally {
      this.run = outer;
      if (this.killed) lua.lua_sethook(L, this.hook, LUA_MASKCOUNT, HOOK_EVERY);
    }
    let reply: Reply;
    if (this.killed) {
      // Once stopped, even the error handler may be interrupted: the reply is built here.
      this.killed = false;
      // A library's top level (FUNCTION LOAD, the nameless run) gets Redis's load-timeout text.
      reply = run.name === '' ? E.FUNCTION_LOAD_TIMEOUT : E.scriptTimedOut(this.limits.timeLimitMs, run.name);
    } else if (rc === LUA_OK) {
      this.replyResp = run.resp;
      reply = this.toReply(L, -1, 0);
    } else if (rc === LUA_ERRMEM) reply = E.scriptOutOfMemory(run.name);
    else reply = this.errorReply(L, run, located);
    lua.lua_settop(L, base);
    return reply;
  }

  /** The script failed: Redis's text is the error's message, then where the script raised it. */
  private errorReply(L: number, run: ScriptRun, located: boolean): ErrorReply {
    const lua = this.api;
    if (lua.lua_type(L, -1) !== T.TABLE) {
      const what = lua.lua_type(L, -1) === T.STRING ? this.strings.read(L, -1) : 'unknown error';
      return E.scriptRunError(run.name, what);
    }
    const msg = this.field(L, 'err');
    const source = this.field(L, 'source');
    const line = this.field(L, 'line');
    const text = msg ?? 'ERR unknown error';
    if (!located || source === null || line === null) return new ErrorReply(text);
    return E.scriptErrorAt(text, run.name, source, line);
  }

  /** A string (or number) field of the table on top, or null. */
  private field(L: number, name: string): string | null {
    const lua = this.api;
    lua.lua_pushstring(L, this.c(name));
    const t = lua.lua_rawget(L, -2);
    const v = t === T.STRING || t === T.NUMBER ? this.strings.read(L, -1) : null;
    lua.lua_settop(L, -2);
    return v;
  }

  // ---- conversions -------------------------------------------------------------------------------------

  /** Lua → Redis reply (luaReplyToRedisReply). */
  private toReply(L: number, idx: number, depth: number): Reply {
    const lua = this.api;
    switch (lua.lua_type(L, idx)) {
      case T.STRING:
        return this.strings.read(L, idx);
      case T.BOOLEAN:
        // After redis.setresp(3) a boolean is a RESP3 boolean, which RESP2 shows as 1/0; before, false is nil.
        if (lua.lua_toboolean(L, idx)) return 1;
        return this.replyResp === 3 ? 0 : null;
      case T.NUMBER:
        return this.toInteger(L, idx);
      case T.TABLE:
        // Each level holds its table on the stack: past the limit (or when Lua cannot grow the stack), Redis
        // answers this error in place of the deeper part.
        return depth >= MAX_REPLY_DEPTH || !lua.lua_checkstack(L, 4)
          ? REPLY_STACK_LIMIT
          : this.tableToReply(L, lua.lua_absindex(L, idx), depth);
      default:
        return null;
    }
  }

  private toInteger(L: number, idx: number): number | bigint {
    const lua = this.api;
    if (lua.lua_isinteger(L, idx)) {
      const v = lua.lua_tointegerx(L, idx, 0);
      return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
    }
    const d = Math.trunc(lua.lua_tonumberx(L, idx, 0));
    if (!Number.isFinite(d) || d >= 2 ** 63 || d < -(2 ** 63)) return INT64_MIN;
    return Number.isSafeInteger(d) ? d : BigInt(d);
  }

  private tableToReply(L: number, t: number, depth: number): Reply {
    const lua = this.api;
    lua.lua_pushstring(L, this.c('err'));
    if (lua.lua_rawget(L, t) === T.STRING) {
      const msg = this.strings.read(L, -1);
      lua.lua_settop(L, -2);
      return new ErrorReply(msg);
    }
    lua.lua_settop(L, -2);
    lua.lua_pushstring(L, this.c('ok'));
    if (lua.lua_rawget(L, t) === T.STRING) {
      const msg = this.strings.read(L, -1);
      lua.lua_settop(L, -2);
      return new SimpleString(msg);
    }
    lua.lua_settop(L, -2);
    // Redis reads these whatever the script's protocol (a RESP2 caller gets their RESP2 form).
    const resp3 = this.resp3Table(L, t, depth);
    if (resp3 !== undefined) return resp3;
    const out: Reply[] = [];
    for (let i = 1; ; i++) {
      if (lua.lua_rawgeti(L, t, BigInt(i)) === T.NIL) {
        lua.lua_settop(L, -2);
        break;
      }
      out.push(this.toReply(L, -1, depth + 1));
      lua.lua_settop(L, -2);
    }
    return out;
  }

  /** RESP3 tables a script returns: {double=}, {map=}, {set=}. */
  private resp3Table(L: number, t: number, depth: number): Reply | undefined {
    const lua = this.api;
    lua.lua_pushstring(L, this.c('double'));
    if (lua.lua_rawget(L, t) === T.NUMBER) {
      const v = lua.lua_tonumberx(L, -1, 0);
      lua.lua_settop(L, -2);
      return new DoubleReply(v);
    }
    lua.lua_settop(L, -2);
    for (const kind of ['map', 'set'] as const) {
      lua.lua_pushstring(L, this.c(kind));
      if (lua.lua_rawget(L, t) === T.TABLE) {
        const inner = lua.lua_absindex(L, -1);
        const items: Reply[] = [];
        lua.lua_pushnil(L);
        while (lua.lua_next(L, inner) !== 0) {
          items.push(this.toReply(L, -2, depth + 1));
          if (kind === 'map') items.push(this.toReply(L, -1, depth + 1));
          lua.lua_settop(L, -2);
        }
        lua.lua_settop(L, -2);
        return kind === 'map' ? new MapReply(items) : items;
      }
      lua.lua_settop(L, -2);
    }
    return undefined;
  }

  /** Redis reply → Lua value on top of the stack (redisProtocolToLuaType). */
  private pushReply(L: number, r: Reply, resp: 2 | 3): void {
    const lua = this.api;
    if (typeof r === 'string') this.strings.push(L, r);
    else if (typeof r === 'number') lua.lua_pushinteger(L, BigInt(r));
    else if (typeof r === 'bigint') lua.lua_pushinteger(L, r);
    else if (r === null || r instanceof NilArray) {
      // RESP3's null is Lua nil; RESP2's nil bulk and nil array are false.
      if (resp === 3) lua.lua_pushnil(L);
      else lua.lua_pushboolean(L, 0);
    } else if (Array.isArray(r)) {
      if (!lua.lua_checkstack(L, 4)) throw new RangeError('reply nested too deeply for the Lua stack');
      lua.lua_createtable(L, r.length, 0);
      for (let i = 0; i < r.length; i++) {
        this.pushReply(L, r[i] as Reply, resp);
        lua.lua_rawseti(L, -2, BigInt(i + 1));
      }
    } else if (r instanceof SimpleString) this.pushTagged(L, 'ok', r.value);
    else if (r instanceof ErrorReply) this.pushTagged(L, 'err', r.message);
    else if (r instanceof DoubleReply) {
      if (resp === 2) this.strings.push(L, formatDouble(r.value));
      else {
        lua.lua_createtable(L, 0, 1);
        lua.lua_pushnumber(L, r.value);
        lua.lua_setfield(L, -2, this.c('double'));
      }
    } else if (r instanceof MapReply) {
      if (resp === 2) this.pushReply(L, r.items, resp);
      else {
        lua.lua_createtable(L, 0, 1);
        lua.lua_createtable(L, 0, r.items.length >> 1);
        for (let i = 0; i + 1 < r.items.length; i += 2) {
          this.pushReply(L, r.items[i] as Reply, resp);
          this.pushReply(L, r.items[i + 1] as Reply, resp);
          lua.lua_rawset(L, -3);
        }
        lua.lua_setfield(L, -2, this.c('map'));
      }
    }
  }

  private pushTagged(L: number, tag: 'ok' | 'err', text: string): void {
    this.api.lua_createtable(L, 0, 1);
    this.strings.push(L, text);
    this.api.lua_setfield(L, -2, this.c(tag));
  }

  private pushArray(L: number, items: Argv): void {
    this.api.lua_createtable(L, items.length, 0);
    for (let i = 0; i < items.length; i++) {
      this.strings.push(L, items[i] as string);
      this.api.lua_rawseti(L, -2, BigInt(i + 1));
    }
  }

  // ---- host functions ----------------------------------------------------------------------------------

  /** redis.call / redis.pcall. Returns the number of results, or raises the error table. */
  private redisCall(L: number, protectedCall: boolean): number {
    const run = this.run;
    if (run === null) return this.fail(L, 'ERR redis.call is only available while a script runs', protectedCall);
    const lua = this.api;
    const n = lua.lua_gettop(L);
    if (n === 0) return this.fail(L, E.SCRIPT_NO_ARGS.message, protectedCall);
    const argv: string[] = new Array(n);
    for (let i = 1; i <= n; i++) {
      const t = lua.lua_type(L, i);
      if (t === T.STRING) argv[i - 1] = this.strings.read(L, i);
      else if (t === T.NUMBER) {
        argv[i - 1] = lua.lua_isinteger(L, i)
          ? String(lua.lua_tointegerx(L, i, 0))
          : formatDouble(lua.lua_tonumberx(L, i, 0));
      } else return this.fail(L, E.SCRIPT_BAD_ARG.message, protectedCall);
    }
    const reply = this.host.call(argv, run);
    if (reply instanceof ErrorReply) return this.fail(L, reply.message, protectedCall);
    this.pushReply(L, reply, run.resp);
    return 1;
  }

  /** An error from a host function: returned as {err=} by pcall-style callers, raised otherwise. */
  private fail(L: number, message: string, returnIt: boolean): number {
    this.pushTagged(L, 'err', message);
    return returnIt ? 1 : -1;
  }

  private sha1(L: number): number {
    if (this.api.lua_gettop(L) !== 1) return this.raise(L, 'wrong number of arguments');
    const t = this.api.lua_type(L, 1);
    // Redis hashes whatever lua_tolstring gives: a value with no string form hashes as "".
    this.strings.push(L, sha1hex(t === T.STRING || t === T.NUMBER ? this.strings.read(L, 1) : ''));
    return 1;
  }

  private log(L: number): number {
    const lua = this.api;
    const n = lua.lua_gettop(L);
    if (n < 2) return this.raise(L, 'redis.log() requires two arguments or more.');
    if (!lua.lua_isinteger(L, 1) && lua.lua_type(L, 1) !== T.NUMBER)
      return this.raise(L, 'First argument must be a number (log level).');
    const level = Number(lua.lua_tonumberx(L, 1, 0));
    if (!(level >= 0 && level <= 3)) return this.raise(L, 'Invalid debug level.');
    const parts: string[] = [];
    for (let i = 2; i <= n; i++) {
      const t = lua.lua_type(L, i);
      if (t === T.STRING || t === T.NUMBER) parts.push(this.strings.read(L, i));
    }
    this.host.log(level, parts.join(' '));
    return 0;
  }

  private setResp(L: number): number {
    const lua = this.api;
    if (lua.lua_gettop(L) !== 1) return this.raise(L, 'redis.setresp() requires one argument.');
    const v = lua.lua_tonumberx(L, 1, 0);
    if (v !== 2 && v !== 3) return this.raise(L, 'RESP version must be 2 or 3.');
    if (this.run !== null) this.run.resp = v;
    return 0;
  }

  private setRepl(L: number): number {
    const lua = this.api;
    if (lua.lua_gettop(L) !== 1) return this.raise(L, 'redis.set_repl() requires one argument.');
    const v = lua.lua_tonumberx(L, 1, 0);
    if (!Number.isInteger(v) || v < 0 || v > 3)
      return this.raise(L, 'Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.');
    if (this.run !== null) this.run.repl = v;
    return 0;
  }

  private aclCheck(L: number): number {
    const lua = this.api;
    const n = lua.lua_gettop(L);
    if (n === 0) return this.fail(L, E.SCRIPT_NO_ARGS.message, false);
    const argv: string[] = [];
    for (let i = 1; i <= n; i++) {
      const t = lua.lua_type(L, i);
      if (t !== T.STRING && t !== T.NUMBER) return this.fail(L, E.SCRIPT_BAD_ARG.message, false);
      argv.push(this.strings.read(L, i));
    }
    const ok = this.host.aclCheck(argv);
    if (ok instanceof ErrorReply) return this.fail(L, ok.message, false);
    lua.lua_pushboolean(L, ok ? 1 : 0);
    return 1;
  }

  /** Raises `ERR <message>` as Redis's luaError does (the handler adds the script line). */
  private raise(L: number, message: string): number {
    this.pushTagged(L, 'err', `ERR ${message}`);
    return -1;
  }

  /** The count hook: past the deadline, every later instruction raises, so `pcall` cannot swallow it. */
  private onHook(L: number): void {
    const run = this.run;
    if (run === null) return;
    if (!this.killed) {
      if (this.host.elapsed() <= run.deadline) return;
      this.killed = true;
      // On the main state too (L may be a coroutine), so a loop that keeps starting coroutines, which copy
      // the main state's hook, cannot outrun the kill 100k instructions at a time.
      this.api.lua_sethook(this.L, this.hook, LUA_MASKCOUNT | LUA_MASKLINE, 1);
      if (L !== this.L) this.api.lua_sethook(L, this.hook, LUA_MASKCOUNT | LUA_MASKLINE, 1);
    }
    this.api.lua_pushstring(L, this.c('Script killed after running longer than the script time limit'));
    this.api.lua_error(L);
  }

  // ---- plumbing ----------------------------------------------------------------------------------------

  /** A C string constant for the API's `const char*` parameters. */
  private c(s: string): number {
    return cstring(this.lua, s);
  }

  private loadChunk(source: string, chunkName: string): boolean {
    const ptr = this.strings.alloc(source);
    try {
      return this.api.luaL_loadbufferx(this.L, ptr, source.length, this.c(chunkName), this.c('t')) === LUA_OK;
    } finally {
      this.strings.free(ptr);
    }
  }

  /**
   * Registers a host function as a field of the table on top. A JS exception must never unwind through
   * the VM's C frames (Lua would be left inconsistent), so each one is caught and raised as a Lua error,
   * and `lua_error` (which unwinds) is called last, outside the try.
   */
  private setHostFn(name: string, impl: (L: number) => number): void {
    const ptr = this.fn((L: number) => {
      let n: number;
      try {
        n = impl(L);
      } catch (err) {
        this.pushTagged(
          L,
          'err',
          `ERR ${err instanceof RangeError ? 'out of memory' : 'internal error'} in redis.${name}`,
        );
        n = -1;
      }
      return n < 0 ? this.api.lua_error(L) : n;
    }, 'ii');
    this.api.lua_pushcclosure(this.L, ptr, 0);
    this.api.lua_setfield(this.L, -2, this.c(name));
  }

  // biome-ignore lint/suspicious/noExplicitAny: emscripten's addFunction takes any JS function.
  private fn(f: (...args: any[]) => any, signature: string): number {
    const ptr = this.lua.module.addFunction(f, signature);
    this.fnPtrs.push(ptr);
    return ptr;
  }
}
