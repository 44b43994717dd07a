--[[
  Records that a fault rule has expired, once: marks the rule's counters hash and appends the event in
  one step, so that of two control processes noticing the same expiry exactly one records it, and a
  process that dies in between leaves neither half behind. A rule removed meanwhile is left alone (its
  counters are gone with it and must not come back).

  KEYS[1] the rules hash, KEYS[2] the rule's counters hash, KEYS[3] the events stream
  ARGV[1] the rule's id, ARGV[2] now (epoch ms), ARGV[3] the events stream's max length,
  ARGV[4..] the event's fields (time, kind, details)
  Returns 1 when this call recorded the expiry, 0 when it was recorded before or the rule is gone.
]]
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
if redis.call('HSETNX', KEYS[2], 'expired', ARGV[2]) == 0 then return 0 end
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[3], '*', unpack(ARGV, 4))
return 1
