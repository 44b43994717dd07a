--[[
  Admits one request to a vault's sliding throttling window, or refuses it, in one atomic step: the
  count is exact however many requests arrive at once. Every key carries the vault's hash tag, so the
  script is single-slot.

  KEYS[1] the class's window: a sorted set of the admitted requests, score the admission time (epoch
          ms), member `<weight>:<request id>` (`vo:throttle:{<vault>}:<class>`)
  KEYS[2] the sum of the window's weights (`vo:throttle:{<vault>}:<class>:sum`)
  KEYS[3] optional: the hash of the key the request names (`vo:{<vault>}:o:key:<name>`); the request
          then weighs by the type and size of that key's version document

  ARGV[1] now, epoch ms (the region's real-time clock)
  ARGV[2] the window's length, ms
  ARGV[3] the class's budget per window
  ARGV[4] the request's id, unique among those in the window
  ARGV[5] the request's weight without KEYS[3], or when that key (or version) does not exist
  ARGV[6] with KEYS[3]: the version ('' for the latest)
  ARGV[7..14] with KEYS[3]: the weights of software RSA 2048, 3072, 4096, EC, then HSM RSA 2048, 3072,
          4096, EC

  An admitted request stays in the window for the window's length: it leaves at score + window, exactly.
  Refused requests are not recorded, so they never lengthen the wait.
  Returns { admitted (1|0), weight, retryAt }: retryAt (epoch ms, refusals only) is when the oldest
  admitted request leaves the window, the first moment the window can make room.
]]
local now, window, budget = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local weight = tonumber(ARGV[5])

if KEYS[3] then
  local version = ARGV[6]
  if version == '' then version = redis.call('HGET', KEYS[3], 'head') end
  local doc = version and redis.call('HGET', KEYS[3], 'v:' .. version)
  if doc then
    local ok, key = pcall(cjson.decode, doc)
    if ok and type(key) == 'table' then
      local kty, slot = key.kty, nil
      if kty == 'EC' or kty == 'EC-HSM' then slot = 4
      elseif kty == 'RSA' or kty == 'RSA-HSM' then
        slot = ({ [2048] = 1, [3072] = 2, [4096] = 3 })[tonumber(key.keySize)] or 1
      end
      if slot then
        if kty == 'RSA-HSM' or kty == 'EC-HSM' then slot = slot + 4 end
        weight = tonumber(ARGV[6 + slot])
      end
    end
  end
end

-- Drop what has left the window (admitted at or before now - window), with its weight.
local sum = tonumber(redis.call('GET', KEYS[2]) or '0')
local horizon = now - window
local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', horizon)
if #expired > 0 then
  for _, member in ipairs(expired) do
    sum = sum - tonumber(string.match(member, '^(%d+):'))
  end
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', horizon)
  if redis.call('ZCARD', KEYS[1]) == 0 then sum = 0 end
end

if sum + weight > budget then
  if #expired > 0 then redis.call('SET', KEYS[2], sum, 'PX', window) end
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  local retryAt = oldest[2] and (tonumber(oldest[2]) + window) or now
  return { 0, weight, retryAt }
end

redis.call('ZADD', KEYS[1], ARGV[1], weight .. ':' .. ARGV[4])
redis.call('PEXPIRE', KEYS[1], window)
redis.call('SET', KEYS[2], sum + weight, 'PX', window)
return { 1, weight, 0 }
