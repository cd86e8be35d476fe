--[[ requeue: give back leased items whose token still matches, to run again after ARGV[1] ms: into due
  for a plain queue, into republish for the scheduler (ARGV[4] 'republish': the change sets are in
  effect already; only their publish is retried, keeping their run time and seq).
  Counts a failed attempt; an item that used up ARGV[2] attempts (0 = unlimited) goes to dead.
  KEYS: the hotconf keys (includes/keys.lua); uses due, republish, processing, attempts, dead, dead-reasons.
  ARGV[1] delay ms, ARGV[2] max attempts, ARGV[3] wake channel, ARGV[4] 'due' | 'republish',
  then id1, token1, id2, token2, ...
  Returns the ids whose lease that token no longer holds, which were not requeued (usually none; the
  others were requeued or, out of attempts, sent to dead).
]]
-- @include "keys"
-- @include "time"
-- @include "wake"
-- @include "leases"

local ids, members, lost = heldLeases(5)
if #ids == 0 then
  return lost
end
local now = serverNowMs()
local previousEarliest = earliestRunAt()
giveBack(ids, members, giveBackKey(ARGV[4]), now + tonumber(ARGV[1]), now, tonumber(ARGV[2]))
wakeIfEarlier(ARGV[3], previousEarliest)
return lost
