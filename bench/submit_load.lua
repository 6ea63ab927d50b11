-- wrk script for bench/submit.py: each thread sends its share of a bounded list of requests
-- (one line each: "cookie<TAB>body", POSTed to wrk_path), or one request `count` times, and
-- stops when its share is sent; done() prints one JSON line with the measured figures.
--
-- Set by bench/submit.py through the environment: BENCH_FILE (request lines) or
-- BENCH_BODY + BENCH_COUNT (one request repeated), BENCH_PATH, BENCH_CTYPE, BENCH_THREADS.

local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clock, bench_timespec *spec);
]]
local spec = ffi.new("bench_timespec")
local function now_us()
  ffi.C.clock_gettime(1, spec) -- CLOCK_MONOTONIC
  return tonumber(spec.tv_sec) * 1000000 + tonumber(spec.tv_nsec) / 1000
end

local threads = {}
local counter = 0

function setup(thread)
  thread:set("index", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local requests, total, sent, answered = {}, 0, 0, 0
ok, started_us, finished_us = 0, 0, 0 -- globals: done() reads them with thread:get

function init(args)
  local path = os.getenv("BENCH_PATH")
  local headers = { ["Content-Type"] = os.getenv("BENCH_CTYPE") }
  local file = os.getenv("BENCH_FILE")
  local threads_n = tonumber(os.getenv("BENCH_THREADS"))
  if file and file ~= "" then
    local line_no = 0
    for line in io.lines(file) do
      if line_no % threads_n == index then
        local cookie, body = line:match("^([^\t]*)\t(.*)$")
        headers["Cookie"] = cookie
        table.insert(requests, wrk.format("POST", path, headers, body))
      end
      line_no = line_no + 1
    end
    total = #requests
  else
    local one = wrk.format("POST", path, headers, os.getenv("BENCH_BODY"))
    local count = tonumber(os.getenv("BENCH_COUNT"))
    total = math.floor(count / threads_n) + ((index < count % threads_n) and 1 or 0)
    requests = { one }
  end
end

function request()
  if started_us == 0 then started_us = now_us() end
  sent = sent + 1
  if sent > total then
    -- Share used up: park this connection on a request we never count (the thread stops
    -- as soon as the last counted answer arrives).
    return requests[1]
  end
  return requests[#requests == 1 and 1 or sent]
end

function response(status, headers, body)
  answered = answered + 1
  if answered <= total and status == 200 then ok = ok + 1 end
  if answered == total then
    finished_us = now_us()
    wrk.thread:stop()
  end
end

function done(summary, latency, requests_done)
  local first, last, good = nil, 0, 0
  for _, thread in ipairs(threads) do
    local s, f = thread:get("started_us"), thread:get("finished_us")
    if s and s > 0 and (first == nil or s < first) then first = s end
    if f and f > last then last = f end
    good = good + (thread:get("ok") or 0)
  end
  local bounded = 1
  for _, thread in ipairs(threads) do
    if (thread:get("finished_us") or 0) == 0 then bounded = 0 end
  end
  local elapsed = summary.duration
  if bounded == 1 and first then elapsed = last - first end
  io.write(string.format(
    '{"ok": %d, "answered": %d, "elapsed_us": %d, "bounded": %d, "p50_us": %d, "p95_us": %d, '
      .. '"status_errors": %d, "socket_errors": %d}\n',
    good, summary.requests, elapsed, bounded, latency:percentile(50), latency:percentile(95),
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout))
end
