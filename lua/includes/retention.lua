-- A repeated id changes nothing. Ids a caller gave (the only ones a caller can repeat: a generated id
-- is new on every call) are in the retained set: scored retainedWhileLive while the item is live, and once it is
-- acked or cancelled, scored by the end of its retention while the items hash keeps only a small record
-- of it ("<runAt>|<seq>;" for a change set, "<runAt>|" for a plain item), never its payload.
-- Uses includes/keys.lua.

-- The retained score of a live item: beyond any time, so never trimmed. (A number rather than '+inf',
-- which ioredis-mock's ZSET, used by the fast unit tests, does not parse.)
local retainedWhileLive = 1e300

local function retainWhileLive(id)
  redis.call('ZADD', retainedKey, retainedWhileLive, id)
end

-- Forgets up to `limit` ids whose retention ended by `now`, with their records.
local function trimRetained(now, limit)
  local ids = redis.call('ZRANGEBYSCORE', retainedKey, '-inf', now, 'LIMIT', 0, limit)
  if #ids > 0 then
    redis.call('ZREM', retainedKey, unpack(ids))
    redis.call('HDEL', itemsKey, unpack(ids))
  end
end

-- Finishes `ids` (acked or cancelled): generated ids are forgotten, retained ones keep their record until
-- now + retentionMs. Also trims more expired ids than it retains, so the set stays bounded by time.
-- keepSeq: the payloads are change sets, whose record keeps the seq.
local function finishItems(ids, now, retentionMs, keepSeq)
  redis.call('HDEL', attemptsKey, unpack(ids))
  local scores = redis.call('ZMSCORE', retainedKey, unpack(ids))
  local retained, forgotten = {}, {}
  for i, id in ipairs(ids) do
    -- A retained id has its score as a string; a missing one is false (ioredis-mock: a null userdata).
    if type(scores[i]) == 'string' then
      retained[#retained + 1] = id
    else
      forgotten[#forgotten + 1] = id
    end
  end
  if #forgotten > 0 then
    redis.call('HDEL', itemsKey, unpack(forgotten))
  end
  if #retained > 0 then
    local stored = redis.call('HMGET', itemsKey, unpack(retained))
    local pattern = keepSeq and '^%d+|%d+;' or '^%d+|'
    local recordArgs, retainArgs = {}, {}
    for i, id in ipairs(retained) do
      recordArgs[2 * i - 1] = id
      recordArgs[2 * i] = (stored[i] and string.match(stored[i], pattern)) or (formatMs(now) .. '|')
      retainArgs[2 * i - 1] = now + retentionMs
      retainArgs[2 * i] = id
    end
    redis.call('HSET', itemsKey, unpack(recordArgs))
    redis.call('ZADD', retainedKey, unpack(retainArgs))
  end
  trimRetained(now, #ids + 100)
end
