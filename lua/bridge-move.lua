--[[ bridge-move: move members of the recipe's ZSET into hotconf in one atomic step (Redis, not Cluster).
  KEYS: the hotconf keys (includes/keys.lua); uses due, items, seq, retained, meta (as schedule.lua); then
  KEYS[#hotconf + 1] the bridge's dead list: HASH id -> "<server ms>|<JSON { member, score, reason }>"
  KEYS[#hotconf + 2] the recipe's ZSET (member -> score)
  ARGV[1] wake channel (as schedule.lua)
  then per member, 6 arguments: member, score (as Redis wrote it when the bridge read it), id,
    'change', run time (epoch ms), change set without its seq   or   'dead', the dead record's JSON, ''
  Returns one flag per member: 1 moved (scheduled or dead-listed), 0 no longer in the ZSET at that score
  (another bridge took it, or the admin changed it: it is read again). A member is never both left in the
  ZSET and moved, and never moved twice.
]]
-- @include "keys"
-- @include "time"
-- @include "wake"
-- @include "retention"
-- @include "layout"
-- @include "schedule-item"

local recipeDeadKey = KEYS[#KEYS - 1]
local recipeKey = KEYS[#KEYS]
local now = serverNowMs()
trimRetained(now, 100)
local members = {}
for i = 2, #ARGV, 6 do
  members[#members + 1] = ARGV[i]
end
local scores = redis.call('ZMSCORE', recipeKey, unpack(members))

local previousEarliest = earliestRunAt()
local taken = {}
local moved = {}
for n = 1, #members do
  local i = 2 + (n - 1) * 6
  if scores[n] == ARGV[i + 1] then
    taken[#taken + 1] = members[n]
    if ARGV[i + 3] == 'change' then
      -- A fresh generated id each time: not retained, and its seq drawn here as schedule.lua does.
      scheduleItem(ARGV[i + 2], ARGV[i + 5], 'at', ARGV[i + 4], now, false, true)
    else
      redis.call('HSET', recipeDeadKey, ARGV[i + 2], now .. '|' .. ARGV[i + 4])
    end
    moved[n] = 1
  else
    moved[n] = 0
  end
end
if #taken > 0 then
  redis.call('ZREM', recipeKey, unpack(taken))
end
wakeIfEarlier(ARGV[1], previousEarliest)
return moved
