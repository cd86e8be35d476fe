-- A lease is the processing member "<token>|<id>", scored by its deadline. ack, extend and requeue name
-- the member from the id and token they are given, so a holder whose lease expired and was claimed
-- again under a new token names a member that no longer exists (fencing), with no token lookup.

-- ARGV from position `first` on holds id/token pairs. Returns the ids whose lease that token still
-- holds, and their lease members.
local function heldLeases(first)
  local members = {}
  for i = first, #ARGV, 2 do
    members[#members + 1] = ARGV[i + 1] .. '|' .. ARGV[i]
  end
  local ids, held = {}, {}
  if #members == 0 then
    return ids, held
  end
  local deadlines = redis.call('ZMSCORE', processingKey, unpack(members))
  for i = 1, #members do
    -- A held lease has its deadline as a string; a missing one is false (ioredis-mock: a null userdata).
    if type(deadlines[i]) == 'string' then
      ids[#ids + 1] = ARGV[first + 2 * (i - 1)]
      held[#held + 1] = members[i]
    end
  end
  return ids, held
end

-- The id of a lease member.
local function leaseId(member)
  return string.sub(member, string.find(member, '|', 1, true) + 1)
end

-- Ends the leases (`ids` and their `members`) and puts the items back in due at `runAt`, counting the
-- failed attempt. Ids that used up maxAttempts (0 = unlimited) go to dead instead. Returns how many died.
local function returnToDue(ids, members, runAt, now, maxAttempts)
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
  redis.call('ZREM', processingKey, unpack(members))
  redis.call('HSET', attemptsKey, unpack(attemptArgs))
  if #dueArgs > 0 then
    redis.call('ZADD', dueKey, unpack(dueArgs))
  end
  if #deadArgs > 0 then
    redis.call('ZADD', deadKey, unpack(deadArgs))
  end
  return #deadArgs / 2
end
