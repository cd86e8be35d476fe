--[[ ack: finish leased items whose token still matches: their leases and payloads are removed; a
  caller-given id keeps a small record for ARGV[1] ms (includes/retention.lua).
  KEYS: the hotconf keys (includes/keys.lua); uses processing, items, attempts, retained.
  ARGV[1] id retention ms, ARGV[2] '1' when payloads are change sets (the record keeps the seq),
  then id1, token1, id2, token2, ...
  Returns the ids whose lease that token no longer holds, which were not acked (usually none; a pair
  given twice counts once).
]]
-- @include "keys"
-- @include "time"
-- @include "leases"
-- @include "retention"

local ids, members, lost = heldLeases(3)
if #ids == 0 then
  return lost
end
redis.call('ZREM', processingKey, unpack(members))
finishItems(ids, serverNowMs(), tonumber(ARGV[1]), ARGV[2] == '1')
return lost
