-- Versions are (effectiveAt, seq); for each key the greatest wins. A claim stores them as
-- "<effectiveAt>:<seq>:<revision>", with the revision it made, which the conflict check compares with a
-- change set's baseRevision (includes/release-apply.lua); layout 1 stored "<effectiveAt>:<seq>".
local function isNewer(effectiveAt, seq, thanEffectiveAt, thanSeq)
  return effectiveAt > thanEffectiveAt or (effectiveAt == thanEffectiveAt and seq > thanSeq)
end

-- A stored version's "<effectiveAt>:<seq>" and the revision that applied it (0 for a layout-1 one).
local function splitStoredVersion(stored)
  local version, revision = string.match(stored, '^(%d+:%d+):?(%d*)$')
  return version, tonumber(revision) or 0
end

local function isNewerThanStored(effectiveAt, seq, stored)
  if not stored then
    return true
  end
  local storedAt, storedSeq = string.match(stored, '^(%d+):(%d+)')
  return isNewer(effectiveAt, seq, tonumber(storedAt), tonumber(storedSeq))
end

-- Writes what a claim changed: each key's version, its value or its delete, the snapshot revision the
-- claim made, and meta 'appliedAt', the greatest effectiveAt applied (includes/time.lua clamps new
-- changes to it). Shared by applyToSnapshot and the release path.
local function writeSnapshot(versionArgs, setArgs, deletedKeys, latestAt, revision)
  callInSlices('HSET', versionsKey, versionArgs, 2000)
  callInSlices('HSET', configKey, setArgs, 2000)
  callInSlices('HDEL', configKey, deletedKeys, 1000)
  redis.call('SET', revisionKey, revision)
  if latestAt > (tonumber(redis.call('HGET', metaKey, 'appliedAt')) or 0) then
    redis.call('HSET', metaKey, 'appliedAt', formatMs(latestAt))
  end
end

-- Applies the first `count` claimed change sets (stored values "<runAt>|<encoded change set>") to the
-- snapshot. Per key the greatest version wins, against the batch and against what the snapshot already
-- holds, so a late, older change never overwrites a newer one and re-applying a change set changes nothing.
-- The snapshot revision is incremented only when something changed, and meta 'appliedAt' keeps the
-- greatest effectiveAt applied (includes/time.lua clamps new changes to it).
-- With `recorded` (history on), it also reads the keys' values before, and returns what history needs:
-- the keys in order of first appearance, their versions and values before, and the revision (nil when
-- nothing changed).
local function applyToSnapshot(stored, count, recorded)
  -- The winning version and value per key, in three maps rather than a table per key (a hot path).
  local winnerAt, winnerSeq, winnerValue, keys = {}, {}, {}, {}
  local function consider(key, effectiveAt, seq, value)
    local at = winnerAt[key]
    if at == nil then
      keys[#keys + 1] = key
    end
    if at == nil or isNewer(effectiveAt, seq, at, winnerSeq[key]) then
      winnerAt[key], winnerSeq[key], winnerValue[key] = effectiveAt, seq, value
    end
  end
  for i = 1, count do
    local value = stored[i]
    local sep = string.find(value, '|', 1, true)
    eachChange(value, sep + 1, tonumber(string.sub(value, 1, sep - 1)), consider)
  end
  if #keys == 0 then
    return keys, {}, {}, nil
  end

  local current = callInSlices('HMGET', versionsKey, keys, 1000)
  local before = recorded and callInSlices('HMGET', configKey, keys, 1000)
  local revision = (tonumber(redis.call('GET', revisionKey)) or 0) + 1
  local versionArgs, setArgs, deletedKeys = {}, {}, {}
  local latestAt = 0
  for i, key in ipairs(keys) do
    if isNewerThanStored(winnerAt[key], winnerSeq[key], current[i]) then
      versionArgs[#versionArgs + 1] = key
      versionArgs[#versionArgs + 1] = formatMs(winnerAt[key]) .. ':' .. winnerSeq[key] .. ':' .. revision
      latestAt = math.max(latestAt, winnerAt[key])
      if winnerValue[key] then
        setArgs[#setArgs + 1] = key
        setArgs[#setArgs + 1] = winnerValue[key]
      else
        deletedKeys[#deletedKeys + 1] = key
      end
    end
  end
  if #versionArgs == 0 then
    return keys, current, before, nil
  end
  writeSnapshot(versionArgs, setArgs, deletedKeys, latestAt, revision)
  return keys, current, before, revision
end
