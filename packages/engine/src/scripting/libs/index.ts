// Placeholder until the helper libraries land (owned by the Lua-libraries slice, which replaces this file).
export const CJSON_LUA = 'local null = ... return { null = null }';
export const CMSGPACK_LUA = 'return {}';
export const STRUCT_LUA = 'return {}';
export const BIT_LUA = 'return {}';
