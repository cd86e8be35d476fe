-- Moves up to `max` due ids into processing under one fresh fencing token shared by the whole claim.
-- One variadic call per step, whatever the batch size: per-item calls dominate a claim's cost.
-- Returns now, token (nil when nothing was due), ids, stored values and failed-attempt counts.
local function claimDue(max, leaseMs)
  local now = serverNowMs()
  local ids = redis.call('ZRANGEBYSCORE', dueKey, '-inf', now, 'LIMIT', 0, max)
  if #ids == 0 then
    return now, nil, ids, {}, {}
  end
  -- The due ids are the lowest scores, so they are exactly ranks 0 .. #ids-1.
  redis.call('ZREMRANGEBYRANK', dueKey, 0, #ids - 1)
  local token = now .. '-' .. redis.call('INCR', claimsKey)
  local deadline = now + leaseMs
  local leaseArgs = {}
  for i, id in ipairs(ids) do
    leaseArgs[2 * i - 1] = deadline
    leaseArgs[2 * i] = token .. '|' .. id -- the lease member (includes/leases.lua)
  end
  redis.call('ZADD', processingKey, unpack(leaseArgs))
  local stored = redis.call('HMGET', itemsKey, unpack(ids))
  local attempts = redis.call('HMGET', attemptsKey, unpack(ids))
  return now, token, ids, stored, attempts
end

-- The reply shared by claim and claim-changes:
-- { now, nextRunAt or -1, token or '', id1, stored1, attempts1, id2, ... }
local function claimReply(now, token, ids, stored, attempts)
  return appendItems({ now, earliestRunAt() or -1, token or '' }, ids, stored, attempts)
end
