-- Writes one entry of the history stream (read by src/release/history-entry.ts). The entry id is
-- Redis's own (XADD *), so its time is the server's. Trimmed approximately to the change's historyLimit.
-- `extra` is a flat list of further field/value pairs (revision, changes, previous, why, keys).
local function recordHistory(event, id, seq, effectiveAt, meta, extra)
  if not meta or not meta.historyLimit then
    return
  end
  local fields = {
    'XADD', historyKey, 'MAXLEN', '~', meta.historyLimit, '*',
    'event', event, 'id', id, 'seq', seq, 'effectiveAt', effectiveAt,
    'kind', meta.kind or 'change', 'actor', meta.actor or '', 'reason', meta.reason or '',
  }
  for _, value in ipairs(extra or {}) do
    fields[#fields + 1] = value
  end
  redis.call(unpack(fields))
end

-- Keys and their values (JSON, or false for none) as an encoded change list "<count>;...".
local function encodeChangeList(keys, values)
  local parts = { #keys .. ';' }
  for i, key in ipairs(keys) do
    local value = values and values[i]
    parts[#parts + 1] = #key .. ';' .. key .. (value and (#value .. ';' .. value) or 'd;')
  end
  return table.concat(parts)
end
