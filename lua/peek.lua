--[[ peek: the earliest pending items (due or not yet), without claiming them.
  KEYS: the hotconf keys (includes/keys.lua); uses due, items, attempts.
  ARGV[1] most items
  Returns { id1, "<runAt>|<payload>", failedAttempts1, id2, ... } earliest first.
]]
-- @include "keys"
-- @include "items-reply"

local ids = redis.call('ZRANGE', dueKey, 0, tonumber(ARGV[1]) - 1)
if #ids == 0 then
  return {}
end
local stored = redis.call('HMGET', itemsKey, unpack(ids))
local attempts = redis.call('HMGET', attemptsKey, unpack(ids))
return appendItems({}, ids, stored, attempts)
