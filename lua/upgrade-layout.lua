--[[ upgrade-layout: brings the prefix's keys to the layout this code knows (includes/layout.lua), in
  place and atomically. A prefix with no keys is left unwritten (schedule marks it when it first writes).
  A newer layout is left untouched (the client refuses to run on it).
  Layout 1 (hotconf before layout versions; no meta 'layout') to 2:
    - every live id (pending, leased, dead) is retained while live (its caller may have given it), so
      a repeated id keeps changing nothing once it finishes (includes/retention.lua);
    - meta 'appliedAt' = the greatest effectiveAt in the versions hash (includes/time.lua);
    - dead ids get a reason in dead-reasons ('given up under layout 1').
    Pending items keep their run times; leases stay as they are.
  KEYS: the hotconf keys (includes/keys.lua).
  Returns { layout found (0 when the prefix had no keys), layout now (0 when it still has none) }.
]]
-- @include "keys"
-- @include "time"
-- @include "layout"
-- @include "retention"
-- @include "slices"

local target = layoutVersion
local found = tonumber(redis.call('HGET', metaKey, 'layout'))
if found and found >= target then
  return { found, found }
end

local used = redis.call('EXISTS', dueKey, processingKey, itemsKey, deadKey, claimsKey, configKey,
  versionsKey, revisionKey, seqKey)
if not found and used == 0 then
  return { 0, 0 }
end
if not found then
  found = 1
  local retainArgs = {}
  for _, id in ipairs(redis.call('HKEYS', itemsKey)) do
    retainArgs[#retainArgs + 1] = retainedWhileLive
    retainArgs[#retainArgs + 1] = id
  end
  callInSlices('ZADD', retainedKey, retainArgs, 2000)

  local appliedAt = 0
  for _, version in ipairs(redis.call('HVALS', versionsKey)) do
    appliedAt = math.max(appliedAt, tonumber(string.match(version, '^(%d+):')) or 0)
  end
  if appliedAt > 0 then
    redis.call('HSET', metaKey, 'appliedAt', formatMs(appliedAt))
  end

  local reasonArgs = {}
  for _, id in ipairs(redis.call('ZRANGE', deadKey, 0, -1)) do
    reasonArgs[#reasonArgs + 1] = id
    reasonArgs[#reasonArgs + 1] = 'given up under layout 1 (reason not recorded)'
  end
  callInSlices('HSET', deadReasonsKey, reasonArgs, 2000)
end
redis.call('HSET', metaKey, 'layout', target)
return { found or 0, target }
