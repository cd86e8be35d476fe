--[[ stats: disjoint counts by the server clock.
  KEYS: the hotconf keys (includes/keys.lua); uses due, processing, dead, republish.
  Returns { due (run time passed, not claimed), scheduled (run time in the future), processing, dead,
            now, earliest pending run time or -1, awaiting republish (in effect, publish to retry) }
]]
-- @include "keys"
-- @include "time"

local now = serverNowMs()
return {
  redis.call('ZCOUNT', dueKey, '-inf', now),
  redis.call('ZCOUNT', dueKey, '(' .. formatMs(now), '+inf'),
  redis.call('ZCARD', processingKey),
  redis.call('ZCARD', deadKey),
  formatMs(now),
  tonumber(redis.call('ZRANGE', dueKey, 0, 0, 'WITHSCORES')[2]) or -1,
  redis.call('ZCARD', republishKey),
}
