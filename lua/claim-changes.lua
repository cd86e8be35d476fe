--[[ claim-changes: the scheduler's claim. Leases due change sets exactly as claim does and, in the same
  atomic step, applies them to the config snapshot, so the config is in effect on time even while NSQ
  is down (publishing is the fast path, the snapshot is the truth).
  KEYS: the hotconf keys (includes/keys.lua); uses all of them.
  ARGV[1] max items, ARGV[2] lease ms
  Returns the reply of claim.
]]
-- @include "keys"
-- @include "time"
-- @include "wake"
-- @include "items-reply"
-- @include "claim-due"
-- @include "change-set"
-- @include "snapshot"

local now, token, ids, stored, attempts = claimDue(tonumber(ARGV[1]), tonumber(ARGV[2]))
applyToSnapshot(stored)
return claimReply(now, token, ids, stored, attempts)
