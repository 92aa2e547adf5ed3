/**
 * Unit tests of the helper libraries on Lua 5.4 (wasmoon), for what the differential tests against Redis
 * cannot show: integer/float subtypes, the chunk contract (no globals set, works once the globals are
 * gone, the null it is given), binary safety, error positions and names, and that hostile inputs fail fast.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LuaFactory } from 'wasmoon';
import { BIT_LUA, CJSON_LUA, CMSGPACK_LUA, STRUCT_LUA } from './index.ts';
import { createLibState, type LibState } from './test-state.ts';

const HEX =
  "local function hex(s) return (string.gsub(s, '.', function(c) return string.format('%02x', string.byte(c)) end)) end ";

let state: LibState;
before(async () => {
  state = await createLibState();
});
after(() => state.close());

/** Runs a snippet (the body of a chunk that may use hex()) on fresh libraries. */
function lua(body: string): string {
  state.reload();
  return state.run(HEX + body);
}

describe('Lua 5.4 number subtypes', () => {
  test('cjson.decode gives integers for plain integers only', () => {
    assert.equal(
      lua(`local t = {}
        for _, s in ipairs({'1', '-7', '1.0', '1e2', '-0', '9007199254740993', '12345678901234567890', '0x10', '[5]'}) do
          local v = cjson.decode(s) if type(v) == 'table' then v = v[1] end
          t[#t + 1] = math.type(v) .. ':' .. string.format('%.17g', v) end
        return table.concat(t, ' ')`),
      'integer:1 integer:-7 float:1 float:100 float:-0 integer:9007199254740992 float:1.2345678901234567e+19 float:16 integer:5',
    );
  });

  test('cjson.encode prints integers and integral floats alike, with %.14g', () => {
    assert.equal(
      lua(`return cjson.encode({3, 3.0, -0.0, math.maxinteger, 2^53 + 1, 1e14, 99999999999999})`),
      '[3,3,-0,9.2233720368548e+18,9.007199254741e+15,1e+14,99999999999999]',
    );
  });

  test('cmsgpack: integer types decode to integers, float types to floats; integral floats pack as integers', () => {
    assert.equal(
      lua(`local a, b, c, d, e = cmsgpack.unpack('\\1\\204\\200\\202\\64\\64\\0\\0\\203\\63\\248\\0\\0\\0\\0\\0\\0\\207\\0\\0\\0\\0\\0\\0\\0\\9')
        return table.concat({math.type(a), math.type(b), math.type(c), math.type(d), math.type(e), tostring(c), tostring(e)}, ' ')`),
      'integer integer float float integer 3.0 9',
    );
    assert.equal(
      lua(`return hex(cmsgpack.pack(3.0)) .. ' ' .. hex(cmsgpack.pack(-0.0)) .. ' ' .. hex(cmsgpack.pack(2^40))`),
      '03 00 cf0000010000000000',
    );
  });

  test('cmsgpack keeps every bit of a Lua 5.4 integer when packing', () => {
    assert.equal(
      lua(`return hex(cmsgpack.pack(math.maxinteger, math.mininteger + 1))`),
      'cf7fffffffffffffffd38000000000000001',
    );
  });

  test('struct.unpack: integers where they fit, floats for unsigned 64-bit values past them and for f/d', () => {
    assert.equal(
      lua(`local a, b, c, d = struct.unpack('>iLdb', struct.pack('>iLdb', -5, -1, 2, 7))
        return table.concat({math.type(a), math.type(b), math.type(c), math.type(d), string.format('%.17g', b)}, ' ')`),
      'integer float float integer 1.8446744073709552e+19',
    );
    // Redis holds a double: 2^53 + 1 reads back as 2^53.
    assert.equal(lua(`return tostring((struct.unpack('>l', struct.pack('>l', 2^53 + 1))))`), '9007199254740992');
    assert.equal(lua(`return hex(struct.pack('>l', math.maxinteger))`), '7fffffffffffffff');
  });

  test('bit results are integers', () => {
    assert.equal(
      lua(
        `return math.type(bit.band(3.0, 1)) .. math.type(bit.tobit(2^40 + 0.5)) .. math.type(bit.tohex(1) and bit.bnot(0))`,
      ),
      'integerintegerinteger',
    );
  });
});

describe('cjson.null', () => {
  test('is the value the chunk was given, in both directions', () => {
    assert.equal(
      lua(`local v = cjson.decode('[null]')
        return tostring(rawequal(v[1], cjson.null)) .. type(cjson.null) .. cjson.encode({cjson.null, 1})
          .. tostring(cjson.new().null == cjson.null)`),
      'trueuserdata[null,1]true',
    );
  });

  test('a chunk given no null makes its own, distinct from every table', async () => {
    const engine = await new LuaFactory().createEngine();
    try {
      engine.global.set('SRC', CJSON_LUA);
      assert.equal(
        engine.doStringSync(`local cjson = load(SRC)()
          local v = cjson.decode('[null, {}]')
          return tostring(v[1] == cjson.null) .. cjson.encode({cjson.null, {}}) .. tostring(v[2] == cjson.null)`),
        'true[null,{}]false',
      );
    } finally {
      engine.global.close();
    }
  });
});

describe('chunk contract', () => {
  const SOURCES = { cjson: CJSON_LUA, cmsgpack: CMSGPACK_LUA, struct: STRUCT_LUA, bit: BIT_LUA };

  test('loading sets no global and returns the module', async () => {
    const engine = await new LuaFactory().createEngine();
    try {
      for (const [name, source] of Object.entries(SOURCES)) {
        engine.global.set('SRC', source);
        const result = engine.doStringSync(`local seen = {}
          for k in pairs(_G) do seen[k] = true end
          local m = load(SRC, '=lib')()
          for k in pairs(_G) do if not seen[k] then return 'set ' .. tostring(k) end end
          return type(m)`);
        assert.equal(result, 'table', name);
      }
    } finally {
      engine.global.close();
    }
  });

  test('works once the globals and the string metatable are gone', async () => {
    // A state of its own: this one is left without globals.
    const bare = await createLibState();
    let result: string;
    try {
      result = bare.run(`
      local pc, concat, names = pcall, table.concat, {}
      for k in pairs(_G) do if k ~= 'cjson' and k ~= 'cmsgpack' and k ~= 'struct' and k ~= 'bit' and k ~= '_G' then names[#names + 1] = k end end
      local G, smeta = _G, getmetatable('')
      local keep_index = smeta.__index
      for _, k in ipairs(names) do G[k] = nil end
      smeta.__index = nil
      local ok1, e1 = pc(cjson.decode, '[1')
      local ok2, e2 = pc(struct.pack, 'y')
      local ok3, e3 = pc(bit.band, {})
      local ok4, e4 = pc(cmsgpack.unpack, '\\193')
      local out = {
        cjson.encode(cjson.decode('{"a":[1,2.5,"x\\\\/y",true,null]}')),
        cmsgpack.unpack(cmsgpack.pack({1, 'two', {3}}))[2],
        struct.unpack('>h', struct.pack('>h', -2)), struct.size('!4bi'),
        bit.tohex(bit.bor(bit.lshift(1, 4), 1)),
        e1, e2, e3, e4,
      }
      smeta.__index = keep_index
      return concat(out, ' | ')`);
    } finally {
      bare.close();
    }
    assert.equal(
      result,
      '{"a":[1,2.5,"x\\/y",true,null]} | two | -2 | 8 | 00000011 | Expected comma or array end but found T_END at character 3 | ' +
        "bad argument #1 to '?' (invalid format option 'y') | bad argument #1 to '?' (number expected, got table) | " +
        'Bad data format in input.',
    );
  });

  test('without debug.getinfo at load time, errors name the function as it is usually called', async () => {
    const engine = await new LuaFactory().createEngine();
    try {
      engine.global.set('SRC', BIT_LUA);
      engine.global.set('SRC2', STRUCT_LUA);
      assert.equal(
        engine.doStringSync(`local getinfo = debug.getinfo debug = nil
          local bit, struct = load(SRC)(), load(SRC2)()
          local ok, e = pcall(bit.band, 'x') local ok2, e2 = pcall(struct.pack, 'y')
          return e .. ' | ' .. e2`),
        "bad argument #1 to 'band' (number expected, got string) | bad argument #1 to 'pack' (invalid format option 'y')",
      );
    } finally {
      engine.global.close();
    }
  });
});

describe('errors', () => {
  test('carry the caller position and the name the caller used, as luaL_error and luaL_argerror do', () => {
    assert.equal(
      lua(`local out = {}
        local ok, e = pcall(function() local r = cjson.decode('{') return r end) out[1] = e
        ok, e = pcall(function() local p = struct.pack local r = p('q') return r end) out[2] = e
        ok, e = pcall(cmsgpack.unpack_limit, 'a') out[3] = e
        ok, e = pcall(function() local r = bit.rol(1) return r end) out[4] = e
        return table.concat(out, ' | ')`),
      "user_script:2: Expected object key string but found T_END at character 2 | user_script:3: bad argument #1 to 'p' " +
        "(invalid format option 'q') | bad argument #2 to '?' (number expected, got no value) | user_script:5: bad " +
        "argument #2 to 'rol' (number expected, got no value)",
    );
  });

  test('a method call counts self, as luaL_argerror does', () => {
    assert.equal(
      lua(`local ok, e = pcall(function() local r = cjson:encode(1) return r end) return e`),
      "user_script:1: calling 'encode' on bad self (expected 1 argument)",
    );
  });

  test('errors from Lua itself pass through untouched', () => {
    assert.equal(lua(`local ok, e = pcall(cmsgpack.unpack, '\\129\\192\\1') return e`), 'table index is nil');
  });
});

describe('binary safety', () => {
  const ALL_BYTES = 'local t = {} for i = 0, 255 do t[#t + 1] = string.char(i) end local all = table.concat(t) ';

  test('cmsgpack and struct carry every byte value', () => {
    assert.equal(
      lua(`${ALL_BYTES} local back = cmsgpack.unpack(cmsgpack.pack(all))
        local s = struct.unpack('c256', struct.pack('c256', all)) local z = struct.unpack('s', struct.pack('s', 'a\\255b'))
        return tostring(back == all and s == all) .. hex(z)`),
      'true61ff62',
    );
  });

  test('cjson escapes control bytes, keeps the rest, and decodes back to the same bytes', () => {
    assert.equal(
      lua(
        `${ALL_BYTES} local s = cjson.encode(all) return tostring(cjson.decode(s) == all) .. ' ' .. #s .. ' ' .. hex(string.sub(s, 1, 8))`,
      ),
      'true 406 225c75303030305c',
    );
  });
});

describe('hostile inputs fail fast', () => {
  test('huge declared counts and sizes neither allocate nor loop', () => {
    const started = Date.now();
    assert.equal(
      lua(`local out = {}
        local cases = {
          function() return cmsgpack.unpack('\\221\\255\\255\\255\\255') end,
          function() return cmsgpack.unpack('\\223\\255\\255\\255\\255\\1') end,
          function() return cmsgpack.unpack('\\219\\255\\255\\255\\255xyz') end,
          function() return struct.pack('c2147483647', 'a') end,
          function() return struct.unpack('bc0', '\\255') end,
          function() return struct.unpack('ic0', '\\255\\255\\255\\127') end,
          function() return struct.pack('i99999999999999', 1) end,
          function() return struct.unpack(string.rep('x', 100000), 'a') end,
          function() return cjson.decode(string.rep('[', 100000)) end,
          function() local t = {} t[1] = t return cjson.encode(t) end,
        }
        for i, f in ipairs(cases) do local ok, e = pcall(f) out[i] = tostring(ok) .. ':' .. tostring(e) end
        return table.concat(out, '\\n')`),
      [
        'false:Missing bytes in input.',
        'false:Missing bytes in input.',
        'false:Missing bytes in input.',
        // Tail calls, where Redis's C functions still see the caller's name.
        "false:bad argument #3 to 'pack' (string too short)",
        "false:bad argument #2 to 'unpack' (data string too short)",
        "false:bad argument #2 to 'unpack' (data string too short)",
        'false:integral size overflow',
        "false:bad argument #2 to 'unpack' (data string too short)",
        'false:Found too many nested data structures (1001) at character 1001',
        'false:Cannot serialise, excessive nesting (1001)',
      ].join('\n'),
    );
    assert.ok(Date.now() - started < 2000, 'hostile inputs took too long');
  });

  test('a self-referencing table packs 16 levels deep, then nil', () => {
    assert.equal(lua(`local t = {} t[1] = t return hex(cmsgpack.pack(t))`), `${'91'.repeat(16)}c0`);
  });
});
