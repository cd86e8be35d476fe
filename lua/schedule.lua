--[[ schedule: store one item under its id and put it in the due set.
  KEYS: the hotconf keys (includes/keys.lua); uses due, items.
  ARGV[1] id
  ARGV[2] payload (opaque string)
  ARGV[3] 'at' | 'delay'
  ARGV[4] epoch ms for 'at', ms from the server's now for 'delay'
  ARGV[5] wake channel: gets the new earliest run time when this item moved it earlier
  Returns { created (1|0), "<runAt>|<payload>" }. An id that exists is returned as stored, unchanged
  (so a retried schedule is safe).
]]
-- @include "keys"
-- @include "time"
-- @include "wake"
-- @include "schedule-item"

local previousEarliest = earliestRunAt()
local created, stored = scheduleItem(ARGV[1], ARGV[2], ARGV[3], ARGV[4], serverNowMs())
if created == 1 then
  wakeIfEarlier(ARGV[5], previousEarliest)
end
return { created, stored }
