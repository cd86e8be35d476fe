-- History: one stream per prefix of every change set's state changes, read by
-- src/release/history-entry.ts. Each script that records writes one entry, however many records it holds
-- (one XADD per change set would cost a claim more than the rest of its work). Two kinds of entry:
--   records: fields 'records' <count>, 'at' <ms>, 'batch' <records>, collected with recordHistory and
--     written by writeHistory. A record is fields (includes/fields.lua): event, id, item (the stored
--     change set "<runAt>|<seq>;<changes><release facts>": its seq, effective time, changes, kind, actor
--     and reason), revision, why, keys (an encoded change list), changes (applied: what took effect, only
--     when not all of it did); then, for `applied`, one field per change that took effect: the key's
--     previous value JSON, empty when it had none.
--   claim: a claim of plain change sets as it was applied, which the reader replays (writeClaimHistory).
-- An entry's id is "<records written so far, its own included>-0" (meta 'historyRecords'), so trimming
-- to about historyLimit records is one MINID on the XADD, whatever each entry holds; its time is 'at'.
-- An entry is never split: the newest is kept whole even when it alone holds more than the limit.

local historyParts, historyPartCount, historyRecordCount, historyLimit = {}, 0, 0, 0

local function addHistoryField(text)
  local n = historyPartCount
  if text and text ~= '' then
    historyParts[n + 1], historyParts[n + 2], historyParts[n + 3] = #text, ';', text
    historyPartCount = n + 3
  else
    historyParts[n + 1] = '0;'
    historyPartCount = n + 1
  end
end

-- `previous`: the first `previousCount` entries are the taken changes' previous values (false: none).
local function recordHistory(event, id, item, limit, revision, why, keys, changes, previous, previousCount)
  historyRecordCount = historyRecordCount + 1
  historyLimit = math.max(historyLimit, tonumber(limit))
  addHistoryField(event)
  addHistoryField(id)
  addHistoryField(item)
  addHistoryField(revision and tostring(revision))
  addHistoryField(why)
  addHistoryField(keys)
  addHistoryField(changes)
  for i = 1, previousCount or 0 do
    addHistoryField(previous[i])
  end
end

-- The record count in the stream's last-generated id "<count>-0".
local function lastHistoryCount()
  local info = redis.call('XINFO', 'STREAM', historyKey)
  for i = 1, #info, 2 do
    if info[i] == 'last-generated-id' then
      return tonumber(string.match(info[i + 1], '^%d+'))
    end
  end
  return 0
end

-- Appends an entry of `records` records written at `now`, then its field/value pairs.
local function appendHistoryEntry(records, limit, now, ...)
  local written = redis.call('HINCRBY', metaKey, 'historyRecords', records)
  for attempt = 1, 2 do
    local added = redis.pcall('XADD', historyKey, 'MINID', '~', math.max(0, written - tonumber(limit) + 1),
      written .. '-0', 'records', records, 'at', formatMs(now), ...)
    if type(added) ~= 'table' or not added.err then
      return
    elseif attempt == 2 then
      error(added)
    end
    -- The count fell behind the stream's ids (meta was deleted or restored): go on from the last id
    -- the stream gave, which outlives its entries (XDEL, XTRIM).
    written = lastHistoryCount() + records
    redis.call('HSET', metaKey, 'historyRecords', written)
  end
end

-- Writes the records collected by this script as one entry.
local function writeHistory(now)
  if historyRecordCount == 0 then
    return
  end
  appendHistoryEntry(historyRecordCount, historyLimit, now,
    'batch', table.concat(historyParts, '', 1, historyPartCount))
  historyPartCount, historyRecordCount, historyLimit = 0, 0, 0
end

-- A claim of plain change sets (includes/release-claim.lua) is written as it was applied, and the
-- reader replays it: no work per change set here, on the claim's hot path. Fields besides 'records'
-- (the claimed change sets: each gets a record, but one in effect already) and 'at':
-- 'revision' <the new revision, '' when nothing changed>, 'ids' <comma-separated: ids are
-- [A-Za-z0-9_.:-]>, 'items' <the stored change sets one after the other, in claim order>, 'versions'
-- and 'values' <JSON arrays, per key in order of first appearance in the items: its version and its
-- value JSON before the claim, false for none> (cjson: no loop here).
local function writeClaimHistory(now, ids, stored, count, keys, versionsBefore, valuesBefore, revision, limit)
  appendHistoryEntry(count, limit, now, 'revision', revision or '',
    'ids', table.concat(ids, ',', 1, count), 'items', table.concat(stored, '', 1, count),
    'versions', #keys > 0 and cjson.encode(versionsBefore) or '[]',
    'values', #keys > 0 and cjson.encode(valuesBefore) or '[]')
end

-- The first `count` keys (all by default) and their values (JSON, or false for none; no values: all
-- false) as an encoded change list "<count>;...". The parts go in one reused table.
local changeListParts = {}
local function encodeChangeList(keys, values, count)
  count = count or #keys
  local parts = changeListParts
  parts[1] = count .. ';'
  for i = 1, count do
    local key, value = keys[i], values and values[i]
    parts[i + 1] = #key .. ';' .. key .. (value and (#value .. ';' .. value) or 'd;')
  end
  return table.concat(parts, '', 1, count + 1)
end
