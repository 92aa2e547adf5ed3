/**
 * A bare wasmoon Lua 5.4 state with the four helper libraries as globals, for the libraries' own tests
 * (unit and differential) so they need not wait for the scripting engine. cjson gets a NULL
 * lightuserdata as its null, as the engine passes it.
 */
import { LuaFactory } from 'wasmoon';
import { BIT_LUA, CJSON_LUA, CMSGPACK_LUA, STRUCT_LUA } from './index.ts';

const LUA_OK = 0;

const LIBS = [
  ['cjson', CJSON_LUA],
  ['cmsgpack', CMSGPACK_LUA],
  ['struct', STRUCT_LUA],
  ['bit', BIT_LUA],
] as const;

export interface LibState {
  /**
   * Runs a chunk named like a Redis script body (so positions read `user_script:N:`) and returns its first
   * result, which should be a string (or a number). Throws an Error with the Lua message when it fails.
   */
  run(code: string): string;
  /** Loads fresh library instances into the globals: cjson's settings go back to their defaults. */
  reload(): void;
  close(): void;
}

export async function createLibState(): Promise<LibState> {
  const engine = await new LuaFactory().createEngine();
  const g = engine.global;
  const lua = g.lua;
  const L = g.address;
  const call = (nargs: number, nresults: number): void => {
    if (lua.lua_pcallk(L, nargs, nresults, 0, 0, null) !== LUA_OK) {
      const message = lua.lua_tolstring(L, -1, null);
      lua.lua_settop(L, 0);
      throw new Error(message);
    }
  };
  const reload = (): void => {
    for (const [name, source] of LIBS) {
      g.loadString(source, `=${name}`);
      if (name === 'cjson') lua.lua_pushlightuserdata(L, null);
      call(name === 'cjson' ? 1 : 0, 1);
      lua.lua_setglobal(L, name);
    }
  };
  reload();
  return {
    run(code) {
      g.loadString(code, '@user_script');
      call(0, 1);
      const result = lua.lua_tolstring(L, -1, null);
      lua.lua_settop(L, 0);
      return result;
    },
    reload,
    close: () => engine.global.close(),
  };
}
