-- wrk script: POST one ad-hoc job (ping on a local host) per request.
-- Paced by delay(): with C connections and D ms each, about C*1000/D
-- submissions per second (jobs.sh uses 2 connections x 20 ms = 100/s).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("DROVER_TOKEN")
wrk.body = '{"module": "ping", "inventory_text": "localhost ansible_connection=local\\n"}'

local pace_ms = tonumber(os.getenv("PACE_MS") or "20")
function delay()
  return pace_ms
end

local non202 = 0
function response(status, headers, body)
  if status ~= 202 then
    non202 = non202 + 1
  end
end

function done(summary, latency, requests)
  io.write(string.format("submitted %d, errors(non-2xx/socket) %d/%d, p50 %.2f ms, p99 %.2f ms, max %.2f ms, %.1f req/s\n",
    summary.requests, summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write +
    summary.errors.timeout, latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.requests / (summary.duration / 1e6)))
end
