-- Writes one entry of the history stream (read by src/release/history-entry.ts). The entry id is
-- Redis's own (XADD *), so its time is the server's. Trimmed approximately to the change's historyLimit.
-- Further field/value pairs (revision, changes, previous, why, keys) follow as extra arguments: passed on
-- as they are, with no table built, since the claim writes one entry per change set.
-- Absent fields (kind 'change', no actor, no reason) are left out.
local function recordHistory(event, id, seq, effectiveAt, meta, ...)
  if not meta or not meta.historyLimit then
    return
  end
  local limit, kind, actor, reason = meta.historyLimit, meta.kind or 'change', meta.actor, meta.reason
  if kind == 'change' and not actor and not reason then
    redis.call('XADD', historyKey, 'MAXLEN', '~', limit, '*',
      'event', event, 'id', id, 'seq', seq, 'effectiveAt', effectiveAt, ...)
  else
    redis.call('XADD', historyKey, 'MAXLEN', '~', limit, '*',
      'event', event, 'id', id, 'seq', seq, 'effectiveAt', effectiveAt,
      'kind', kind, 'actor', actor or '', 'reason', reason or '', ...)
  end
end

-- The first `count` keys (all by default) and their values (JSON, or false for none; no values: all
-- false) as an encoded change list "<count>;...". The parts go in one reused table: the claim encodes
-- two lists per change set.
local changeListParts = {}
local function encodeChangeList(keys, values, count)
  count = count or #keys
  local parts = changeListParts
  parts[1] = count .. ';'
  for i = 1, count do
    local key, value = keys[i], values and values[i]
    parts[i + 1] = #key .. ';' .. key .. (value and (#value .. ';' .. value) or 'd;')
  end
  return table.concat(parts, '', 1, count + 1)
end
