--[[ cancel: remove a pending (not leased) item and its payload.
  KEYS: the hotconf keys (includes/keys.lua); uses due, items, attempts.
  ARGV[1] id
  Returns 1 when removed, 0 when the id is unknown, leased, dead or already done.
]]
-- @include "keys"

local id = ARGV[1]
if redis.call('ZREM', dueKey, id) == 0 then
  return 0
end
redis.call('HDEL', itemsKey, id)
redis.call('HDEL', attemptsKey, id)
return 1
