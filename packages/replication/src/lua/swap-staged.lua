--[[
  Ends a full resync of one vault on this region: the copy staged under the staging prefix replaces
  the vault's state, and the checkpoint moves to the position the copy started from, in one atomic
  step. After a crash the vault is either the old copy with the old checkpoint or the new one with the
  new checkpoint, never a mix (leftover staged keys are cleared by the next resync).

  KEYS[1] the vault's checkpoint hash (`vo:{vault}:repl:checkpoint`)

  ARGV[1] the vault's key prefix (`vo:{vault}:`)
  ARGV[2] the staging prefix (`vo:{vault}:repl:staging:`)
  ARGV[3] the position the copy started from
  ARGV[4] the commit time of the entry at that position (0 when unknown)

  Scanned here: every key carries the vault's hash tag, so all share KEYS[1]'s slot. Blocks this
  region's Redis for the size of the vault (about a second per million keys), once per resync.
  Returns the number of keys installed.
]]
local prefix, staging = ARGV[1], ARGV[2]
local function each(pattern, fn)
  local cursor = '0'
  repeat
    local page = redis.call('SCAN', cursor, 'MATCH', pattern, 'COUNT', 1000)
    cursor = page[1]
    for _, key in ipairs(page[2]) do fn(key) end
  until cursor == '0'
end
-- The old copy: every key of the vault but replication's own (the staged copy among them).
each(prefix .. '*', function(key)
  if string.sub(key, 1, #prefix) == prefix and string.sub(key, #prefix + 1, #prefix + 5) ~= 'repl:' then
    redis.call('DEL', key)
  end
end)
local installed = 0
each(staging .. '*', function(key)
  if string.sub(key, 1, #staging) == staging then
    redis.call('RENAME', key, prefix .. string.sub(key, #staging + 1))
    installed = installed + 1
  end
end)
redis.call('HSET', KEYS[1], 'position', ARGV[3], 'time', ARGV[4])
return installed
