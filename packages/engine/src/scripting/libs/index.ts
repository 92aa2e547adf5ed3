/**
 * The helper libraries Redis links into its Lua (cjson, cmsgpack, struct, bit), as Lua 5.4 sources the
 * scripting engine runs once per state. See each module for its chunk's arguments and what it mirrors.
 */
export { BIT_LUA } from './bit.ts';
export { CJSON_LUA } from './cjson.ts';
export { CMSGPACK_LUA } from './cmsgpack.ts';
export { STRUCT_LUA } from './struct.ts';
