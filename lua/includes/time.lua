-- Every time decision uses the Redis server clock, never a client's.
-- (1000.0, not 1000: Lua engines with 32-bit integers, like the one ioredis-mock runs, would overflow.)
local function serverNowMs()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000.0 + math.floor(tonumber(t[2]) / 1000)
end

-- Epoch ms as digits: Lua's tostring gives only 14 significant digits ("2.5340230079999e+14").
local function formatMs(ms)
  return string.format('%.0f', ms)
end

-- A stored item "<runAt>|<payload>" with a new run time, its payload untouched.
local function withRunAt(stored, runAt)
  return formatMs(runAt) .. string.sub(stored, (string.find(stored, '|', 1, true)))
end

-- The earliest effective time a new change may get: the server's now, or the greatest effectiveAt the
-- snapshot has applied when that is later (after a failover to a host whose clock is behind), so a
-- change scheduled "now" never gets a version older than one already in effect.
local function earliestAllowedRunAt(now)
  local appliedAt = tonumber(redis.call('HGET', metaKey, 'appliedAt'))
  if appliedAt and appliedAt > now then
    return appliedAt
  end
  return now
end

-- The claim's clock: the server's now, never behind what the snapshot has applied, so after a failover to
-- a host whose clock is behind, a change clamped to earliestAllowedRunAt is still due at once.
local function claimClockMs()
  return earliestAllowedRunAt(serverNowMs())
end

-- ARGV carries either an absolute time ('at', epoch ms) or a delay ('delay', ms from now).
-- A time before earliestAllowedRunAt means that time.
local function resolveRunAt(mode, ms, now)
  local value = tonumber(ms)
  local runAt = value
  if mode ~= 'at' then
    runAt = now + value
  end
  return math.max(runAt, earliestAllowedRunAt(now))
end
