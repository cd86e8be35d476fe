-- Sleeping schedulers subscribe to the wake channel; they must hear when the earliest run time moves earlier.
-- The earliest run time of any work: a pending item, or a change set awaiting republish.
local function earliestRunAt()
  local due = tonumber(redis.call('ZRANGE', dueKey, 0, 0, 'WITHSCORES')[2])
  local republish = tonumber(redis.call('ZRANGE', republishKey, 0, 0, 'WITHSCORES')[2])
  if due and republish then
    return math.min(due, republish)
  end
  return due or republish
end

local function wakeIfEarlier(wakeChannel, previousEarliest)
  local earliest = earliestRunAt()
  if earliest and (previousEarliest == nil or earliest < previousEarliest) then
    redis.call('PUBLISH', wakeChannel, formatMs(earliest))
  end
end
