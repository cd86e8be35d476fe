--[[ recurring-cancel: stop a recurring change: drop its definition and cancel its pending occurrence
  (an occurrence already in effect stays; its time-boxed revert, if any, stays pending).
  KEYS: the hotconf keys (includes/keys.lua); uses recurring, due, items, attempts, history, meta
        (historyRecords).
  ARGV[1] recurring id
  Returns 1 when it existed, 0 when not.
]]
-- @include "keys"
-- @include "time"
-- @include "fields"
-- @include "release-meta"
-- @include "history"
-- @include "record-change"
-- @include "schedule-change"
-- @include "recurring"

local id = ARGV[1]
local definition = readRecurring(id)
if not definition then
  return 0
end
redis.call('HDEL', recurringKey, id)
local occurrence = definition.current
if occurrence and redis.call('ZREM', dueKey, occurrence) == 1 then
  recordChangeEvent('cancelled', occurrence, redis.call('HGET', itemsKey, occurrence))
  writeHistory(serverNowMs())
  redis.call('HDEL', itemsKey, occurrence)
  redis.call('HDEL', attemptsKey, occurrence)
end
return 1
