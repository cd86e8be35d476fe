--[[ dead: the items given up, earliest death first, with why.
  KEYS: the hotconf keys (includes/keys.lua); uses dead, items, attempts, dead-reasons.
  ARGV[1] most items
  Returns { id1, diedAt1, "<runAt>|<payload>" ('' when it vanished), failedAttempts1, reason1, id2, ... }
]]
-- @include "keys"

local flat = redis.call('ZRANGE', deadKey, 0, tonumber(ARGV[1]) - 1, 'WITHSCORES')
if #flat == 0 then
  return {}
end
local ids = {}
for i = 1, #flat, 2 do
  ids[#ids + 1] = flat[i]
end
local stored = redis.call('HMGET', itemsKey, unpack(ids))
local attempts = redis.call('HMGET', attemptsKey, unpack(ids))
local reasons = redis.call('HMGET', deadReasonsKey, unpack(ids))
local reply = {}
for i, id in ipairs(ids) do
  reply[#reply + 1] = id
  reply[#reply + 1] = flat[2 * i]
  reply[#reply + 1] = stored[i] or ''
  reply[#reply + 1] = tonumber(attempts[i]) or 0
  reply[#reply + 1] = reasons[i] or 'unknown'
end
-- A table constructor, as in includes/items-reply.lua (ioredis-mock's Lua engine).
return { unpack(reply) }
