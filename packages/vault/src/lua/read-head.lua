--[[
  Reads the latest version of an object and its deletion state in one round trip.
  KEYS[1] the object's hash
  Returns {head version, head document, deletion info}; missing parts are nil.
]]
local head = redis.call('HGET', KEYS[1], 'head')
if not head then return { false, false, redis.call('HGET', KEYS[1], 'deleted') } end
return { head, redis.call('HGET', KEYS[1], 'v:' .. head), redis.call('HGET', KEYS[1], 'deleted') }
