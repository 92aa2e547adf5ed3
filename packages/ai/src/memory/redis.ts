/**
 * The few Redis calls the memory helper makes, typed structurally so that an `@upstash/redis` `Redis`
 * instance (or any client with the same method shapes) can be passed as is.
 */
export interface MemoryRedis {
  eval(script: string, keys: string[], args: (string | number)[]): Promise<unknown>;
  lrange(key: string, start: number, end: number): Promise<unknown[]>;
  del(...keys: string[]): Promise<number>;
}

/**
 * ARGV: direction ('r' = RPUSH oldest-first, 'l' = LPUSH newest-first), cap (0 = none), ttl seconds
 * (0 = leave the TTL alone), then the encoded messages in chronological order. Push, trim and expire run
 * in one script so a crash or a concurrent writer can never observe an untrimmed or TTL-less list.
 * Pushes go in chunks because unpack() of thousands of values overflows the Lua stack.
 */
export const APPEND_SCRIPT = `local dir, max, ttl = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local cmd = dir == 'r' and 'RPUSH' or 'LPUSH'
local n
if #ARGV < 4 then n = redis.call('LLEN', KEYS[1]) end
local i = 4
while i <= #ARGV do
  local j = math.min(i + 499, #ARGV)
  n = redis.call(cmd, KEYS[1], unpack(ARGV, i, j))
  i = j + 1
end
if max > 0 and n > max then
  if dir == 'r' then redis.call('LTRIM', KEYS[1], -max, -1) else redis.call('LTRIM', KEYS[1], 0, max - 1) end
  n = max
end
if ttl > 0 and n > 0 then redis.call('EXPIRE', KEYS[1], ttl) end
return n`;

/**
 * The whole list as one JSON string of raw elements: `@upstash/redis` would JSON-parse LRANGE elements,
 * and compaction must compare the exact stored bytes (Python's json.dumps spacing does not survive a
 * parse/stringify round trip).
 */
export const READ_RAW_SCRIPT = `local items = redis.call('LRANGE', KEYS[1], 0, -1)
if #items == 0 then return '[]' end
return cjson.encode(items)`;

/**
 * Compare-and-replace of the oldest k elements by one summary. ARGV: direction, ttl, summary, then the
 * expected oldest k elements oldest-first. Returns -1 when they changed since they were read (a concurrent
 * append trimmed them), else the new length.
 */
export const COMPACT_SCRIPT = `local dir, ttl, summary = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local k = #ARGV - 3
local cur
if dir == 'r' then cur = redis.call('LRANGE', KEYS[1], 0, k - 1) else cur = redis.call('LRANGE', KEYS[1], -k, -1) end
if #cur ~= k then return -1 end
for i = 1, k do
  local got = cur[i]
  if dir ~= 'r' then got = cur[k + 1 - i] end
  if got ~= ARGV[3 + i] then return -1 end
end
if dir == 'r' then
  redis.call('LTRIM', KEYS[1], k, -1)
  redis.call('LPUSH', KEYS[1], summary)
else
  redis.call('LTRIM', KEYS[1], 0, -k - 1)
  redis.call('RPUSH', KEYS[1], summary)
end
if ttl > 0 then redis.call('EXPIRE', KEYS[1], ttl) end
return redis.call('LLEN', KEYS[1])`;
