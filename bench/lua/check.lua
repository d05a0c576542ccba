-- wrk script for bench/serve.sh: direct checks, one per request, cycling
-- through the numbers in $NUMBERS (one raw spelling per line). Requests are
-- built once per thread, so the load generator spends little per request.
--   MODE=native: POST /api/v1/check (200 whether found or not): every
--     status >= 400 is an error (wrk's own count).
--   MODE=hibp: GET /api/v3/breachedaccount/{number} with $API_KEY: 404 is
--     "not found", any other status but 200 an error (counted in Lua, which
--     costs the load generator a little per response).
--   MODE=private: POST /api/v1/private/check with the binary bodies in
--     $REQUESTS (one per line, hex; made by the private_requests example):
--     any status but 200 is an error; answer bytes are summed.
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

local function unhex(h)
  return (h:gsub("%x%x", function(b) return string.char(tonumber(b, 16)) end))
end

local function request_for(line)
  if mode == "private" then
    return wrk.format("POST", "/api/v1/private/check",
      { ["Content-Type"] = "application/octet-stream" }, unhex(line))
  elseif mode == "hibp" then
    return wrk.format("GET", "/api/v3/breachedaccount/" .. urlencode(line),
      { ["hibp-api-key"] = key, ["User-Agent"] = "lekradar-bench" })
  else
    return wrk.format("POST", "/api/v1/check",
      { ["Content-Type"] = "application/json" }, '{"account":' .. jsonstring(line) .. '}')
  end
end

init = function()
  requests = {}
  local file = os.getenv(mode == "private" and "REQUESTS" or "NUMBERS")
  for line in io.lines(file) do
    if #line > 0 then
      requests[#requests + 1] = request_for(line)
    end
  end
  -- Threads start at different places in the list.
  i = ((id or 0) * 7919) % #requests
  errors = 0
  found = 0
  bytes = 0
end

request = function()
  i = i % #requests + 1
  return requests[i]
end

if mode == "hibp" then
  response = function(status, headers, body)
    if status == 200 then found = found + 1 elseif status ~= 404 then errors = errors + 1 end
  end
elseif mode == "private" then
  response = function(status, headers, body)
    if status == 200 then bytes = bytes + #body else errors = errors + 1 end
  end
end

done = function(summary, latency, requests)
  local e, f, b = 0, 0, 0
  for _, t in ipairs(threads) do
    e = e + t:get("errors")
    f = f + t:get("found")
    b = b + t:get("bytes")
  end
  if mode == "native" then
    e = summary.errors.status
    f = -1
  end
  io.write(string.format("lua: errors %d found %d requests %d socket_errors %d\n", e, f, summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
  io.write(string.format("lua: answer_bytes %d\n", b))
  io.write(string.format("lua: p50_us %.0f p99_us %.0f\n", latency:percentile(50), latency:percentile(99)))
end
