-- Schedules one item under its id in the due set: the work of lua/schedule.lua, shared with
-- lua/bridge-move.lua so that a bridged change is scheduled exactly like any other.
-- Uses includes/keys.lua, time.lua, retention.lua and layout.lua.
--   retain: the caller gave the id (retained after it finishes, includes/retention.lua)
--   drawSeq: the payload is a change set: draws its seq (INCR seq) and prepends "<seq>;" (new ids only,
--     so a repeated id draws none)
-- Returns 1, "<runAt>|<payload>" when created; 0, stored when the id exists, live or retained (stored
-- unchanged, so a retried schedule changes nothing); 2, stored, reason when the id is dead.
-- The run time is never before now, nor before the greatest effectiveAt already applied (includes/time.lua).
-- Callers wake sleeping schedulers once, after their items (includes/wake.lua).
local function scheduleItem(id, payload, mode, ms, now, retain, drawSeq)
  local existing = redis.call('HGET', itemsKey, id)
  if existing then
    if redis.call('ZSCORE', deadKey, id) then
      return 2, existing, redis.call('HGET', deadReasonsKey, id) or 'unknown'
    end
    return 0, existing
  end
  local runAt = resolveRunAt(mode, ms, now)
  if drawSeq then
    payload = redis.call('INCR', seqKey) .. ';' .. payload
  end
  local stored = formatMs(runAt) .. '|' .. payload
  redis.call('ZADD', dueKey, runAt, id)
  redis.call('HSET', itemsKey, id, stored)
  if retain then
    retainWhileLive(id)
  end
  -- The first write to a fresh prefix marks its layout (src/redis/layout.ts).
  redis.call('HSETNX', metaKey, 'layout', layoutVersion)
  return 1, stored
end
