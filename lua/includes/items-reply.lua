-- Appends items to a reply as flat triples: id, "<runAt>|<payload>", failed attempts.
local function appendItems(reply, ids, stored, attempts)
  for i, id in ipairs(ids) do
    reply[#reply + 1] = id
    reply[#reply + 1] = stored[i] or ''
    reply[#reply + 1] = tonumber(attempts[i]) or 0
  end
  return reply
end
