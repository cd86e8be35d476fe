--[[ claim: lease up to ARGV[1] due items (run time <= Redis TIME) for ARGV[2] ms.
  KEYS: the hotconf keys (includes/keys.lua); uses due, processing, items, attempts, claims.
  ARGV[1] max items, ARGV[2] lease ms
  Returns { now, nextRunAt (earliest remaining run time, -1 when none), token ('' when nothing was due),
            id1, "<runAt>|<payload>", failedAttempts1, id2, ... }
]]
-- @include "keys"
-- @include "time"
-- @include "wake"
-- @include "items-reply"
-- @include "claim-due"

return claimReply(claimDue(tonumber(ARGV[1]), tonumber(ARGV[2])))
