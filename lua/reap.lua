--[[ reap: items whose lease deadline passed (their holder crashed or stalled) go back now, into due for
  a plain queue or into republish for the scheduler (ARGV[4]), or to dead when they used up ARGV[1]
  attempts (0 = unlimited). Their old tokens stop working.
  KEYS: the hotconf keys (includes/keys.lua); uses due, republish, processing, attempts, dead, dead-reasons.
  ARGV[1] max attempts, ARGV[2] most items per call, ARGV[3] wake channel, ARGV[4] 'due' | 'republish'
  Returns { reaped, of which dead }.
]]
-- @include "keys"
-- @include "time"
-- @include "wake"
-- @include "leases"

local now = serverNowMs()
local members = redis.call('ZRANGEBYSCORE', processingKey, '-inf', now, 'LIMIT', 0, tonumber(ARGV[2]))
if #members == 0 then
  return { 0, 0 }
end
local ids = {}
for i, member in ipairs(members) do
  ids[i] = leaseId(member)
end
local previousEarliest = earliestRunAt()
local dead = giveBack(ids, members, giveBackKey(ARGV[4]), now, now, tonumber(ARGV[1]))
wakeIfEarlier(ARGV[3], previousEarliest)
return { #ids, dead }
