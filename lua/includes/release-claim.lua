-- The claim's one entry into release control. Applies the first `count` claimed change sets (those taken
-- from due; the rest come from republish and are in effect already). A batch in which none carries
-- release facts goes through applyToSnapshot, untouched by release control (history off). One in which
-- all that do are plain goes through applyToSnapshot too, recorded in history as one claim entry
-- (includes/history.lua writeClaimHistory); any other through applyReleased. With history, every
-- change set of the batch is recorded, those scheduled with history off too: each revision's history
-- is whole, so rollback and diff never miss a change. Change sets skipped entirely leave the claim here:
-- out of processing, finished (includes/retention.lua), out of the reply. Returns ids, stored values
-- and attempts to publish.
local function applyClaimed(token, ids, stored, attempts, now, count, retentionMs)
  local firstRecorded, plain = nil, true
  for i = 1, count do
    if hasReleaseMeta(stored[i]) then
      firstRecorded = firstRecorded or i
      plain = plain and hasPlainReleaseMeta(stored[i])
    end
  end
  if not firstRecorded then
    applyToSnapshot(stored, count)
    return ids, stored, attempts
  end
  if plain then
    local keys, versionsBefore, valuesBefore, revision = applyToSnapshot(stored, count, true)
    writeClaimHistory(now, ids, stored, count, keys, versionsBefore, valuesBefore, revision,
      readReleaseMeta(stored[firstRecorded]).historyLimit)
    return ids, stored, attempts
  end
  local skipped = applyReleased(ids, stored, now, count)
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
  finishItems(skippedIds, now, retentionMs, true)
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
