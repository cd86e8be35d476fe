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
