-- Checks and charges every limit of one request, atomically, in one round trip.
--
-- '-' stands for an empty value.
--
-- ARGV[1]  now in epoch nanoseconds as a decimal string, or "-" to use the server's TIME
-- ARGV[2]  number of limits n; negative for a dry run (report the limits as they stand, charge nothing)
-- ARGV[3]  deadline: the server time (epoch ns) after which the client has given up waiting;
--          a command that runs later (the server was paused or overloaded) charges nothing
-- then, per limit, 7 values: type, cost, soft, a, b, c, d
--   rate:        a = T (emission interval ns), b = tau (tolerance ns)
--   quota:       a = limit, b..d unused; its 3 KEYS are the previous, current and next window,
--                and ARGV holds the 4 window boundaries after the limits (see below)
--   concurrency: a = limit, b = lease id, c = lease timeout ms
--   credits:     nothing
-- KEYS: rate/concurrency/credits: 1 key each; quota: 3 keys (windows), in limit order.
-- After the limits: for each quota, 4 boundaries b0 < b1 < b2 < b3, each as 2 values: epoch
-- seconds and nanoseconds.
--
-- Times are (seconds, nanoseconds) pairs: Lua numbers are doubles, exact only below 2^53, and
-- epoch nanoseconds are not.
--
-- Returns { admitted, exceeded, retry_ns, server_time_ns, n x { violated, remaining, reset_ns } }
-- (integers; the server time as a decimal string), or { 'stale', server_time_ns } past the deadline.

local E9 = 1000000000

local function split(str)
  local len = #str
  if len <= 9 then
    return 0, tonumber(str)
  end
  return tonumber(string.sub(str, 1, len - 9)), tonumber(string.sub(str, len - 8))
end

local function join(s, n)
  if s == 0 then
    return string.format('%d', n)
  end
  return string.format('%d%09d', s, n)
end

local function norm(s, n)
  local carry = math.floor(n / E9)
  return s + carry, n - carry * E9
end

-- a - b in nanoseconds (exact while |a - b| < 2^53 ns, about 104 days; the sign is always right)
local function diff(as, an, bs, bn)
  return (as - bs) * E9 + (an - bn)
end

local ARGS = ARGV

local time = redis.call('TIME')
local server_s, server_n = tonumber(time[1]), tonumber(time[2]) * 1000
local server_now = join(server_s, server_n)
local deadline_s, deadline_n = split(ARGS[3])
if diff(server_s, server_n, deadline_s, deadline_n) > 0 then
  return { 'stale', server_now }
end
local now_s, now_n = server_s, server_n
if ARGS[1] ~= '-' then
  now_s, now_n = split(ARGS[1])
end
local now_ms = now_s * 1000 + math.floor(now_n / 1000000)

local n = tonumber(ARGS[2])
local dry = n < 0
if dry then n = -n end
local bounds_at = 4 + n * 7
local k = 1
local admitted = true
local exceeded = false
local retry = 0
local plan = {}   -- per limit: what to write if everything admits
local out = {}   -- per limit: { violated, remaining, reset } if this call is admitted
local idle = {}  -- per limit: { '0', remaining, reset } uncharged, reported when another limit refuses
local pending = {} -- key -> value charged earlier in this call (a key listed twice)

for i = 1, n do
  local base = 3 + (i - 1) * 7
  local kind = ARGS[base + 1]
  local cost = tonumber(ARGS[base + 2])
  local soft = ARGS[base + 3] == '1'
  local violated, remaining, reset = false, 0, 0

  if kind == 'rate' then
    local key = KEYS[k]; k = k + 1
    local t, tau = tonumber(ARGS[base + 4]), tonumber(ARGS[base + 5])
    local stored = pending[key] or redis.call('GET', key)
    local ts, tn = now_s, now_n
    if stored then
      ts, tn = split(stored)
      if diff(ts, tn, now_s, now_n) < 0 then ts, tn = now_s, now_n end
    end
    local backlog = diff(ts, tn, now_s, now_n)
    local after = backlog + cost * t
    idle[i] = { math.max(0, math.floor((tau - backlog) / t)), backlog }
    if after > tau then
      violated = true
      retry = math.max(retry, after - tau)
      remaining = math.max(0, math.floor((tau - backlog) / t))
      reset = after - tau
    else
      local ns, nn = norm(ts, tn + cost * t)
      local value = join(ns, nn)
      pending[key] = value
      plan[#plan + 1] = { 'rate', key, value, math.floor(after / 1000000) + 1 }
      remaining = math.floor((tau - after) / t)
      reset = after
    end

  elseif kind == 'quota' then
    local limit = tonumber(ARGS[base + 4])
    -- 4 boundaries as (seconds, nanoseconds) pairs: no string surgery on the hot path
    local bs, bn = {}, {}
    for j = 0, 3 do
      bs[j] = tonumber(ARGS[bounds_at + 2 * j])
      bn[j] = tonumber(ARGS[bounds_at + 2 * j + 1])
    end
    bounds_at = bounds_at + 8
    -- the window containing now: previous, current or next (the JVM computed them around its clock)
    local w = 2
    for j = 1, 3 do
      if diff(now_s, now_n, bs[j - 1], bn[j - 1]) >= 0 and diff(now_s, now_n, bs[j], bn[j]) < 0 then w = j end
    end
    local key = KEYS[k + w - 1]; k = k + 3
    local es, en = bs[w], bn[w]
    local used = tonumber(pending[key] or redis.call('GET', key) or '0')
    -- never negative, even if the caller's clock was so wrong that no window contains now
    reset = math.max(0, diff(es, en, now_s, now_n))
    idle[i] = { math.max(0, limit - used), reset }
    if used + cost > limit and not soft then
      violated = true
      retry = math.max(retry, reset)
      remaining = math.max(0, limit - used)
    else
      used = used + cost
      pending[key] = tostring(used)
      if used > limit then exceeded = true end
      plan[#plan + 1] = { 'quota', key, used, math.floor(reset / 1000000) + 60000 }
      remaining = math.max(0, limit - used)
    end

  elseif kind == 'concurrency' then
    local key = KEYS[k]; k = k + 1
    local limit = tonumber(ARGS[base + 4])
    local lease, timeout = ARGS[base + 5], tonumber(ARGS[base + 6])
    local held = tonumber(pending[key] or -1)
    if held < 0 then
      redis.call('ZREMRANGEBYSCORE', key, '-inf', now_ms)
      held = redis.call('ZCARD', key)
    end
    reset = E9
    idle[i] = { math.max(0, limit - held), reset }
    if held + 1 > limit then
      violated = true
      retry = math.max(retry, E9)
      remaining = 0
    else
      pending[key] = held + 1
      plan[#plan + 1] = { 'concurrency', key, lease, timeout }
      remaining = limit - held - 1
    end

  else -- credits
    local key = KEYS[k]; k = k + 1
    local balance = tonumber(pending[key] or redis.call('GET', key) or '0')
    idle[i] = { math.max(0, balance), 0 }
    if balance < cost then
      violated = true
      remaining = math.max(0, balance)
    else
      pending[key] = tostring(balance - cost)
      plan[#plan + 1] = { 'credits', key, cost }
      remaining = balance - cost
    end
  end

  if violated then admitted = false end
  out[i] = { violated and 1 or 0, remaining, reset }
end

if admitted and not dry then
  for _, p in ipairs(plan) do
    if p[1] == 'rate' then
      redis.call('SET', p[2], p[3], 'PX', p[4])
    elseif p[1] == 'quota' then
      -- scripts run one at a time, so writing the new count is as safe as INCRBY, in one command
      redis.call('SET', p[2], p[3], 'PX', p[4])
    elseif p[1] == 'concurrency' then
      redis.call('ZADD', p[2], now_ms + p[4], p[3])
      redis.call('PEXPIRE', p[2], p[4] + 60000)
    else
      redis.call('DECRBY', p[2], p[3]) -- balances are money: never expire
    end
  end
else
  -- a refusal reports the limits that admitted as they stand, uncharged; a dry run reports all so
  for i = 1, n do
    if dry or out[i][1] == 0 then
      out[i] = { 0, idle[i][1], idle[i][2] }
    end
  end
end

local result = { admitted and 1 or 0, (admitted and exceeded) and 1 or 0, retry, server_now }
for i = 1, n do
  result[#result + 1] = out[i][1]
  result[#result + 1] = out[i][2]
  result[#result + 1] = out[i][3]
end
return result
