-- The claim's one entry into release control. A batch in which some change set carries release facts
-- goes through applyReleased; any other batch through applyToSnapshot, untouched by release control.
-- Change sets skipped entirely leave the claim here: out of processing, done, and out of the reply.
-- Returns ids, stored values and attempts of the change sets to publish.
local function applyClaimed(token, ids, stored, attempts, now)
  local released = false
  for _, value in ipairs(stored) do
    if value and hasReleaseMeta(value) then
      released = true
      break
    end
  end
  if not released then
    applyToSnapshot(stored)
    return ids, stored, attempts
  end
  local skipped = applyReleased(ids, stored, now)
  if #skipped == 0 then
    return ids, stored, attempts
  end
  local drop, members, skippedIds = {}, {}, {}
  for _, index in ipairs(skipped) do
    drop[index] = true
    members[#members + 1] = token .. '|' .. ids[index]
    skippedIds[#skippedIds + 1] = ids[index]
  end
  redis.call('ZREM', processingKey, unpack(members))
  redis.call('HDEL', itemsKey, unpack(skippedIds))
  redis.call('HDEL', attemptsKey, unpack(skippedIds))
  local keptIds, keptStored, keptAttempts = {}, {}, {}
  for i, id in ipairs(ids) do
    if not drop[i] then
      keptIds[#keptIds + 1] = id
      keptStored[#keptIds] = stored[i]
      keptAttempts[#keptIds] = attempts[i]
    end
  end
  return keptIds, keptStored, keptAttempts
end
