--[[ recurring-add: store a recurring definition and schedule its first occurrence.
  KEYS: the hotconf keys (includes/keys.lua); uses recurring, due, items, seq, history, meta
        (historyRecords).
  ARGV[1] recurring id, ARGV[2] the definition (includes/recurring.lua; times precomputed, current ''),
  ARGV[3] wake channel
  Returns { created (1|0), id of the pending occurrence or '' }. An id that exists is left as it is
  (so a retried call is safe): cancel it first to change it.
]]
-- @include "keys"
-- @include "time"
-- @include "wake"
-- @include "fields"
-- @include "release-meta"
-- @include "history"
-- @include "schedule-change"
-- @include "recurring"
-- @include "layout"

local id = ARGV[1]
local existing = readRecurring(id)
if existing then
  return { 0, existing.current or '' }
end
local definition = readFields(ARGV[2], 1, RECURRING_FIELDS)
local previousEarliest = earliestRunAt()
local now = serverNowMs()
advanceRecurring(id, definition, now)
writeHistory(now)
-- The first write to a fresh prefix marks its layout (src/redis/layout.ts), as schedule does.
redis.call('HSETNX', metaKey, 'layout', layoutVersion)
wakeIfEarlier(ARGV[3], previousEarliest)
return { 1, definition.current or '' }
