-- Sleeping schedulers subscribe to the wake channel; they must hear when the earliest run time moves earlier.
local function earliestRunAt()
  local head = redis.call('ZRANGE', dueKey, 0, 0, 'WITHSCORES')
  return tonumber(head[2])
end

local function wakeIfEarlier(wakeChannel, previousEarliest)
  local earliest = earliestRunAt()
  if earliest and (previousEarliest == nil or earliest < previousEarliest) then
    redis.call('PUBLISH', wakeChannel, earliest)
  end
end
