--[[ ack: finish leased items whose token still matches; they and their payloads are removed.
  KEYS: the hotconf keys (includes/keys.lua); uses processing, items, attempts.
  ARGV: id1, token1, id2, token2, ...
  Returns the number of items acked.
]]
-- @include "keys"
-- @include "leases"

local ids, members = heldLeases(1)
if #ids == 0 then
  return 0
end
redis.call('ZREM', processingKey, unpack(members))
redis.call('HDEL', itemsKey, unpack(ids))
redis.call('HDEL', attemptsKey, unpack(ids))
return #ids
