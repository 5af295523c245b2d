-- Gives back what one call of acquire.lua charged when its reply reached the caller only after the
-- caller had given up on it (the request was answered 503, or decided by the fallback store): the
-- request was not served by what Redis counted, so Redis must not keep counting it.
--
-- KEYS and ARGV are the very ones that call sent (see acquire.lua), followed in ARGV by one value
-- per quota, in the order of the limits: the end of the window the call charged (epoch seconds), or
-- '-' when it is not known (then nothing is given back for that quota).
--
--   rate:        the theoretical arrival time moves back by cost x T (a TAT already in the past means
--                the same as now, so this gives back at most what the call took)
--   quota:       the count goes down by cost, only while the stored window is the one charged (a
--                later window never counted the call: a window never moves back)
--   concurrency: the call's lease is removed
--   credits:     the balance goes up by cost (money: exact integer micro-units)
--
-- Returns the number of limits given back.

local E9 = 1000000000
local ARGV, KEYS = ARGV, KEYS
local call, tonumber, floor, max, format = redis.call, tonumber, math.floor, math.max, string.format

local n = tonumber(ARGV[3])
local quotas = 0
for i = 1, n do
  if ARGV[5 + (i - 1) * 9 + 1] == 'q' then quotas = quotas + 1 end
end
local ends_at = 6 + n * 9 + quotas * 4
local given = 0

for i = 1, n do
  local b = 5 + (i - 1) * 9
  local kind, cost = ARGV[b + 1], tonumber(ARGV[b + 2])
  local key = KEYS[tonumber(ARGV[b + 4])]
  local f, f2 = ARGV[b + 5], ARGV[b + 6]
  if kind == 'r' then
    local got = call('HMGET', key, f, f2)
    if got[1] then
      local s, ns = tonumber(got[1]), tonumber(got[2] or '0') - cost * tonumber(ARGV[b + 7])
      local borrow = floor(ns / E9)
      call('HSET', key, f, format('%d', s + borrow), f2, format('%d', ns - borrow * E9))
      given = given + 1
    end
  elseif kind == 'q' then
    local ends = ARGV[ends_at]
    ends_at = ends_at + 1
    if ends ~= '-' then
      local got = call('HMGET', key, f, f2)
      local count, start = tonumber(got[1] or ''), tonumber(got[2] or '')
      if count and start and start < tonumber(ends) then
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
return given
