-- Reads this region's assignment and renews its write lease when it is the writer, in one step, so a
-- region never renews a lease under an epoch it has not seen.
-- KEYS[1] failover hash, KEYS[2] lease key. ARGV[1] region, ARGV[2] lease TTL in ms.
-- Returns { held (0|1), epoch or '', modes JSON or '' }.
local fields = redis.call('HMGET', KEYS[1], 'epoch', 'writer', 'modes')
local epoch, writer, modes = fields[1], fields[2], fields[3]
if not epoch then
  return { 0, '', '' }
end
local held = 0
if writer == ARGV[1] then
  redis.call('SET', KEYS[2], ARGV[1] .. ':' .. epoch, 'PX', ARGV[2])
  held = 1
end
return { held, epoch, modes or '' }
