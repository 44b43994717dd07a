-- Moves the failover state from one epoch to the next, only if it is still at the epoch the caller saw
-- (compare-and-set), and records the transition's event in the same step: two control processes racing
-- for the same transition get exactly one winner and one event.
-- KEYS[1] failover hash, KEYS[2] events stream.
-- ARGV: expected epoch ('' = only if no state yet), new epoch, writer ('' = nobody), modes JSON,
--       state JSON, event time, event kind, event details JSON, pub/sub channel, events max length.
-- Returns { 1, new epoch } or { 0, current epoch or '' }.
local current = redis.call('HGET', KEYS[1], 'epoch')
if ARGV[1] == '' then
  if current then
    return { 0, current }
  end
elseif current ~= ARGV[1] then
  return { 0, current or '' }
end
redis.call('HSET', KEYS[1], 'epoch', ARGV[2], 'writer', ARGV[3], 'modes', ARGV[4], 'state', ARGV[5])
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[10], '*', 'time', ARGV[6], 'kind', ARGV[7], 'details', ARGV[8])
redis.call('PUBLISH', ARGV[9], ARGV[2])
return { 1, ARGV[2] }
