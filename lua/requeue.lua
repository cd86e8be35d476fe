--[[ requeue: give back leased items whose token still matches, due again after ARGV[1] ms.
  Counts a failed attempt; an item that used up ARGV[2] attempts (0 = unlimited) goes to dead.
  KEYS: the hotconf keys (includes/keys.lua); uses due, processing, attempts, dead.
  ARGV[1] delay ms, ARGV[2] max attempts, ARGV[3] wake channel, then id1, token1, id2, token2, ...
  Returns the number of items requeued (dead ones included).
]]
-- @include "keys"
-- @include "time"
-- @include "wake"
-- @include "leases"

local ids, members = heldLeases(4)
if #ids == 0 then
  return 0
end
local now = serverNowMs()
local previousEarliest = earliestRunAt()
returnToDue(ids, members, now + tonumber(ARGV[1]), now, tonumber(ARGV[2]))
wakeIfEarlier(ARGV[3], previousEarliest)
return #ids
