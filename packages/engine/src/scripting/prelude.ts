/**
 * The Lua side of the sandbox, run once per state right after the standard libraries open. It turns a stock
 * Lua 5.4 into what Redis scripts expect of Redis's Lua 5.1: the 5.1 names (`unpack`, `loadstring`,
 * `math.pow`, `table.getn` …), 5.1 number printing in `tostring` and `string.format`, read-only globals
 * and library tables, no `os`/`io`/`require`/`debug`, and the `redis` table whose C-level functions the
 * bridge passes in. It returns the pieces the bridge keeps in the registry.
 *
 * Chunk arguments: a table of host functions and the libraries' sources (already-loaded chunks).
 * Returns: error handler, script environment, real globals, `set_loading(on)`, the pending-functions
 * reader, and the KEYS/ARGV setter.
 */
export const PRELUDE_LUA = String.raw`
local host, libs = ...
local G = _G
local error, type, tostring, rawget, rawset, setmetatable, getmetatable =
  error, type, tostring, rawget, rawset, setmetatable, getmetatable
local next, select, load, pairs, ipairs, tonumber = next, select, load, pairs, ipairs, tonumber
local sformat, sgmatch, ssub, slower, mtype, mfloor, tconcat =
  string.format, string.gmatch, string.sub, string.lower, math.type, math.floor, table.concat
local dgetinfo = debug.getinfo

-- The helper libraries load first, while debug and the stock string.format are still there: they capture
-- them as locals (for Redis's error wording and for speed).
local lib_cjson, lib_cmsgpack, lib_struct, lib_bit = libs.cjson(host.null), libs.cmsgpack(), libs.struct(), libs.bit()

-- What Redis's scripting environment does not have.
for _, name in ipairs({ 'print', 'dofile', 'loadfile', 'require', 'package', 'io', 'os', 'debug', 'utf8', 'warn' }) do
  G[name] = nil
end

-- Lua 5.1 prints every number with %.14g (it has no integer subtype): 3.0 is "3", 1e15 is "1e+15".
local rawtostring = tostring
local function tostring51(v)
  if mtype(v) then return sformat('%.14g', v) end
  return rawtostring(v)
end
G.tostring = tostring51

-- Lua 5.1's string.format truncates a float for %d/%i/%c/%o/%u/%x/%X instead of refusing it.
local INTEGER_CONVERSIONS = { d = true, i = true, c = true, o = true, u = true, x = true, X = true }
local function format51(fmt, ...)
  local n = select('#', ...)
  if n == 0 then return sformat(fmt) end
  local args = { ... }
  local i = 0
  for spec in sgmatch(fmt, '%%[-+ #0]*%d*%.?%d*(.)') do
    if spec ~= '%' then
      i = i + 1
      local a = args[i]
      if INTEGER_CONVERSIONS[spec] and mtype(a) == 'float' then
        if a ~= a or a == 1/0 or a == -1/0 then a = math.mininteger
        elseif a >= 0 then a = mfloor(a) else a = -mfloor(-a) end
        args[i] = a
      elseif spec == 's' and mtype(a) then
        args[i] = tostring51(a)
      end
    end
  end
  fmt = fmt:gsub('%%([-+ #0]*%d*%.?%d*)u', '%%%1d')
  return sformat(fmt, table.unpack(args, 1, n))
end
string.format = format51

-- Redis 7 raises {err=…} tables, but its global pcall hands a caught table's err text to the script,
-- as Redis 6 did.
local rawpcall = pcall
local function caught(ok, ...)
  if ok then return true, ... end
  local e = ...
  if type(e) == 'table' then
    local m = rawget(e, 'err')
    if type(m) == 'string' or mtype(m) then return false, m end
  end
  return false, ...
end
G.pcall = function(...) return caught(rawpcall(...)) end

-- An error raised by the time-limit hook runs xpcall's message handler with hooks off, where nothing could
-- stop a handler that loops: for that error the script's handler is skipped. (The text is the one the
-- bridge's hook raises.)
local KILLED = 'Script killed after running longer than the script time limit'
local rawxpcall = xpcall
G.xpcall = function(f, handler, ...)
  return rawxpcall(f, function(e)
    if e == KILLED then return e end
    return handler(e)
  end, ...)
end

-- The Lua 5.1 names scripts written for Redis use.
G.unpack = table.unpack
math.pow = function(x, y) return x ^ y end
math.mod = math.fmod
math.log10 = function(x) return math.log(x, 10) end
math.ldexp = function(m, e) return m * 2.0 ^ e end
math.frexp = function(x)
  if x == 0 or x ~= x or x == 1/0 or x == -1/0 then return x, 0 end
  local e = mfloor(math.log(math.abs(x), 2)) + 1
  local m = x / 2.0 ^ e
  if math.abs(m) >= 1 then m, e = m / 2, e + 1 elseif math.abs(m) < 0.5 then m, e = m * 2, e - 1 end
  return m, e
end
math.cosh = function(x) return (math.exp(x) + math.exp(-x)) / 2 end
math.sinh = function(x) return (math.exp(x) - math.exp(-x)) / 2 end
math.tanh = function(x) local a, b = math.exp(x), math.exp(-x) return (a - b) / (a + b) end
table.getn = function(t) return #t end
table.maxn = function(t)
  local max = 0
  for k in next, t do if type(k) == 'number' and k > max then max = k end end
  return max
end
table.foreach = function(t, f)
  for k, v in next, t do local r = f(k, v) if r ~= nil then return r end end
end
table.foreachi = function(t, f)
  for i = 1, #t do local r = f(i, t[i]) if r ~= nil then return r end end
end
G.gcinfo = function() return mfloor(collectgarbage('count')) end

-- Read-only tables: every library a script sees is a proxy whose writes fail, as in Redis 7.
local READONLY = 'Attempt to modify a readonly table'
-- proxy → the table it stands for.
local protected = setmetatable({}, { __mode = 'k' })
local function refuse() error(READONLY, 2) end
local function protect(real)
  local proxy = {}
  setmetatable(proxy, {
    __index = real,
    __newindex = refuse,
    __pairs = function() return next, real, nil end,
    __len = function() return #real end,
    __metatable = false,
  })
  protected[proxy] = real
  return proxy
end
-- Redis's tables are not proxies: rawget on one reads its fields (rawget(_G, name) probes a global).
G.rawget = function(t, k)
  return rawget(protected[t] or t, k)
end
G.rawset = function(t, k, v)
  if protected[t] then error(READONLY, 0) end
  return rawset(t, k, v)
end
G.setmetatable = function(t, mt)
  if protected[t] then error(READONLY, 0) end
  -- A __gc finalizer runs with hooks off, out of the time limit's reach, and Lua 5.1 never finalizes a
  -- table: the metatable is set while the field is absent, so the object is never marked for one.
  local gc = nil
  if type(mt) == 'table' then gc = rawget(mt, '__gc') end
  if gc == nil then return setmetatable(t, mt) end
  rawset(mt, '__gc', nil)
  local ok, r = rawpcall(setmetatable, t, mt)
  rawset(mt, '__gc', gc)
  if not ok then error(r, 2) end
  return r
end

-- The script environment: an empty proxy over the real globals, which refuse unknown names.
local env = {}
-- getmetatable(_G) gives an empty table, as in Redis, but a read-only one.
local envmeta = {
  __index = G, __newindex = refuse, __pairs = function() return next, G, nil end, __metatable = protect({}),
}
setmetatable(env, envmeta)
protected[env] = G
setmetatable(G, {
  __index = function(_, k)
    error("Script attempted to access nonexistent global variable '" .. tostring51(k) .. "'", 2)
  end,
})


local function loadtext(chunk, name, mode, e)
  return load(chunk, name, 't', e == nil and env or e)
end
G.load = loadtext
G.loadstring = function(s, name) return load(s, name, 't', env) end

-- The redis table. call/pcall/sha1hex/log/setresp/set_repl/acl_check_cmd are host (C-level) functions.
local redis = {
  call = host.call,
  pcall = host.pcall,
  sha1hex = host.sha1hex,
  log = host.log,
  setresp = host.setresp,
  set_repl = host.set_repl,
  acl_check_cmd = host.acl_check_cmd,
  LOG_DEBUG = 0, LOG_VERBOSE = 1, LOG_NOTICE = 2, LOG_WARNING = 3,
  REPL_NONE = 0, REPL_AOF = 1, REPL_SLAVE = 2, REPL_REPLICA = 2, REPL_ALL = 3,
  REDIS_VERSION = host.version, REDIS_VERSION_NUM = host.version_num,
}
redis.error_reply = function(msg)
  if type(msg) ~= 'string' then error('wrong number or type of arguments', 2) end
  if ssub(msg, 1, 1) == '-' then msg = ssub(msg, 2) end
  -- As Redis: the first word is the error code, and a message without one gets ERR; CR/LF are trimmed.
  local code, text = msg:match('^([^ ]*) (.*)$')
  if code == nil then code, text = 'ERR', msg end
  return { err = code .. ' ' .. text:gsub('^[\r\n]+', ''):gsub('[\r\n]+$', '') }
end
redis.status_reply = function(msg)
  if type(msg) ~= 'string' then error('wrong number or type of arguments', 2) end
  return { ok = msg }
end
redis.replicate_commands = function() return true end
redis.breakpoint = function() return false end
redis.debug = function() end

-- FUNCTION LOAD: while a library loads, redis is the library API and registrations collect here.
local pending, pending_order
-- In Redis's order: FUNCTION LIST names a function's flags in this order, whatever the registration said.
local FLAG_ORDER = { 'no-writes', 'allow-oom', 'allow-stale', 'no-cluster', 'allow-cross-slot-keys' }
local FLAGS = {}
for i, f in ipairs(FLAG_ORDER) do FLAGS[f] = i end
-- Redis reads names with lua_isstring, which numbers pass (as their text).
local function text(v)
  if type(v) == 'string' then return v end
  if mtype(v) then return tostring51(v) end
  return nil
end
-- Registration errors are raised as Redis raises them from C: an {err=} table, no script position.
local function fail(msg) error({ err = 'ERR ' .. msg }) end
local function register(name, callback, flags, description)
  if not name:match('^[%w_]+$') then
    -- Redis says "Library names" here too.
    fail('Library names can only contain letters, numbers, or underscores(_) and must be at least one character long')
  end
  local set = {}
  if flags ~= nil then
    for _, f in ipairs(flags) do
      local i = FLAGS[slower(text(f) or '')]
      if i == nil then fail('unknown flag given') end
      set[i] = true
    end
  end
  local list = {}
  for i, f in ipairs(FLAG_ORDER) do if set[i] then list[#list + 1] = f end end
  if pending[name] then fail('Function already exists in the library') end
  pending[name] = true
  pending_order[#pending_order + 1] = { name = name, callback = callback, flags = list, description = description }
end
local library_redis = {
  register_function = function(...)
    if pending == nil then fail('redis.register_function can only be called on FUNCTION LOAD command') end
    local n = select('#', ...)
    if n == 1 then
      local t = ...
      if type(t) ~= 'table' then
        fail('calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).')
      end
      -- Checked in the table's order, as Redis does; keys are case-insensitive.
      local name, callback, flags, description
      for k, v in next, t do
        local key = text(k)
        if key == nil then fail('named argument key given to redis.register_function is not a string') end
        key = slower(key)
        if key == 'function_name' then
          name = text(v)
          if name == nil then fail('function_name argument given to redis.register_function must be a string') end
        elseif key == 'description' then
          description = text(v)
          if description == nil then fail('description argument given to redis.register_function must be a string') end
        elseif key == 'callback' then
          if type(v) ~= 'function' then fail('callback argument given to redis.register_function must be a function') end
          callback = v
        elseif key == 'flags' then
          if type(v) ~= 'table' then
            fail('flags argument to redis.register_function must be a table representing function flags')
          end
          flags = v
        else
          fail('unknown argument given to redis.register_function')
        end
      end
      if name == nil then fail('redis.register_function must get a function name argument') end
      if callback == nil then fail('redis.register_function must get a callback argument') end
      return register(name, callback, flags, description)
    elseif n == 2 then
      local name, callback = ...
      name = text(name)
      if name == nil then fail('first argument to redis.register_function must be a string') end
      if type(callback) ~= 'function' then fail('second argument to redis.register_function must be a function') end
      return register(name, callback, nil, nil)
    end
    fail('wrong number of arguments to redis.register_function')
  end,
  log = host.log,
  LOG_DEBUG = 0, LOG_VERBOSE = 1, LOG_NOTICE = 2, LOG_WARNING = 3,
  REDIS_VERSION = host.version, REDIS_VERSION_NUM = host.version_num,
}

G.cjson = protect(lib_cjson)
G.cmsgpack = protect(lib_cmsgpack)
G.struct = protect(lib_struct)
G.bit = protect(lib_bit)

local redis_proxy = protect(redis)
G.redis = redis_proxy
for _, name in ipairs({ 'string', 'table', 'math', 'coroutine' }) do G[name] = protect(G[name]) end
getmetatable('').__metatable = protect({ __index = G.string })
G._G = env
G._VERSION = 'Lua 5.1'

-- While a library loads, Redis exposes nothing but the library API: any other name is an error.
local function missing(_, k)
  error("Script attempted to access nonexistent global variable '" .. tostring51(k) .. "'", 2)
end
setmetatable(library_redis, { __index = missing })
local loading_globals = setmetatable({ redis = protect(library_redis) }, { __index = missing })
local function set_loading(on)
  if on then
    pending, pending_order = {}, {}
    envmeta.__index = loading_globals
  else
    envmeta.__index = G
    local done = pending_order
    pending, pending_order = nil, nil
    return done
  end
end

-- Redis's error handler: every error becomes {err=…} with the script line that raised it.
-- The line reported is the script's own: C functions and our own chunks (named '=…') are skipped.
local function on_error(err)
  local level, i = 2, dgetinfo(2, 'Sl')
  while i and (i.what == 'C' or ssub(i.source, 1, 1) == '=') do
    level = level + 1
    i = dgetinfo(level, 'Sl')
  end
  if type(err) ~= 'table' then err = { err = 'ERR ' .. tostring51(err) } end
  if i and rawget(err, 'source') == nil then
    rawset(err, 'source', i.source)
    rawset(err, 'line', i.currentline)
  end
  return err
end

local function set_args(keys, argv)
  rawset(G, 'KEYS', keys)
  rawset(G, 'ARGV', argv)
end

return on_error, env, set_loading, set_args
`;
