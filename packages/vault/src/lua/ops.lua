--[[
  The ops of a change entry, in one place: commit.lua writes them on the primary, and replication's
  apply-batch.lua writes the same entry again on a secondary. Redis scripts cannot import, so this
  fragment is put in front of each of them when they are loaded (store/lua-scripts.ts).

  OPS[kind] = { arity = how many arguments follow the key index, apply = function(key, op) }, for an
  op {kind, keyIndex, args...} whose key the script has resolved. mutation.ts builds the same kinds.

  reply_error(code, detail): an error reply whose first word is its code (Redis's convention, as in
  `WRONGTYPE …`); callers read that word (foundation's redisReplyCode), never the rest. `detail` must
  not be empty: Redis puts `ERR` in front of a reply without a space.
]]
local OPS = {
  hset = { arity = 2, apply = function(k, op) redis.call('HSET', k, op[3], op[4]) end },
  hdel = { arity = 1, apply = function(k, op) redis.call('HDEL', k, op[3]) end },
  del = { arity = 0, apply = function(k) redis.call('DEL', k) end },
  zadd = { arity = 1, apply = function(k, op) redis.call('ZADD', k, 0, op[3]) end },
  zrem = { arity = 1, apply = function(k, op) redis.call('ZREM', k, op[3]) end },
  set = { arity = 1, apply = function(k, op) redis.call('SET', k, op[3]) end },
}

local function reply_error(code, detail)
  return redis.error_reply(code .. ' ' .. detail)
end
