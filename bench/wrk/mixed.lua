-- The mixed workload under wrk: every connection is a simulated user whose next
-- request is drawn by role weight: a coordinator saving an activity row with an htmx
-- POST (session, CSRF token, the version it last saw), a police liaison on the review
-- queue or the review page, a county officer on the dashboard, a resident on the
-- public pages. BENCH_MIXED_DATA names the Lua file bench/load.py writes with the
-- sessions, addresses and form bodies. Prints one JSON line for bench/load.py.
local data = dofile(os.getenv("BENCH_MIXED_DATA"))
local threads = {}
local next_id = 1

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  local nthreads = tonumber(os.getenv("BENCH_THREADS"))
  math.randomseed(id * 7919)
  -- each thread edits its own activities, so conflicts come only from its own users
  edits, versions, flips = {}, {}, {}
  for i, edit in ipairs(data.edits) do
    if (i - 1) % nthreads == id - 1 then
      table.insert(edits, edit)
      versions[edit.pk] = edit.version
    end
  end
  local w = data.weights
  bounds = {w.edit, w.edit + w.review, w.edit + w.review + w.dashboard}
  n_edit, n_review, n_dashboard, n_public = 0, 0, 0, 0
  ok, conflicts, redirects, errors, first_error = 0, 0, 0, 0, ""
end

local function pick(list)
  return list[math.random(#list)]
end

function request()
  local r = math.random()
  if r < bounds[1] then
    n_edit = n_edit + 1
    local edit = pick(edits)
    flips[edit.pk] = not flips[edit.pk]
    local body = edit.body:gsub("__VERSION__", tostring(versions[edit.pk]))
    body = body:gsub("__TITLE__", flips[edit.pk] and "A" or "B")
    return wrk.format("POST", edit.path, {
      ["Cookie"] = edit.cookie,
      ["X-CSRFToken"] = edit.csrf,
      ["HX-Request"] = "true",
      ["Content-Type"] = "application/x-www-form-urlencoded",
    }, body)
  elseif r < bounds[2] then
    n_review = n_review + 1
    local liaison = pick(data.liaisons)
    return wrk.format("GET", pick(liaison.paths), {["Cookie"] = liaison.cookie})
  elseif r < bounds[3] then
    n_dashboard = n_dashboard + 1
    local officer = pick(data.officers)
    return wrk.format("GET", officer.path, {["Cookie"] = officer.cookie})
  end
  n_public = n_public + 1
  return wrk.format("GET", pick(data.public))
end

function response(status, headers, body)
  if status == 409 then
    -- as the app does: the form comes back on the stored version; save again on it
    conflicts = conflicts + 1
    local pk, version = body:match('name="activity%-(%d+)%-version" value="(%d+)"')
    if pk and versions[tonumber(pk)] then
      versions[tonumber(pk)] = tonumber(version)
    end
  elseif status >= 200 and status < 300 then
    ok = ok + 1
    -- a saved row comes back alone (the editor page starts with a doctype)
    local pk = body:match('^%s*<tr id="activity%-(%d+)"')
    if pk and versions[tonumber(pk)] then
      versions[tonumber(pk)] = versions[tonumber(pk)] + 1
    end
  elseif status >= 300 and status < 400 then
    redirects = redirects + 1
  else
    errors = errors + 1
    if first_error == "" then
      first_error = status .. " " .. body:sub(1, 200):gsub('[%c"\\]', " ")
    end
  end
end

function done(summary, latency, requests)
  local t = {edit = 0, review = 0, dashboard = 0, public = 0, ok = 0, conflicts = 0,
             redirects = 0, errors = 0}
  local first = ""
  for _, thread in ipairs(threads) do
    t.edit = t.edit + thread:get("n_edit")
    t.review = t.review + thread:get("n_review")
    t.dashboard = t.dashboard + thread:get("n_dashboard")
    t.public = t.public + thread:get("n_public")
    t.ok = t.ok + thread:get("ok")
    t.conflicts = t.conflicts + thread:get("conflicts")
    t.redirects = t.redirects + thread:get("redirects")
    t.errors = t.errors + thread:get("errors")
    if first == "" then first = thread:get("first_error") end
  end
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "seconds": %.3f, "p50_ms": %.2f, "p95_ms": %.2f, ' ..
    '"p99_ms": %.2f, "socket_errors": %d, "edits": %d, "reviews": %d, "dashboards": %d, ' ..
    '"public": %d, "ok": %d, "conflicts": %d, "redirects": %d, "errors": %d, ' ..
    '"first_error": "%s"}\n',
    summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    t.edit, t.review, t.dashboard, t.public, t.ok, t.conflicts, t.redirects, t.errors, first))
end
