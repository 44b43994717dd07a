--[[
  Adds hits that regions decided alone to their rules' counters (rules whose hits do not depend on their
  counters: every match inside the window is a hit), skipping rules removed since: a late batch must
  not bring a removed rule's counters back.

  KEYS[1]   the rules hash
  KEYS[2..] the counters hash of each rule
  ARGV[1..] the id of each rule, then, after them, the number of hits of each
]]
local n = #KEYS - 1
for i = 1, n do
  if redis.call('HEXISTS', KEYS[1], ARGV[i]) == 1 then
    local count = tonumber(ARGV[n + i])
    redis.call('HINCRBY', KEYS[i + 1], 'matches', count)
    redis.call('HINCRBY', KEYS[i + 1], 'hits', count)
  end
end
return n
