#!/usr/bin/env bash
# Health and writes beside an outside writer (issue 14, section 2):
#   1. wrk on /livez and on /healthz (each /healthz proves a write, probes
#      within one second share one check);
#   2. `drover hosts add` run N times on the server's data directory while
#      wrk probes /healthz and a loop of API writes (POST /hosts) runs: how
#      long each CLI write takes, whether any API write or probe failed.
#
#   bench/server/health.sh [BUILD_DIR]     default: build
#   DURATION=10s CONNECTIONS=32 THREADS=2 CLI_WRITES=200 to change the load.
set -euo pipefail
cd "$(dirname "$0")/../.."
DROVER=${DROVER:-$PWD/${1:-build}/drover}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
CLI_WRITES=${CLI_WRITES:-200}
. bench/server/lib.sh
bench_init health needs-wrk
TOKEN=$token
writer=
on_exit 'if [ -n "$writer" ]; then kill "$writer"; wait "$writer"; fi'
start_server

echo "== wrk -t$THREADS -c$CONNECTIONS -d$DURATION GET /livez"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$url/livez" | grep -E "Requests/sec|50%|99%|Non-2xx"
echo "== wrk -t$THREADS -c$CONNECTIONS -d$DURATION GET /healthz"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$url/healthz" | grep -E "Requests/sec|50%|99%|Non-2xx"

# API writes in a loop (one host each), counting failures.
(
  i=0 fail=0
  while :; do
    code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
      -H 'Content-Type: application/json' -d "{\"hostname\": \"api$i\"}" "$url/api/v1/hosts")
    [ "$code" = 201 ] || fail=$((fail + 1))
    i=$((i + 1))
    echo "$i $fail" > "$work/api_writes"
  done
) &
writer=$!
echo "== $CLI_WRITES x drover hosts add on the data directory; API writes and wrk -t1 -c4 -d5s /healthz meanwhile"
(
  cli_fail=0
  start=$(date +%s.%N)
  for i in $(seq 1 "$CLI_WRITES"); do
    "$DROVER" hosts --data "$work/var" add "cli$i" >/dev/null 2>>"$work/cli.err" || cli_fail=$((cli_fail + 1))
  done
  end=$(date +%s.%N)
  echo "CLI writes: $CLI_WRITES in $(awk -v a="$start" -v b="$end" -v n="$CLI_WRITES" \
    'BEGIN{printf "%.2f s (%.0f ms each, process start included)", b-a, (b-a)*1000/n}'), $cli_fail failed" \
    > "$work/cli_result"
) &
cli=$!
wrk -t1 -c4 -d5s --latency "$url/healthz" > "$work/wrk_during.txt"
wait "$cli"
kill "$writer" 2>/dev/null || true
wait "$writer" 2>/dev/null || true
writer=
cat "$work/cli_result"
read -r api_total api_fail < "$work/api_writes"
echo "API writes meanwhile: $api_total, $api_fail failed"
echo "healthz meanwhile: $(grep -E 'requests in' "$work/wrk_during.txt" | sed 's/^ *//'); \
$(grep -E '^ +99%' "$work/wrk_during.txt" | sed 's/^ *99% */p99 /'); $(grep -E 'Non-2xx' "$work/wrk_during.txt" || echo 'no non-2xx')"
if [ -s "$work/cli.err" ]; then echo "first CLI errors:"; head -3 "$work/cli.err"; fi
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d '{"hostname": "after"}' "$url/api/v1/hosts")
echo "an API write after it all: $code; /healthz: $(curl -s "$url/healthz")"
