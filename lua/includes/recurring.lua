-- A recurring definition, HASH recurring id -> fields (src/release/recurring-definition.ts). `times` are
-- the coming occurrence instants (epoch ms, ascending, comma-separated) computed by the client, which
-- knows time zones; `current` is the id of the one occurrence pending, '' when none is.
local RECURRING_FIELDS = {
  'cron', 'timezone', 'durationMs', 'actor', 'reason', 'historyLimit', 'changes', 'times', 'current',
}

local function readRecurring(id)
  local encoded = redis.call('HGET', recurringKey, id)
  return encoded and readFields(encoded, 1, RECURRING_FIELDS)
end

-- Schedules the first occurrence after `afterMs` (id "<recurring id>:<instant>") and keeps the later
-- instants; with none left, `current` is emptied and the scheduler's refill schedules the next.
local function advanceRecurring(recurringId, definition, afterMs)
  local nextAt, later = nil, {}
  for text in string.gmatch(definition.times or '', '%d+') do
    local instant = tonumber(text)
    if instant > afterMs then
      if nextAt then
        later[#later + 1] = text
      else
        nextAt = instant
      end
    end
  end
  definition.current = nil
  if nextAt then
    local id = recurringId .. ':' .. formatMs(nextAt)
    scheduleChange(id, nextAt, definition.changes, {
      kind = 'recurring', actor = definition.actor, reason = definition.reason,
      historyLimit = definition.historyLimit, forMs = definition.durationMs, recurringId = recurringId,
    })
    definition.current = id
  end
  definition.times = table.concat(later, ',')
  redis.call('HSET', recurringKey, recurringId, writeFields(definition, RECURRING_FIELDS))
end

-- After occurrence `occurrenceId` took effect (or was dropped): the next one, unless the definition
-- was cancelled or has moved on. Occurrences missed while no scheduler ran collapse into the next.
local function recurAfter(recurringId, occurrenceId, now)
  local definition = readRecurring(recurringId)
  if not definition or definition.current ~= occurrenceId then
    return
  end
  local occurredAt = tonumber(string.match(occurrenceId, ':(%d+)$'))
  advanceRecurring(recurringId, definition, math.max(occurredAt, now))
end
