/**
 * The engine's scripting state: the EVAL script cache and the function libraries, each with its own Lua
 * state as in Redis (SCRIPT FLUSH resets one, FUNCTION FLUSH the other). States are created on first use,
 * so engines that never script never pay for one.
 */
import * as E from '../command/errors.ts';
import type { Argv } from '../command/table.ts';
import { ErrorReply, type Reply } from '../reply.ts';
import { type LoadedFunction, type LuaLimits, LuaVm, type ScriptHost, type ScriptRun } from './lua-vm.ts';
import type { LuaModule } from './lua-wasm.ts';
import { sha1hex } from './sha1.ts';
import { parseLibraryShebang, parseScriptShebang, type ScriptFlag } from './shebang.ts';

export interface ScriptingOptions {
  lua: LuaModule;
  limits: LuaLimits;
  host: ScriptHost;
}

export interface Script {
  sha: string;
  body: string;
  ref: number;
  /** Null in compatibility mode (no shebang). */
  flags: Set<ScriptFlag> | null;
}

export interface LuaFunction {
  name: string;
  library: Library;
  ref: number;
  flags: string[];
  description: string | null;
}

export interface Library {
  name: string;
  code: string;
  functions: Map<string, LuaFunction>;
}

/** EVAL'd scripts beyond this many are evicted oldest-first (as Redis 7.4 does); SCRIPT LOAD'ed ones stay. */
const MAX_EVAL_SCRIPTS = 500;

export class Scripting {
  private readonly options: ScriptingOptions;
  private scriptVm: LuaVm | null = null;
  private functionVm: LuaVm | null = null;
  /** sha → script, in least-recently-used order for the EVAL'd ones. */
  private readonly scripts = new Map<string, Script>();
  private readonly evalOrder = new Set<string>();
  readonly libraries = new Map<string, Library>();
  readonly functions = new Map<string, LuaFunction>();

  constructor(options: ScriptingOptions) {
    this.options = options;
  }

  get limits(): LuaLimits {
    return this.options.limits;
  }

  get host(): ScriptHost {
    return this.options.host;
  }

  /** The script for an EVAL body, compiled and cached on first sight. */
  scriptFor(body: string, pinned: boolean): Script | ErrorReply {
    const sha = sha1hex(body);
    const cached = this.scripts.get(sha);
    if (cached !== undefined) {
      if (this.evalOrder.has(sha)) {
        this.evalOrder.delete(sha);
        if (!pinned) this.evalOrder.add(sha);
      }
      return cached;
    }
    const shebang = parseScriptShebang(body);
    if (shebang instanceof ErrorReply) return shebang;
    const ref = this.evalVm().compile(shebang.source, '@user_script');
    if (typeof ref === 'string') return E.scriptCompileError(ref);
    const script: Script = { sha, body, ref, flags: shebang.flags };
    this.scripts.set(sha, script);
    if (!pinned) {
      this.evalOrder.add(sha);
      if (this.evalOrder.size > MAX_EVAL_SCRIPTS) {
        const oldest = this.evalOrder.values().next().value as string;
        this.evalOrder.delete(oldest);
        const gone = this.scripts.get(oldest);
        this.scripts.delete(oldest);
        if (gone !== undefined) this.scriptVm?.release(gone.ref);
      }
    }
    return script;
  }

  /** EVALSHA's lookup: SHA-1 hex in any case. */
  scriptBySha(sha: string): Script | undefined {
    return sha.length === 40 ? this.scripts.get(sha.toLowerCase()) : undefined;
  }

  hasScript(sha: string): boolean {
    return this.scriptBySha(sha) !== undefined;
  }

  runScript(script: Script, keys: Argv, args: Argv, run: ScriptRun): Reply {
    return this.evalVm().runScript(script.ref, keys, args, run);
  }

  /** SCRIPT FLUSH: forget every script and start a fresh state. */
  flushScripts(): void {
    this.scripts.clear();
    this.evalOrder.clear();
    this.scriptVm?.close();
    this.scriptVm = null;
  }

  /** FUNCTION LOAD: compiles and runs the library's code, then installs what it registered. */
  loadLibrary(code: string, replace: boolean): string | ErrorReply {
    const meta = parseLibraryShebang(code);
    if (meta instanceof ErrorReply) return meta;
    const existing = this.libraries.get(meta.name);
    if (existing !== undefined && !replace) return E.libraryExists(meta.name);
    const vm = this.fnVm();
    const ref = vm.compile(meta.source, '@user_function');
    if (typeof ref === 'string') return E.functionCompileError(ref);
    const loaded = vm.loadLibrary(ref, this.loadRun());
    vm.release(ref);
    if (loaded instanceof ErrorReply) return E.functionRegisterError(loaded.message);
    const release = () => {
      for (const f of loaded) vm.release(f.ref);
    };
    if (loaded.length === 0) {
      release();
      return E.NO_FUNCTIONS_REGISTERED;
    }
    for (const f of loaded) {
      const owner = this.functions.get(f.name);
      if (owner !== undefined && owner.library.name !== meta.name) {
        release();
        return E.functionExists(f.name);
      }
    }
    if (existing !== undefined) this.dropLibrary(existing);
    this.install(meta.name, code, loaded);
    return meta.name;
  }

  deleteLibrary(name: string): boolean {
    const lib = this.libraries.get(name);
    if (lib === undefined) return false;
    this.dropLibrary(lib);
    return true;
  }

  /** FUNCTION FLUSH: every library goes, and the state with them. */
  flushFunctions(): void {
    this.libraries.clear();
    this.functions.clear();
    this.functionVm?.close();
    this.functionVm = null;
  }

  /** FUNCTION RESTORE: all or nothing — on an error the libraries are as before. */
  restoreLibraries(codes: string[], policy: 'append' | 'replace' | 'flush'): ErrorReply | null {
    const before = [...this.libraries.values()].map((l) => l.code);
    if (policy === 'flush') this.flushFunctions();
    for (const code of codes) {
      const loaded = this.appendClash(code, policy) ?? this.loadLibrary(code, policy === 'replace');
      if (loaded instanceof ErrorReply) {
        this.flushFunctions();
        for (const c of before) this.loadLibrary(c, false);
        return loaded;
      }
    }
    return null;
  }

  /** RESTORE APPEND onto an existing library: Redis words this refusal unlike FUNCTION LOAD's. */
  private appendClash(code: string, policy: 'append' | 'replace' | 'flush'): ErrorReply | null {
    if (policy !== 'append') return null;
    const meta = parseLibraryShebang(code);
    if (meta instanceof ErrorReply || !this.libraries.has(meta.name)) return null;
    return E.libraryExistsOnRestore(meta.name);
  }

  runFunction(fn: LuaFunction, keys: Argv, args: Argv, run: ScriptRun): Reply {
    return this.fnVm().runFunction(fn.ref, keys, args, run);
  }

  /** Lua memory in bytes across both states (INFO's used_memory_lua / used_memory_vm_functions). */
  usedMemory(): { scripts: number; functions: number } {
    return { scripts: this.scriptVm?.usedMemory ?? 0, functions: this.functionVm?.usedMemory ?? 0 };
  }

  get scriptCount(): number {
    return this.scripts.size;
  }

  close(): void {
    this.flushScripts();
    this.flushFunctions();
  }

  private install(name: string, code: string, loaded: LoadedFunction[]): void {
    const library: Library = { name, code, functions: new Map() };
    for (const f of loaded) {
      const fn: LuaFunction = { name: f.name, library, ref: f.ref, flags: f.flags, description: f.description };
      library.functions.set(f.name, fn);
      this.functions.set(f.name, fn);
    }
    this.libraries.set(name, library);
  }

  private dropLibrary(lib: Library): void {
    for (const f of lib.functions.values()) {
      this.functions.delete(f.name);
      this.functionVm?.release(f.ref);
    }
    this.libraries.delete(lib.name);
  }

  private loadRun(): ScriptRun {
    // Loading a library runs its top level once, under the same time limit as a script.
    return {
      name: '',
      readOnly: true,
      resp: 2,
      repl: 3,
      deadline: this.options.host.elapsed() + this.options.limits.timeLimitMs,
    };
  }

  private evalVm(): LuaVm {
    this.scriptVm ??= new LuaVm(this.options.lua, this.options.host, this.options.limits);
    return this.scriptVm;
  }

  private fnVm(): LuaVm {
    this.functionVm ??= new LuaVm(this.options.lua, this.options.host, this.options.limits);
    return this.functionVm;
  }
}
