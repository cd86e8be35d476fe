-- The release facts at the end of a scheduler's stored change set (src/release/release-meta.ts):
-- fields (includes/fields.lua) then ";<fields bytes>~R". No trailer: scheduled with history off.
local RELEASE_FIELDS = {
  'kind', 'actor', 'reason', 'historyLimit', 'untilAt', 'forMs', 'baseRevision', 'recurringId',
  'revertOf', 'revertVersion',
}

local function hasReleaseMeta(value)
  return string.sub(value, -2) == '~R'
end

-- Returns the facts and the position where they start (the encoded changes end just before it).
local function readReleaseMeta(value)
  if not hasReleaseMeta(value) then
    return nil, #value + 1
  end
  local bytes = string.match(value, ';(%d+)~R$')
  local start = #value - #bytes - 2 - tonumber(bytes)
  return readFields(value, start, RELEASE_FIELDS), start
end

local function encodeReleaseMeta(meta)
  local fields = writeFields(meta, RELEASE_FIELDS)
  return fields .. ';' .. #fields .. '~R'
end
