--[[
  Applies one mutation of a vault and appends its change entry, atomically: state and log never disagree.

  KEYS[1]   the vault's change stream
  KEYS[2]   the vault's position counter
  KEYS[3]   this commit's result, under its idempotency key (`vo:commit:{<vault>}:<id>`)
  KEYS[4..] the keys the mutation touches, in the order of the relative names in ARGV[5], then, when
            ARGV[9] is not empty, the region's change notices (`vo:repl:changes`) last: a notice
            names the vault and position, and carries the entry's fields as the stream holds them

  ARGV[1] change-entry format version
  ARGV[2] operation name (catalogue name, e.g. SecretSet)
  ARGV[3] commit time, ms since the epoch (the caller's clock, so that simulated time is honoured)
  ARGV[4] guards, JSON: [[kind, keyIndex, arg, expected], ...]   kinds: hexists, heq, zmember
  ARGV[5] relative key names, JSON array (kept in the entry so that another region can re-apply it)
  ARGV[6] ops, JSON: [[kind, keyIndex, args...], ...]             kinds: hset, hdel, del, zadd, zrem, set
  ARGV[7] approximate cap on the stream's length
  ARGV[8] how long the result is kept under KEYS[3], ms
  ARGV[9]  the vault's name, for its notice; empty when the caller writes the notice itself (on a
           Redis Cluster the notices are in another slot than the vault)
  ARGV[10] approximate cap on the notices' length

  Key indexes in guards and ops are 0-based into KEYS[4..]. The ops are those of OPS, from ops.lua,
  which is put in front of this script when it is loaded (store/lua-scripts.ts).
  Returns {1, position} on success, {0, n} when guard n (1-based) does not hold; nothing is written then.
  A commit sent again with the same idempotency key (ioredis re-sends a command whose reply a dropped
  connection lost) returns the first run's {1, position} and writes nothing but the key's expiry, renewed:
  a write, so that a WAIT after it (store/committer.ts, on a Redis Cluster) covers the first run too,
  which another connection made. Only successes are kept:
  a refused run wrote nothing, so running it again is simply another attempt.
  An op or guard kind the script does not know is an error reply whose first word is its code,
  `UnknownOp` or `UnknownGuard` (committer.ts reads it); nothing is written then either.
]]
local done = redis.call('GET', KEYS[3])
if done then
  redis.call('PEXPIRE', KEYS[3], ARGV[8])
  return { 1, tonumber(done) }
end

local guards = cjson.decode(ARGV[4])
local ops = cjson.decode(ARGV[6])
local function key(index) return KEYS[index + 4] end

for _, op in ipairs(ops) do
  if not OPS[op[1]] then return reply_error('UnknownOp', 'vaultover commit: unknown op ' .. tostring(op[1])) end
end

for i, guard in ipairs(guards) do
  local kind, k, arg, expected = guard[1], key(guard[2]), guard[3], guard[4]
  local holds
  if kind == 'hexists' then
    holds = (redis.call('HEXISTS', k, arg) == 1) == expected
  elseif kind == 'heq' then
    holds = redis.call('HGET', k, arg) == expected
  elseif kind == 'zmember' then
    holds = (redis.call('ZSCORE', k, arg) ~= false) == expected
  else
    return reply_error('UnknownGuard', 'vaultover commit: unknown guard ' .. tostring(kind))
  end
  if not holds then return { 0, i } end
end

for _, op in ipairs(ops) do OPS[op[1]].apply(key(op[2]), op) end

local position = redis.call('INCR', KEYS[2])
redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[7], position .. '-0',
  'v', ARGV[1], 'op', ARGV[2], 't', ARGV[3], 'keys', ARGV[5], 'ops', ARGV[6])
redis.call('SET', KEYS[3], position, 'PX', ARGV[8])
if ARGV[9] ~= '' then
  -- The notice carries the entry too: a replicator that follows the notices applies it from there,
  -- without reading the vault's stream (one round trip less per write).
  redis.call('XADD', KEYS[#KEYS], 'MAXLEN', '~', ARGV[10], '*', 'vault', ARGV[9], 'position', position,
    't', ARGV[3], 'v', ARGV[1], 'op', ARGV[2], 'keys', ARGV[5], 'ops', ARGV[6])
end
return { 1, position }
