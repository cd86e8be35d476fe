--[[ schedule: store one item under its id and put it in the due set.
  KEYS: the hotconf keys (includes/keys.lua); uses due, items, seq, retained, dead, dead-reasons, meta
        (appliedAt, layout, historyRecords), republish (wake), history.
  ARGV[1] id
  ARGV[2] payload (opaque string)
  ARGV[3] 'at' | 'delay'
  ARGV[4] epoch ms for 'at', ms from the server's now for 'delay'
  ARGV[5] wake channel: gets the new earliest run time when this item moved it earlier
  ARGV[6] '1' when the caller gave the id (retained after it finishes, includes/retention.lua)
  ARGV[7] '1' when the payload is a change set: the script draws its seq (INCR seq) and prepends "<seq>;"
        (only for a new id, so a repeated one draws none); one with release facts is recorded in history
  Returns { 1, "<runAt>|<payload>" } when created; { 0, stored } when the id exists, live or retained
  (stored unchanged, so a retried schedule changes nothing; a finished id's stored value is its record);
  { 2, stored, reason } when the id is dead.
  The run time is never before now, nor before the greatest effectiveAt already applied (includes/time.lua).
]]
-- @include "keys"
-- @include "time"
-- @include "wake"
-- @include "retention"
-- @include "layout"
-- @include "fields"
-- @include "release-meta"
-- @include "history"
-- @include "record-change"
-- @include "schedule-item"

local now = serverNowMs()
trimRetained(now, 100)
local previousEarliest = earliestRunAt()
local outcome, stored, reason = scheduleItem(ARGV[1], ARGV[2], ARGV[3], ARGV[4], now, ARGV[6] == '1', ARGV[7] == '1')
if outcome == 1 then
  recordChangeEvent('scheduled', ARGV[1], stored)
  writeHistory(now)
  wakeIfEarlier(ARGV[5], previousEarliest)
end
return { outcome, stored, reason }
