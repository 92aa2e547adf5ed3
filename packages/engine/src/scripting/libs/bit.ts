/**
 * `bit` for Redis scripts: LuaBitOp 1.0.2 as Redis builds it on Lua 5.1, rewritten in Lua 5.4. The chunk
 * returns the module.
 *
 * An argument becomes 32 bits the way LuaBitOp does it on doubles: add 2^52+2^51 and keep the low word of
 * the result, so fractions round to nearest-even and huge values wrap the same way. Results are signed
 * 32-bit integers. Arguments are checked without pcall (these functions are hot), so the errors name the
 * caller's position directly.
 */
import { LUA_HELPERS } from './lua-helpers.ts';

export const BIT_LUA: string =
  LUA_HELPERS +
  // biome-ignore lint/complexity/noUselessStringRaw: Lua source: raw, so an escape added later stays Lua's.
  String.raw`
local MAGIC = 6755399441055744.0

-- Raised from bits(), itself called by a public function: level 3 is that function, 4 its caller.
local function bad_argument(fname, n, narg, v)
  local msg = sfmt('number expected, got %s', typename_at(n, narg, v))
  local ar = getinfo and getinfo(3, 'nt')
  if ar and (ar.name or not ar.istailcall) then fname = ar.name or '?' end
  if ar and ar.namewhat == 'method' then
    n = n - 1
    if n == 0 then error(sfmt("calling '%s' on bad self (%s)", fname, msg), 4) end
  end
  error(sfmt("bad argument #%d to '%s' (%s)", n, fname, msg), 4)
end

local function bits(v, fname, n, narg)
  if type(v) ~= 'number' then
    local x = tonumber51(v)
    if x == nil then bad_argument(fname, n, narg, v) end
    v = x
  end
  if v > -0x8000000000000 and v < 0x8000000000000 then
    if mtype(v) == 'integer' then return v & 0xffffffff end
    local i = floor(v)
    if i == v then return i & 0xffffffff end
  end
  return sunpack('<I4', spack('<d', v + MAGIC))
end

local function signed(b)
  b = b & 0xffffffff
  if b >= 0x80000000 then return b - 0x100000000 end
  return b
end

local function unary(fname, op)
  return function(...)
    return signed(op(bits((...), fname, 1, select('#', ...))))
  end
end

local function fold(fname, op)
  return function(...)
    local narg = select('#', ...)
    local b = bits((...), fname, 1, narg)
    -- Arguments after the first are taken from the last one down, as the C loop does.
    for i = narg, 2, -1 do b = op(b, bits((select(i, ...)), fname, i, narg)) end
    return signed(b)
  end
end

local function shift(fname, op)
  return function(...)
    local narg = select('#', ...)
    local x, n = ...
    local b = bits(x, fname, 1, narg)
    return signed(op(b, bits(n, fname, 2, narg) & 31))
  end
end

return {
  tobit = unary('tobit', function(b) return b end),
  bnot = unary('bnot', function(b) return ~b end),
  bswap = unary('bswap', function(b)
    return (b >> 24) | ((b >> 8) & 0xff00) | ((b & 0xff00) << 8) | ((b & 0xff) << 24)
  end),
  band = fold('band', function(a, b) return a & b end),
  bor = fold('bor', function(a, b) return a | b end),
  bxor = fold('bxor', function(a, b) return a ~ b end),
  lshift = shift('lshift', function(b, n) return b << n end),
  rshift = shift('rshift', function(b, n) return b >> n end),
  -- The sign-extended 64-bit value shifted logically has the arithmetic shift in its low word.
  arshift = shift('arshift', function(b, n) return signed(b) >> n end),
  rol = shift('rol', function(b, n) return (b << n) | (b >> ((32 - n) & 31)) end),
  ror = shift('ror', function(b, n) return (b << ((32 - n) & 31)) | (b >> n) end),
  tohex = function(...)
    local narg = select('#', ...)
    local x, n = ...
    local b = bits(x, 'tohex', 1, narg)
    local digits = 8
    if narg >= 2 then digits = signed(bits(n, 'tohex', 2, narg)) end
    local fmt = '%08x'
    if digits < 0 then
      digits = -digits
      fmt = '%08X'
    end
    if digits > 8 then digits = 8 end
    return ssub(sfmt(fmt, b), 9 - digits)
  end,
}
`;
