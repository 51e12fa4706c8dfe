-- wrk's script for the Node servers' load (bench/node/load.ts). WRK_ROUTE=post: each request is
-- POST /user with a new name (WRK_PREFIX and seven letters, as bench/names.ts's nthName makes
-- them: a taken name answers 409); get: the URL's GET, as wrk sends it without a script; both:
-- the two in turn, to warm a server up. At the end, one JSON line for load.ts.
local route = os.getenv("WRK_ROUTE")
local prefix = os.getenv("WRK_PREFIX") or ""
local n = 0
local postHeaders

local function nth(i)
  local letters = ""
  for _ = 1, 7 do
    letters = string.char(97 + i % 26) .. letters
    i = math.floor(i / 26)
  end
  return prefix .. letters
end

local function post()
  local body = '{"name":"' .. nth(n) .. '"}'
  n = n + 1
  return wrk.format("POST", "/user", postHeaders, body)
end

init = function()
  -- wrk.headers holds the -H headers by now.
  postHeaders = { ["Content-Type"] = "application/json" }
  for name, value in pairs(wrk.headers) do postHeaders[name] = value end
end

if route == "post" then
  request = post
elseif route == "both" then
  local turn = 0
  request = function()
    turn = turn + 1
    if turn % 2 == 0 then return wrk.format("GET", "/user/alice") end
    return post()
  end
end

done = function(summary, latency)
  local e = summary.errors
  io.write(string.format('{"requests":%d,"micros":%d,"p99Micros":%d,"non2xx":%d,"errors":%d}\n',
    summary.requests, summary.duration, latency:percentile(99), e.status, e.connect + e.read + e.write + e.timeout))
end
