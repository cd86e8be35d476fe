--[[ claim-changes: the scheduler's claim. In one atomic step:
  1. takes up to ARGV[1] due change sets (run time <= Redis TIME, or <= the greatest effectiveAt applied
     when the clock is behind it: includes/time.lua claimClockMs) out of due, then fills the batch
     with change sets awaiting republish whose next attempt is due (includes/claim-due.lua takeReady);
  2. sends any it cannot decode (payload vanished, written by a plain queue or another version) to dead
     with the reason in dead-reasons, and leases the rest for ARGV[2] ms under one fencing token
     (includes/claim-due.lua leaseUsable, includes/change-set.lua changeSetProblem);
  3. applies the change sets taken from due to the config snapshot (includes/snapshot.lua): from here on
     they are in effect, never pending again; a failed publish or an expired lease sends them to
     republish (includes/leases.lua giveBack) with their run time and seq, so their version is kept.
     Change sets taken from republish are in effect already and are not applied again.
  The config is in effect on time even while NSQ is down (publishing is the fast path, the snapshot is
  the truth).
  KEYS: the hotconf keys (includes/keys.lua); uses due, republish, processing, items, attempts, dead,
        dead-reasons, claims, config, versions, rev, meta, and with release facts history and
        recurring.
  ARGV[1] max items, ARGV[2] lease ms, ARGV[3] id retention ms (for change sets skipped by step 3)
  Step 3 for a batch with release facts (includes/release-claim.lua): the claim is recorded in history
  as one entry, under the one revision it made. Plain change sets go through applyToSnapshot and the
  entry lists what was applied (the reader replays it); others through release-apply.lua, where a
  conflicting one is skipped (history `skipped`, finished, not published), and reverts of time-boxed
  changes and recurring changes' next occurrences are scheduled.
  Returns the reply of claim (includes/claim-due.lua claimReply).
]]
-- @include "keys"
-- @include "time"
-- @include "wake"
-- @include "items-reply"
-- @include "claim-due"
-- @include "retention"
-- @include "fields"
-- @include "release-meta"
-- @include "history"
-- @include "change-set"
-- @include "slices"
-- @include "snapshot"
-- @include "schedule-change"
-- @include "recurring"
-- @include "release-apply"
-- @include "release-claim"

local max, leaseMs = tonumber(ARGV[1]), tonumber(ARGV[2])
local now = claimClockMs()
local ids = takeReady(dueKey, now, max)
local fromDue = #ids
for _, id in ipairs(takeReady(republishKey, now, max - fromDue)) do
  ids[#ids + 1] = id
end
local token, leased, stored, attempts, deadIds = leaseUsable(now, leaseMs, ids, changeSetProblem)
-- leaseUsable keeps the order taken, so the leased ids from due come first.
local deadFromDue = 0
local isDead = {}
for _, id in ipairs(deadIds) do
  isDead[id] = true
end
for i = 1, fromDue do
  if isDead[ids[i]] then
    deadFromDue = deadFromDue + 1
  end
end
leased, stored, attempts =
  applyClaimed(token, leased, stored, attempts, now, fromDue - deadFromDue, tonumber(ARGV[3]))
writeHistory(now)
return claimReply(now, token, leased, stored, attempts, deadIds)
