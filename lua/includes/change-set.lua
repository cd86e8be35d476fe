-- Reads a scheduled change set, as src/scheduler/change-set-codec.ts encodes it:
--   "<seq>;<count>;" then per change "<keyBytes>;<key><valueBytes>;<value JSON>" or "<keyBytes>;<key>d;" (delete).
-- Length-prefixed so Lua never parses JSON: values reach the snapshot byte for byte.
-- Reads from position `pos` of `encoded` (the stored item, past its "<runAt>|"), without copying it.
-- Calls visit(key, effectiveAt, seq, value JSON or false for a delete) for each change.
-- (Plain loops, no closures or tables per change: this runs for every change set a claim takes.)
local function eachChange(encoded, pos, effectiveAt, visit)
  local sep = string.find(encoded, ';', pos, true)
  local seq = tonumber(string.sub(encoded, pos, sep - 1))
  pos = sep + 1
  sep = string.find(encoded, ';', pos, true)
  local count = tonumber(string.sub(encoded, pos, sep - 1))
  pos = sep + 1
  for _ = 1, count do
    sep = string.find(encoded, ';', pos, true)
    local keyEnd = sep + tonumber(string.sub(encoded, pos, sep - 1))
    local key = string.sub(encoded, sep + 1, keyEnd)
    sep = string.find(encoded, ';', keyEnd + 1, true)
    local valueBytes = string.sub(encoded, keyEnd + 1, sep - 1)
    pos = sep + 1
    if valueBytes == 'd' then
      visit(key, effectiveAt, seq, false)
    else
      local valueEnd = pos + tonumber(valueBytes)
      visit(key, effectiveAt, seq, string.sub(encoded, pos, valueEnd - 1))
      pos = valueEnd
    end
  end
end

-- Why a stored value is not "<runAt>|" and a well-formed change set (every length in bounds, nothing
-- left over), or nil when it is one. A claim must never fail half way on an item it cannot read.
local function changeSetProblem(stored)
  if not stored then
    return 'payload vanished'
  end
  local _, bar = string.find(stored, '^%d+|')
  if not bar then
    return 'not a hotconf stored item'
  end
  local _, seqEnd = string.find(stored, '^%d+;', bar + 1)
  local _, countEnd, count = string.find(stored, '^(%d+);', (seqEnd or #stored) + 1)
  if not seqEnd or not countEnd or tonumber(count) < 1 then
    return 'not a hotconf change set'
  end
  local pos = countEnd + 1
  for _ = 1, tonumber(count) do
    local _, keyLengthEnd, keyBytes = string.find(stored, '^(%d+);', pos)
    local keyEnd = keyLengthEnd and keyLengthEnd + tonumber(keyBytes)
    if not keyEnd or keyBytes == '0' or keyEnd >= #stored then
      return 'malformed change set (key)'
    end
    local _, valueLengthEnd, valueBytes = string.find(stored, '^(%d+);', keyEnd + 1)
    if valueLengthEnd and valueBytes ~= '0' then
      pos = valueLengthEnd + 1 + tonumber(valueBytes)
    elseif string.sub(stored, keyEnd + 1, keyEnd + 2) == 'd;' then
      pos = keyEnd + 3
    else
      return 'malformed change set (value)'
    end
    if pos > #stored + 1 then
      return 'malformed change set (value)'
    end
  end
  -- Release facts may follow the changes (includes/release-meta.lua).
  if pos ~= #stored + 1 and pos ~= releaseMetaStart(stored) then
    return 'malformed change set (trailing bytes)'
  end
  return nil
end
