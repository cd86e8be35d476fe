-- Schedules one item under its id in the due set, as lua/schedule.lua and lua/bridge-move.lua do.
-- Returns created (1|0) and the stored "<runAt>|<payload>": an id that exists is returned as stored,
-- unchanged (so a retried schedule is safe). Callers wake sleeping schedulers once, after their items.
local function scheduleItem(id, payload, mode, ms, now)
  local existing = redis.call('HGET', itemsKey, id)
  if existing then
    return 0, existing
  end
  local runAt = resolveRunAt(mode, ms, now)
  local stored = runAt .. '|' .. payload
  redis.call('ZADD', dueKey, runAt, id)
  redis.call('HSET', itemsKey, id, stored)
  return 1, stored
end
