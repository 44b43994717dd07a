--[[
  Applies a batch of change entries (format 1) of ONE vault to this region's copy and advances the
  vault's checkpoint, in one atomic step: copy and checkpoint never disagree.

  KEYS[1]   the vault's checkpoint hash (`vo:{vault}:repl:checkpoint`: position, time)
  KEYS[2..] every distinct key the batch touches, absolute, in the order of the relative names in ARGV[1]

  ARGV[1] relative key names, JSON array (KEYS[2..] = prefix .. name)
  ARGV[2] entries, JSON: [[position, v, t, keys, ops], ...] in stream order; keys and ops are the
          entry's own JSON strings, decoded here so that a malformed entry is refused, not half-applied

  The whole batch is validated before anything is written: an unknown format version, a malformed
  keys/ops list, an unknown op or a key index out of range is an error reply and nothing is written.
  The reply's first word is its code (errors.ts reads it): `UnknownFormat` for a format version this
  script does not know, `MalformedEntry` for anything else wrong with an entry.
  Entries at or below the checkpoint are skipped (re-delivery after a crash is harmless).
  The ops, their arity and how each is applied are OPS, from the vault's lua/ops.lua, which is put in
  front of this script when it is loaded (the vault's store/lua-scripts.ts): the very code that
  committed the entry on the primary.
  Returns {applied, position, time} (the checkpoint after the batch).
]]
local FORMAT = '1'

local names = cjson.decode(ARGV[1])
local absolute = {}
for i, name in ipairs(names) do absolute[name] = KEYS[i + 1] end

local checkpoint = tonumber(redis.call('HGET', KEYS[1], 'position') or '0')
local entries = cjson.decode(ARGV[2])

local function refuse(code, position, why)
  return reply_error(code, 'vaultover apply: entry ' .. tostring(position) .. ': ' .. why)
end
local function malformed(position, why) return refuse('MalformedEntry', position, why) end

-- Pass 1: validate everything, resolve keys.
local plan = {}
local last = checkpoint
for _, entry in ipairs(entries) do
  local position, v, t = tonumber(entry[1]), entry[2], entry[3]
  if position == nil then return malformed(entry[1], 'bad position') end
  if v ~= FORMAT then return refuse('UnknownFormat', position, 'unknown format version ' .. tostring(v)) end
  if tonumber(t) == nil then return malformed(position, 'bad commit time') end
  local okKeys, keys = pcall(cjson.decode, entry[4])
  if not okKeys or type(keys) ~= 'table' then return malformed(position, 'malformed keys') end
  local okOps, ops = pcall(cjson.decode, entry[5])
  if not okOps or type(ops) ~= 'table' then return malformed(position, 'malformed ops') end
  for _, op in ipairs(ops) do
    if type(op) ~= 'table' then return malformed(position, 'malformed op') end
    local spec = OPS[op[1]]
    if spec == nil then return malformed(position, 'unknown op ' .. tostring(op[1])) end
    if #op ~= spec.arity + 2 then return malformed(position, 'wrong arity for ' .. op[1]) end
    local index = op[2]
    if type(index) ~= 'number' or keys[index + 1] == nil then return malformed(position, 'key index out of range') end
    local k = absolute[keys[index + 1]]
    if k == nil then return malformed(position, 'key not declared') end
    for a = 3, #op do
      if type(op[a]) ~= 'string' then return malformed(position, 'non-string argument') end
    end
  end
  if position > last then
    plan[#plan + 1] = { ops = ops, keys = keys, position = position, t = t }
    last = position
  end
end

-- Pass 2: write.
for _, step in ipairs(plan) do
  for _, op in ipairs(step.ops) do OPS[op[1]].apply(absolute[step.keys[op[2] + 1]], op) end
end

if #plan == 0 then
  return { 0, checkpoint, redis.call('HGET', KEYS[1], 'time') or '0' }
end
local final = plan[#plan]
redis.call('HSET', KEYS[1], 'position', final.position, 'time', final.t)
return { #plan, final.position, final.t }
