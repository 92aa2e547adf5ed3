/**
 * `cmsgpack` for Redis scripts: lua-cmsgpack 0.4.0 as Redis builds it (on Lua 5.1), rewritten in Lua 5.4.
 * The chunk takes no argument and returns the module.
 *
 * Byte output follows the C encoder: the smallest integer type; a number with an integral value in the
 * int64 range is an integer (3.0 packs as 0x03), other numbers are a float32 when that is exact and a
 * double otherwise; strings use fixstr/str8/str16/str32; a table whose keys are exactly 1..n is an array,
 * any other table a map; tables nested 16 deep, functions and userdata (cjson.null too) pack as nil.
 * Decoding gives integers for integer types (as the double Redis would hold), floats for float types, and
 * fails like the C library, including its "stack overflow" where Lua 5.1's stack allowance would run out,
 * so no input makes it loop or allocate beyond what the input itself holds.
 */
import { LUA_HELPERS } from './lua-helpers.ts';

export const CMSGPACK_LUA: string =
  LUA_HELPERS +
  String.raw`
local MAX_NESTING = 16

-- ===== Encoding =====

local function int_bytes(i)
  if i >= 0 then
    if i <= 127 then return schar(i) end
    if i <= 0xff then return schar(0xcc, i) end
    if i <= 0xffff then return spack('>BI2', 0xcd, i) end
    if i <= 0xffffffff then return spack('>BI4', 0xce, i) end
    return spack('>Bi8', 0xcf, i)
  end
  if i >= -32 then return schar(i & 0xff) end
  if i >= -128 then return spack('>Bi1', 0xd0, i) end
  if i >= -32768 then return spack('>Bi2', 0xd1, i) end
  if i >= -2147483648 then return spack('>Bi4', 0xd2, i) end
  return spack('>Bi8', 0xd3, i)
end

local function number_bytes(v)
  if mtype(v) == 'integer' then return int_bytes(v) end
  if v >= -0x1p63 and v < 0x1p63 and floor(v) == v then return int_bytes(tointeger(v)) end
  if sunpack('>f', spack('>f', v)) == v then return spack('>Bf', 0xca, v) end
  return spack('>Bd', 0xcb, v)
end

local function string_bytes(s)
  local len = #s
  if len < 32 then return schar(0xa0 | len) .. s end
  if len <= 0xff then return schar(0xd9, len) .. s end
  if len <= 0xffff then return spack('>BI2', 0xda, len) .. s end
  return spack('>BI4', 0xdb, len & 0xffffffff) .. s
end

-- The C test: every key a number with an int value > 0, and as many keys as the largest.
local function array_length(t)
  local count, max = 0, 0
  for k in next, t do
    if type(k) ~= 'number' or k <= 0 or k > INT_MAX or floor(k) ~= k then return nil end
    if k > max then max = k end
    count = count + 1
  end
  if max == count then return count end
  return nil
end

local encode_value

local function encode_table(t, level, buf, n)
  local len = array_length(t)
  if len then
    n = n + 1
    if len <= 15 then
      buf[n] = schar(0x90 | len)
    elseif len <= 0xffff then
      buf[n] = spack('>BI2', 0xdc, len)
    else
      buf[n] = spack('>BI4', 0xdd, len)
    end
    for i = 1, len do n = encode_value(t[i], level + 1, buf, n) end
    return n
  end
  local count = 0
  for _ in next, t do count = count + 1 end
  n = n + 1
  if count <= 15 then
    buf[n] = schar(0x80 | count)
  elseif count <= 0xffff then
    buf[n] = spack('>BI2', 0xde, count)
  else
    buf[n] = spack('>BI4', 0xdf, count & 0xffffffff)
  end
  for k, v in next, t do
    n = encode_value(k, level + 1, buf, n)
    n = encode_value(v, level + 1, buf, n)
  end
  return n
end

encode_value = function(v, level, buf, n)
  local t = type(v)
  if t == 'table' then
    -- Deeper tables are nil: that is how the C encoder survives self-referencing tables.
    if level == MAX_NESTING then t = 'nil' else return encode_table(v, level, buf, n) end
  end
  n = n + 1
  if t == 'string' then
    buf[n] = string_bytes(v)
  elseif t == 'number' then
    buf[n] = number_bytes(v)
  elseif t == 'boolean' then
    buf[n] = v and '\195' or '\194'
  else
    buf[n] = '\192'
  end
  return n
end

local function pack(...)
  local narg = select('#', ...)
  if narg == 0 then argerror(0, 'MessagePack pack needs input.') end
  if narg * 2 > MAXCSTACK then argerror(0, 'Too many arguments for MessagePack pack.') end
  local args, buf, n = { ... }, {}, 0
  for i = 1, narg do n = encode_value(args[i], 0, buf, n) end
  return concat(buf, '', 1, n)
end

-- ===== Decoding =====

-- The input, the read position (1-based) and the last byte.
local D, DP, DL

local function need(count)
  if DL - DP + 1 < count then raise('Missing bytes in input.') end
end

local function take_string(header, len)
  need(header + len)
  local s = ssub(D, DP + header, DP + header + len - 1)
  DP = DP + header + len
  return s
end

local decode_value

-- sp, here and below: how many slots the C decoder's stack holds before it pushes the value.
local function decode_array(len, sp)
  if sp + 2 > MAXCSTACK then raise('stack overflow (in function mp_decode_to_lua_array)') end
  local t = {}
  for i = 1, len do t[i] = decode_value(sp + 2) end
  return t
end

local function decode_map(len, sp)
  local t = {}
  for _ = 1, len do
    local k = decode_value(sp + 1)
    -- rawset fails on a nil or NaN key with the very text lua_settable gives.
    rawset(t, k, decode_value(sp + 2))
  end
  return t
end

local FIXED = {
  [0xcc] = { 2, '>B' }, [0xcd] = { 3, '>I2' }, [0xce] = { 5, '>I4' },
  [0xd0] = { 2, '>i1' }, [0xd1] = { 3, '>i2' }, [0xd2] = { 5, '>i4' },
  [0xca] = { 5, '>f' }, [0xcb] = { 9, '>d' },
}

decode_value = function(sp)
  if DP > DL then raise('Missing bytes in input.') end
  if sp + 1 > MAXCSTACK then
    raise('stack overflow (too many return values at once; use unpack_one or unpack_limit instead.)')
  end
  local c = sbyte(D, DP)
  if c < 0x80 then
    DP = DP + 1
    return c
  end
  if c >= 0xe0 then
    DP = DP + 1
    return c - 256
  end
  if c >= 0xa0 and c <= 0xbf then return take_string(1, c & 0x1f) end
  if c < 0xa0 then
    DP = DP + 1
    if c >= 0x90 then return decode_array(c & 0xf, sp) end
    return decode_map(c & 0xf, sp)
  end
  local fixed = FIXED[c]
  if fixed then
    need(fixed[1])
    local v = sunpack(fixed[2], D, DP + 1)
    DP = DP + fixed[1]
    return v
  end
  if c == 0xc0 then
    DP = DP + 1
    return nil
  elseif c == 0xc2 or c == 0xc3 then
    DP = DP + 1
    return c == 0xc3
  elseif c == 0xcf or c == 0xd3 then
    -- uint64 and int64 alike: Lua 5.1 takes the bits as a signed integer, then as a double.
    need(9)
    local v = sunpack('>i8', D, DP + 1)
    DP = DP + 9
    return as51(v)
  elseif c == 0xd9 then
    need(2)
    return take_string(2, sbyte(D, DP + 1))
  elseif c == 0xda then
    need(3)
    return take_string(3, sunpack('>I2', D, DP + 1))
  elseif c == 0xdb then
    need(5)
    return take_string(5, sunpack('>I4', D, DP + 1))
  elseif c == 0xdc or c == 0xde then
    need(3)
    local len = sunpack('>I2', D, DP + 1)
    DP = DP + 3
    if c == 0xdc then return decode_array(len, sp) end
    return decode_map(len, sp)
  elseif c == 0xdd or c == 0xdf then
    need(5)
    local len = sunpack('>I4', D, DP + 1)
    DP = DP + 5
    if c == 0xdd then return decode_array(len, sp) end
    return decode_map(len, sp)
  end
  raise('Bad data format in input.')
end

-- offset is 0-based. Unless everything is decoded (limit and offset both 0), the first result is the
-- offset after the last value, or -1 at the end of the input.
local function unpack_full(s, limit, offset)
  local len = #s
  if offset < 0 or limit < 0 then
    -- The C message prints the input length where it means the limit.
    raise(sfmt('Invalid request to unpack with offset of %d and limit of %d.', toint32(offset), toint32(len)))
  elseif offset > len then
    raise(sfmt('Start offset %d greater than input length %d.', toint32(offset), toint32(len)))
  end
  local all = limit == 0 and offset == 0
  if all then limit = INT_MAX end
  D, DP, DL = s, offset + 1, len
  local out, count = {}, 0
  while DP <= DL and count < limit do
    count = count + 1
    out[count] = decode_value(count)
  end
  D = nil
  if all then return tunpack(out, 1, count) end
  if count + 2 > MAXCSTACK then raise('stack overflow (in function mp_unpack_full)') end
  return DP > DL and -1 or DP - 1, tunpack(out, 1, count)
end

return {
  pack = export('pack', pack),
  unpack = export('unpack', function(...)
    return unpack_full(checkstring((...), 1, select('#', ...)), 0, 0)
  end),
  unpack_one = export('unpack_one', function(...)
    local narg = select('#', ...)
    local s, offset = ...
    offset = optinteger(offset, 2, narg, 0)
    return unpack_full(checkstring(s, 1, narg), 1, offset)
  end),
  unpack_limit = export('unpack_limit', function(...)
    local narg = select('#', ...)
    local s, limit, offset = ...
    limit = checkinteger(limit, 2, narg)
    offset = optinteger(offset, 3, narg, 0)
    return unpack_full(checkstring(s, 1, narg), limit, offset)
  end),
  _NAME = 'cmsgpack',
  _VERSION = 'lua-cmsgpack 0.4.0',
  _COPYRIGHT = 'Copyright (C) 2012, Salvatore Sanfilippo',
  _DESCRIPTION = 'MessagePack C implementation for Lua',
}
`;
