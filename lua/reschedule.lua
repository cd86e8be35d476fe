--[[ reschedule: move a pending item (in due: not leased, not in effect, not dead) to a new run time.
  KEYS: the hotconf keys (includes/keys.lua); uses due, items, meta (appliedAt, historyRecords), republish
        (wake), history.
  ARGV[1] id, ARGV[2] 'at' | 'delay', ARGV[3] ms (as in schedule), ARGV[4] wake channel
  A change set with release facts is recorded in history (rescheduled).
  Returns the new "<runAt>|<payload>", or false when the item is not pending.
]]
-- @include "keys"
-- @include "time"
-- @include "wake"
-- @include "fields"
-- @include "release-meta"
-- @include "history"
-- @include "record-change"

local id = ARGV[1]
if not redis.call('ZSCORE', dueKey, id) then
  return false
end
local now = serverNowMs()
local runAt = resolveRunAt(ARGV[2], ARGV[3], now)
local previous = redis.call('HGET', itemsKey, id)
local stored = withRunAt(previous, runAt)
local previousEarliest = earliestRunAt()
redis.call('ZADD', dueKey, runAt, id)
redis.call('HSET', itemsKey, id, stored)
recordChangeEvent('rescheduled', id, stored)
writeHistory(now)
wakeIfEarlier(ARGV[4], previousEarliest)
return stored
