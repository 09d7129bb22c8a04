-- wrk script for the Cloud Storage benchmark. Mode from the environment:
--   BENCH_MODE = put | get | meta | list, BENCH_BUCKET, BENCH_OBJECTS (objects preloaded for get/meta).
local mode = os.getenv("BENCH_MODE") or "get"
local bucket = os.getenv("BENCH_BUCKET") or "bench"
local objects = tonumber(os.getenv("BENCH_OBJECTS") or "1000")
local body = string.rep("x", 4096)
local counter = 0
local thread_id = 0
local threads = 0

function setup(thread)
  thread:set("thread_id", threads)
  threads = threads + 1
end

function request()
  counter = counter + 1
  local n = (counter * 7919 + thread_id * 104729) % objects
  if mode == "put" then
    local name = string.format("put-%d-%d", thread_id, counter)
    return wrk.format("POST", "/upload/storage/v1/b/" .. bucket .. "/o?uploadType=media&name=" .. name,
      { ["Content-Type"] = "application/octet-stream" }, body)
  elseif mode == "get" then
    return wrk.format("GET", "/storage/v1/b/" .. bucket .. "/o/obj-" .. n .. "?alt=media")
  elseif mode == "meta" then
    return wrk.format("GET", "/storage/v1/b/" .. bucket .. "/o/obj-" .. n)
  else
    return wrk.format("GET", "/storage/v1/b/" .. bucket .. "/o?maxResults=100&prefix=obj-" .. (n % 10))
  end
end

function done(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT rps=%.1f p50_ms=%.3f p99_ms=%.3f requests=%d errors=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.requests, errors))
end
