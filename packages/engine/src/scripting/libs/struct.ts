/**
 * `struct` for Redis scripts: Roberto Ierusalimschy's struct library as Redis builds it (64-bit x86: `l`,
 * `L` and `T` are 8 bytes, `i` is 4, native order little-endian, `!` aligns to 8 by default), with the
 * checks Redis added against its overflow CVEs. Rewritten in Lua 5.4; the chunk returns the module.
 *
 * Kept from the C code because results show it: numbers are converted to integers the way gcc does on
 * x86-64 (truncation; out-of-range values give the "integer indefinite"); integers wider than 8 bytes
 * carry only 64 bits and the sign mask of `i9`..`i32` shifts by its width modulo 64; unpacked integers
 * are the doubles Lua 5.1 held (kept as Lua integers when they fit); "too many results" past Lua 5.1's
 * stack allowance.
 */
import { LUA_HELPERS } from './lua-helpers.ts';

export const STRUCT_LUA: string =
  LUA_HELPERS +
  String.raw`
local MAXINTSIZE, MAXALIGN = 32, 8

-- Option letters.
local B_, b_, H_, h_, L_, l_, T_, I_, i_ = 66, 98, 72, 104, 76, 108, 84, 73, 105
local x_, f_, d_, c_, s_ = 120, 102, 100, 99, 115
local INTEGER_OPTIONS = { [B_] = true, [b_] = true, [H_] = true, [h_] = true, [L_] = true, [l_] = true,
  [T_] = true, [I_] = true, [i_] = true }
local FIXED_SIZES = { [B_] = 1, [b_] = 1, [H_] = 2, [h_] = 2, [L_] = 8, [l_] = 8, [T_] = 8, [f_] = 4, [d_] = 8,
  [x_] = 1 }

local function getnum(fmt, i, default)
  local c = sbyte(fmt, i)
  if not c or c < 48 or c > 57 then return default, i end
  local a = 0
  repeat
    local digit = c - 48
    if a > INT_MAX // 10 or a * 10 > INT_MAX - digit then raise('integral size overflow') end
    a = a * 10 + digit
    i = i + 1
    c = sbyte(fmt, i)
  until not c or c < 48 or c > 57
  return a, i
end

local function optsize(opt, fmt, i)
  local fixed = FIXED_SIZES[opt]
  if fixed then return fixed, i end
  if opt == c_ then return getnum(fmt, i, 1) end
  if opt == i_ or opt == I_ then
    local size
    size, i = getnum(fmt, i, 4)
    if size > MAXINTSIZE then raise(sfmt('integral size %d is larger than limit of %d', size, MAXINTSIZE)) end
    return size, i
  end
  return 0, i
end

-- Padding before an item of this size at offset len (an unsigned offset: negative stands for huge).
local function gettoalign(len, align, opt, size)
  if size == 0 or opt == c_ then return 0 end
  if size > align then size = align end
  return (size - (len & (size - 1))) & (size - 1)
end

-- Endianness and alignment: returns little, align and the next format index.
local function controloption(opt, fmt, i, little, align)
  if opt == 32 then return little, align, i end
  if opt == 62 then return false, align, i end
  if opt == 60 then return true, align, i end
  if opt == 33 then
    local a
    a, i = getnum(fmt, i, MAXALIGN)
    if not (a > 0 and (a & (a - 1)) == 0) then raise(sfmt('alignment %d is not a power of 2', a)) end
    return little, a, i
  end
  argerror(1, sfmt("invalid format option '%s'", schar(opt)))
end

-- (unsigned long)d as gcc computes it on x86-64, through (long)d for negative d as the C code asks.
local function to_u64(d)
  if mtype(d) == 'integer' then return d end
  if d < 0 then
    if d >= -0x1p63 then return ceil(d) end
    return mininteger
  end
  if d ~= d then return mininteger end
  if d < 0x1p63 then return floor(d) end
  d = d - 0x1p63
  if d < 0x1p63 then return floor(d) ~ mininteger end
  return 0
end

local function int_bytes(v, little, size)
  if size == 0 then return '' end
  if little then
    local s = spack('<i8', v)
    if size <= 8 then return ssub(s, 1, size) end
    return s .. srep('\0', size - 8)
  end
  local s = spack('>i8', v)
  if size <= 8 then return ssub(s, 9 - size) end
  return srep('\0', size - 8) .. s
end

local function u64_to_float(u)
  if u >= 0 then return u + 0.0 end
  -- Halve with the low bit kept sticky so the conversion rounds once, as the C conversion does.
  return ((u >> 1) | (u & 1)) * 2.0
end

local function getinteger(data, p, little, signed, size)
  local l = 0
  if little then
    for k = p + size - 1, p, -1 do l = (l << 8) | sbyte(data, k) end
  else
    for k = p, p + size - 1 do l = (l << 8) | sbyte(data, k) end
  end
  if not signed then
    if l >= 0 then return as51(l) end
    return u64_to_float(l)
  end
  local mask = -1 << ((size * 8 - 1) & 63)
  if (l & mask) ~= 0 then l = l | mask end
  return as51(l)
end

-- The format up to its first NUL, as the C code reads it.
local function format_of(v, narg)
  local fmt = checkstring(v, 1, narg)
  local z = sfind(fmt, '\0', 1, true)
  if z then fmt = ssub(fmt, 1, z - 1) end
  return fmt
end

-- pack and unpack read a format once into steps { opt, size, little, align } and keep them. A format that
-- fails ends with a step carrying the error, raised when the walk gets there (so after the argument
-- errors of the steps before it, as in C); late errors come after unpack's per-item checks.
local compiled, ncompiled = {}, 0

local function compile(fmt)
  local steps = compiled[fmt]
  if steps then return steps end
  steps = {}
  local n, little, align = 0, true, 1
  local i, flen = 1, #fmt
  while i <= flen do
    local opt = sbyte(fmt, i)
    local ok, size, j = pcall(optsize, opt, fmt, i + 1)
    n = n + 1
    if not ok then
      steps[n] = { opt, 0, little, align, err = size }
      break
    end
    i = j
    steps[n] = { opt, size, little, align }
    if not (INTEGER_OPTIONS[opt] or FIXED_SIZES[opt] or opt == c_ or opt == s_) then
      local ok2, l, a, k = pcall(controloption, opt, fmt, i, little, align)
      if not ok2 then
        steps[n].err, steps[n].late = l, true
        break
      end
      little, align, i = l, a, k
    end
  end
  steps.n = n
  -- Scripts may build formats on the fly: keep the cache bounded.
  if ncompiled >= 512 then
    compiled, ncompiled = {}, 0
  end
  compiled[fmt] = steps
  ncompiled = ncompiled + 1
  return steps
end

-- A number argument that is not already a number: a numeric string, or the error (the C code pushes a
-- nil after the arguments, so the first missing one reads as nil).
local function number_arg(args, n)
  local x = tonumber51(args[n])
  if x == nil then
    local what = n == args.n + 1 and 'nil' or typename_at(n, args.n, args[n])
    argerror(n, sfmt('number expected, got %s', what))
  end
  return x
end

local function string_arg(args, n)
  local v = args[n]
  if type(v) == 'string' then return v end
  if type(v) == 'number' then return sfmt('%.14g', v) end
  local what = n == args.n + 1 and 'nil' or typename_at(n, args.n, v)
  argerror(n, sfmt('string expected, got %s', what))
end

local INT_FORMATS = { [true] = {}, [false] = {} }
for size = 1, 7 do
  INT_FORMATS[true][size] = '<I' .. size
  INT_FORMATS[false][size] = '>I' .. size
end

local function pack(...)
  local args = tpack(...)
  local fmt = args[1]
  local steps = type(fmt) == 'string' and compiled[fmt] or compile(format_of(fmt, args.n))
  local out, no, total, arg = {}, 0, 0, 2
  for k = 1, steps.n do
    local st = steps[k]
    if st.err and not st.late then error(st.err, 0) end
    local opt, size, little = st[1], st[2], st[3]
    if size ~= 0 and opt ~= c_ then
      local a = st[4]
      if size < a then a = size end
      local pad = (a - (total & (a - 1))) & (a - 1)
      if pad > 0 then
        total = total + pad
        no = no + 1
        out[no] = srep('\0', pad)
      end
    end
    if INTEGER_OPTIONS[opt] then
      local v = args[arg]
      if mtype(v) ~= 'integer' then
        if type(v) ~= 'number' then v = number_arg(args, arg) end
        v = to_u64(v)
      end
      arg = arg + 1
      no = no + 1
      if size < 8 and size > 0 then
        out[no] = spack(INT_FORMATS[little][size], v & ((1 << (size * 8)) - 1))
      else
        out[no] = int_bytes(v, little, size)
      end
    elseif opt == x_ then
      no = no + 1
      out[no] = '\0'
    elseif opt == f_ or opt == d_ then
      local v = args[arg]
      if type(v) ~= 'number' then v = number_arg(args, arg) end
      arg = arg + 1
      no = no + 1
      out[no] = spack((little and '<' or '>') .. (opt == f_ and 'f' or 'd'), v)
    elseif opt == c_ or opt == s_ then
      local s = string_arg(args, arg)
      arg = arg + 1
      local len = #s
      if size == 0 then size = len end
      -- The C check names the argument after the string.
      if len < size then argerror(arg, 'string too short') end
      no = no + 1
      out[no] = size == len and s or ssub(s, 1, size)
      if opt == s_ then
        no = no + 1
        out[no] = '\0'
        size = size + 1
      end
    elseif st.err then
      error(st.err, 0)
    end
    total = total + size
  end
  return concat(out, '', 1, no)
end

local function unpack(...)
  local narg = select('#', ...)
  local fmt_arg, data, pos = ...
  local steps = type(fmt_arg) == 'string' and compiled[fmt_arg] or compile(format_of(fmt_arg, narg))
  data = checkstring(data, 2, narg)
  pos = optinteger(pos, 3, narg, 1)
  -- pos is a size_t in C: a negative one passes this check and fails as huge below.
  if pos == 0 then argerror(3, 'offset must be 1 or greater') end
  pos = pos - 1
  local ld = #data
  local res, nres = {}, 0
  for k = 1, steps.n do
    local st = steps[k]
    if st.err and not st.late then error(st.err, 0) end
    local opt, size, little = st[1], st[2], st[3]
    if size ~= 0 and opt ~= c_ then
      local a = st[4]
      if size < a then a = size end
      pos = pos + ((a - (pos & (a - 1))) & (a - 1))
    end
    if ult(ld, size) or ult(ld - size, pos) then argerror(2, 'data string too short') end
    if nres + 4 > MAXCSTACK then raise('stack overflow (too many results)') end
    if INTEGER_OPTIONS[opt] then
      nres = nres + 1
      res[nres] = getinteger(data, pos + 1, little, opt >= 97, size)
    elseif opt == f_ or opt == d_ then
      nres = nres + 1
      res[nres] = sunpack((little and '<' or '>') .. (opt == f_ and 'f' or 'd'), data, pos + 1)
    elseif opt == c_ then
      if size == 0 then
        local prev = nres > 0 and tonumber51(res[nres])
        if not prev then raise("format 'c0' needs a previous size") end
        size = to_u64(prev)
        nres = nres - 1
        if ult(ld, size) or ult(ld - size, pos) then argerror(2, 'data string too short') end
      end
      nres = nres + 1
      res[nres] = ssub(data, pos + 1, pos + size)
    elseif opt == s_ then
      local e = sfind(data, '\0', pos + 1, true)
      if not e then raise('unfinished string in data') end
      size = e - pos
      nres = nres + 1
      res[nres] = ssub(data, pos + 1, e - 1)
    elseif st.err then
      error(st.err, 0)
    end
    pos = pos + size
  end
  res[nres + 1] = pos + 1
  return tunpack(res, 1, nres + 1)
end

local function is_alnum(c)
  return (c >= 48 and c <= 57) or (c >= 65 and c <= 90) or (c >= 97 and c <= 122)
end

local function size(...)
  local fmt = format_of((...), select('#', ...))
  local little, align = true, 1
  local pos = 0
  local i, flen = 1, #fmt
  while i <= flen do
    local opt = sbyte(fmt, i)
    local n
    n, i = optsize(opt, fmt, i + 1)
    pos = pos + gettoalign(pos, align, opt, n)
    if opt == s_ then
      argerror(1, "option 's' has no fixed size")
    elseif opt == c_ and n == 0 then
      argerror(1, "option 'c0' has no fixed size")
    end
    -- Unknown letters and digits are skipped here, unlike in pack and unpack.
    if not is_alnum(opt) then little, align, i = controloption(opt, fmt, i, little, align) end
    pos = pos + n
  end
  return pos
end

return {
  pack = export1('pack', pack),
  unpack = export('unpack', unpack),
  size = export1('size', size),
}
`;
