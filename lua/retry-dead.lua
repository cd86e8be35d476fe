--[[ retry-dead: dead items whose payload is still there become pending again, due now, with their
  attempts and reason cleared. Ids that are not dead, or whose payload vanished, are left as they are.
  KEYS: the hotconf keys (includes/keys.lua); uses dead, dead-reasons, due, items, attempts, meta
        (appliedAt), republish (wake).
  ARGV[1] wake channel, then id1, id2, ...
  Returns the number of items made pending.
]]
-- @include "keys"
-- @include "time"
-- @include "wake"

local candidates = {}
for i = 2, #ARGV do
  candidates[#candidates + 1] = ARGV[i]
end
local diedAt = redis.call('ZMSCORE', deadKey, unpack(candidates))
local stored = redis.call('HMGET', itemsKey, unpack(candidates))
local now = serverNowMs()
local runAt = earliestAllowedRunAt(now)
local ids, dueArgs, itemArgs = {}, {}, {}
for i, id in ipairs(candidates) do
  -- Dead ones have their score as a string (ioredis-mock: a missing one is a null userdata).
  if type(diedAt[i]) == 'string' and stored[i] then
    ids[#ids + 1] = id
    dueArgs[#dueArgs + 1] = runAt
    dueArgs[#dueArgs + 1] = id
    itemArgs[#itemArgs + 1] = id
    itemArgs[#itemArgs + 1] = withRunAt(stored[i], runAt)
  end
end
if #ids == 0 then
  return 0
end
local previousEarliest = earliestRunAt()
redis.call('ZREM', deadKey, unpack(ids))
redis.call('HDEL', deadReasonsKey, unpack(ids))
redis.call('HDEL', attemptsKey, unpack(ids))
redis.call('HSET', itemsKey, unpack(itemArgs))
redis.call('ZADD', dueKey, unpack(dueArgs))
wakeIfEarlier(ARGV[1], previousEarliest)
return #ids
