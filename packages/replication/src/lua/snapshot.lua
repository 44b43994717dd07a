--[[
  Reads a consistent snapshot of one vault on the primary: its position and every key of its state,
  in one script, so that the state is exactly the state at that position.

  KEYS[1] the vault's position counter (`vo:{vault}:pos`)
  KEYS[2] the vault's change stream (`vo:{vault}:log`)

  ARGV[1] the vault's key prefix (`vo:{vault}:`)

  Returns {position, commitTime, key1, dump1, key2, dump2, ...}; keys are relative to the prefix; the
  log, position counter and replication keys (`repl:*`) are left out. Scanning inside the script
  touches keys not declared in KEYS: they all carry the vault's hash tag, so they sit in KEYS[1]'s slot.
]]
local prefix = ARGV[1]
local position = redis.call('GET', KEYS[1]) or '0'
local time = '0'
local last = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', 1)
if last[1] ~= nil then
  local fields = last[1][2]
  for i = 1, #fields, 2 do if fields[i] == 't' then time = fields[i + 1] end end
end
local reply = { position, time }
local cursor = '0'
repeat
  local page = redis.call('SCAN', cursor, 'MATCH', prefix .. '*', 'COUNT', 1000)
  cursor = page[1]
  for _, key in ipairs(page[2]) do
    local relative = string.sub(key, #prefix + 1)
    if string.sub(key, 1, #prefix) == prefix and relative ~= 'log' and relative ~= 'pos'
      and string.sub(relative, 1, 5) ~= 'repl:' then
      reply[#reply + 1] = relative
      reply[#reply + 1] = redis.call('DUMP', key)
    end
  end
until cursor == '0'
return reply
