-- The release facts at the end of a scheduler's stored change set (src/release/release-meta.ts):
-- fields (includes/fields.lua) then ";<fields bytes>~R". No trailer: scheduled with history off.
local RELEASE_FIELDS = {
  'kind', 'actor', 'reason', 'historyLimit', 'untilAt', 'forMs', 'baseRevision', 'recurringId',
  'revertOf', 'revertVersion',
}

local function hasReleaseMeta(value)
  return string.sub(value, -2) == '~R'
end

-- Where the facts start (the encoded changes end just before), or nil when there are none.
-- The search starts near the end: ";<bytes>~R" is at most 13 characters.
local function releaseMetaStart(value)
  if not hasReleaseMeta(value) then
    return nil
  end
  local sep, _, bytes = string.find(value, ';(%d+)~R$', math.max(1, #value - 12))
  return bytes and sep - tonumber(bytes)
end

-- The first four fields: all a plain change set has (the others empty, "0;" each).
local RELEASE_HEAD_FIELDS = { 'kind', 'actor', 'reason', 'historyLimit' }
local EMPTY_TAIL = string.rep('0;', #RELEASE_FIELDS - #RELEASE_HEAD_FIELDS)

-- Returns the facts (nil when none) and the position where they start.
local function readReleaseMeta(value)
  local start = releaseMetaStart(value)
  if not start then
    return nil, #value + 1
  end
  -- Most change sets are plain: read only their first fields (the claim reads one per change set).
  local fieldsEnd = string.find(value, ';%d+~R$', math.max(1, #value - 12)) - 1
  local plain = string.sub(value, fieldsEnd - #EMPTY_TAIL + 1, fieldsEnd) == EMPTY_TAIL
  return readFields(value, start, plain and RELEASE_HEAD_FIELDS or RELEASE_FIELDS), start
end

local function encodeReleaseMeta(meta)
  local fields = writeFields(meta, RELEASE_FIELDS)
  return fields .. ';' .. #fields .. '~R'
end
