-- Lua's unpack spreads only a few thousand values: a long argument list (a large batch, a whole prefix
-- being upgraded) is sent in slices of `width`, and table replies are joined in order.
local function callInSlices(command, key, args, width)
  local results = {}
  for first = 1, #args, width do
    local reply = redis.call(command, key, unpack(args, first, math.min(first + width - 1, #args)))
    if type(reply) == 'table' then
      for _, value in ipairs(reply) do
        results[#results + 1] = value
      end
    end
  end
  return results
end
