--[[
  One page of a full resync's copy, on the secondary: RESTORE every payload under its staging key, in
  one call rather than one command per key.

  KEYS the staging keys (one vault's: one slot)
  ARGV the DUMP payloads, in the order of KEYS

  Returns the number of keys restored.
]]
for i, key in ipairs(KEYS) do redis.call('RESTORE', key, 0, ARGV[i], 'REPLACE') end
return #KEYS
