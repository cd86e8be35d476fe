-- Decodes a scheduled change set, as src/scheduler/change-set-codec.ts encodes it:
--   "<seq>;<count>;" then per change "<keyBytes>;<key><valueBytes>;<value JSON>" or "<keyBytes>;<key>d;" (delete).
-- Length-prefixed so Lua never parses JSON: values reach the snapshot byte for byte.
-- Returns seq and a list of { key, value JSON or false for a delete }.
local function decodeChangeSet(encoded)
  local pos = 1
  local function field()
    local sep = string.find(encoded, ';', pos, true)
    local value = string.sub(encoded, pos, sep - 1)
    pos = sep + 1
    return value
  end
  local function bytes(n)
    local value = string.sub(encoded, pos, pos + n - 1)
    pos = pos + n
    return value
  end
  local seq = tonumber(field())
  local changes = {}
  for i = 1, tonumber(field()) do
    local key = bytes(tonumber(field()))
    local valueBytes = field()
    local value = false
    if valueBytes ~= 'd' then
      value = bytes(tonumber(valueBytes))
    end
    changes[i] = { key, value }
  end
  return seq, changes
end
