--[[ extend: push the lease deadline of items whose token still matches to now + ARGV[1] ms.
  KEYS: the hotconf keys (includes/keys.lua); uses processing.
  ARGV[1] lease ms, then id1, token1, id2, token2, ...
  Returns the ids whose lease that token no longer holds, which were not extended (usually none).
]]
-- @include "keys"
-- @include "time"
-- @include "leases"

local ids, members, lost = heldLeases(2)
if #ids == 0 then
  return lost
end
local deadline = serverNowMs() + tonumber(ARGV[1])
local args = {}
for i, member in ipairs(members) do
  args[2 * i - 1] = deadline
  args[2 * i] = member
end
redis.call('ZADD', processingKey, 'XX', unpack(args))
return lost
