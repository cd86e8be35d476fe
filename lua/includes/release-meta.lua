-- The release facts at the end of a scheduler's stored change set (src/release/release-meta.ts):
-- fields (includes/fields.lua) then ";<fields bytes, 4 digits>~R". No trailer: scheduled with history
-- off. The fixed width lets the claim find the facts of every change set it takes with two substrings
-- and no pattern search.
local RELEASE_FIELDS = {
  'kind', 'actor', 'reason', 'historyLimit', 'untilAt', 'forMs', 'baseRevision', 'recurringId',
  'revertOf', 'revertVersion',
}
local TRAILER_END_BYTES = 7 -- ";dddd~R"

local function hasReleaseMeta(value)
  return string.sub(value, -2) == '~R'
end

-- Where the facts start (the encoded changes end just before), or nil when there are none.
local function releaseMetaStart(value)
  if not hasReleaseMeta(value) then
    return nil
  end
  local bytes = tonumber(string.sub(value, -6, -3))
  return bytes and #value - TRAILER_END_BYTES + 1 - bytes
end

-- The first four fields: all a plain change set has (the others empty, "0;" each).
local RELEASE_HEAD_FIELDS = { 'kind', 'actor', 'reason', 'historyLimit' }
local EMPTY_TAIL = string.rep('0;', #RELEASE_FIELDS - #RELEASE_HEAD_FIELDS)

-- Whether a change set with facts has only kind, actor, reason and history (a change or a rollback, not
-- time-boxed, recurring, a revert or checked against a revision): the claim applies those in bulk.
-- (Only those six fields empty end in EMPTY_TAIL: a non-empty one holds no ';'.)
local function hasPlainReleaseMeta(value)
  return string.sub(value, -(TRAILER_END_BYTES + #EMPTY_TAIL), -(TRAILER_END_BYTES + 1)) == EMPTY_TAIL
end

-- Returns the facts (nil when none) and the position where they start.
local function readReleaseMeta(value)
  local start = releaseMetaStart(value)
  if not start then
    return nil, #value + 1
  end
  -- Most change sets are plain: read only their first fields.
  return readFields(value, start, hasPlainReleaseMeta(value) and RELEASE_HEAD_FIELDS or RELEASE_FIELDS), start
end

local function encodeReleaseMeta(meta)
  local fields = writeFields(meta, RELEASE_FIELDS)
  return fields .. ';' .. string.format('%04d', #fields) .. '~R'
end
