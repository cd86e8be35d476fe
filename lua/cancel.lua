--[[ cancel: remove a pending item (in due: not leased, not in effect, not dead) and its payload; a
  caller-given id keeps a small record for ARGV[2] ms (includes/retention.lua).
  KEYS: the hotconf keys (includes/keys.lua); uses due, items, attempts, retained, republish (wake),
        history and meta (historyRecords) for a change set with release facts.
  ARGV[1] id, ARGV[2] id retention ms, ARGV[3] '1' when payloads are change sets
  A change set with release facts is recorded in history (cancelled).
  Returns 1 when removed, 0 when the id is unknown, leased, in effect, dead or already done.
]]
-- @include "keys"
-- @include "time"
-- @include "retention"
-- @include "fields"
-- @include "release-meta"
-- @include "history"
-- @include "record-change"

local id = ARGV[1]
if redis.call('ZREM', dueKey, id) == 0 then
  return 0
end
local now = serverNowMs()
recordChangeEvent('cancelled', id, redis.call('HGET', itemsKey, id))
writeHistory(now)
finishItems({ id }, now, tonumber(ARGV[2]), ARGV[3] == '1')
return 1
