/**
 * `cjson` for Redis scripts: lua-cjson 2.1.0 as Redis builds it, rewritten in Lua 5.4. The chunk takes
 * the value to use as `cjson.null` (the engine passes a NULL lightuserdata, as Redis's cjson.null is) and
 * returns the module.
 *
 * What is kept from the C library, because scripts can observe it: numbers printed with %.14g (the
 * precision configurable), '/' escaped as "\/", DEL as \u007f; a table with only positive integer keys
 * is an array (holes become null) unless excessively sparse; an empty table is "{}"; the decoder reads
 * what strtod reads (hex, inf, nan, a leading '+', leading zeros are accepted by default) and stops at
 * the first NUL byte; nesting limits and Lua 5.1's stack allowance fail with the C messages and character
 * positions. Decoded numbers written without fraction or exponent are Lua integers when the double
 * Redis would hold fits one.
 */
import { LUA_HELPERS } from './lua-helpers.ts';

export const CJSON_LUA: string =
  LUA_HELPERS +
  String.raw`
local null = ...
if null == nil then null = setmetatable({}, { __tostring = function() return 'cjson.null' end }) end

-- ===== Encoding =====

local escapes = {}
for i = 0, 31 do escapes[schar(i)] = sfmt('\\u%04x', i) end
escapes['\b'], escapes['\t'], escapes['\n'], escapes['\f'], escapes['\r'] = '\\b', '\\t', '\\n', '\\f', '\\r'
escapes['"'], escapes['\\'], escapes['/'], escapes['\127'] = '\\"', '\\\\', '\\/', '\\u007f'

local function quote(s)
  return '"' .. sgsub(s, '[\0-\31"/\\\127]', escapes) .. '"'
end

local function number_text(cfg, v)
  -- Integers of up to 14 digits print the same with %.14g as plainly, and far cheaper.
  if mtype(v) == 'integer' and v > -100000000000000 and v < 100000000000000 and cfg.precision == 14 then
    return '' .. v
  end
  if v ~= v or v == huge or v == -huge then
    local mode = cfg.encode_invalid_numbers
    if mode == 0 then raise('Cannot serialise number: must not be NaN or Inf') end
    if mode == 2 then return 'null' end
    if v ~= v then return 'nan' end
  end
  return sfmt(cfg.number_format, v)
end

local encode_value

-- sp: the C encoder's stack use at this point (the argument, plus a slot per enclosing array and two per
-- enclosing object), checked like its lua_checkstack(l, 3).
local function encode_table(cfg, t, depth, sp, buf, n)
  depth = depth + 1
  if depth > cfg.encode_max_depth or sp + 3 > MAXCSTACK then
    raise(sfmt('Cannot serialise, excessive nesting (%d)', depth))
  end
  local max, items, array = 0, 0, true
  for k in next, t do
    if type(k) == 'number' and k >= 1 and floor(k) == k then
      -- The C code keeps the largest key in an int: larger keys land on INT_MIN.
      if k > max then max = k <= INT_MAX and k or -2147483648 end
      items = items + 1
    else
      array = false
      break
    end
  end
  if array and cfg.sparse_ratio > 0 and max > items * cfg.sparse_ratio and max > cfg.sparse_safe then
    if cfg.sparse_convert == 0 then raise('Cannot serialise table: excessively sparse array') end
    array = false
  end
  if array and max > 0 then
    n = n + 1
    buf[n] = '['
    for i = 1, max do
      if i > 1 then
        n = n + 1
        buf[n] = ','
      end
      n = encode_value(cfg, rawget(t, i), depth, sp + 1, buf, n)
    end
    n = n + 1
    buf[n] = ']'
    return n
  end
  n = n + 1
  buf[n] = '{'
  local first = true
  for k, v in next, t do
    if first then
      first = false
    else
      n = n + 1
      buf[n] = ','
    end
    local kt = type(k)
    n = n + 1
    if kt == 'string' then
      buf[n] = quote(k) .. ':'
    elseif kt == 'number' then
      buf[n] = '"' .. number_text(cfg, k) .. '":'
    else
      raise(sfmt('Cannot serialise %s: table key must be a number or string', kt))
    end
    n = encode_value(cfg, v, depth, sp + 2, buf, n)
  end
  n = n + 1
  buf[n] = '}'
  return n
end

encode_value = function(cfg, v, depth, sp, buf, n)
  local t = type(v)
  if t == 'string' then
    n = n + 1
    buf[n] = quote(v)
  elseif t == 'number' then
    n = n + 1
    buf[n] = number_text(cfg, v)
  elseif t == 'boolean' then
    n = n + 1
    buf[n] = v and 'true' or 'false'
  elseif v == nil or rawequal(v, null) then
    n = n + 1
    buf[n] = 'null'
  elseif t == 'table' then
    n = encode_table(cfg, v, depth, sp, buf, n)
  else
    raise(sfmt('Cannot serialise %s: type not supported', t))
  end
  return n
end

local function encode(cfg, ...)
  if select('#', ...) ~= 1 then argerror(1, 'expected 1 argument') end
  local buf = {}
  local n = encode_value(cfg, (...), 0, 1, buf, 0)
  return concat(buf, '', 1, n)
end

-- ===== Decoding =====

-- strtod(3) at p: the value and the position after it, or nil when no number starts there.
local function strtod(s, p)
  local q = p
  local c = sbyte(s, q)
  local neg = c == 45
  if c == 45 or c == 43 then
    q = q + 1
    c = sbyte(s, q)
  end
  if c == 48 then
    local x = sbyte(s, q + 1)
    if x == 120 or x == 88 then
      local _, e = sfind(s, '^%x*', q + 2)
      local digits = e - q - 1
      if sbyte(s, e + 1) == 46 then
        local _, e2 = sfind(s, '^%x*', e + 2)
        digits = digits + (e2 - e - 1)
        e = e2
      end
      if digits > 0 then
        local _, pe = sfind(s, '^[pP][+-]?%d+', e + 1)
        local v = tonumber('0x' .. ssub(s, q + 2, e) .. 'p' .. (pe and ssub(s, e + 2, pe) or '0'))
        if neg then v = -v end
        return v, (pe or e) + 1
      end
      -- "0x" without hex digits: strtod reads the 0 alone.
    end
  end
  local _, e = sfind(s, '^%d*', q)
  local digits, integral = e - q + 1, true
  if sbyte(s, e + 1) == 46 then
    local _, e2 = sfind(s, '^%d*', e + 2)
    if digits + (e2 - e - 1) > 0 then
      digits = digits + (e2 - e - 1)
      e = e2
      integral = false
    end
  end
  if digits > 0 then
    local _, xe = sfind(s, '^[eE][+-]?%d+', e + 1)
    if xe then
      e = xe
      integral = false
    end
    local text = ssub(s, p, e)
    if not integral then return tonumber(text), e + 1 end
    local v = tonumber(text .. '.0')
    local i = tointeger(v)
    if i and not (i == 0 and neg) then v = i end
    return v, e + 1
  end
  local word = slower(ssub(s, q, q + 7))
  if word == 'infinity' then return neg and -huge or huge, q + 8 end
  word = ssub(word, 1, 3)
  if word == 'inf' then return neg and -huge or huge, q + 3 end
  if word == 'nan' then
    local _, pe = sfind(s, '^%([%w_]*%)', q + 3)
    local v = -(0 / 0)
    if neg then v = -v end
    return v, (pe or q + 2) + 1
  end
  return nil
end

-- What strict JSON forbids but strtod reads: a leading '+', hex, leading zeros, inf and nan.
local function is_invalid_number(s, p)
  local c = sbyte(s, p)
  if c == 43 then return true end
  if c == 45 then
    p = p + 1
    c = sbyte(s, p)
  end
  if c == 48 then
    local c2 = sbyte(s, p + 1) or 0
    return (c2 | 0x20) == 120 or (c2 >= 48 and c2 <= 57)
  elseif (c or 0) <= 57 then
    return false
  end
  local w = slower(ssub(s, p, p + 2))
  return w == 'inf' or w == 'nan'
end

local SIMPLE_ESCAPES = {
  [34] = '"', [92] = '\\', [47] = '/', [98] = '\b', [116] = '\t', [110] = '\n', [102] = '\f', [114] = '\r',
}

local function utf8_bytes(cp)
  if cp < 0x80 then return schar(cp) end
  if cp < 0x800 then return schar(0xC0 | (cp >> 6), 0x80 | (cp & 0x3F)) end
  if cp < 0x10000 then return schar(0xE0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3F), 0x80 | (cp & 0x3F)) end
  return schar(0xF0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3F), 0x80 | ((cp >> 6) & 0x3F), 0x80 | (cp & 0x3F))
end

-- The document being decoded, the read position, and the last token (its start is 1-based, which is the
-- "character" the C messages count).
local S, P
local tok_type, tok_value, tok_at

local function hex4(at)
  if sfind(S, '^%x%x%x%x', at) then return tonumber(ssub(S, at, at + 3), 16) end
  return nil
end

-- A \u escape at e (the backslash): its UTF-8 bytes and length, or nil when invalid.
local function unicode_escape(e)
  local cp = hex4(e + 2)
  if not cp then return nil end
  local len = 6
  if (cp & 0xF800) == 0xD800 then
    if (cp & 0x400) ~= 0 then return nil end
    if sbyte(S, e + 6) ~= 92 or sbyte(S, e + 7) ~= 117 then return nil end
    local low = hex4(e + 8)
    if not low or (low & 0xFC00) ~= 0xDC00 then return nil end
    cp = (((cp & 0x3FF) << 10) | (low & 0x3FF)) + 0x10000
    len = 12
  end
  return utf8_bytes(cp), len
end

local function token_error(what, at)
  tok_type, tok_value, tok_at = 'T_ERROR', what, at
end

local function next_string(p)
  local parts, np = nil, 0
  local i = p + 1
  while true do
    local e = sfind(S, '["\\]', i)
    if not e then return token_error('unexpected end of string', #S + 1) end
    if sbyte(S, e) == 34 then
      local piece = ssub(S, i, e - 1)
      if np > 0 then
        np = np + 1
        parts[np] = piece
        piece = concat(parts, '', 1, np)
      end
      tok_type, tok_value, P = 'T_STRING', piece, e + 1
      return
    end
    parts = parts or {}
    np = np + 1
    parts[np] = ssub(S, i, e - 1)
    local c = sbyte(S, e + 1)
    local simple = c and SIMPLE_ESCAPES[c]
    if simple then
      np = np + 1
      parts[np] = simple
      i = e + 2
    elseif c == 117 then
      local bytes, len = unicode_escape(e)
      if not bytes then return token_error('invalid unicode escape code', e) end
      np = np + 1
      parts[np] = bytes
      i = e + len
    else
      return token_error('invalid escape code', e)
    end
  end
end

local NOT_INTEGER_END = { [46] = true, [69] = true, [101] = true, [88] = true, [120] = true }

local function next_number(p)
  -- Plain integers of up to 15 characters are exact as doubles: no need for strtod's full grammar.
  local _, e = sfind(S, '^-?%d+', p)
  if e and e - p < 15 and not NOT_INTEGER_END[sbyte(S, e + 1)] then
    local v = tonumber(ssub(S, p, e))
    if v == 0 and sbyte(S, p) == 45 then v = -0.0 end
    tok_type, tok_value, P = 'T_NUMBER', v, e + 1
    return
  end
  local v
  v, e = strtod(S, p)
  if v == nil then return token_error('invalid number', p) end
  tok_type, tok_value, P = 'T_NUMBER', v, e
end

local SINGLE = { [123] = 'T_OBJ_BEGIN', [125] = 'T_OBJ_END', [91] = 'T_ARR_BEGIN', [93] = 'T_ARR_END',
  [44] = 'T_COMMA', [58] = 'T_COLON' }

local WHITESPACE = { [32] = true, [9] = true, [10] = true, [13] = true }

local function next_token(cfg)
  local p = P
  if WHITESPACE[sbyte(S, p)] then p = sfind(S, '[^ \t\n\r]', p) or #S + 1 end
  P, tok_at = p, p
  local c = sbyte(S, p)
  if c == nil then
    tok_type = 'T_END'
    return
  end
  local single = SINGLE[c]
  if single then
    tok_type, P = single, p + 1
    return
  end
  if c == 34 then return next_string(p) end
  if c == 45 or (c >= 48 and c <= 57) then
    if cfg.decode_invalid_numbers == 0 and is_invalid_number(S, p) then return token_error('invalid number', p) end
    return next_number(p)
  end
  if c == 116 and ssub(S, p, p + 3) == 'true' then
    tok_type, tok_value, P = 'T_BOOLEAN', true, p + 4
    return
  end
  if c == 102 and ssub(S, p, p + 4) == 'false' then
    tok_type, tok_value, P = 'T_BOOLEAN', false, p + 5
    return
  end
  if c == 110 and ssub(S, p, p + 3) == 'null' then
    tok_type, P = 'T_NULL', p + 4
    return
  end
  if (c == 43 or c == 105 or c == 73 or c == 110 or c == 78) and cfg.decode_invalid_numbers ~= 0
    and is_invalid_number(S, p) then
    return next_number(p)
  end
  token_error('invalid token', p)
end

local function parse_error(expected)
  local found = tok_type == 'T_ERROR' and tok_value or tok_type
  raise(sfmt('Expected %s but found %s at character %d', expected, found, tok_at))
end

-- sp: the C parser's stack use (the argument, a slot per enclosing array, two per enclosing object),
-- checked like its lua_checkstack(l, slots). The position reported is the 0-based offset after the
-- bracket, as the C code prints it.
local function descend(cfg, depth, sp, slots)
  if depth > cfg.decode_max_depth or sp + slots > MAXCSTACK then
    raise(sfmt('Found too many nested data structures (%d) at character %d', depth, P - 1))
  end
end

local parse_value

local function parse_object(cfg, depth, sp)
  depth = depth + 1
  descend(cfg, depth, sp, 3)
  local t = {}
  next_token(cfg)
  if tok_type == 'T_OBJ_END' then return t end
  while true do
    if tok_type ~= 'T_STRING' then parse_error('object key string') end
    local k = tok_value
    next_token(cfg)
    if tok_type ~= 'T_COLON' then parse_error('colon') end
    next_token(cfg)
    rawset(t, k, parse_value(cfg, depth, sp + 2))
    next_token(cfg)
    if tok_type == 'T_OBJ_END' then return t end
    if tok_type ~= 'T_COMMA' then parse_error('comma or object end') end
    next_token(cfg)
  end
end

local function parse_array(cfg, depth, sp)
  depth = depth + 1
  descend(cfg, depth, sp, 2)
  local t = {}
  next_token(cfg)
  if tok_type == 'T_ARR_END' then return t end
  local i = 1
  while true do
    rawset(t, i, parse_value(cfg, depth, sp + 1))
    i = i + 1
    next_token(cfg)
    if tok_type == 'T_ARR_END' then return t end
    if tok_type ~= 'T_COMMA' then parse_error('comma or array end') end
    next_token(cfg)
  end
end

parse_value = function(cfg, depth, sp)
  local tt = tok_type
  if tt == 'T_STRING' or tt == 'T_NUMBER' or tt == 'T_BOOLEAN' then return tok_value end
  if tt == 'T_OBJ_BEGIN' then return parse_object(cfg, depth, sp) end
  if tt == 'T_ARR_BEGIN' then return parse_array(cfg, depth, sp) end
  if tt == 'T_NULL' then return null end
  parse_error('value')
end

local function decode(cfg, ...)
  if select('#', ...) ~= 1 then argerror(1, 'expected 1 argument') end
  local s = checkstring((...), 1, 1)
  if #s >= 2 and (sbyte(s, 1) == 0 or sbyte(s, 2) == 0) then
    raise('JSON parser does not support UTF-16 or UTF-32')
  end
  -- The C parser reads a NUL-terminated buffer: the first NUL ends the document.
  local z = sfind(s, '\0', 1, true)
  if z then s = ssub(s, 1, z - 1) end
  S, P = s, 1
  next_token(cfg)
  local v = parse_value(cfg, 0, 1)
  next_token(cfg)
  if tok_type ~= 'T_END' then parse_error('the end') end
  S, tok_value = nil, nil
  return v
end

-- ===== Configuration =====

local BOOL_OPTIONS = { 'off', 'on' }
local INVALID_NUMBER_OPTIONS = { 'off', 'on', 'null' }

local function check_arg_count(max, ...)
  if select('#', ...) > max then argerror(max + 1, 'found too many arguments') end
end

-- The C code stores the value in an int and names argument 1 whatever the argument was.
local function integer_option(v, idx, current, min, max)
  if v == nil then return current end
  local value = toint32(checkinteger(v, idx, idx))
  if value < min or value > max then argerror(1, sfmt('expected integer between %d and %d', min, max)) end
  return value
end

local function enum_option(v, idx, current, options)
  if v == nil then return current end
  if type(v) == 'boolean' then return v and 1 or 0 end
  local name = checkstring(v, idx, idx)
  for i = 1, #options do
    if options[i] == name then return i - 1 end
  end
  argerror(idx, sfmt("invalid option '%s'", name))
end

local function enum_result(setting, options)
  if setting <= 1 then return setting == 1 end
  return options[setting + 1]
end

local new_module
new_module = function()
  local cfg = {
    sparse_convert = 0, sparse_ratio = 2, sparse_safe = 10,
    encode_max_depth = 1000, decode_max_depth = 1000,
    encode_invalid_numbers = 0, decode_invalid_numbers = 1,
    keep_buffer = 1, number_format = '%.14g', precision = 14,
  }
  return {
    encode = export1('encode', function(...) return encode(cfg, ...) end),
    decode = export1('decode', function(...) return decode(cfg, ...) end),
    encode_sparse_array = export('encode_sparse_array', function(...)
      check_arg_count(3, ...)
      local convert, ratio, safe = ...
      cfg.sparse_convert = enum_option(convert, 1, cfg.sparse_convert, BOOL_OPTIONS)
      cfg.sparse_ratio = integer_option(ratio, 2, cfg.sparse_ratio, 0, INT_MAX)
      cfg.sparse_safe = integer_option(safe, 3, cfg.sparse_safe, 0, INT_MAX)
      return cfg.sparse_convert == 1, cfg.sparse_ratio, cfg.sparse_safe
    end),
    encode_max_depth = export1('encode_max_depth', function(...)
      check_arg_count(1, ...)
      cfg.encode_max_depth = integer_option((...), 1, cfg.encode_max_depth, 1, INT_MAX)
      return cfg.encode_max_depth
    end),
    decode_max_depth = export1('decode_max_depth', function(...)
      check_arg_count(1, ...)
      cfg.decode_max_depth = integer_option((...), 1, cfg.decode_max_depth, 1, INT_MAX)
      return cfg.decode_max_depth
    end),
    encode_number_precision = export1('encode_number_precision', function(...)
      check_arg_count(1, ...)
      cfg.precision = integer_option((...), 1, cfg.precision, 1, 14)
      cfg.number_format = '%.' .. cfg.precision .. 'g'
      return cfg.precision
    end),
    -- The C library's reusable buffer has no Lua-visible effect; only the setting is kept.
    encode_keep_buffer = export1('encode_keep_buffer', function(...)
      check_arg_count(1, ...)
      cfg.keep_buffer = enum_option((...), 1, cfg.keep_buffer, BOOL_OPTIONS)
      return enum_result(cfg.keep_buffer, BOOL_OPTIONS)
    end),
    encode_invalid_numbers = export1('encode_invalid_numbers', function(...)
      check_arg_count(1, ...)
      cfg.encode_invalid_numbers = enum_option((...), 1, cfg.encode_invalid_numbers, INVALID_NUMBER_OPTIONS)
      return enum_result(cfg.encode_invalid_numbers, INVALID_NUMBER_OPTIONS)
    end),
    decode_invalid_numbers = export1('decode_invalid_numbers', function(...)
      check_arg_count(1, ...)
      cfg.decode_invalid_numbers = enum_option((...), 1, cfg.decode_invalid_numbers, BOOL_OPTIONS)
      return enum_result(cfg.decode_invalid_numbers, BOOL_OPTIONS)
    end),
    new = function() return new_module() end,
    null = null,
    _NAME = 'cjson',
    _VERSION = '2.1.0',
  }
end

return new_module()
`;
