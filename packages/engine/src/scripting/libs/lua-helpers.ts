/**
 * Lua 5.4 source shared by the helper libraries (each library's chunk starts with it): the standard
 * functions captured as locals, Lua 5.1's argument conversions, and the error reporting that makes a
 * pure-Lua function fail the way Redis's C libraries do.
 *
 * Errors: library code raises tables marked `Raised` (never position-prefixed strings); the public
 * function catches them and re-raises the final text at the caller's level, as luaL_error does, with
 * luaL_argerror's "bad argument #n to 'name' (...)" built from the name the caller used (debug.getinfo,
 * when the state still had it at load time; otherwise, or when tail-called, the function's usual name).
 * Any other error, such as "table index is nil" from rawset or an out-of-memory, passes through untouched.
 *
 * One difference stays: `return cjson.decode(s)` is a tail call, which in Lua 5.4 replaces the caller's
 * frame when the callee is a Lua function, so the message carries no "user_script:N:" prefix where Redis
 * (whose library functions are C functions, which never replace a frame) has one.
 */
// biome-ignore lint/complexity/noUselessStringRaw: Lua source: raw, so an escape added later stays Lua's.
export const LUA_HELPERS = String.raw`
local type, tostring, tonumber, select, error, pcall, next, rawget, rawset, rawequal, setmetatable, getmetatable =
  type, tostring, tonumber, select, error, pcall, next, rawget, rawset, rawequal, setmetatable, getmetatable
local sbyte, schar, ssub, sfind, sgsub, srep, sfmt, slower, smatch, spack, sunpack =
  string.byte, string.char, string.sub, string.find, string.gsub, string.rep, string.format, string.lower,
  string.match, string.pack, string.unpack
local concat, tpack, tunpack = table.concat, table.pack, table.unpack
local floor, ceil, tointeger, mtype, ult, huge, mininteger =
  math.floor, math.ceil, math.tointeger, math.type, math.ult, math.huge, math.mininteger

-- Lua 5.1's LUAI_MAXCSTACK: the C libraries fail with "stack overflow (...)" where a C function's
-- stack would outgrow it, and these libraries count their would-be stack use to fail at the same point.
local MAXCSTACK = 8000
local INT_MAX = 2147483647

local getinfo
do
  local ok, dbg = pcall(function() return debug end)
  if ok and type(dbg) == 'table' and type(dbg.getinfo) == 'function' then getinfo = dbg.getinfo end
end

local Raised = {}
local function raise(msg) error(setmetatable({ msg }, Raised), 0) end
local function argerror(n, msg) error(setmetatable({ msg, arg = n }, Raised), 0) end

-- Called (never tail-called) by a public function with what its pcall caught.
local function report(e, fname)
  if getmetatable(e) ~= Raised then error(e, 0) end
  local msg, n = e[1], e.arg
  if n then
    local what
    local ar = getinfo and getinfo(2, 'nt')
    if ar then
      if ar.name then
        fname, what = ar.name, ar.namewhat
      elseif not ar.istailcall then
        fname = '?'
      end
    end
    if what == 'method' then
      n = n - 1
      if n == 0 then error(sfmt("calling '%s' on bad self (%s)", fname, msg), 3) end
    end
    msg = sfmt("bad argument #%d to '%s' (%s)", n, fname, msg)
  end
  error(msg, 3)
end

local function export(fname, impl)
  return function(...)
    local r = tpack(pcall(impl, ...))
    if r[1] then return tunpack(r, 2, r.n) end
    report(r[2], fname)
  end
end

local function export1(fname, impl)
  return function(...)
    local ok, r = pcall(impl, ...)
    if ok then return r end
    report(r, fname)
  end
end

local function typename_at(n, narg, v)
  if n > narg then return 'no value' end
  return type(v)
end

-- lua_tonumber of Lua 5.1: numbers, and strings strtod reads whole (inf and nan spellings included).
local function tonumber51(v)
  if type(v) == 'number' then return v end
  if type(v) ~= 'string' then return nil end
  local x = tonumber(v)
  if x ~= nil then return x end
  local sign, word = smatch(v, '^%s*([+-]?)(%a+)%s*$')
  if word then
    word = slower(word)
    if word == 'inf' or word == 'infinity' then return sign == '-' and -huge or huge end
    if word == 'nan' then return 0 / 0 end
  end
  return nil
end

local function checknumber(v, n, narg)
  local x = tonumber51(v)
  if x == nil then argerror(n, sfmt('number expected, got %s', typename_at(n, narg, v))) end
  return x
end

-- (lua_Integer)d on x86-64: truncation, and the "integer indefinite" (the minimum) when out of range.
local function trunc64(x)
  if mtype(x) == 'integer' then return x end
  if x >= 0 then
    if x < 0x1p63 then return floor(x) end
  elseif x >= -0x1p63 then
    return ceil(x)
  end
  return mininteger
end

local function checkinteger(v, n, narg) return trunc64(checknumber(v, n, narg)) end

local function optinteger(v, n, narg, default)
  if v == nil then return default end
  return checkinteger(v, n, narg)
end

-- luaL_checklstring of Lua 5.1: a number stands for its %.14g text.
local function checkstring(v, n, narg)
  local t = type(v)
  if t == 'string' then return v end
  if t == 'number' then return sfmt('%.14g', v) end
  argerror(n, sfmt('string expected, got %s', typename_at(n, narg, v)))
end

-- Redis's Lua numbers are doubles: an integer result takes the value its double has, and stays an
-- integer when that value fits one.
local function as51(i)
  local f = i + 0.0
  return tointeger(f) or f
end

local function toint32(i)
  i = i & 0xffffffff
  if i >= 0x80000000 then return i - 0x100000000 end
  return i
end
`;
