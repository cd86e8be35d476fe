-- Records a state change (scheduled, rescheduled, cancelled) of a stored change set
-- "<runAt>|<seq>;<changes><release facts>" for writeHistory; nothing for one without release facts.
local function recordChangeEvent(event, id, stored)
  if not hasReleaseMeta(stored) then
    return
  end
  recordHistory(event, id, stored, readReleaseMeta(stored).historyLimit)
end
