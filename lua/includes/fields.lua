-- Length-prefixed records, "<bytes>;<text>" per field in a fixed order, read and written without JSON
-- (src/release/fields.ts is the client's side). An empty text stands for an absent field.
local function readFields(encoded, pos, names)
  local record = {}
  for _, name in ipairs(names) do
    local sep = string.find(encoded, ';', pos, true)
    local length = tonumber(string.sub(encoded, pos, sep - 1))
    if length > 0 then
      record[name] = string.sub(encoded, sep + 1, sep + length)
    end
    pos = sep + length + 1
  end
  return record
end

local function writeFields(record, names)
  local parts = {}
  for i, name in ipairs(names) do
    local text = record[name] and tostring(record[name]) or ''
    parts[i] = #text .. ';' .. text
  end
  return table.concat(parts)
end
