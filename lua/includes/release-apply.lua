-- The claim's path for change sets that carry release facts (includes/release-meta.lua): it applies them
-- one by one in version order, so that each gets its own snapshot revision and an `applied` history
-- entry with every changed key's previous value, and in the same atomic step
--   * skips a change set whose keys moved after its baseRevision (conflict: nothing of it applies),
--   * leaves alone, in a revert, each key a newer change touched after the change it reverts,
--   * schedules the revert of a time-boxed change (untilAt, or forMs from when it takes effect),
--   * schedules a recurring change's next occurrence.
-- Per key the greatest version still wins, as in applyToSnapshot. Reads and writes of the snapshot are
-- one variadic call each for the whole batch; history is one XADD per change set.
-- Applies the first `count` of the claimed change sets (the others are in effect already).
-- Returns the positions (in `stored`) of the change sets skipped entirely, which are not published.

local function readReleasedSet(index, id, value)
  local bar = string.find(value, '|', 1, true)
  local set = { index = index, id = id, at = tonumber(string.sub(value, 1, bar - 1)), keys = {}, values = {} }
  eachChange(value, bar + 1, set.at, function(key, _, seq, json)
    set.seq = seq
    set.keys[#set.keys + 1] = key
    set.values[#set.keys] = json
  end)
  local changesAt = string.find(value, ';', bar + 1, true) + 1
  local meta, metaAt = readReleaseMeta(value)
  set.meta = meta or {}
  set.head = string.sub(value, 1, changesAt - 1) -- "<runAt>|<seq>;"
  set.changes = string.sub(value, changesAt, metaAt - 1)
  set.trailer = string.sub(value, metaAt)
  return set
end

local function applyReleased(ids, stored, now, count)
  local sets = {}
  for i = 1, count do
    sets[i] = readReleasedSet(i, ids[i], stored[i])
  end
  table.sort(sets, function(a, b)
    return isNewer(b.at, b.seq, a.at, a.seq)
  end)

  local keys, seen = {}, {}
  for _, set in ipairs(sets) do
    for _, key in ipairs(set.keys) do
      if not seen[key] then
        seen[key] = true
        keys[#keys + 1] = key
      end
    end
  end
  local versionList = callInSlices('HMGET', versionsKey, keys, 1000)
  local valueList = callInSlices('HMGET', configKey, keys, 1000)
  local revisionList = callInSlices('HMGET', keyRevisionsKey, keys, 1000)
  local version, value, keyRevision = {}, {}, {}
  for i, key in ipairs(keys) do
    version[key], value[key], keyRevision[key] = versionList[i], valueList[i], tonumber(revisionList[i]) or 0
  end

  local revision = tonumber(redis.call('GET', revisionKey)) or 0
  local skipped, latestAt = {}, 0
  for _, set in ipairs(sets) do
    local meta = set.meta
    local setVersion = formatMs(set.at) .. ':' .. set.seq
    local moved = {}
    if meta.baseRevision then
      for _, key in ipairs(set.keys) do
        if keyRevision[key] > tonumber(meta.baseRevision) then
          moved[#moved + 1] = key
        end
      end
    end
    local wonKeys, wonValues, previous, leftAlone, superseded = {}, {}, {}, {}, {}
    if #moved == 0 then
      for j, key in ipairs(set.keys) do
        if meta.kind == 'revert' and version[key] ~= meta.revertVersion then
          leftAlone[#leftAlone + 1] = key
        elseif isNewerThanStored(set.at, set.seq, version[key]) then
          wonKeys[#wonKeys + 1] = key
          wonValues[#wonKeys] = set.values[j]
          previous[#wonKeys] = value[key]
          version[key], value[key] = setVersion, set.values[j]
          seen[key] = 'changed'
        else
          superseded[#superseded + 1] = key
        end
      end
    end
    local why, whyKeys = nil, nil
    if #moved > 0 then
      why, whyKeys = 'conflict', moved
    elseif #leftAlone > 0 then
      why, whyKeys = 'newer-change', leftAlone
    elseif #superseded > 0 then
      why, whyKeys = 'superseded', superseded
    end
    local extra = why and { 'why', why, 'keys', encodeChangeList(whyKeys) } or {}

    if #wonKeys == 0 then
      skipped[#skipped + 1] = set.index
      extra[#extra + 1] = 'changes'
      extra[#extra + 1] = set.changes
      recordHistory('skipped', set.id, set.seq, formatMs(set.at), meta, extra)
    else
      revision = revision + 1
      latestAt = math.max(latestAt, set.at)
      for _, key in ipairs(wonKeys) do
        keyRevision[key] = revision
      end
      local wonChanges = (#wonKeys == #set.keys) and set.changes or encodeChangeList(wonKeys, wonValues)
      if #leftAlone > 0 then
        -- Only what the revert changed is published: a left-alone key's newer value must stay.
        stored[set.index] = set.head .. wonChanges .. set.trailer
        redis.call('HSET', itemsKey, set.id, stored[set.index])
      end
      local n = #extra
      extra[n + 1], extra[n + 2] = 'revision', revision
      extra[n + 3], extra[n + 4] = 'changes', wonChanges
      extra[n + 5], extra[n + 6] = 'previous', encodeChangeList(wonKeys, previous)
      recordHistory('applied', set.id, set.seq, formatMs(set.at), meta, extra)
      local revertAt = tonumber(meta.untilAt) or (meta.forMs and set.at + tonumber(meta.forMs))
      if revertAt then
        scheduleChange(set.id .. '.revert', math.max(revertAt, now), encodeChangeList(wonKeys, previous), {
          kind = 'revert', actor = meta.actor, reason = meta.reason, historyLimit = meta.historyLimit,
          revertOf = set.id, revertVersion = setVersion,
        })
      end
    end
    if meta.recurringId and #moved == 0 then
      recurAfter(meta.recurringId, set.id, now)
    end
  end

  -- The snapshot: every key that changed, in one call per hash.
  local versionArgs, setArgs, deletedKeys, revisionArgs = {}, {}, {}, {}
  for _, key in ipairs(keys) do
    if seen[key] == 'changed' then
      versionArgs[#versionArgs + 1] = key
      versionArgs[#versionArgs + 1] = version[key]
      revisionArgs[#revisionArgs + 1] = key
      revisionArgs[#revisionArgs + 1] = keyRevision[key]
      if value[key] then
        setArgs[#setArgs + 1] = key
        setArgs[#setArgs + 1] = value[key]
      else
        deletedKeys[#deletedKeys + 1] = key
      end
    end
  end
  if #versionArgs > 0 then
    callInSlices('HSET', versionsKey, versionArgs, 2000)
    callInSlices('HSET', keyRevisionsKey, revisionArgs, 2000)
    callInSlices('HSET', configKey, setArgs, 2000)
    callInSlices('HDEL', configKey, deletedKeys, 1000)
    redis.call('SET', revisionKey, revision)
    -- As applyToSnapshot does: new changes are never clamped before what is in effect (includes/time.lua).
    if latestAt > (tonumber(redis.call('HGET', metaKey, 'appliedAt')) or 0) then
      redis.call('HSET', metaKey, 'appliedAt', formatMs(latestAt))
    end
  end
  return skipped
end
