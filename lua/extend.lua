--[[ extend: push the lease deadline of items whose token still matches to now + ARGV[1] ms.
  KEYS: the hotconf keys (includes/keys.lua); uses processing, tokens.
  ARGV[1] lease ms, then id1, token1, id2, token2, ...
  Returns the number of leases extended.
]]
-- @include "keys"
-- @include "time"
-- @include "leases"

local ids = idsHoldingToken(2)
if #ids == 0 then
  return 0
end
local deadline = serverNowMs() + tonumber(ARGV[1])
local args = {}
for i, id in ipairs(ids) do
  args[2 * i - 1] = deadline
  args[2 * i] = id
end
redis.call('ZADD', processingKey, 'XX', unpack(args))
return #ids
