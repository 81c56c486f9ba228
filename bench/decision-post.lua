-- wrk script for bench/decision-endpoint.sh: POST /v1/decisions with a JSON body.
-- BENCH_TOKEN (required) is an agent's bearer token; BENCH_BODY overrides the body. The default body
-- reaches REQUIRE_APPROVAL with the shipped rules (export of confidential production data).
-- BENCH_UNIQUE=1 makes every request name a different resource ("customer-data-<start>-<thread>-<n>",
-- <start> the run's start second), so that each asks about a different action instead of repeating
-- the same one, across runs too.
local token = os.getenv("BENCH_TOKEN")
if token == nil or token == "" then
  error("BENCH_TOKEN is not set")
end
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer " .. token
wrk.headers["Content-Type"] = "application/json"
wrk.body = os.getenv("BENCH_BODY") or
  '{"action":"aws.s3.export","resource":{"type":"s3-bucket","id":"customer-data",' ..
  '"environment":"production","classification":"confidential",' ..
  '"attributes":{"destination":"s3://corp-analytics-exports"}},' ..
  '"onBehalfOf":"alice@example.com","context":{"reason":"benchmark"}}'

if os.getenv("BENCH_UNIQUE") == "1" then
  local threads = 0
  local start = os.time()
  function setup(thread)
    threads = threads + 1
    thread:set("tid", start .. "-" .. threads)
  end
  local n = 0
  function request()
    n = n + 1
    local body = wrk.body:gsub('"id":"([^"]*)"', '"id":"%1-' .. tid .. '-' .. n .. '"', 1)
    return wrk.format(nil, nil, nil, body)
  end
end
