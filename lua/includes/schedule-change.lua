-- Schedules a change set that a script makes itself (a time-boxed change's revert, a recurring
-- change's next occurrence) as a pending change like any other, and records it as scheduled (the
-- calling script writes the record: includes/history.lua writeHistory).
-- `changes` is the encoded change list ("<count>;..."); a fresh seq is drawn here. An id that is already
-- stored changes nothing, so a retried step never doubles a change. Returns the id, or false.
local function scheduleChange(id, runAt, changes, meta)
  if redis.call('HEXISTS', itemsKey, id) == 1 then
    return false
  end
  local seq = redis.call('INCR', seqKey)
  redis.call('ZADD', dueKey, runAt, id)
  local stored = formatMs(runAt) .. '|' .. seq .. ';' .. changes .. encodeReleaseMeta(meta)
  redis.call('HSET', itemsKey, id, stored)
  recordHistory('scheduled', id, stored, meta.historyLimit)
  return id
end
