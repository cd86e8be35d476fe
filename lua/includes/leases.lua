-- ARGV from position `first` on holds id/token pairs. Returns the ids whose current lease token matches
-- (fencing: a holder whose lease expired and was claimed again cannot touch the new claim).
local function idsHoldingToken(first)
  local ids, tokens = {}, {}
  for i = first, #ARGV, 2 do
    ids[#ids + 1] = ARGV[i]
    tokens[#tokens + 1] = ARGV[i + 1]
  end
  if #ids == 0 then
    return ids
  end
  local current = redis.call('HMGET', tokensKey, unpack(ids))
  local matched = {}
  for i, id in ipairs(ids) do
    if current[i] == tokens[i] then
      matched[#matched + 1] = id
    end
  end
  return matched
end

-- Ends the leases of `ids` and puts them back in due at `runAt`, counting the failed attempt.
-- Ids that used up maxAttempts (0 = unlimited) go to dead instead. Returns how many died.
local function returnToDue(ids, runAt, now, maxAttempts)
  local counts = redis.call('HMGET', attemptsKey, unpack(ids))
  local attemptArgs, dueArgs, deadArgs = {}, {}, {}
  for i, id in ipairs(ids) do
    local attempts = (tonumber(counts[i]) or 0) + 1
    attemptArgs[#attemptArgs + 1] = id
    attemptArgs[#attemptArgs + 1] = attempts
    local target = dueArgs
    local score = runAt
    if maxAttempts > 0 and attempts >= maxAttempts then
      target = deadArgs
      score = now
    end
    target[#target + 1] = score
    target[#target + 1] = id
  end
  redis.call('ZREM', processingKey, unpack(ids))
  redis.call('HDEL', tokensKey, unpack(ids))
  redis.call('HSET', attemptsKey, unpack(attemptArgs))
  if #dueArgs > 0 then
    redis.call('ZADD', dueKey, unpack(dueArgs))
  end
  if #deadArgs > 0 then
    redis.call('ZADD', deadKey, unpack(deadArgs))
  end
  return #deadArgs / 2
end
