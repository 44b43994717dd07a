--[[
  Replaces this region's copy of one vault with a snapshot and sets its checkpoint, in one atomic
  step: after a crash the copy is either the old one with the old checkpoint or the snapshot with
  the snapshot's position, never a mix.

  KEYS[1] the vault's checkpoint hash (`vo:{vault}:repl:checkpoint`)

  ARGV[1] the vault's key prefix (`vo:{vault}:`)
  ARGV[2] the snapshot's position
  ARGV[3] the commit time of the entry at that position (0 when unknown)
  ARGV[4..] relative key, DUMP payload, relative key, DUMP payload, ...

  Every existing key of the vault but `repl:*` is deleted first (scanned here: the keys carry the
  vault's hash tag, so they share KEYS[1]'s slot). Returns the number of keys installed.
]]
local prefix = ARGV[1]
local cursor = '0'
repeat
  local page = redis.call('SCAN', cursor, 'MATCH', prefix .. '*', 'COUNT', 1000)
  cursor = page[1]
  for _, key in ipairs(page[2]) do
    if string.sub(key, 1, #prefix) == prefix and string.sub(key, #prefix + 1, #prefix + 5) ~= 'repl:' then
      redis.call('DEL', key)
    end
  end
until cursor == '0'
local installed = 0
for i = 4, #ARGV, 2 do
  redis.call('RESTORE', prefix .. ARGV[i], 0, ARGV[i + 1], 'REPLACE')
  installed = installed + 1
end
redis.call('HSET', KEYS[1], 'position', ARGV[2], 'time', ARGV[3])
return installed
