-- Records a state change (scheduled, rescheduled, cancelled) of a stored change set
-- "<runAt>|<seq>;<changes><release facts>" in history; nothing for one without release facts.
local function recordChangeEvent(event, id, stored)
  if not hasReleaseMeta(stored) then
    return
  end
  local bar = string.find(stored, '|', 1, true)
  local seqEnd = string.find(stored, ';', bar + 1, true)
  local meta, metaAt = readReleaseMeta(stored)
  recordHistory(event, id, string.sub(stored, bar + 1, seqEnd - 1), string.sub(stored, 1, bar - 1), meta,
    'changes', string.sub(stored, seqEnd + 1, metaAt - 1))
end
