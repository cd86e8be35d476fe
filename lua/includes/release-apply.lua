-- The claim's path for change sets that carry release facts (includes/release-meta.lua): it applies them
-- one by one in version order, so that each gets its own snapshot revision and an `applied` history
-- entry with every changed key's previous value, and in the same atomic step
--   * skips a change set whose keys moved after its baseRevision (conflict: nothing of it applies),
--   * leaves alone, in a revert, each key a newer change touched after the change it reverts,
--   * schedules the revert of a time-boxed change (untilAt, or forMs from when it takes effect),
--   * schedules a recurring change's next occurrence.
-- Per key the greatest version still wins, as in applyToSnapshot. Reads and writes of the snapshot are
-- one variadic call each for the whole batch; history is one XADD per change set.
-- (A hot path: one visitor for all change sets rather than a closure each, substrings cut only when
-- needed, tables for the rare cases made only when they occur.)

local CONFLICT_FIELDS = { 'id', 'seq', 'effectiveAt', 'keys', 'actor', 'reason' }
local NO_META = {}

local reading -- the change set readReleasedSet is filling
local function addChange(key, _, seq, json)
  local set = reading
  local n = set.count + 1
  set.seq, set.count, set.keys[n], set.values[n] = seq, n, key, json
end

-- A stored "<runAt>|<seq>;<changes>[<release facts>]" as a table; at and atText are its version's time.
local function readReleasedSet(index, id, value)
  local bar = string.find(value, '|', 1, true)
  local atText = string.sub(value, 1, bar - 1)
  local set = { index = index, id = id, value = value, atText = atText, at = tonumber(atText),
    keys = {}, values = {}, count = 0 }
  reading = set
  eachChange(value, bar + 1, set.at, addChange)
  set.changesAt = string.find(value, ';', bar + 1, true) + 1
  local meta, metaAt = readReleaseMeta(value)
  set.meta, set.metaAt = meta or NO_META, metaAt
  return set
end

local function versionOrder(a, b)
  return isNewer(b.at, b.seq, a.at, a.seq)
end

-- The batch in version order; claims mostly come in it already (due is ordered by run time).
local function inVersionOrder(sets)
  for i = 2, #sets do
    if versionOrder(sets[i], sets[i - 1]) then
      table.sort(sets, versionOrder)
      return sets
    end
  end
  return sets
end

local function publishConflict(set, moved)
  -- Schedulers emit `conflict` from this message (src/release/conflict-watcher.ts).
  redis.call('PUBLISH', historyKey .. ':conflicts', writeFields({
    id = set.id, seq = set.seq, effectiveAt = set.atText, keys = encodeChangeList(moved),
    actor = set.meta.actor, reason = set.meta.reason,
  }, CONFLICT_FIELDS))
end

-- Applies the first `count` of the claimed change sets (the others are in effect already).
-- Returns the positions (in `stored`) of the change sets skipped entirely, which are not published.
local function applyReleased(ids, stored, now, count)
  local sets = {}
  for i = 1, count do
    sets[i] = readReleasedSet(i, ids[i], stored[i])
  end
  inVersionOrder(sets)

  local keys, seen = {}, {}
  for _, set in ipairs(sets) do
    for j = 1, set.count do
      local key = set.keys[j]
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
    local meta, setKeys, setValues = set.meta, set.keys, set.values
    local setVersion = set.atText .. ':' .. set.seq
    local moved
    if meta.baseRevision then
      local base = tonumber(meta.baseRevision)
      for j = 1, set.count do
        if keyRevision[setKeys[j]] > base then
          moved = moved or {}
          moved[#moved + 1] = setKeys[j]
        end
      end
    end
    local won, wonKeys, wonValues, previous, leftAlone, superseded = 0, {}, {}, {}, nil, nil
    if not moved then
      local isRevert = meta.kind == 'revert'
      for j = 1, set.count do
        local key = setKeys[j]
        if isRevert and version[key] ~= meta.revertVersion then
          leftAlone = leftAlone or {}
          leftAlone[#leftAlone + 1] = key
        elseif isNewerThanStored(set.at, set.seq, version[key]) then
          won = won + 1
          wonKeys[won], wonValues[won], previous[won] = key, setValues[j], value[key]
          version[key], value[key], seen[key] = setVersion, setValues[j], 'changed'
        else
          superseded = superseded or {}
          superseded[#superseded + 1] = key
        end
      end
    end
    local why, whyKeys = nil, moved or leftAlone or superseded
    if moved then
      why = 'conflict'
      publishConflict(set, moved)
    elseif leftAlone then
      why = 'newer-change'
    elseif superseded then
      why = 'superseded'
    end
    local changes = (won == set.count) and string.sub(set.value, set.changesAt, set.metaAt - 1)
      or encodeChangeList(wonKeys, wonValues)

    if won == 0 then
      skipped[#skipped + 1] = set.index
      recordHistory('skipped', set.id, set.seq, set.atText, meta,
        'changes', string.sub(set.value, set.changesAt, set.metaAt - 1), 'why', why, 'keys', encodeChangeList(whyKeys))
    else
      revision = revision + 1
      latestAt = math.max(latestAt, set.at)
      for i = 1, won do
        keyRevision[wonKeys[i]] = revision
      end
      local previousList = encodeChangeList(wonKeys, previous)
      if why then
        recordHistory('applied', set.id, set.seq, set.atText, meta, 'revision', revision, 'changes', changes,
          'previous', previousList, 'why', why, 'keys', encodeChangeList(whyKeys))
      else
        recordHistory('applied', set.id, set.seq, set.atText, meta, 'revision', revision, 'changes', changes,
          'previous', previousList)
      end
      if leftAlone then
        -- Only what the revert changed is published: a left-alone key's newer value must stay.
        stored[set.index] = string.sub(set.value, 1, set.changesAt - 1) .. changes .. string.sub(set.value, set.metaAt)
        redis.call('HSET', itemsKey, set.id, stored[set.index])
      end
      local revertAt = tonumber(meta.untilAt) or (meta.forMs and set.at + tonumber(meta.forMs))
      if revertAt then
        scheduleChange(set.id .. '.revert', math.max(revertAt, now), previousList, {
          kind = 'revert', actor = meta.actor, reason = meta.reason, historyLimit = meta.historyLimit,
          revertOf = set.id, revertVersion = setVersion,
        })
      end
    end
    if meta.recurringId and not moved then
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
