-- wrk script for bench/serve.sh: direct checks, one per request, cycling
-- through the numbers in $NUMBERS (one raw spelling per line). Requests are
-- built once per thread, so the load generator spends little per request.
--   MODE=native: POST /api/v1/check (200 whether found or not): every
--     status >= 400 is an error (wrk's own count).
--   MODE=hibp: GET /api/v3/breachedaccount/{number} with $API_KEY: 404 is
--     "not found", any other status but 200 an error (counted in Lua, which
--     costs the load generator a little per response).
local mode = os.getenv("MODE") or "native"
local key = os.getenv("API_KEY") or ""
local threads = {}

local function urlencode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local function jsonstring(s)
  return '"' .. (s:gsub('[\\"]', '\\%0')) .. '"'
end

setup = function(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

init = function()
  requests = {}
  for line in io.lines(os.getenv("NUMBERS")) do
    if #line > 0 then
      if mode == "hibp" then
        requests[#requests + 1] = wrk.format("GET", "/api/v3/breachedaccount/" .. urlencode(line),
          { ["hibp-api-key"] = key, ["User-Agent"] = "lekradar-bench" })
      else
        requests[#requests + 1] = wrk.format("POST", "/api/v1/check",
          { ["Content-Type"] = "application/json" }, '{"account":' .. jsonstring(line) .. '}')
      end
    end
  end
  -- Threads start at different places in the list.
  i = ((id or 0) * 7919) % #requests
  errors = 0
  found = 0
end

request = function()
  i = i % #requests + 1
  return requests[i]
end

if mode == "hibp" then
  response = function(status, headers, body)
    if status == 200 then found = found + 1 elseif status ~= 404 then errors = errors + 1 end
  end
end

done = function(summary, latency, requests)
  local e, f = 0, 0
  for _, t in ipairs(threads) do
    e = e + t:get("errors")
    f = f + t:get("found")
  end
  if mode ~= "hibp" then
    e = summary.errors.status
    f = -1
  end
  io.write(string.format("lua: errors %d found %d requests %d socket_errors %d\n", e, f, summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
  io.write(string.format("lua: p50_us %.0f p99_us %.0f\n", latency:percentile(50), latency:percentile(99)))
end
