-- wrk script of the load run: requests rotate over an enterprise key (mostly admitted), a free key
-- (soon refused by its rate and quota: 429) and a well-formed key nobody issued (401), and every
-- status is counted (bench/statuses.lua). Keys come from the environment: KEY_ENTERPRISE, KEY_FREE.
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "statuses.lua")

function init(args)
  statuses = {}
  keys = { os.getenv("KEY_ENTERPRISE"), os.getenv("KEY_FREE"), os.getenv("KEY_UNKNOWN") }
  n = 0
end

function request()
  n = n + 1
  local key = keys[(n % 3) + 1]
  return wrk.format("GET", "/v1/stats/summary", { ["Authorization"] = "Bearer " .. key })
end
