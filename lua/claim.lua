--[[ claim: lease up to ARGV[1] due items (run time <= Redis TIME) for ARGV[2] ms. An item whose payload
  vanished or that is not a stored item goes to dead with the reason instead, in the same step.
  KEYS: the hotconf keys (includes/keys.lua); uses due, processing, items, attempts, dead, dead-reasons,
        claims.
  ARGV[1] max items, ARGV[2] lease ms
  Returns { now, nextRunAt (earliest remaining run time, -1 when none), token ('' when nothing was leased),
            number of ids sent to dead, dead id1, its reason, dead id2, ...,
            id1, "<runAt>|<payload>", failedAttempts1, id2, ... }
]]
-- @include "keys"
-- @include "time"
-- @include "wake"
-- @include "items-reply"
-- @include "claim-due"

local now = claimClockMs()
local ids = takeReady(dueKey, now, tonumber(ARGV[1]))
local token, leased, stored, attempts, deadIds = leaseUsable(now, tonumber(ARGV[2]), ids, storedItemProblem)
return claimReply(now, token, leased, stored, attempts, deadIds)
