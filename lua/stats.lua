--[[ stats: disjoint counts by the server clock.
  KEYS: the hotconf keys (includes/keys.lua); uses due, processing, dead.
  Returns { due (run time passed, not claimed), scheduled (run time in the future), processing, dead,
            now, earliest run time or -1 }
]]
-- @include "keys"
-- @include "time"
-- @include "wake"

local now = serverNowMs()
return {
  redis.call('ZCOUNT', dueKey, '-inf', now),
  redis.call('ZCOUNT', dueKey, '(' .. now, '+inf'),
  redis.call('ZCARD', processingKey),
  redis.call('ZCARD', deadKey),
  now,
  earliestRunAt() or -1,
}
