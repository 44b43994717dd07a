--[[
  One page of a full resync's copy, on the primary: the DUMP of every key given, in one call rather
  than one command per key (run with EVAL_RO: the replicator's user may only read here).

  KEYS the page's keys (one vault's: its hash tag puts them in one slot)

  Returns one payload per key, in order; nil for a key that is gone (deleted after the copy's start:
  the stream deletes it on the secondary).
]]
local payloads = {}
for i, key in ipairs(KEYS) do payloads[i] = redis.call('DUMP', key) end
return payloads
