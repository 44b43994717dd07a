--[[
  Decides whether one request that a fault rule matches is hit, and counts it, in one atomic step: the
  counters are exact across every region and concurrent request.

  KEYS[1] the rule's counters hash (matches, hits)
  KEYS[2] the logical request's attempts key (only when the rule has perRequest and the request an id)

  ARGV[1] now, epoch ms (the caller's clock)
  ARGV[2] start of the active window, epoch ms
  ARGV[3] end of the active window, epoch ms, or '' for none
  ARGV[4] times: at most this many hits, or '' for no limit
  ARGV[5] skip: let this many matches through first
  ARGV[6] probability, 0..1
  ARGV[7] seed of the probability draws
  ARGV[8] perRequest: hit at most this many attempts of a logical request, or '' for no limit
  ARGV[9] how long an attempts key lives, ms

  The n-th match's draw is the first 32 bits of sha1(seed .. ':' .. n): the same seed and the same
  sequence of matches give the same hits, whichever region saw them.
  Returns { hit (0|1), hits, matches }.
]]
local now, start = tonumber(ARGV[1]), tonumber(ARGV[2])
local hits = tonumber(redis.call('HGET', KEYS[1], 'hits') or '0')
local matches = tonumber(redis.call('HGET', KEYS[1], 'matches') or '0')
if now < start or (ARGV[3] ~= '' and now >= tonumber(ARGV[3])) then return { 0, hits, matches } end
if ARGV[4] ~= '' and hits >= tonumber(ARGV[4]) then return { 0, hits, matches } end
if ARGV[8] ~= '' and KEYS[2] then
  local attempts = redis.call('INCR', KEYS[2])
  redis.call('PEXPIRE', KEYS[2], ARGV[9])
  if attempts > tonumber(ARGV[8]) then return { 0, hits, matches } end
end
matches = redis.call('HINCRBY', KEYS[1], 'matches', 1)
if matches <= tonumber(ARGV[5]) then return { 0, hits, matches } end
local probability = tonumber(ARGV[6])
if probability < 1 then
  local draw = tonumber(string.sub(redis.sha1hex(ARGV[7] .. ':' .. matches), 1, 8), 16) / 4294967296
  if draw >= probability then return { 0, hits, matches } end
end
hits = redis.call('HINCRBY', KEYS[1], 'hits', 1)
return { 1, hits, matches }
