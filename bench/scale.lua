-- wrk script of the scale run: every request takes the next key of KEYS_FILE (one customer each),
-- so the load spreads over all customers (and over every master of a cluster); statuses are counted.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

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

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    for status, count in pairs(t:get("statuses")) do
      total[status] = (total[status] or 0) + count
    end
  end
  for status, count in pairs(total) do
    io.write(string.format("status %d %d\n", status, count))
  end
  local e = summary.errors
  io.write(string.format("socket_errors %d\n", e.connect + e.read + e.write + e.timeout))
  io.write(string.format("p50_ms %.3f\np99_ms %.3f\n", latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
