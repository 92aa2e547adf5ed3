/**
 * Differential tests of the scripting helper libraries (cjson, cmsgpack, struct, bit): every snippet runs
 * as `EVAL <script> 0` on a real redis-server (Lua 5.1 with the C libraries) and on our Lua 5.4 sources
 * in wasmoon, and the two results must be the same text.
 *
 * Each snippet is the body of a function; a wrapper (valid Lua 5.1 and 5.4) runs it under pcall and turns
 * every returned value into text: strings with non-printable bytes as \ddd, numbers with %.17g (so the
 * integer/float subtypes of 5.4 do not show: the unit tests check those), tables with their entries
 * sorted (so the iteration order, which differs between 5.1 and 5.4, does not show), and an error as its
 * message, position prefix included. Both sides name the chunk `user_script`, as Redis does.
 *
 * What cannot be equal is avoided, each time said where: the key order of an encoded map (decoded again
 * before comparing), NaN's sign, and errors raised from a tail call (our functions are Lua functions: a
 * tail call drops the caller's frame and with it the position prefix; snippets keep such calls out of
 * tail position).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createLibState, type LibState } from '../../packages/engine/src/scripting/libs/test-state.ts';
import { REDIS_MISSING, type RedisServer, startRedisServer } from '../support/redis-server.ts';
import type { RespReply } from '../support/resp-client.ts';

interface Case {
  name: string;
  lua: string;
}

const HELPERS =
  "local function hex(s) return (string.gsub(s, '.', function(c) return string.format('%02x', string.byte(c)) end)) end " +
  'local function unhex(h) return (string.gsub(h, "%x%x", function(x) return string.char(tonumber(x, 16)) end)) end ' +
  'local unpack = table.unpack or unpack ';

const WRAPPER = String.raw`
end
local __ser
__ser = function(v, depth)
  local t = type(v)
  if t == 'string' then
    return '"' .. (string.gsub(v, '.', function(c)
      local b = string.byte(c)
      if b < 32 or b > 126 or b == 92 or b == 34 then return string.format('\\%03d', b) end
    end)) .. '"'
  elseif t == 'number' then
    return string.format('%.17g', v)
  elseif t == 'table' then
    if depth > 30 then return '{...}' end
    local items = {}
    for k, x in pairs(v) do items[#items + 1] = __ser(k, depth + 1) .. '=' .. __ser(x, depth + 1) end
    table.sort(items)
    return '{' .. table.concat(items, ',') .. '}'
  elseif t == 'userdata' and v == cjson.null then
    return 'null'
  elseif t == 'boolean' or t == 'nil' then
    return tostring(v)
  end
  return t
end
local function __pack(...) return { n = select('#', ...), ... } end
local __r = __pack(pcall(__f))
if not __r[1] then return 'error: ' .. tostring(__r[2]) end
local __out = {}
for i = 2, __r.n do __out[#__out + 1] = __ser(__r[i], 0) end
return table.concat(__out, ' | ')
`;

/** The script both sides run: helpers, then the snippet starting on line 1, then the wrapper. */
function script(lua: string): string {
  return `${HELPERS}local __f = function() ${lua}${WRAPPER}`;
}

const c = (name: string, lua: string): Case => ({ name, lua });

// Builds `n` nested arrays (or objects) around 1 in JSON.
const nestedJson = (n: number, open = '[', close = ']') =>
  `string.rep('${open}', ${n}) .. '1' .. string.rep('${close}', ${n})`;

const CJSON: Case[] = [
  c('module fields', `return cjson._NAME, cjson._VERSION, type(cjson.new), type(cjson.null)`),
  c('encode array, nesting, booleans', `return cjson.encode({1, 2, 'a/b', {x = 1}, true, false, {{}}})`),
  c(
    'encode numbers with %.14g',
    `return cjson.encode({3, 0.1, 1e20, -0.0, 2^53, 123456789012345, 1/3, -1.5e-7, 100, 1e15, 12345678901234, 1e-5, 5e-324, 1.7976931348623157e308})`,
  ),
  c(
    'encode escapes every control byte, quote, backslash, slash and DEL, passes high bytes',
    `local t = {} for i = 0, 31 do t[#t + 1] = string.char(i) end
     return cjson.encode(table.concat(t) .. '"\\\\/' .. string.char(127, 128, 200, 255) .. "'x")`,
  ),
  c('encode empty tables as objects', `return cjson.encode({}), cjson.encode({{}, {{}}})`),
  c(
    'encode nil and cjson.null',
    `return cjson.encode(nil), cjson.encode(cjson.null), cjson.encode({1, cjson.null, 3})`,
  ),
  // The key order of a multi-key object follows the table's iteration order (5.1 and 5.4 differ): decode it back.
  c(
    'encode object (compared decoded)',
    `local s = cjson.encode({a = 1, b = {c = 'd', e = {1, 2}}, f = cjson.null, g = false})
     return cjson.decode(s), #s`,
  ),
  c(
    'encode number keys as strings',
    `return cjson.encode({[0] = 'z'}), cjson.encode({[-1] = 1}), cjson.encode({[1.5] = 2})`,
  ),
  c(
    'encode holes as null',
    `return cjson.encode({1, 2, nil, 4}), cjson.encode({[1] = 1, [5] = 5}), cjson.encode({[10] = 1})`,
  ),
  c('encode excessively sparse array fails', `local ok, e = pcall(cjson.encode, {[20] = 1}) return e`),
  c('encode sparse with more items fails', `local ok, e = pcall(cjson.encode, {1, 2, 3, [11] = 11}) return e`),
  c('encode key above INT_MAX', `return cjson.encode({[2^31] = 1})`),
  c(
    'encode_sparse_array converts and sets ratio/safe',
    `local a, b, d = cjson.encode_sparse_array(true)
     local r = cjson.encode({[20] = 1})
     return a, b, d, r, cjson.encode_sparse_array(false, 3, 5)`,
  ),
  c(
    'encode_sparse_array ratio 0 allows any sparseness',
    `cjson.encode_sparse_array(false, 0) return cjson.encode({[12] = 1})`,
  ),
  c(
    'encode table key of a bad type',
    `local ok, e = pcall(cjson.encode, {[true] = 1}) local ok2, e2 = pcall(cjson.encode, {[{}] = 1}) return e, e2`,
  ),
  c(
    'encode values of unsupported types',
    `local ok, e = pcall(cjson.encode, {type}) local ok2, e2 = pcall(cjson.encode, coroutine.create(function() end)) return e, e2`,
  ),
  c(
    'encode NaN and Inf fail by default',
    `local ok, e = pcall(cjson.encode, {1/0}) local ok2, e2 = pcall(cjson.encode, -1/0) local ok3, e3 = pcall(cjson.encode, {[1/0] = 1}) return e, e2, e3`,
  ),
  c(
    'encode_invalid_numbers on and null',
    `local a = cjson.encode_invalid_numbers(true) local r1 = cjson.encode({1/0, -1/0, 0/0})
     local b = cjson.encode_invalid_numbers('null') local r2 = cjson.encode({1/0, -1/0, 0/0})
     local d = cjson.encode_invalid_numbers('off') return a, r1, b, r2, d, cjson.encode_invalid_numbers('on')`,
  ),
  c(
    'encode argument count',
    `local ok, e = pcall(function() local r = cjson.encode() return r end)
     local ok2, e2 = pcall(function() local r = cjson.encode(1, 2) return r end) return e, e2`,
  ),
  c(
    'encode nesting limit 1000',
    `local function nest(n) local t = {} local c = t for i = 2, n do c[1] = {} c = c[1] end return t end
     local s = cjson.encode(nest(1000)) local ok, e = pcall(cjson.encode, nest(1001)) return #s, e`,
  ),
  c(
    'encode_max_depth',
    `local d = cjson.encode_max_depth(3) local ok, e = pcall(cjson.encode, {{{{1}}}}) return d, cjson.encode({{{1}}}), e`,
  ),
  c('encode self-reference', `local t = {} t[1] = t local ok, e = pcall(cjson.encode, t) return e`),
  c(
    'encode deep nesting hits the Lua 5.1 stack before a raised max depth',
    `cjson.encode_max_depth(100000) local t = {} local c = t for i = 1, 9000 do c[1] = {} c = c[1] end
     local ok, e = pcall(cjson.encode, t)
     local o = {} c = o for i = 1, 9000 do c.k = {} c = c.k end local ok2, e2 = pcall(cjson.encode, o) return e, e2`,
  ),
  c(
    'encode_number_precision',
    `local p = cjson.encode_number_precision(3) local r = cjson.encode({math.pi, 1234567, 0.0001234})
     return p, r, cjson.encode_number_precision('5'), cjson.encode(math.pi)`,
  ),
  c(
    'configuration argument errors',
    `local out = {}
     for _, f in ipairs({
       function() local r = cjson.encode_max_depth(0) return r end,
       function() local r = cjson.encode_max_depth('x') return r end,
       function() local r = cjson.encode_max_depth(1, 2) return r end,
       function() local r = cjson.decode_max_depth(-5) return r end,
       function() local r = cjson.encode_keep_buffer('maybe') return r end,
       function() local r = cjson.encode_keep_buffer({}) return r end,
       function() local r = cjson.encode_invalid_numbers('maybe') return r end,
       function() local r = cjson.decode_invalid_numbers(1) return r end,
       function() local r = cjson.encode_sparse_array(true, -1) return r end,
       function() local r = cjson.encode_sparse_array(true, 1, 'x') return r end,
       function() local r = cjson.encode_number_precision(15) return r end,
     }) do local ok, e = pcall(f) out[#out + 1] = e end
     return out`,
  ),
  c(
    'configuration getters and on/off names',
    `return cjson.encode_max_depth(), cjson.decode_max_depth(), cjson.encode_number_precision(),
       cjson.encode_keep_buffer(), cjson.encode_keep_buffer('off'), cjson.encode_keep_buffer('on'),
       cjson.encode_invalid_numbers(), cjson.decode_invalid_numbers(), cjson.encode_sparse_array()`,
  ),
  c(
    'cjson.new has its own settings',
    `local j = cjson.new() j.encode_number_precision(2)
     return j.encode(math.pi), cjson.encode(math.pi), j.null == cjson.null, j._NAME, j._VERSION`,
  ),
  c(
    'decode scalars',
    `return cjson.decode('123'), cjson.decode('-0'), cjson.decode('1.5'), cjson.decode('1e2'), cjson.decode(' "abc" '),
       cjson.decode('true'), cjson.decode('false'), cjson.decode('null'), cjson.decode('\\t[ ]\\r\\n'), cjson.decode('{}')`,
  ),
  c(
    'decode numbers like strtod',
    `return cjson.decode('12345678901234567890'), cjson.decode('9007199254740993'), cjson.decode('-1.25E-3'),
       cjson.decode('1e400'), cjson.decode('-1e400'), cjson.decode('1e-400'), cjson.decode('0x1F'), cjson.decode('+5'),
       cjson.decode('007'), cjson.decode('1.'), cjson.decode('-.5'), cjson.decode('Infinity'), cjson.decode('-inf'),
       cjson.decode('0x1p4'), cjson.decode('0X1.8p1'), cjson.decode('-0x10'), pcall(cjson.decode, '0x')`,
  ),
  // NaN's sign bit is not something to compare: only that it is NaN.
  c('decode nan', `local a, b = cjson.decode('nan'), cjson.decode('NaN(123)') return a ~= a, b ~= b`),
  c(
    'decode objects and arrays',
    `return cjson.decode('{"a":[1,2,{"b":null}],"c":{"d":"e"},"f":[],"g":{}}'), cjson.decode('{"a":1,"a":2}'),
       cjson.decode('[[],[[]],[1,[2,[3]]]]')`,
  ),
  c(
    'decode escapes and unicode',
    `return cjson.decode('"\\\\"\\\\\\\\\\\\/\\\\b\\\\f\\\\n\\\\r\\\\t"'),
       cjson.decode('"\\\\u00e9\\\\u20AC\\\\ud83d\\\\ude00\\\\u0000x\\\\u0041"'), cjson.decode('"\\200\\255\\1"')`,
  ),
  c(
    'decode errors: tokens and structure',
    `local out = {}
     for _, s in ipairs({'', 'x', '[', '[1,]', '[1 2]', '{"a" 1}', '{1:2}', '{"a":1,}', '{"a":1 "b"}', 'nul', 'truex',
       '1 2', '-', '.5', '[1,2', '{', '{"a":', ']', 'fals', '"abc', 'Inf', 'nan1', '[1}'}) do
       local ok, e = pcall(cjson.decode, s) out[#out + 1] = e end
     return out`,
  ),
  c(
    'decode errors: strings',
    `local out = {}
     for _, s in ipairs({'"\\\\x"', '"\\\\ud800"', '"\\\\ud800\\\\u0041"', '"\\\\udc00"', '"\\\\u12"', '"\\\\u12g4"',
       '{"a\\\\q":1}', '"abc\\\\', '["a", "\\\\'}) do
       local ok, e = pcall(cjson.decode, s) out[#out + 1] = e end
     return out`,
  ),
  c(
    'decode stops at NUL and rejects UTF-16/32',
    `local ok, e = pcall(cjson.decode, '\\0[') local ok2, e2 = pcall(cjson.decode, 'a\\0')
     local ok3, e3 = pcall(cjson.decode, '"a\\0b"')
     return e, e2, e3, cjson.decode('[1]\\0garbage'), cjson.decode('77\\0x')`,
  ),
  c(
    'decode_invalid_numbers off',
    `local v = cjson.decode_invalid_numbers(false) local out = {v}
     for _, s in ipairs({'0x10', 'NaN', '-Infinity', '+1', '01', '-01', '1', '-0', '0.5', 'inf'}) do
       local ok, e = pcall(cjson.decode, s) out[#out + 1] = ok and string.format('%.17g', e) or e end
     return out`,
  ),
  c(
    'decode nesting limit 1000',
    `local ok, e = pcall(cjson.decode, ${nestedJson(1001)})
     local ok2, e2 = pcall(cjson.decode, string.rep('{"a":', 1001) .. '1' .. string.rep('}', 1001))
     return type(cjson.decode(${nestedJson(1000)})), e, e2`,
  ),
  c(
    'decode_max_depth',
    `local d = cjson.decode_max_depth(3) local ok, e = pcall(cjson.decode, '[[[[1]]]]')
     local ok2, e2 = pcall(cjson.decode, '  {"a":{"b":{"c":{}}}}') return d, cjson.decode('[[[1]]]'), e, e2`,
  ),
  c(
    'decode deep nesting hits the Lua 5.1 stack before a raised max depth',
    `cjson.decode_max_depth(100000) local ok, e = pcall(cjson.decode, ${nestedJson(8000)})
     local ok2, e2 = pcall(cjson.decode, string.rep('{"a":', 4000) .. '1' .. string.rep('}', 4000)) return e, e2`,
  ),
  c(
    'decode argument checks',
    `local ok, e = pcall(cjson.decode, {}) local ok2, e2 = pcall(cjson.decode) local ok3, e3 = pcall(cjson.decode, '1', 2)
     return e, e2, e3, cjson.decode(123), cjson.decode(1.5)`,
  ),
  c(
    'errors carry the caller position and the name it used',
    `local ok, e = pcall(function() local r = cjson.decode('[') return r end)
     local ok2, e2 = pcall(function() local d = cjson.encode local r = d(1, 2) return r end)
     local ok3, e3 = pcall(function() local r = cjson.encode_max_depth(0) return r end)
     return e, e2, e3`,
  ),
  c(
    'round trip of a document',
    `local doc = '{"users":[{"id":1,"name":"Ann","tags":["a","b"],"score":9.5,"active":true,"ref":null},{"id":2,"name":"\\\\u00c9ric","tags":[],"score":-3}],"total":2}'
     local v = cjson.decode(doc) return v, cjson.decode(cjson.encode(v)), cjson.encode(v.users[1].tags)`,
  ),
];

const CMSGPACK: Case[] = [
  c('module fields', `return cmsgpack._NAME, cmsgpack._VERSION, cmsgpack._COPYRIGHT, cmsgpack._DESCRIPTION`),
  c(
    'pack integers: smallest type',
    `return hex(cmsgpack.pack(0, 1, 127, 128, 255, 256, 65535, 65536, 4294967295, 4294967296, 2^53))`,
  ),
  c(
    'pack negative integers',
    `return hex(cmsgpack.pack(-1, -32, -33, -128, -129, -32768, -32769, -2147483648, -2147483649, -2^53, -2^63))`,
  ),
  c(
    'pack floats: float32 when exact, else double',
    `return hex(cmsgpack.pack(1.5, 0.1, -0.5, 1e300, 1/0, -1/0, 3.4028234663852886e38, 1e-45, -0.0, 3.0, 2^63, 2^64, 0.25))`,
  ),
  c(
    'pack string headers',
    `local out = {}
     for _, n in ipairs({0, 1, 31, 32, 255, 256, 65535, 65536}) do
       local p = cmsgpack.pack(string.rep('x', n)) out[#out + 1] = hex(string.sub(p, 1, 6)) .. ':' .. #p end
     return table.concat(out, ' ')`,
  ),
  c('pack binary string', `return hex(cmsgpack.pack('a\\0b\\200\\255'))`),
  c(
    'pack booleans, nil and unsupported values',
    `return hex(cmsgpack.pack(true, false, nil, type, cjson.null, coroutine.create(function() end)))`,
  ),
  c('pack arrays', `return hex(cmsgpack.pack({}, {1, 2, 3}, {'a', {true}}, {1, 2, nil, 4}))`),
  c(
    'pack array headers',
    `local t15, t16 = {}, {} for i = 1, 15 do t15[i] = i end for i = 1, 16 do t16[i] = 0 end
     local big = {} for i = 1, 65536 do big[i] = 1 end
     return hex(cmsgpack.pack(t15)), hex(cmsgpack.pack(t16)), hex(string.sub(cmsgpack.pack(big), 1, 6))`,
  ),
  c(
    'pack maps (one key, so the order cannot differ)',
    `return hex(cmsgpack.pack({a = 1})), hex(cmsgpack.pack({[2] = 2})), hex(cmsgpack.pack({[0] = 1})),
       hex(cmsgpack.pack({[1.5] = 1})), hex(cmsgpack.pack({[-1] = 1})), hex(cmsgpack.pack({[2^31] = 1}))`,
  ),
  // A map with several keys packs them in iteration order, which differs between 5.1 and 5.4.
  c(
    'pack maps with several keys (compared unpacked)',
    `local m = {a = 1, b = {1, 2}, c = {d = 'e'}, [10] = true} local p = cmsgpack.pack(m)
     local big = {} for i = 1, 16 do big['k' .. i] = i end local pb = cmsgpack.pack(big)
     return cmsgpack.unpack(p), #p, string.byte(p), cmsgpack.unpack(pb), hex(string.sub(pb, 1, 3))`,
  ),
  c(
    'pack nests 16 tables, deeper ones are nil',
    `local t = {} local c = t for i = 1, 20 do c[1] = {} c = c[1] end
     local r = {} r[1] = r return hex(cmsgpack.pack(t)), hex(cmsgpack.pack(r))`,
  ),
  c(
    'pack argument errors',
    `local ok, e = pcall(function() local r = cmsgpack.pack() return r end)
     local t = {} for i = 1, 4001 do t[i] = i end
     local ok2, e2 = pcall(function() local r = cmsgpack.pack(unpack(t)) return r end)
     local t2 = {} for i = 1, 4000 do t2[i] = 1 end
     return e, e2, #cmsgpack.pack(unpack(t2))`,
  ),
  c(
    'unpack every type',
    `return cmsgpack.unpack(unhex('00017fccffcd0100ce00010000cf0000000100000000e0ffd080d1ff7fd2ffffff7fd38000000000000000c0c2c3ca3fc00000cb3fb999999999999a'))`,
  ),
  c('unpack strings', `return cmsgpack.unpack(unhex('a0a3616263d903616263da0003616263db00000003616263a20080'))`),
  c(
    'unpack containers',
    `return cmsgpack.unpack(unhex('93010203')), cmsgpack.unpack(unhex('82a161c3a16292c0c0')), cmsgpack.unpack(unhex('dc0002c2c3')),
       cmsgpack.unpack(unhex('dd00000001a178')), cmsgpack.unpack(unhex('de0001a17890')), cmsgpack.unpack(unhex('df0000000101c0'))`,
  ),
  c(
    'unpack 64-bit integers as Lua 5.1 holds them',
    `return cmsgpack.unpack(unhex('cfffffffffffffffff')), cmsgpack.unpack(unhex('cf8000000000000000')),
       cmsgpack.unpack(unhex('d38000000000000001')), cmsgpack.unpack(unhex('cf0020000000000001')),
       cmsgpack.unpack(unhex('d37fffffffffffffff'))`,
  ),
  c(
    'round trip',
    `local v = {1, -2, 3.25, 'str', {a = {b = {true, false}}, [5] = 'five'}, {}, 2^40, -2^40}
     return cmsgpack.unpack(cmsgpack.pack(v, 'tail', 7))`,
  ),
  c(
    'unpack errors',
    `local out = {}
     for _, h in ipairs({'cd01', 'd90561', 'db000000ff6162', '93010203c1', 'c1', 'c40100', 'd40000', '9301', 'dd', 'a5616263', 'cb3ff0'}) do
       local ok, e = pcall(cmsgpack.unpack, unhex(h)) out[#out + 1] = e end
     return out`,
  ),
  c(
    'unpack map with nil or NaN key',
    `local ok, e = pcall(cmsgpack.unpack, unhex('81c001')) local ok2, e2 = pcall(cmsgpack.unpack, unhex('81cb7ff800000000000101'))
     local ok3, e3 = pcall(function() local r = cmsgpack.unpack(unhex('81c001')) return r end)
     return e, e2, e3`,
  ),
  c(
    'unpack of nothing',
    `return select('#', cmsgpack.unpack('')), cmsgpack.unpack_one(''), cmsgpack.unpack_limit('', 5)`,
  ),
  c(
    'unpack_one and unpack_limit offsets',
    `local s = unhex('010203a3616263')
     return cmsgpack.unpack_one(s), cmsgpack.unpack_one(s, 1), cmsgpack.unpack_one(s, 3), cmsgpack.unpack_one(s, 7),
       cmsgpack.unpack_one(s, 2.7), cmsgpack.unpack_limit(s, 2), cmsgpack.unpack_limit(s, 2, 2), cmsgpack.unpack_limit(s, 0),
       cmsgpack.unpack_limit(s, 0, 1), cmsgpack.unpack_limit(s, 10, 0), cmsgpack.unpack_limit(s, '2')`,
  ),
  c(
    'unpack argument errors',
    `local out = {}
     for _, f in ipairs({
       function() local r = cmsgpack.unpack() return r end,
       function() local r = cmsgpack.unpack({}) return r end,
       function() local r = cmsgpack.unpack_one('a', 'x') return r end,
       function() local r = cmsgpack.unpack_one('a', -1) return r end,
       function() local r = cmsgpack.unpack_one('abc', 5) return r end,
       function() local r = cmsgpack.unpack_limit('a') return r end,
       function() local r = cmsgpack.unpack_limit('a', -2, 0) return r end,
       function() local r = cmsgpack.unpack_limit('abc', 1, 5) return r end,
       function() local r = cmsgpack.unpack_limit(nil, 1) return r end,
     }) do local ok, e = pcall(f) out[#out + 1] = e end
     return out`,
  ),
  c(
    'unpack stops where Lua 5.1 runs out of stack',
    `local n = select('#', cmsgpack.unpack(string.rep('\\1', 7999)))
     local ok, e = pcall(function() local r = cmsgpack.unpack(string.rep('\\1', 8000)) return r end)
     local m = select('#', cmsgpack.unpack_limit(string.rep('\\1', 8000), 7998))
     local ok2, e2 = pcall(function() local r = cmsgpack.unpack_limit(string.rep('\\1', 8000), 7999) return r end)
     return n, e, m, e2`,
  ),
  c(
    'deeply nested input fails, never overflows',
    `local function depth(v) local d = 0 while type(v) == 'table' do d = d + 1 v = v[1] or v.k end return d end
     local a = depth(cmsgpack.unpack(string.rep('\\145', 3999) .. '\\1'))
     local ok, e = pcall(cmsgpack.unpack, string.rep('\\145', 4000) .. '\\1')
     local b = depth(cmsgpack.unpack(string.rep('\\129\\161k', 3999) .. '\\1'))
     local ok2, e2 = pcall(cmsgpack.unpack, string.rep('\\129\\161k', 4000) .. '\\1')
     return a, e, b, e2`,
  ),
  c(
    'huge declared sizes fail without allocating',
    `local out = {}
     for _, h in ipairs({'ddffffffff', 'dfffffffff', 'dbffffffff41', 'dcffff', 'deffff01'}) do
       local ok, e = pcall(cmsgpack.unpack, unhex(h)) out[#out + 1] = e end
     return out`,
  ),
];

const STRUCT: Case[] = [
  c(
    'pack integer options, little endian default',
    `return hex(struct.pack('bBhHlLiIT', -1, 255, -2, 65535, -3, 2^40, -4, 4294967295, 7))`,
  ),
  c('pack big endian and switching', `return hex(struct.pack('>hi<hi>I3', 1, 2, 3, 4, 65536 + 2))`),
  c(
    'pack integer sizes',
    `return hex(struct.pack('i1i2i3i5i7i8', 1, -2, 3, -4, 5, -6)), hex(struct.pack('<i16', -1)), hex(struct.pack('>i16', -2)),
       hex(struct.pack('>I12', 2^40)), hex(struct.pack('i0', 5))`,
  ),
  c(
    'pack converts numbers like C on x86-64',
    `return hex(struct.pack('<I', 2^32 + 5)), hex(struct.pack('<i', -1.7)), hex(struct.pack('<I', 1.9)),
       hex(struct.pack('<L', 2^63)), hex(struct.pack('<L', 2^64)), hex(struct.pack('<l', -2^63)), hex(struct.pack('<l', -2^64)),
       hex(struct.pack('<L', 1e30)), hex(struct.pack('<l', 0/0)), hex(struct.pack('<l', 1/0)), hex(struct.pack('<l', -1/0)),
       hex(struct.pack('b', '12')), hex(struct.pack('<L', 2^63 + 2^11))`,
  ),
  c(
    'pack floats and doubles',
    `return hex(struct.pack('<f>f<d>d', 1.5, -0.1, 1e300, 1/3)), hex(struct.pack('f', 1e300)), hex(struct.pack('d', -0.0))`,
  ),
  c(
    'pack strings',
    `return hex(struct.pack('c5', 'hello world')), hex(struct.pack('c0', 'abc')), hex(struct.pack('s', 'ab')),
       hex(struct.pack('c2s', 12, 3.5)), hex(struct.pack('sc2', 'a\\0b', 'xy'))`,
  ),
  c(
    'pack alignment',
    `return hex(struct.pack('!4bi3d', 1, 2, 3)), hex(struct.pack('!bi3d', 1, 2, 3)), hex(struct.pack('!8bd', 1, 2)),
       hex(struct.pack('!2bhbl', 1, 2, 3, 4)), hex(struct.pack('!bxhc3i', 1, 2, 'abc', 3)), hex(struct.pack('! b h', 1, 2))`,
  ),
  c(
    'pack errors',
    `local out = {}
     for _, f in ipairs({
       function() local r = struct.pack('y', 1) return r end,
       function() local r = struct.pack('!3') return r end,
       function() local r = struct.pack('!0') return r end,
       function() local r = struct.pack('i33', 1) return r end,
       function() local r = struct.pack('i99999999999', 1) return r end,
       function() local r = struct.pack('c99999999999', 'a') return r end,
       function() local r = struct.pack('c3', 'ab') return r end,
       function() local r = struct.pack('bc3', 1, 'ab') return r end,
       function() local r = struct.pack('b') return r end,
       function() local r = struct.pack('bb', 1) return r end,
       function() local r = struct.pack('b', 'x') return r end,
       function() local r = struct.pack('b', {}) return r end,
       function() local r = struct.pack('c', {}) return r end,
       function() local r = struct.pack('s') return r end,
       function() local r = struct.pack() return r end,
       function() local r = struct.pack({}) return r end,
       function() local r = struct.pack('b5', 1) return r end,
     }) do local ok, e = pcall(f) out[#out + 1] = e end
     return out`,
  ),
  c(
    'unpack integer options',
    `return struct.unpack('bBhHlLiIT', struct.pack('bBhHlLiIT', -1, 255, -2, 65535, -3, 2^40, -4, 4294967295, 7))`,
  ),
  c(
    'unpack wide and odd sizes as the C code does',
    `return struct.unpack('<i16', string.rep('\\255', 16)), struct.unpack('>i9', string.rep('\\0', 8) .. '\\128'),
       struct.unpack('>i16', string.rep('\\0', 15) .. '\\128'), struct.unpack('>i12', string.rep('\\0', 11) .. '\\128'),
       struct.unpack('>I9', '\\1' .. string.rep('\\0', 8)), struct.unpack('>I3', '\\255\\255\\255'),
       struct.unpack('>i3', '\\255\\255\\254'), struct.unpack('i0', ''), struct.unpack('<I5', '\\1\\2\\3\\4\\5')`,
  ),
  c(
    'unpack 64-bit extremes',
    `return struct.unpack('>L', string.rep('\\255', 8)), struct.unpack('>l', '\\128' .. string.rep('\\0', 7)),
       struct.unpack('>L', '\\128' .. string.rep('\\0', 6) .. '\\1'), struct.unpack('>l', '\\0\\32' .. string.rep('\\0', 5) .. '\\1')`,
  ),
  c(
    'unpack floats and doubles',
    `return struct.unpack('<f>d', struct.pack('<f>d', 1.5, 1/3)), struct.unpack('d', struct.pack('d', -0.0))`,
  ),
  c(
    'unpack strings',
    `return struct.unpack('bc0', '\\3abcd'), struct.unpack('s', 'ab\\0cd'), struct.unpack('sb', 'ab\\0\\5', 1),
       struct.unpack('c2c0', '02abc'), struct.unpack('c3', 'abcdef', 2)`,
  ),
  c(
    'unpack positions',
    `return struct.unpack('b', 'ab\\0\\5', 4), struct.unpack('x', 'ab', 2), struct.unpack('', 'ab', 9),
       struct.unpack('!4bi', 'a\\0\\0\\0\\1\\0\\0\\0'), struct.unpack('<', 'ab', 3), struct.unpack('b', 'abc', 2.9)`,
  ),
  c(
    'unpack errors',
    `local out = {}
     for _, f in ipairs({
       function() local r = struct.unpack('i', 'ab') return r end,
       function() local r = struct.unpack('i', 'abcd', 0) return r end,
       function() local r = struct.unpack('b', 'ab', -1) return r end,
       function() local r = struct.unpack('b', 'ab', 3) return r end,
       function() local r = struct.unpack('x', 'ab', 3) return r end,
       function() local r = struct.unpack('<', 'ab', 4) return r end,
       function() local r = struct.unpack('c0', 'a') return r end,
       function() local r = struct.unpack('c0', '12') return r end,
       function() local r = struct.unpack('bc0', '\\9ab') return r end,
       function() local r = struct.unpack('c2c0', 'xyz') return r end,
       function() local r = struct.unpack('s', 'a') return r end,
       function() local r = struct.unpack('y', 'a') return r end,
       function() local r = struct.unpack('b') return r end,
       function() local r = struct.unpack('b', 'a', 'x') return r end,
       function() local r = struct.unpack('c2147483647', 'a') return r end,
     }) do local ok, e = pcall(f) out[#out + 1] = e end
     return out`,
  ),
  c(
    'unpack stops where Lua 5.1 runs out of stack',
    `local n = select('#', struct.unpack(string.rep('b', 7997), string.rep('a', 8000)))
     local ok, e = pcall(struct.unpack, string.rep('b', 7998), string.rep('a', 8000))
     local ok2, e2 = pcall(struct.unpack, string.rep('x', 7998) .. 'b', string.rep('a', 8000)) return n, e, e2`,
  ),
  c(
    'size',
    `return struct.size('bhlid'), struct.size('!4bi'), struct.size('!bi3d'), struct.size('c10'), struct.size('y'),
       struct.size('5'), struct.size('i16x'), struct.size('! 8 b d'), struct.size('')`,
  ),
  c(
    'size errors',
    `local out = {}
     for _, f in ipairs({
       function() local r = struct.size('s') return r end,
       function() local r = struct.size('c0') return r end,
       function() local r = struct.size('!3') return r end,
       function() local r = struct.size('$') return r end,
       function() local r = struct.size('i40') return r end,
       function() local r = struct.size() return r end,
     }) do local ok, e = pcall(f) out[#out + 1] = e end
     return out`,
  ),
  c('format stops at NUL', `return hex(struct.pack('b\\0b', 1, 2)), struct.size('i\\0i'), struct.unpack('b\\0y', 'a')`),
  c('round trip', `return struct.unpack('>!4hsLdc3', struct.pack('>!4hsLdc3', -300, 'name', 2^50, 2.5, 'xyz'))`),
];

const BIT: Case[] = [
  c(
    'tobit',
    `return bit.tobit(2^32 + 5), bit.tobit(-1), bit.tobit(1.5), bit.tobit(2.5), bit.tobit(-2.5), bit.tobit(0.5),
       bit.tobit(2^31), bit.tobit(2^52), bit.tobit(2^52 + 3), bit.tobit(2^60 + 2^40 + 7), bit.tobit(-2^60 - 9)`,
  ),
  c(
    'tobit of huge and odd values',
    `return bit.tobit(1e20), bit.tobit(-1e20), bit.tobit(1/0), bit.tobit(-1/0), bit.tobit(0/0), bit.tobit(1e300), bit.tobit(4294967295.75)`,
  ),
  c('tobit of numeric strings', `return bit.tobit('0x10'), bit.tobit(' 12 '), bit.tobit('1e3'), bit.tobit('-7')`),
  c('bnot', `return bit.bnot(0), bit.bnot(-1), bit.bnot(0x12345678), bit.bnot(2^32)`),
  c(
    'band bor bxor',
    `return bit.band(0xff, 0x0f, 0x3), bit.bor(1, 2, 4, 8), bit.bxor(0xff, 0x0f), bit.band(-1, 0x80000000),
       bit.bor(0x80000000), bit.bxor(1, 1, 1), bit.band(7)`,
  ),
  c(
    'shifts',
    `return bit.lshift(1, 31), bit.lshift(1, 32), bit.lshift(1, 33), bit.lshift(0xff, -1), bit.rshift(-1, 28), bit.rshift(-1, 0),
       bit.arshift(-256, 4), bit.arshift(0x7fffffff, 31), bit.arshift(-1, 31), bit.rshift(0x80000000, 31)`,
  ),
  c(
    'rotations',
    `return bit.rol(0x12345678, 4), bit.ror(0x12345678, 4), bit.rol(1, 0), bit.ror(1, 0), bit.rol(0x80000000, 1),
       bit.ror(1, 1), bit.rol(-1, 13), bit.ror(0x12345678, 36)`,
  ),
  c('bswap', `return bit.bswap(0x12345678), bit.bswap(-1), bit.bswap(0xff), bit.bswap(0x80)`),
  c(
    'tohex',
    `return bit.tohex(255), bit.tohex(-1), bit.tohex(-1, -4), bit.tohex(0x1234, 2), bit.tohex(1, 0), bit.tohex(1, 12),
       bit.tohex(0xabcdef, -8), bit.tohex(0x12345678, 3.7), bit.tohex(2^32 + 10)`,
  ),
  c(
    'argument errors',
    `local out = {}
     for _, f in ipairs({
       function() local r = bit.band('a') return r end,
       function() local r = bit.band() return r end,
       function() local r = bit.band(1, 2, 'x') return r end,
       function() local r = bit.band(1, 'y', 'x') return r end,
       function() local r = bit.lshift(1) return r end,
       function() local r = bit.tohex(1, nil) return r end,
       function() local r = bit.tobit(true) return r end,
       function() local r = bit.bnot({}) return r end,
       function() local r = bit.rol(1, 'z') return r end,
       function() local f = bit.bxor local r = f(nil) return r end,
     }) do local ok, e = pcall(f) out[#out + 1] = e end
     return out`,
  ),
  c('errors when called directly by pcall', `local ok, e = pcall(bit.bor, 1, {}) return e`),
  c(
    'method calls count self',
    `local ok, e = pcall(function() local r = bit:band(1) return r end)
     local ok2, e2 = pcall(function() local r = bit:band(1, 'x') return r end)
     local ok3, e3 = pcall(function() local r = struct:pack('y') return r end)
     local ok4, e4 = pcall(function() local r = cjson:encode(1) return r end)
     local ok5, e5 = pcall(function() local r = cmsgpack:unpack_one() return r end)
     return e, e2, e3, e4, e5`,
  ),
  c('zero strings are numbers', `return bit.tobit('0'), bit.band('0', 1), bit.bor('0x0', 3)`),
  c(
    'combined arithmetic',
    `local h = 0 for i = 1, 100 do h = bit.bxor(bit.lshift(h, 5) + bit.rshift(h, 2) + i, h) h = bit.tobit(h * 31 + 7) end return h`,
  ),
  c(
    'extra arguments are ignored',
    `return bit.tobit(1, 'x'), bit.bnot(0, {}), bit.lshift(1, 2, 'x'), bit.bswap(1, nil), bit.tohex(10, 2, 'x')`,
  ),
  c(
    'fractions round to nearest even',
    `return bit.band(2.5, -1), bit.bor(3.5, 0), bit.bxor(-0.5, 0), bit.lshift(1, 1.5), bit.tohex(15.5)`,
  ),
];

interface Family {
  name: string;
  cases: Case[];
}

const FAMILIES: Family[] = [
  { name: 'cjson', cases: CJSON },
  { name: 'cmsgpack', cases: CMSGPACK },
  { name: 'struct', cases: STRUCT },
  { name: 'bit', cases: BIT },
];

function replyText(reply: RespReply): string {
  if (reply.type === 'bulk' || reply.type === 'status') return reply.value;
  return `<${reply.type}> ${JSON.stringify(reply)}`;
}

describe('differential: Lua helper libraries', () => {
  let server: RedisServer | undefined;
  let ours: LibState;
  // Redis's result per case, fetched in one pipeline. SCRIPT FLUSH before each case gives it a fresh Lua
  // state, so settings a case changes (cjson's) do not leak into the next; ours reloads the libraries.
  const expected = new Map<Case, string>();

  before(async () => {
    ours = await createLibState();
    server = await startRedisServer();
    if (server === undefined) return;
    const redis = await server.connect();
    try {
      const all = FAMILIES.flatMap((f) => f.cases);
      const replies = await redis.pipeline(
        all.flatMap((k) => [
          ['SCRIPT', 'FLUSH'],
          ['EVAL', script(k.lua), '0'],
        ]),
      );
      for (const [i, k] of all.entries()) expected.set(k, replyText(replies[2 * i + 1] as RespReply));
    } finally {
      redis.close();
    }
  });
  after(async () => {
    ours?.close();
    await server?.stop();
  });

  for (const family of FAMILIES) {
    describe(family.name, () => {
      for (const k of family.cases) {
        test(k.name, (t) => {
          if (server === undefined) {
            t.skip(REDIS_MISSING);
            return;
          }
          ours.reload();
          let got: string;
          try {
            got = ours.run(script(k.lua));
          } catch (err) {
            got = `<failed> ${(err as Error).message}`;
          }
          assert.equal(got, expected.get(k), `snippet: ${k.lua}`);
        });
      }
    });
  }
});
