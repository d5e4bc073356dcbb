-- One form POST under wrk, the same body every time (BENCH_POST_BODY, urlencoded), with
-- the headers bench/load.py passes (session cookie, CSRF); every answer but
-- BENCH_POST_STATUS (the redirect after a save) counts as an error. Prints one JSON line.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  wrk.method = "POST"
  wrk.body = os.getenv("BENCH_POST_BODY")
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  expected = tonumber(os.getenv("BENCH_POST_STATUS"))
  unexpected = 0
end

function response(status, headers, body)
  if status ~= expected then
    unexpected = unexpected + 1
  end
end

done = function(summary, latency, requests)
  local wrong = 0
  for _, thread in ipairs(threads) do
    wrong = wrong + thread:get("unexpected")
  end
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "seconds": %.3f, "p50_ms": %.2f, "p95_ms": %.2f, ' ..
    '"p99_ms": %.2f, "non_2xx_3xx": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    wrong,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
