--[[ purge-dead: removes up to ARGV[1] dead items entirely (payload, attempts, reason, retained id), so
  their ids can be scheduled again. Call again while it returns ARGV[1].
  KEYS: the hotconf keys (includes/keys.lua); uses dead, dead-reasons, items, attempts, retained.
  ARGV[1] most items per call
  Returns the number of items removed.
]]
-- @include "keys"

local ids = redis.call('ZRANGE', deadKey, 0, tonumber(ARGV[1]) - 1)
if #ids == 0 then
  return 0
end
redis.call('ZREM', deadKey, unpack(ids))
redis.call('HDEL', deadReasonsKey, unpack(ids))
redis.call('HDEL', itemsKey, unpack(ids))
redis.call('HDEL', attemptsKey, unpack(ids))
redis.call('ZREM', retainedKey, unpack(ids))
return #ids
