-- bench/wrk_paths.lua: wrk's script for bench/run's HTTP runs.
-- Flow: init() takes the request paths from the arguments after `--` and
-- formats each request once (GET, HTTP/1.1, keep-alive); request() hands
-- them out in turn to whichever connection sends next; done() prints one
-- JSON line with the figures bench/run reads:
--   wrk -t1 -c50 -d6 -s bench/wrk_paths.lua http://127.0.0.1:PORT -- /api/search?q=cat+face ...
-- A response whose status is not 200 counts in errors_status, as wrk counts it.

local requests = {}
local turn = 0

function init(args)
  for _, path in ipairs(args) do
    requests[#requests + 1] = wrk.format("GET", path)
  end
  if #requests == 0 then
    requests[1] = wrk.format("GET", "/")
  end
end

function request()
  turn = turn % #requests + 1
  return requests[turn]
end

function done(summary, latency, _)
  local errors = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"bytes":%d,"requests_per_s":%.1f,"mb_per_s":%.2f,'
      .. '"p50":%d,"p90":%d,"p99":%d,"p99_9":%d,"max":%d,'
      .. '"errors_connect":%d,"errors_read":%d,"errors_write":%d,"errors_status":%d,"errors_timeout":%d}\n',
    summary.requests, summary.duration, summary.bytes,
    summary.requests / (summary.duration / 1e6), summary.bytes / summary.duration,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
    latency.max,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout))
end
