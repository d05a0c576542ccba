-- wrk script for bench/serve.sh: direct checks, one per request, cycling
-- through the numbers in $NUMBERS (one raw spelling per line). MODE=native
-- posts to /api/v1/check (200 for found and not found); MODE=hibp asks
-- /api/v3/breachedaccount/{number} with $API_KEY (200 or 404).
-- Counts responses that are neither 200 nor (for hibp) 404 as errors.
local mode = os.getenv("MODE") or "native"
local key = os.getenv("API_KEY") or ""
local numbers = {}
for line in io.lines(os.getenv("NUMBERS")) do
  if #line > 0 then numbers[#numbers + 1] = line end
end
local i = 0
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
  i = (id or 0) * 7919
  errors = 0
  found = 0
end

request = function()
  i = i % #numbers + 1
  local n = numbers[i]
  if mode == "hibp" then
    return wrk.format("GET", "/api/v3/breachedaccount/" .. urlencode(n),
      { ["hibp-api-key"] = key, ["User-Agent"] = "lekradar-bench" })
  end
  return wrk.format("POST", "/api/v1/check", { ["Content-Type"] = "application/json" },
    '{"account":' .. jsonstring(n) .. '}')
end

response = function(status, headers, body)
  if mode == "hibp" then
    if status == 200 then found = found + 1 elseif status ~= 404 then errors = errors + 1 end
  else
    if status ~= 200 then errors = errors + 1
    elseif body:find('"found":true', 1, true) then found = found + 1 end
  end
end

done = function(summary, latency, requests)
  local e, f = 0, 0
  for _, t in ipairs(threads) do
    e = e + t:get("errors")
    f = f + t:get("found")
  end
  io.write(string.format("lua: errors %d found %d requests %d socket_errors %d\n", e, f, summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
  io.write(string.format("lua: p50_us %.0f p99_us %.0f\n", latency:percentile(50), latency:percentile(99)))
end
