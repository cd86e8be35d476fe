--[[ recurring-refill: give a recurring definition more precomputed occurrence times (the client computes
  them: Lua has no time-zone database) and, when none is pending, schedule the next occurrence.
  KEYS: the hotconf keys (includes/keys.lua); uses recurring, due, items, seq, history, meta
        (historyRecords).
  ARGV[1] recurring id, ARGV[2] occurrence times (epoch ms, ascending, comma-separated; '' keeps those it
  has), ARGV[3] wake channel
  Returns the id of the pending occurrence, '' when none, or false when the definition is gone.
  Times at or before the pending occurrence are dropped, so a refill never schedules one twice. An
  occurrence cancelled by itself is replaced by the next one after now.
]]
-- @include "keys"
-- @include "time"
-- @include "wake"
-- @include "fields"
-- @include "release-meta"
-- @include "history"
-- @include "schedule-change"
-- @include "recurring"

local id = ARGV[1]
local definition = readRecurring(id)
if not definition then
  return false
end
local now = serverNowMs()
-- An occurrence cancelled on its own (cancel(id)) left the chain without a pending one: go on from now.
if definition.current and not redis.call('ZSCORE', dueKey, definition.current) then
  definition.current = nil
end
local after = now
if definition.current then
  after = math.max(after, tonumber(string.match(definition.current, ':(%d+)$')))
end
local times = {}
for text in string.gmatch(ARGV[2] ~= '' and ARGV[2] or definition.times or '', '%d+') do
  if tonumber(text) > after then
    times[#times + 1] = text
  end
end
definition.times = table.concat(times, ',')
if definition.current then
  redis.call('HSET', recurringKey, id, writeFields(definition, RECURRING_FIELDS))
  return definition.current
end
local previousEarliest = earliestRunAt()
advanceRecurring(id, definition, now)
writeHistory(now)
wakeIfEarlier(ARGV[3], previousEarliest)
return definition.current or ''
