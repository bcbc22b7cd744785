-- wrk script for benchmarks/vote_http.py --load wrk: every request is one voter's final ballot POST.
-- The requests (path, headers, body) are prepared by vote_http.py, one per line in the file named by the
-- first script argument: "<cookie>\t<body>"; thread k of n sends lines k, k+n, k+2n, … so no voter votes twice.
-- A receipt in the answer counts as accepted; statuses are tallied per thread and summed in done().
local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  local n = tonumber(args[3])
  path, origin = args[2], args[4]
  lines = {}
  local i = 0
  for line in io.lines(args[1]) do
    if i % n == id then
      local tab = line:find("\t", 1, true)
      table.insert(lines, {line:sub(1, tab - 1), line:sub(tab + 1)})
    end
    i = i + 1
  end
  sent, accepted, exhausted = 0, 0, 0
  statuses, receipts = {}, {}
end

function request()
  sent = sent + 1
  local item = lines[sent]
  if item == nil then
    exhausted = exhausted + 1
    item = lines[#lines]  -- out of voters: repeats the last (a replay of its receipt); vote_http.py then fails the run
  end
  return wrk.format("POST", path, {
    ["Cookie"] = item[1], ["Origin"] = origin, ["Referer"] = origin .. path, ["X-Forwarded-Proto"] = "https",
    ["Content-Type"] = "application/x-www-form-urlencoded"}, item[2])
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  local code = status == 200 and body:match("<strong>([A-Z2-7][A-Z2-7][A-Z2-7][A-Z2-7]%-[A-Z2-7%-]+)</strong>")
  if code then
    accepted = accepted + 1
    receipts[code] = true
  end
end

function done(summary, latency, requests)
  local total, codes, out, seen, distinct = 0, {}, 0, {}, 0
  for _, t in ipairs(threads) do
    total = total + t:get("accepted")
    for code, _ in pairs(t:get("receipts")) do
      if not seen[code] then seen[code] = true; distinct = distinct + 1 end
    end
    out = out + t:get("exhausted")
    for k, v in pairs(t:get("statuses")) do codes[k] = (codes[k] or 0) + v end
  end
  local parts = {}
  for k, v in pairs(codes) do table.insert(parts, k .. "=" .. v) end
  io.write(string.format("RESULT accepted=%d distinct=%d exhausted=%d statuses=%s errors=%d p50=%.1f p90=%.1f p99=%.1f max=%.1f seconds=%.3f\n",
    total, distinct, out, table.concat(parts, ","),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.duration / 1e6))
end
