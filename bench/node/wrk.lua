-- wrk's script for the Node servers' load (bench/node/load.ts). With WRK_ROUTE=post, each request
-- is POST /user with a new name (WRK_PREFIX and seven letters, as bench/names.ts's nthName makes
-- them: a taken name answers 409); else the URL's GET. At the end, one JSON line for load.ts.
if os.getenv("WRK_ROUTE") == "post" then
  local prefix = os.getenv("WRK_PREFIX") or ""
  local n = 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  local function nth(i)
    local letters = ""
    for _ = 1, 7 do
      letters = string.char(97 + i % 26) .. letters
      i = math.floor(i / 26)
    end
    return prefix .. letters
  end
  request = function()
    local body = '{"name":"' .. nth(n) .. '"}'
    n = n + 1
    return wrk.format(nil, nil, nil, body)
  end
end

done = function(summary, latency)
  local e = summary.errors
  io.write(string.format('{"requests":%d,"micros":%d,"p99Micros":%d,"non2xx":%d,"errors":%d}\n',
    summary.requests, summary.duration, latency:percentile(99), e.status, e.connect + e.read + e.write + e.timeout))
end
