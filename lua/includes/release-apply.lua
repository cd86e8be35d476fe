-- The claim's path for a batch in which some change set is more than plain (includes/release-meta.lua
-- hasPlainReleaseMeta; plain batches go through applyToSnapshot and writeClaimHistory). It applies the
-- change sets one by one in version order, each with an `applied` history record holding every changed
-- key's previous value, all under the claim's one new snapshot revision, and in the same atomic step
--   * skips a change set whose keys moved after its baseRevision (conflict: nothing of it applies),
--   * leaves alone, in a revert, each key a newer change touched after the change it reverts,
--   * schedules the revert of a time-boxed change (untilAt, or forMs from when it takes effect),
--   * schedules a recurring change's next occurrence.
-- Per key the greatest version still wins, as in applyToSnapshot. Reads and writes of the snapshot are
-- one variadic call each for the whole batch; its history records are written as one entry.
-- (Change sets read into parallel arrays by one visitor, substrings cut only when needed, tables for
-- the rare cases made only when they occur.)

local CONFLICT_FIELDS = { 'id', 'seq', 'effectiveAt', 'keys', 'actor', 'reason' }
local NO_META = {}

-- The claimed change sets, read into parallel arrays rather than tables of their own (one claim reads up
-- to a thousand): per change set its stored value, id, time (number and text), seq, where its changes and
-- release facts start, the facts, and the range of its changes in the flat key and value arrays.
local batch = {}

local function addChange(key, _, seq, json)
  local n = batch.changeCount + 1
  batch.changeCount, batch.keys[n], batch.values[n], batch.lastSeq = n, key, json, seq
end

local function readBatch(ids, stored, count)
  local metaByTrailer = {}
  batch = { changeCount = 0, keys = {}, values = {}, id = {}, value = {}, at = {}, atText = {}, seq = {},
    changesAt = {}, metaAt = {}, meta = {}, first = {}, last = {} }
  for i = 1, count do
    local value = stored[i]
    local bar = string.find(value, '|', 1, true)
    local atText = string.sub(value, 1, bar - 1)
    batch.id[i], batch.value[i], batch.atText[i], batch.at[i] = ids[i], value, atText, tonumber(atText)
    batch.first[i] = batch.changeCount + 1
    eachChange(value, bar + 1, batch.at[i], addChange)
    batch.last[i], batch.seq[i] = batch.changeCount, batch.lastSeq
    batch.changesAt[i] = string.find(value, ';', bar + 1, true) + 1
    -- The change sets of one scheduler mostly carry the same facts: each distinct trailer is read once.
    local metaAt = releaseMetaStart(value)
    local trailer = metaAt and string.sub(value, metaAt)
    local meta = trailer and metaByTrailer[trailer]
    if trailer and not meta then
      meta = readReleaseMeta(value)
      metaByTrailer[trailer] = meta
    end
    batch.meta[i], batch.metaAt[i] = meta or NO_META, metaAt or #value + 1
  end
end

-- Positions 1..count in version order; claims mostly come in it already (due is ordered by run time).
local function versionOrder(count)
  local order = {}
  local sorted = true
  for i = 1, count do
    order[i] = i
    if i > 1 and isNewer(batch.at[i - 1], batch.seq[i - 1], batch.at[i], batch.seq[i]) then
      sorted = false
    end
  end
  if not sorted then
    local at, seq = batch.at, batch.seq
    table.sort(order, function(a, b)
      return isNewer(at[b], seq[b], at[a], seq[a])
    end)
  end
  return order
end

local function publishConflict(i, moved)
  -- Schedulers emit `conflict` from this message (src/release/conflict-watcher.ts).
  redis.call('PUBLISH', historyKey .. ':conflicts', writeFields({
    id = batch.id[i], seq = batch.seq[i], effectiveAt = batch.atText[i], keys = encodeChangeList(moved),
    actor = batch.meta[i].actor, reason = batch.meta[i].reason,
  }, CONFLICT_FIELDS))
end

-- Applies the first `count` of the claimed change sets (the others are in effect already).
-- Returns the positions (in `stored`) of the change sets skipped and not published (conflicts, reverts
-- left with nothing to do).
local function applyReleased(ids, stored, now, count)
  readBatch(ids, stored, count)
  -- A change set scheduled with history off is recorded too, under the batch's history limit.
  local batchLimit
  for i = 1, count do
    batchLimit = batchLimit or batch.meta[i].historyLimit
  end
  local order = versionOrder(count)
  local allKeys, allValues = batch.keys, batch.values

  local keys, seen = {}, {}
  for n = 1, batch.changeCount do
    local key = allKeys[n]
    if not seen[key] then
      seen[key] = true
      keys[#keys + 1] = key
    end
  end
  local versionList = callInSlices('HMGET', versionsKey, keys, 1000)
  local valueList = callInSlices('HMGET', configKey, keys, 1000)
  -- Per key its version "<effectiveAt>:<seq>", the revision that last changed it and its value.
  local version, keyRevision, value = {}, {}, {}
  for i, key in ipairs(keys) do
    if versionList[i] then
      version[key], keyRevision[key] = splitStoredVersion(versionList[i])
    else
      keyRevision[key] = 0
    end
    value[key] = valueList[i]
  end

  -- The claim's one revision, written only when something changed.
  local revision = (tonumber(redis.call('GET', revisionKey)) or 0) + 1
  local skipped, latestAt = {}, 0
  -- Reused for every change set (entries past `won` are stale): no three tables per change set.
  local wonKeys, wonValues, previous = {}, {}, {}
  for _, i in ipairs(order) do
    local meta, id, at, seq, atText = batch.meta[i], batch.id[i], batch.at[i], batch.seq[i], batch.atText[i]
    local first, last = batch.first[i], batch.last[i]
    local setVersion = atText .. ':' .. seq
    local moved
    if meta.baseRevision then
      local base = tonumber(meta.baseRevision)
      for n = first, last do
        if keyRevision[allKeys[n]] > base then
          moved = moved or {}
          moved[#moved + 1] = allKeys[n]
        end
      end
    end
    local won, inEffect, leftAlone, superseded = 0, 0, nil, nil
    if not moved then
      local isRevert = meta.kind == 'revert'
      for n = first, last do
        local key = allKeys[n]
        if isRevert and version[key] ~= meta.revertVersion then
          leftAlone = leftAlone or {}
          leftAlone[#leftAlone + 1] = key
        elseif isNewerThanStored(at, seq, version[key]) then
          won = won + 1
          wonKeys[won], wonValues[won], previous[won] = key, allValues[n], value[key]
          version[key], value[key], seen[key] = setVersion, allValues[n], 'changed'
        elseif version[key] == setVersion then
          inEffect = inEffect + 1 -- this change set again (its lease was reaped back into due)
        else
          superseded = superseded or {}
          superseded[#superseded + 1] = key
        end
      end
    end
    local why, whyKeys = nil, moved or leftAlone or superseded
    if moved then
      why = 'conflict'
      publishConflict(i, moved)
    elseif leftAlone then
      why = 'newer-change'
    elseif superseded then
      why = 'superseded'
    end
    local storedValue, changesAt, metaAt = batch.value[i], batch.changesAt[i], batch.metaAt[i]
    local limit = meta.historyLimit or batchLimit

    if won == 0 then
      -- A conflict, or a revert left with nothing to do, is not published. A superseded change set is,
      -- as applyToSnapshot's would be (subscribers drop it by version), and so is one in effect already,
      -- which history recorded when it took effect.
      if moved or leftAlone then
        skipped[#skipped + 1] = i
      end
      if inEffect < last - first + 1 then
        recordHistory('skipped', id, storedValue, limit, nil, why, encodeChangeList(whyKeys))
      end
    else
      latestAt = math.max(latestAt, at)
      for k = 1, won do
        keyRevision[wonKeys[k]] = revision
      end
      local changes = won < last - first + 1 and encodeChangeList(wonKeys, wonValues, won)
      recordHistory('applied', id, storedValue, limit, revision, why, whyKeys and encodeChangeList(whyKeys),
        changes, previous, won)
      if leftAlone then
        -- Only what the revert changed is published: a left-alone key's newer value must stay.
        stored[i] = string.sub(storedValue, 1, changesAt - 1) .. changes .. string.sub(storedValue, metaAt)
        redis.call('HSET', itemsKey, id, stored[i])
      end
      local revertAt = tonumber(meta.untilAt) or (meta.forMs and at + tonumber(meta.forMs))
      if revertAt then
        scheduleChange(id .. '.revert', math.max(revertAt, now), encodeChangeList(wonKeys, previous, won), {
          kind = 'revert', actor = meta.actor, reason = meta.reason, historyLimit = meta.historyLimit,
          revertOf = id, revertVersion = setVersion,
        })
      end
    end
    if meta.recurringId and not moved then
      recurAfter(meta.recurringId, id, now)
    end
  end

  -- The snapshot: every key that changed, in one call per hash.
  local versionArgs, setArgs, deletedKeys = {}, {}, {}
  for _, key in ipairs(keys) do
    if seen[key] == 'changed' then
      versionArgs[#versionArgs + 1] = key
      versionArgs[#versionArgs + 1] = version[key] .. ':' .. revision
      if value[key] then
        setArgs[#setArgs + 1] = key
        setArgs[#setArgs + 1] = value[key]
      else
        deletedKeys[#deletedKeys + 1] = key
      end
    end
  end
  if #versionArgs > 0 then
    writeSnapshot(versionArgs, setArgs, deletedKeys, latestAt, revision)
  end
  return skipped
end
