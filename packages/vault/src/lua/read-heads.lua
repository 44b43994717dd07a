--[[
  Reads the latest version document of several objects in one round trip (list pages).
  KEYS[1..n] the objects' hashes
  Returns, for each object, {head version, head document, deletion info, settles} flattened into one
  array.
]]
local out = {}
for i, k in ipairs(KEYS) do
  local head = redis.call('HGET', k, 'head')
  out[#out + 1] = head
  out[#out + 1] = head and redis.call('HGET', k, 'v:' .. head) or false
  out[#out + 1] = redis.call('HGET', k, 'deleted')
  out[#out + 1] = redis.call('HGET', k, 'settles')
end
return out
