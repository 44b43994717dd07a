--[[
  Reads the latest version of an object, its deletion state and when its last delete or recover
  settles, in one round trip.
  KEYS[1] the object's hash
  Returns {head version, head document, deletion info, settles}; missing parts are nil.
]]
local head = redis.call('HGET', KEYS[1], 'head')
local deleted = redis.call('HGET', KEYS[1], 'deleted')
local settles = redis.call('HGET', KEYS[1], 'settles')
if not head then return { false, false, deleted, settles } end
return { head, redis.call('HGET', KEYS[1], 'v:' .. head), deleted, settles }
