-- wrk script of the scale run: every request takes the next key of KEYS_FILE (one customer each),
-- so the load spreads over all customers (and over every master of a cluster); statuses are counted
-- (bench/statuses.lua).
dofile(debug.getinfo(1, "S").source:match("^@(.*/)") .. "statuses.lua")

function init(args)
  statuses = {}
  keys = {}
  for line in io.lines(os.getenv("KEYS_FILE")) do
    if #line > 0 then table.insert(keys, line) end
  end
  n = math.random(#keys)
end

function request()
  n = n % #keys + 1
  return wrk.format("GET", "/v1/stats/summary", { ["Authorization"] = "Bearer " .. keys[n] })
end
