-- Gives back what one call of acquire.lua charged when its reply reached the caller only after the
-- caller had given up on it (the request was answered 503, or decided by the fallback store): the
-- request was not served by what Redis counted, so Redis must not keep counting it.
--
-- KEYS and ARGV are the ones that call sent (see acquire.lua), except ARGV[1], ARGV[2]: now, as
-- epoch seconds and nanoseconds, or '-' '-' for the server's TIME. After the quotas' window
-- boundaries come two values per limit, in the order of the limits:
--   rate:  the theoretical arrival time (TAT) the call left, as epoch seconds and nanoseconds
--   quota: the end of the window it charged (epoch seconds), or '-' when not known; then '-'
--   else:  '-' '-'
--
--   rate:        the TAT moves back by what of the call's charge is still held: cost x T at most,
--                and nothing once the TAT the call left has passed (later calls may have charged
--                the room it freed since, which is theirs, not the late call's)
--   quota:       the count goes down by cost, only while the stored window is the one charged (a
--                later window never counted the call: a window never moves back)
--   concurrency: the call's lease is removed
--   credits:     the balance goes up by cost (money: exact integer micro-units)
--
-- KEYS ends with one more key than the call sent: this refund's own marker, in the call's hash slot;
-- ARGV ends with one more value: how long the marker lives, in milliseconds (longer than a command
-- can wait to be sent again). A refund runs once: sent again (Lettuce resends what was in flight on a
-- lost connection), it finds its marker, gives nothing twice and answers what its first run did (whose
-- reply was lost with the connection).
--
-- Returns the number of limits given something back (by the first run when this one is sent again).

local E9 = 1000000000
local ARGV, KEYS = ARGV, KEYS
local ran = redis.call('GET', KEYS[#KEYS])
if ran then
  return tonumber(ran)
end
local call, tonumber, floor, min, max, format = redis.call, tonumber, math.floor, math.min, math.max, string.format

local now_s, now_n
if ARGV[1] == '-' then
  local time = call('TIME')
  now_s, now_n = tonumber(time[1]), tonumber(time[2]) * 1000
else
  now_s, now_n = tonumber(ARGV[1]), tonumber(ARGV[2])
end

local n = tonumber(ARGV[3])
local quotas = 0
for i = 1, n do
  if ARGV[5 + (i - 1) * 9 + 1] == 'q' then quotas = quotas + 1 end
end
local extra = 6 + n * 9 + quotas * 4
local given = 0

for i = 1, n do
  local b = 5 + (i - 1) * 9
  local kind, cost = ARGV[b + 1], tonumber(ARGV[b + 2])
  local key = KEYS[tonumber(ARGV[b + 4])]
  local f, f2 = ARGV[b + 5], ARGV[b + 6]
  local x, y = ARGV[extra + (i - 1) * 2], ARGV[extra + (i - 1) * 2 + 1]
  if kind == 'r' then
    local got = call('HMGET', key, f, f2)
    if got[1] and x ~= '-' then
      -- the call's TAT minus now: exact in nanoseconds below 2^53 (104 days), as in acquire.lua
      local held = min(cost * tonumber(ARGV[b + 7]), (tonumber(x) - now_s) * E9 + (tonumber(y) - now_n))
      if held > 0 then
        local ns = tonumber(got[2] or '0') - held
        local borrow = floor(ns / E9)
        call('HSET', key, f, format('%d', tonumber(got[1]) + borrow), f2, format('%d', ns - borrow * E9))
        given = given + 1
      end
    end
  elseif kind == 'q' then
    if x ~= '-' then
      local got = call('HMGET', key, f, f2)
      local count, start = tonumber(got[1] or ''), tonumber(got[2] or '')
      if count and start and start < tonumber(x) and count > 0 then
        call('HSET', key, f, format('%d', max(0, count - cost)))
        given = given + 1
      end
    end
  elseif kind == 'c' then
    given = given + call('ZREM', key, ARGV[b + 8])
  else
    call('INCRBY', key, cost)
    given = given + 1
  end
end
call('SET', KEYS[#KEYS], format('%d', given), 'PX', ARGV[#ARGV])
return given
