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
-- On the server every step counts (the script's CPU bounds a Redis's throughput): a redis.call costs
-- about 1.3 us there, a string.format about 250 ns, a table or a Lua function call 100-150 ns, a
-- string turned into a number 70-100 ns. So the common arguments ('1') are compared rather than
-- converted, state is kept by position in one table (made at its full size for one or two limits),
-- helpers are inlined, and only the fields that changed are formatted and written.
--
-- Returns { admitted, exceeded, retry_ns, server time in microseconds since the epoch (exact: below
-- 2^53), n x { violated, remaining, reset_ns } }, or { 'stale', server time } past the deadline.

local E9 = 1000000000
local ARGV, KEYS = ARGV, KEYS
local call, tonumber, floor, max, format = redis.call, tonumber, math.floor, math.max, string.format
local ipairs, unpack = ipairs, unpack

local time = call('TIME')
local server_s, server_us = tonumber(time[1]), tonumber(time[2])
local server_n = server_us * 1000
-- a difference of two (seconds, nanoseconds) times is exact in nanoseconds below 2^53 (104 days)
if (server_s - tonumber(ARGV[4])) * E9 + (server_n - tonumber(ARGV[5])) > 0 then
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

-- Per limit i, S slots of one table from S * (i - 1) + 1 (positions, not names: in Redis's Lua a
-- table keyed by field names, a table grown one entry at a time, or a function call costs more
-- than the arithmetic, so the common call makes few of them):
--   +1, +2  its two fields as read (numbers; false where the hash holds none), at the first limit
--           listing the field (+9); false for later listings and for concurrency and credits
--   +3, +4  the same as this call leaves them: only what changed is written back
--   +5      how long (ms) its hash must live from now, once this limit charged it; 0 otherwise
--   +6, +7  its remaining units and reset as they stood before the call (what a refusal reports)
--   +8      the first limit of a hash: its '#exp' (server ms), false when it has none (a new hash)
--   +9      a rate or quota: the first limit listing the same field of the same hash (itself, or an
--           earlier one whose slots then hold the state: the same limit listed twice sees both charges)
--   +10     a rate or quota: the first limit in the same hash (where it is read and written)
local S = 10
local v
if n <= 2 then
  v = { false, false, false, false, 0, 0, 0, false, 1, 1, false, false, false, false, 0, 0, 0, false, 2, 2 }
else
  v = {}
  for k = 1, S * n, S do
    v[k], v[k + 1], v[k + 2], v[k + 3], v[k + 4] = false, false, false, false, 0
    v[k + 5], v[k + 6], v[k + 7], v[k + 8], v[k + 9] = 0, 0, false, (k + S - 1) / S, (k + S - 1) / S
  end
end
for i = 2, n do
  local b = 5 + (i - 1) * 9
  local kind = ARGV[b + 1]
  if kind == 'r' or kind == 'q' then
    local ki, f, s = ARGV[b + 4], ARGV[b + 5], S * (i - 1)
    for j = i - 1, 1, -1 do -- downwards: the earliest match is the last one kept
      local c = 5 + (j - 1) * 9
      local kj = ARGV[c + 1]
      if ARGV[c + 4] == ki and (kj == 'r' or kj == 'q') then
        v[s + 10] = j
        if ARGV[c + 5] == f then v[s + 9] = j end
      end
    end
  end
end

-- read: one HMGET per hash, at its first limit: its expiry and each of its fields once
for i = 1, n do
  local b = 5 + (i - 1) * 9
  local kind = ARGV[b + 1]
  if (kind == 'r' or kind == 'q') and v[S * i] == i then
    local names, k = { '#exp', false, false, false, false }, 1
    for j = i, n do
      local s, c = S * (j - 1), 5 + (j - 1) * 9
      local kj = ARGV[c + 1]
      if v[s + 10] == i and v[s + 9] == j and (kj == 'r' or kj == 'q') then
        names[k + 1], names[k + 2], k = ARGV[c + 5], ARGV[c + 6], k + 2
      end
    end
    local ki = ARGV[b + 4]
    local got = call('HMGET', KEYS[ki == '1' and 1 or tonumber(ki)], unpack(names, 1, k))
    v[S * (i - 1) + 8] = got[1] and tonumber(got[1])
    k = 1
    for j = i, n do
      local s, c = S * (j - 1), 5 + (j - 1) * 9
      local kj = ARGV[c + 1]
      if v[s + 10] == i and v[s + 9] == j and (kj == 'r' or kj == 'q') then
        local x, y = got[k + 1], got[k + 2]
        x, y = x and tonumber(x), y and tonumber(y)
        v[s + 1], v[s + 2], v[s + 3], v[s + 4], k = x, y, x, y, k + 2
      end
    end
  end
end

local bounds_at = 6 + n * 9
local admitted, exceeded, retry = true, false, 0
-- { admitted, exceeded, retry, server time, then violated, remaining, reset per limit }
local result
if n <= 2 then
  result = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }
  if n < 2 then result[8], result[9], result[10] = nil, nil, nil end
else
  result = { 0, 0, 0, 0 }
end
local writes, held -- made when a concurrency limit or a balance needs them; held: key index -> slots or balance
                   -- counting this call's earlier charges

for i = 1, n do
  local base = 5 + (i - 1) * 9
  local s = S * (i - 1)
  local kind = ARGV[base + 1]
  local cost, ki = ARGV[base + 2], ARGV[base + 4] -- '1' most often: read without a conversion
  cost = cost == '1' and 1 or tonumber(cost)
  local soft = ARGV[base + 3] == '1'
  local violated, remaining, reset = false, 0, 0

  if kind == 'r' then
    local o = S * (v[s + 9] - 1) -- the slots holding this field
    local t, tau = tonumber(ARGV[base + 7]), tonumber(ARGV[base + 8])
    local ts, tn = now_s, now_n
    local cs, cn = v[o + 3], v[o + 4]
    if cs and (cs - now_s) * E9 + (cn - now_n) > 0 then
      ts, tn = cs, cn
    end
    local backlog = (ts - now_s) * E9 + (tn - now_n)
    local after = backlog + cost * t
    v[s + 6], v[s + 7] = max(0, floor((tau - backlog) / t)), backlog
    if after > tau then
      violated = true
      retry = max(retry, after - tau)
      remaining = max(0, floor((tau - backlog) / t))
      reset = after - tau
    else
      local nn = tn + cost * t
      local carry = floor(nn / E9)
      v[o + 3], v[o + 4] = ts + carry, nn - carry * E9
      v[s + 5] = floor(after / 1000000) + 1 -- after >= 0: a charged hash has a life, whatever the cost
      remaining = floor((tau - after) / t)
      reset = after
    end

  elseif kind == 'q' then
    local o = S * (v[s + 9] - 1)
    local limit = tonumber(ARGV[base + 7])
    local start, ends = tonumber(ARGV[bounds_at + 1]), tonumber(ARGV[bounds_at + 2])
    local counted = v[o + 4]
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
    if counted == start then used = v[o + 3] or 0 end
    reset = max(0, (ends - now_s) * E9 - now_n)
    v[s + 6], v[s + 7] = max(0, limit - used), reset
    if used + cost > limit and not soft then
      violated = true
      retry = max(retry, reset)
      remaining = max(0, limit - used)
    else
      used = used + cost
      v[o + 3], v[o + 4] = used, start
      v[s + 5] = floor(reset / 1000000) + 60000
      if used > limit then exceeded = true end
      remaining = max(0, limit - used)
    end

  elseif kind == 'c' then
    ki = ki == '1' and 1 or tonumber(ki)
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
    v[s + 6], v[s + 7] = max(0, limit - h), reset
    if h + 1 > limit then
      violated = true
      retry = max(retry, E9)
    else
      held[ki] = h + 1
      writes[#writes + 1] = { 'c', key, ARGV[base + 8], tonumber(ARGV[base + 9]), now_ms }
      remaining = limit - h - 1
    end

  else -- credits
    ki = ki == '1' and 1 or tonumber(ki)
    local key = KEYS[ki]
    held, writes = held or {}, writes or {}
    local balance = held[ki] or tonumber(call('GET', key) or '0')
    v[s + 6], v[s + 7] = max(0, balance), 0
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
  -- per hash, at its first limit: the fields that changed, and the expiry when a charge needs it
  -- longer (it only ever grows: other limits in the hash may need it)
  for i = 1, n do
    local b = 5 + (i - 1) * 9
    local kind = ARGV[b + 1]
    if (kind == 'r' or kind == 'q') and v[S * i] == i then
      local args, k, life = { false, false, false, false }, 0, 0
      for j = i, n do
        local s, c = S * (j - 1), 5 + (j - 1) * 9
        local kj = ARGV[c + 1]
        if v[s + 10] == i and (kj == 'r' or kj == 'q') then
          life = max(life, v[s + 5])
          if v[s + 9] == j then
            if v[s + 3] ~= v[s + 1] then
              args[k + 1], args[k + 2], k = ARGV[c + 5], format('%d', v[s + 3]), k + 2
            end
            if v[s + 4] ~= v[s + 2] then
              args[k + 1], args[k + 2], k = ARGV[c + 6], format('%d', v[s + 4]), k + 2
            end
          end
        end
      end
      if life > 0 then
        local ki = ARGV[b + 4]
        local key = KEYS[ki == '1' and 1 or tonumber(ki)]
        local expires = server_ms + life
        local had = v[S * (i - 1) + 8]
        local extend = not had or had < expires
        if extend then
          args[k + 1], args[k + 2], k = '#exp', format('%d', expires), k + 2
        end
        if k > 0 then
          call('HSET', key, unpack(args, 1, k))
        end
        if extend then
          call('PEXPIREAT', key, expires)
        end
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
      local s = S * (i - 1)
      result[2 + 3 * i], result[3 + 3 * i], result[4 + 3 * i] = 0, v[s + 6], v[s + 7]
    end
  end
end

result[1], result[2], result[3], result[4] =
  admitted and 1 or 0, (admitted and exceeded) and 1 or 0, retry, server_s * 1000000 + server_us
return result
