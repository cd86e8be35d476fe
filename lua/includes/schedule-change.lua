-- Schedules a change set that a script makes itself (a time-boxed change's revert, a recurring
-- change's next occurrence) as a pending change like any other, and records it as scheduled.
-- `changes` is the encoded change list ("<count>;..."); a fresh seq is drawn here. An id that is already
-- stored changes nothing, so a retried step never doubles a change. Returns the id, or false.
local function scheduleChange(id, runAt, changes, meta)
  if redis.call('HEXISTS', itemsKey, id) == 1 then
    return false
  end
  local seq = redis.call('INCR', seqKey)
  redis.call('ZADD', dueKey, runAt, id)
  redis.call('HSET', itemsKey, id, formatMs(runAt) .. '|' .. seq .. ';' .. changes .. encodeReleaseMeta(meta))
  recordHistory('scheduled', id, seq, formatMs(runAt), meta, 'changes', changes)
  return id
end
