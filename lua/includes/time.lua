-- Every time decision uses the Redis server clock, never a client's.
-- (1000.0, not 1000: Lua engines with 32-bit integers, like the one ioredis-mock runs, would overflow.)
local function serverNowMs()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000.0 + math.floor(tonumber(t[2]) / 1000)
end

-- ARGV carries either an absolute time ('at', epoch ms) or a delay ('delay', ms from now).
-- A time in the past means now.
local function resolveRunAt(mode, ms, now)
  local value = tonumber(ms)
  if mode == 'at' then
    return math.max(value, now)
  end
  return now + value
end
