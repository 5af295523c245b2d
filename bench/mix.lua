-- wrk script of the load run: requests rotate over an enterprise key (mostly admitted), a free key
-- (soon refused by its rate and quota: 429) and a well-formed key nobody issued (401), and every
-- status is counted. Keys come from the environment: KEY_ENTERPRISE, KEY_FREE.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

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
