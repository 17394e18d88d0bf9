-- wrk script for the hub's closed-loop scenarios. BENCH_KIND picks the request: chat (a JSON turn), chat-sse (a
-- streamed turn), completions (/v1/chat/completions), admin (a rotation of admin reads). Each request takes the next
-- seeded (key, conversation) pair, so load spreads over every seeded tenant. done() writes the summary as JSON to
-- BENCH_OUT (latency in microseconds from wrk's histogram).

local kind = os.getenv("BENCH_KIND") or "chat"
local seed = os.getenv("BENCH_SEED") or "bench/target/seed"
local admin = os.getenv("BENCH_ADMIN_KEY") or ""
local pairs_ = {}
local n = 0
local i = 0

function init(args)
  for line in io.lines(seed .. "/chat.txt") do
    local key, conv, agent = line:match("(%S+) (%S+) (%S+)")
    if key then
      n = n + 1
      pairs_[n] = {key = key, conv = conv, agent = agent}
    end
  end
  -- Threads start at different places so they do not walk the same conversations in step.
  i = math.random(n)
end

local admin_paths = {
  "/v1/agents", "/v1/conversations?limit=20", "/v1/quotas", "/v1/usage?granularity=day", "/v1/me",
}

function request()
  i = i % n + 1
  local p = pairs_[i]
  local auth = "Bearer " .. p.key
  if kind == "chat" then
    return wrk.format("POST", "/v1/conversations/" .. p.conv .. "/messages",
      {["Authorization"] = auth, ["Content-Type"] = "application/json"}, '{"content":"hello from wrk"}')
  elseif kind == "chat-sse" then
    return wrk.format("POST", "/v1/conversations/" .. p.conv .. "/messages",
      {["Authorization"] = auth, ["Content-Type"] = "application/json", ["Accept"] = "text/event-stream"},
      '{"content":"hello from wrk"}')
  elseif kind == "completions" then
    return wrk.format("POST", "/v1/chat/completions",
      {["Authorization"] = auth, ["Content-Type"] = "application/json"},
      '{"model":"' .. p.agent .. '","messages":[{"role":"user","content":"hello from wrk"}]}')
  else
    local k = i % (#admin_paths + 1)
    if k == 0 then
      return wrk.format("GET", "/admin/tenants?limit=50", {["Authorization"] = "Bearer " .. admin})
    end
    return wrk.format("GET", admin_paths[k], {["Authorization"] = auth})
  end
end

function done(summary, latency, requests)
  local secs = summary.duration / 1e6
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  local out = string.format(
    '{"scenario":"%s","requests":%d,"seconds":%.2f,"rps":%.1f,"non_2xx":%d,"socket_errors":%d,' ..
    '"latency":{"p50_ms":%.3f,"p90_ms":%.3f,"p95_ms":%.3f,"p99_ms":%.3f,"p99.9_ms":%.3f,"max_ms":%.3f,"mean_ms":%.3f}}',
    kind, summary.requests, secs, summary.requests / secs, summary.errors.status, errors,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency:percentile(99.9) / 1000, latency.max / 1000, latency.mean / 1000)
  print(out)
  local path = os.getenv("BENCH_OUT")
  if path then
    local f = io.open(path, "w")
    f:write(out, "\n")
    f:close()
  end
end
