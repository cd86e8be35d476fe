--[[ bridge-release: on Redis Cluster, remove from the recipe's ZSET the members the bridge has already
  scheduled into hotconf (or dead-listed), unless the admin changed their score meanwhile.
  The recipe's key lives in another Cluster slot than hotconf's keys, so this script alone takes not the
  hotconf keys but the recipe's key only.
  KEYS[1] the recipe's ZSET (member -> score)
  ARGV pairs: member, score as the bridge read it
  Returns the number of members removed.
]]
local members = {}
for i = 1, #ARGV, 2 do
  members[#members + 1] = ARGV[i]
end
local scores = redis.call('ZMSCORE', KEYS[1], unpack(members))
local unchanged = {}
for n = 1, #members do
  if scores[n] == ARGV[n * 2] then
    unchanged[#unchanged + 1] = members[n]
  end
end
if #unchanged == 0 then
  return 0
end
return redis.call('ZREM', KEYS[1], unpack(unchanged))
