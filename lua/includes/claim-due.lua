-- The claim's steps, shared by claim (plain queue) and claim-changes (scheduler). One variadic call per
-- step, whatever the batch size: per-item calls dominate a claim's cost.

-- Takes up to `max` ids whose score is <= now out of the ZSET `key` (due or republish).
local function takeReady(key, now, max)
  if max <= 0 then
    return {}
  end
  local ids = redis.call('ZRANGEBYSCORE', key, '-inf', now, 'LIMIT', 0, max)
  if #ids > 0 then
    -- The ready ids are the lowest scores, so they are exactly ranks 0 .. #ids-1.
    redis.call('ZREMRANGEBYRANK', key, 0, #ids - 1)
  end
  return ids
end

-- Leases the taken `ids` under one fresh fencing token shared by the whole claim. An id whose stored
-- value `problemOf(stored)` finds unusable (payload vanished, written by something else) goes to dead
-- with that reason instead, in this same step, and the claim goes on with the rest.
-- Returns token (nil when nothing was leased), leased ids, their stored values and failed-attempt
-- counts (in the order taken), and the ids sent to dead.
local function leaseUsable(now, leaseMs, ids, problemOf)
  if #ids == 0 then
    return nil, ids, {}, {}, {}
  end
  local stored = redis.call('HMGET', itemsKey, unpack(ids))
  local attempts = redis.call('HMGET', attemptsKey, unpack(ids))
  local leased, leasedStored, leasedAttempts, deadIds, deadArgs, reasonArgs = {}, {}, {}, {}, {}, {}
  for i, id in ipairs(ids) do
    local problem = problemOf(stored[i])
    if problem then
      deadIds[#deadIds + 1] = id
      deadArgs[#deadArgs + 1] = now
      deadArgs[#deadArgs + 1] = id
      reasonArgs[#reasonArgs + 1] = id
      reasonArgs[#reasonArgs + 1] = problem
    else
      leased[#leased + 1] = id
      leasedStored[#leasedStored + 1] = stored[i]
      leasedAttempts[#leasedAttempts + 1] = attempts[i]
    end
  end
  if #deadIds > 0 then
    redis.call('ZADD', deadKey, unpack(deadArgs))
    redis.call('HSET', deadReasonsKey, unpack(reasonArgs))
  end
  if #leased == 0 then
    return nil, leased, {}, {}, deadIds
  end
  local token = formatMs(now) .. '-' .. redis.call('INCR', claimsKey)
  local deadline = now + leaseMs
  local leaseArgs = {}
  for i, id in ipairs(leased) do
    leaseArgs[2 * i - 1] = deadline
    leaseArgs[2 * i] = token .. '|' .. id -- the lease member (includes/leases.lua)
  end
  redis.call('ZADD', processingKey, unpack(leaseArgs))
  return token, leased, leasedStored, leasedAttempts, deadIds
end

-- Why a plain queue's stored value "<runAt>|<payload>" cannot be delivered, or nil.
local function storedItemProblem(stored)
  if not stored then
    return 'payload vanished'
  end
  if not string.find(stored, '^%d+|') then
    return 'not a hotconf stored item'
  end
  return nil
end

-- The reply shared by claim and claim-changes: { now, nextRunAt or -1, token or '', number of dead ids,
-- dead id1, its reason, dead id2, ..., id1, stored1, attempts1, id2, ... }
local function claimReply(now, token, ids, stored, attempts, deadIds)
  local reply = { formatMs(now), earliestRunAt() or -1, token or '', #deadIds }
  if #deadIds > 0 then
    -- Read back what leaseUsable just wrote: rare, and it keeps claim-changes' call unchanged.
    local reasons = redis.call('HMGET', deadReasonsKey, unpack(deadIds))
    for i, id in ipairs(deadIds) do
      reply[#reply + 1] = id
      reply[#reply + 1] = reasons[i]
    end
  end
  return appendItems(reply, ids, stored, attempts)
end
