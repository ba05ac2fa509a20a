#!/usr/bin/env bash
# CMDB read path: `drover server` holding 10,000 hosts, wrk on
#   GET /api/v1/hosts?limit=50&role=cache   (2,500 hosts match; 50 per page)
# with a Bearer token, over loopback. Prints wrk's figures (requests/s,
# latency percentiles). Target (issue 6): >= 5,000 req/s on the 2-core box.
#
#   bench/server/hosts.sh [BUILD_DIR]     default: build
#   DURATION=10s CONNECTIONS=32 THREADS=2 HOSTS=10000 to change the load.
set -euo pipefail
cd "$(dirname "$0")/../.."
DROVER=${DROVER:-$PWD/${1:-build}/drover}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
HOSTS=${HOSTS:-10000}
. bench/server/lib.sh
bench_init hosts needs-wrk
TOKEN=$token
start_server

# 10,000 hosts: four roles, three lines, five IDCs.
awk -v n="$HOSTS" 'BEGIN {
  split("cache web db lb", roles, " "); split("telecom unicom mobile", lines, " ");
  split("bj1 bj2 sh1 gz1 cd1", idcs, " ");
  print "hostname,ip,role,platform,line,idc,region,tags";
  for (i = 0; i < n; i++)
    printf "node%05d.example.net,10.%d.%d.%d,%s,debian12,%s,%s,cn,edge;rack%d\n", i, int(i/65536)%256,
      int(i/256)%256, i%256, roles[i%4+1], lines[i%3+1], idcs[i%5+1], i%40
}' > "$work/hosts.csv"
start=$(date +%s.%N)
curl -sf -H "Authorization: Bearer $TOKEN" -H 'Content-Type: text/csv' --data-binary @"$work/hosts.csv" \
  "$url/api/v1/hosts/import" > "$work/import.json"
end=$(date +%s.%N)
echo "import of $HOSTS hosts (CSV, one transaction): $(awk -v a="$start" -v b="$end" 'BEGIN{printf "%.2f", b-a}') s -> $(cat "$work/import.json")"
curl -sf -H "Authorization: Bearer $TOKEN" "$url/api/v1/hosts?limit=50&role=cache" | head -c 200; echo " ..."

echo "== wrk -t$THREADS -c$CONNECTIONS -d$DURATION GET /api/v1/hosts?limit=50&role=cache"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -H "Authorization: Bearer $TOKEN" \
  "$url/api/v1/hosts?limit=50&role=cache"
