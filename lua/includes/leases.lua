-- A lease is the processing member "<token>|<id>", scored by its deadline. ack, extend and requeue name
-- the member from the id and token they are given, so a holder whose lease expired and was claimed
-- again under a new token names a member that no longer exists (fencing), with no token lookup.

-- ARGV from position `first` on holds id/token pairs. Returns the ids whose lease that token still
-- holds, their lease members, and the ids whose lease it no longer holds (a pair given twice counts once).
local function heldLeases(first)
  local members, pairIds, seen = {}, {}, {}
  for i = first, #ARGV, 2 do
    local member = ARGV[i + 1] .. '|' .. ARGV[i]
    if not seen[member] then
      seen[member] = true
      members[#members + 1] = member
      pairIds[#pairIds + 1] = ARGV[i]
    end
  end
  local ids, held, lost = {}, {}, {}
  if #members == 0 then
    return ids, held, lost
  end
  local deadlines = redis.call('ZMSCORE', processingKey, unpack(members))
  for i = 1, #members do
    -- A held lease has its deadline as a string; a missing one is false (ioredis-mock: a null userdata).
    if type(deadlines[i]) == 'string' then
      ids[#ids + 1] = pairIds[i]
      held[#held + 1] = members[i]
    else
      lost[#lost + 1] = pairIds[i]
    end
  end
  return ids, held, lost
end

-- The id of a lease member.
local function leaseId(member)
  return string.sub(member, string.find(member, '|', 1, true) + 1)
end

-- Where items given back go: 'due' (a plain queue: pending again) or 'republish' (the scheduler: the
-- change set is already in effect, only its publish is retried, with its version unchanged).
local function giveBackKey(target)
  if target == 'republish' then
    return republishKey
  end
  return dueKey
end

-- Ends the leases (`ids` and their `members`) and puts the items in `targetKey` at `runAt`, counting
-- the failed attempt. Ids that used up maxAttempts (0 = unlimited) go to dead instead, with the reason.
-- Returns how many died.
local function giveBack(ids, members, targetKey, runAt, now, maxAttempts)
  local counts = redis.call('HMGET', attemptsKey, unpack(ids))
  local attemptArgs, backArgs, deadArgs, reasonArgs = {}, {}, {}, {}
  for i, id in ipairs(ids) do
    local attempts = (tonumber(counts[i]) or 0) + 1
    attemptArgs[#attemptArgs + 1] = id
    attemptArgs[#attemptArgs + 1] = attempts
    if maxAttempts > 0 and attempts >= maxAttempts then
      deadArgs[#deadArgs + 1] = now
      deadArgs[#deadArgs + 1] = id
      reasonArgs[#reasonArgs + 1] = id
      reasonArgs[#reasonArgs + 1] = 'gave up after ' .. attempts .. ' attempts'
    else
      backArgs[#backArgs + 1] = runAt
      backArgs[#backArgs + 1] = id
    end
  end
  redis.call('ZREM', processingKey, unpack(members))
  redis.call('HSET', attemptsKey, unpack(attemptArgs))
  if #backArgs > 0 then
    redis.call('ZADD', targetKey, unpack(backArgs))
  end
  if #deadArgs > 0 then
    redis.call('ZADD', deadKey, unpack(deadArgs))
    redis.call('HSET', deadReasonsKey, unpack(reasonArgs))
  end
  return #deadArgs / 2
end
