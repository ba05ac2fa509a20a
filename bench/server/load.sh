#!/usr/bin/env bash
# The HTTP server under hostile load (issue 14, section 3): against a real
# `drover server` holding 10,000 hosts and running one job,
#   * SSE clients (default 1,000) follow that job's /stream,
#   * slow-loris connections (default 200) send a header that never ends,
#   * /healthz is asked 20 times a second (a fresh connection each),
#   * wrk -t2 -c32 hammers GET /api/v1/hosts?limit=50&role=cache,
# all at once. Prints wrk's figures and one JSON line from the clients
# (load_clients.py): SSE clients connected / ended, events per client,
# /healthz p50/p99/max. Targets: /healthz p99 < 50 ms, hosts > 5,000 req/s.
#
#   bench/server/load.sh                 DROVER=build/drover SSE=1000 SLOW=200 DURATION=20 WRK_CONNECTIONS=32
# DROVER=/work/main/build/drover measures another build (the old server).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
sse=${SSE:-1000}
slow=${SLOW:-200}
duration=${DURATION:-20}
wrk_c=${WRK_CONNECTIONS:-32}  # 0: no wrk (the SSE and slow-loris load alone)
ulimit -n "$(ulimit -Hn)"
. "$here/lib.sh"
bench_init load needs-wrk
mkdir -p "$work/project"  # the job's playbook: a project root, apart from the data directory
extra=(--project-root "$work/project")
# Every client here comes from 127.0.0.1: lift the per-address cap (default 2,048) if the build has it.
if "$drover" server --help 2>/dev/null | grep -q -- --max-connections-per-address; then
  extra+=(--max-connections-per-address 10000)
fi
# shellcheck disable=SC2086
start_server --workers 2 "${extra[@]}" ${SERVER_ARGS:-}

awk 'BEGIN {
  split("cache web db lb", roles, " ");
  print "hostname,ip,role,platform,line,idc,region,tags";
  for (i = 0; i < 10000; i++)
    printf "node%05d.example.net,10.%d.%d.%d,%s,debian12,telecom,bj1,cn,edge\n", i, int(i/65536)%256,
      int(i/256)%256, i%256, roles[i%4+1]
}' >"$work/hosts.csv"
api -H 'Content-Type: text/csv' --data-binary @"$work/hosts.csv" "$url/api/v1/hosts/import" >/dev/null

# One job that emits events for the whole run: 4 local hosts x N tasks of 0.5 s.
tasks=$(( (duration + 10) * 2 ))
{
  echo "- hosts: all"
  echo "  gather_facts: false"
  echo "  tasks:"
  for t in $(seq "$tasks"); do echo "    - command: sleep 0.5"; done
} >"$work/project/slow.yml"
printf 'h%s ansible_connection=local\n' 1 2 3 4 >"$work/project/hosts.ini"
job=$(api -H 'Content-Type: application/json' -X POST "$url/api/v1/jobs" \
        -d "{\"playbook\": \"$work/project/slow.yml\", \"inventory\": \"$work/project/hosts.ini\", \"forks\": 4}" |
      /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')

echo "== $(basename "$drover") at $url: job $job ($tasks tasks x 4 hosts), $sse SSE clients, $slow slow-loris, ${duration}s"
/usr/bin/python3 "$here/load_clients.py" "$url" "$token" "$job" "$sse" "$slow" "$duration" 0 >"$work/clients.json" &
clients_pid=$!
sleep 3  # clients connect
/usr/bin/python3 "$here/load_clients.py" "$url" "$token" "$job" 0 0 "$((duration - 3))" >"$work/healthz.json" &
healthz_pid=$!
sleep 3
if [ "$wrk_c" -gt 0 ]; then
  echo "== wrk -t2 -c$wrk_c -d$((duration - 6))s --latency GET /api/v1/hosts?limit=50&role=cache (beside them)"
  wrk -t2 -c"$wrk_c" -d"$((duration - 6))s" --timeout 5s --latency -H "Authorization: Bearer $token" \
    "$url/api/v1/hosts?limit=50&role=cache" | grep -E "Requests/sec|Latency|50%|99%|requests in|Socket errors|Non-2xx" || true
else
  sleep "$((duration - 6))"
fi
wait "$healthz_pid" || true
wait "$clients_pid" || true
echo "== SSE and slow-loris clients"
cat "$work/clients.json"
echo "== /healthz, 20/s on fresh connections, from its own process"
cat "$work/healthz.json"
echo "server: $(grep -E 'VmHWM|Threads' /proc/$server_pid/status | tr -s '\t ' ' ' | tr '\n' ' ')"
echo "request log lines: $(grep -c ' request ' "$work/server.log" || true)"
# The server's own view of /healthz (header read to handler done, from its log).
grep ' route=/healthz ' "$work/server.log" | sed -n 's/.*duration_ms=\([0-9.]*\).*/\1/p' | sort -g |
  awk '{ v[NR] = $1 } END { if (!NR) exit; i = int(NR * 0.99) + 1; if (i > NR) i = NR;
         printf "server-side /healthz duration: p50 %.2f ms, p99 %.2f ms, max %.2f ms (%d)\n", v[int(NR / 2) + 1], v[i], v[NR], NR }' 
