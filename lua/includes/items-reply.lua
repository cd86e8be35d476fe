-- Appends items to a reply as flat triples: id, "<runAt>|<payload>", failed attempts.
local function appendItems(reply, ids, stored, attempts)
  for i, id in ipairs(ids) do
    reply[#reply + 1] = id
    reply[#reply + 1] = stored[i] or ''
    reply[#reply + 1] = tonumber(attempts[i]) or 0
  end
  -- Copied into a table constructor: ioredis-mock's Lua engine (fengari, used by the fast unit tests)
  -- misreads a table grown by assignment as a map. Redis itself does not care.
  return { unpack(reply) }
end
