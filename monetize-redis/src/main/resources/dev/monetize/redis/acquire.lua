-- Checks and charges every limit of one request, atomically, in one round trip.
--
-- Rates and quotas live as integer fields of a hash (one per customer for the customer's own
-- limits): one HMGET reads them all, one HSET writes what changed, and the hash's expiry is only
-- ever extended. Concurrency leases (a sorted set) and credit balances (money: never expire) keep
-- keys of their own. Every key of a call carries the customer's hash tag: one cluster slot.
--
-- ARGV[1], ARGV[2]  now as epoch seconds and nanoseconds, or '-' '-' to use the server's TIME
-- ARGV[3]           number of limits n; negative for a dry run (report the limits, charge nothing)
-- ARGV[4], ARGV[5]  deadline as epoch seconds and nanoseconds: the server time after which the
--                   client has given up waiting; a command that runs later charges nothing
-- then, per limit, 9 values: kind, cost, soft, key index, field, field2, a, b, c
--   r (rate):        field holds the theoretical arrival time (seconds, and nanoseconds in field2);
--                    a = T (emission interval ns), b = tau (tolerance ns)
--   q (quota):       field holds the count, field2 the start (epoch seconds) of its window;
--                    a = limit
--   c (concurrency): a = limit, b = lease id, c = lease timeout ms
--   m (credits):     nothing
-- After the limits: for each quota, 4 window boundaries b0 < b1 < b2 < b3 (the previous, current
-- and next window around the caller's clock) in epoch seconds (calendar windows start on a second).
--
-- Times are (seconds, nanoseconds) pairs: Lua numbers are doubles, exact only below 2^53, and
-- epoch nanoseconds are not.
--
-- Globals are read once into locals: in Redis's sandbox every global access is a metatable call.
-- On the server every step counts (the script's CPU bounds a Redis's throughput): a string turned
-- into a number costs about 70-100 ns there and a table about 50, so the common arguments ('1') are
-- compared rather than converted, and tables are made only where a call needs them.
--
-- Returns { admitted, exceeded, retry_ns, server time in microseconds since the epoch (exact: below
-- 2^53), n x { violated, remaining, reset_ns } }, or { 'stale', server time } past the deadline.

local E9 = 1000000000
local ARGV, KEYS = ARGV, KEYS
local call, tonumber, floor, max, format = redis.call, tonumber, math.floor, math.max, string.format
local ipairs, unpack = ipairs, unpack

local function diff(as, an, bs, bn) -- a - b in nanoseconds, exact while below 2^53 ns (104 days)
  return (as - bs) * E9 + (an - bn)
end

local time = call('TIME')
local server_s, server_us = tonumber(time[1]), tonumber(time[2])
local server_n = server_us * 1000
if diff(server_s, server_n, tonumber(ARGV[4]), tonumber(ARGV[5])) > 0 then
  return { 'stale', server_s * 1000000 + server_us }
end
local server_ms = server_s * 1000 + floor(server_n / 1000000)
local now_s, now_n = server_s, server_n
if ARGV[1] ~= '-' then
  now_s, now_n = tonumber(ARGV[1]), tonumber(ARGV[2])
end

local n = tonumber(ARGV[3])
local dry = n < 0
if dry then n = -n end

-- read: one HMGET per hash (the customer's own limits share one)
local fields, hashes = {}, {}
for i = 1, n do
  local base = 5 + (i - 1) * 9
  local kind = ARGV[base + 1]
  if kind == 'r' or kind == 'q' then
    local ki = ARGV[base + 4]
    ki = ki == '1' and 1 or tonumber(ki)
    local f = fields[ki]
    if not f then
      f = { '#exp' } -- when the hash expires (server ms): extended only when a write needs it longer
      fields[ki] = f
      hashes[#hashes + 1] = ki
    end
    f[#f + 1] = ARGV[base + 5]
    f[#f + 1] = ARGV[base + 6]
  end
end
local state, life = {}, {} -- life[ki] > 0: the hash was charged and must live that many ms
for _, ki in ipairs(hashes) do
  local names = fields[ki]
  local got = call('HMGET', KEYS[ki], unpack(names))
  local m = {}
  for j = 1, #names do
    if got[j] then m[names[j]] = tonumber(got[j]) end
  end
  state[ki] = m
  life[ki] = 0
end

local bounds_at = 6 + n * 9
local admitted, exceeded, retry = true, false, 0
local result = {} -- { admitted, exceeded, retry, server time, then violated, remaining, reset per limit }
local idle = {} -- per limit, its remaining units and reset as they stood before the call: 2i - 1, 2i
local writes, held -- made when a concurrency limit or a balance needs them; held: key index -> slots or balance
                   -- counting this call's earlier charges

for i = 1, n do
  local base = 5 + (i - 1) * 9
  local kind = ARGV[base + 1]
  local cost, ki = ARGV[base + 2], ARGV[base + 4] -- '1' most often: read without a conversion
  cost = cost == '1' and 1 or tonumber(cost)
  ki = ki == '1' and 1 or tonumber(ki)
  local soft = ARGV[base + 3] == '1'
  local violated, remaining, reset = false, 0, 0

  if kind == 'r' then
    local f = ARGV[base + 5]
    local f2 = ARGV[base + 6]
    local m = state[ki]
    local t, tau = tonumber(ARGV[base + 7]), tonumber(ARGV[base + 8])
    local ts, tn = now_s, now_n
    if m[f] and diff(m[f], m[f2], now_s, now_n) > 0 then
      ts, tn = m[f], m[f2]
    end
    local backlog = diff(ts, tn, now_s, now_n)
    local after = backlog + cost * t
    idle[2 * i - 1], idle[2 * i] = max(0, floor((tau - backlog) / t)), backlog
    if after > tau then
      violated = true
      retry = max(retry, after - tau)
      remaining = max(0, floor((tau - backlog) / t))
      reset = after - tau
    else
      local nn = tn + cost * t
      local carry = floor(nn / E9)
      m[f], m[f2] = ts + carry, nn - carry * E9 -- a key listed twice sees this charge
      life[ki] = max(life[ki], floor(after / 1000000) + 1, 1) -- a charged hash has a life: it is written
      remaining = floor((tau - after) / t)
      reset = after
    end

  elseif kind == 'q' then
    local f = ARGV[base + 5]
    local f2 = ARGV[base + 6]
    local m = state[ki]
    local limit = tonumber(ARGV[base + 7])
    local start, ends = tonumber(ARGV[bounds_at + 1]), tonumber(ARGV[bounds_at + 2])
    local counted = m[f2]
    -- now in the current window (the common case): that window, or a later one counted here (below)
    if now_s < start or now_s >= ends then -- otherwise look at all four boundaries
      local bs = { [0] = tonumber(ARGV[bounds_at]), start, ends, tonumber(ARGV[bounds_at + 3]) }
      -- the window containing now: previous, current or next (computed around the caller's clock);
      -- boundaries are whole seconds, so comparing seconds is exact
      local w = 2
      for j = 1, 3 do
        if now_s >= bs[j - 1] and now_s < bs[j] then w = j end
      end
      -- a later window already counted here (a caller whose clock lags) keeps counting: never reset
      for j = w + 1, 3 do
        if counted == bs[j - 1] then w = j end
      end
      start, ends = bs[w - 1], bs[w]
    end
    if counted and counted > start then -- later than any window the caller knows: count there too
      start, ends = counted, max(tonumber(ARGV[bounds_at + 3]), counted)
    end
    bounds_at = bounds_at + 4
    local used = 0
    if m[f2] == start then used = m[f] end
    reset = max(0, diff(ends, 0, now_s, now_n))
    idle[2 * i - 1], idle[2 * i] = max(0, limit - used), reset
    if used + cost > limit and not soft then
      violated = true
      retry = max(retry, reset)
      remaining = max(0, limit - used)
    else
      used = used + cost
      m[f], m[f2] = used, start
      life[ki] = max(life[ki], floor(reset / 1000000) + 60000)
      if used > limit then exceeded = true end
      remaining = max(0, limit - used)
    end

  elseif kind == 'c' then
    local key = KEYS[ki]
    local limit = tonumber(ARGV[base + 7])
    local now_ms = now_s * 1000 + floor(now_n / 1000000)
    held, writes = held or {}, writes or {}
    local h = held[ki]
    if not h then
      call('ZREMRANGEBYSCORE', key, '-inf', now_ms)
      h = call('ZCARD', key)
    end
    reset = E9
    idle[2 * i - 1], idle[2 * i] = max(0, limit - h), reset
    if h + 1 > limit then
      violated = true
      retry = max(retry, E9)
    else
      held[ki] = h + 1
      writes[#writes + 1] = { 'c', key, ARGV[base + 8], tonumber(ARGV[base + 9]), now_ms }
      remaining = limit - h - 1
    end

  else -- credits
    local key = KEYS[ki]
    held, writes = held or {}, writes or {}
    local balance = held[ki] or tonumber(call('GET', key) or '0')
    idle[2 * i - 1], idle[2 * i] = max(0, balance), 0
    if balance < cost then
      violated = true
      remaining = max(0, balance)
    else
      held[ki] = balance - cost
      writes[#writes + 1] = { 'm', key, cost }
      remaining = balance - cost
    end
  end

  if violated then admitted = false end
  result[2 + 3 * i], result[3 + 3 * i], result[4 + 3 * i] = violated and 1 or 0, remaining, reset
end

if admitted and not dry then
  for _, ki in ipairs(hashes) do
    if life[ki] > 0 then
      local m, args = state[ki], {}
      for _, name in ipairs(fields[ki]) do
        if m[name] and name ~= '#exp' then
          args[#args + 1] = name
          args[#args + 1] = format('%d', m[name])
        end
      end
      -- other limits in the hash may need it longer: the expiry only ever grows
      local expires = server_ms + life[ki]
      local extend = not m['#exp'] or m['#exp'] < expires
      if extend then
        args[#args + 1] = '#exp'
        args[#args + 1] = format('%d', expires)
      end
      call('HSET', KEYS[ki], unpack(args))
      if extend then
        call('PEXPIREAT', KEYS[ki], expires)
      end
    end
  end
  if writes then
    for _, w in ipairs(writes) do
      if w[1] == 'c' then
        call('ZADD', w[2], w[5] + w[4], w[3])
        call('PEXPIRE', w[2], w[4] + 60000)
      else
        call('DECRBY', w[2], w[3]) -- balances are money: never expire
      end
    end
  end
else
  -- a refusal reports the limits that admitted as they stand, uncharged; a dry run reports all so
  for i = 1, n do
    if dry or result[2 + 3 * i] == 0 then
      result[2 + 3 * i], result[3 + 3 * i], result[4 + 3 * i] = 0, idle[2 * i - 1], idle[2 * i]
    end
  end
end

result[1], result[2], result[3], result[4] =
  admitted and 1 or 0, (admitted and exceeded) and 1 or 0, retry, server_s * 1000000 + server_us
return result
