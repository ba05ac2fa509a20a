#!/usr/bin/env bash
# What the launch checks cost (jobs/launch_checks: credential use, project
# under a root, no symlink leaving it -- a walk of the whole project tree --
# and the inventory files): `POST /api/v1/jobs {"template_id": 1}` against a
# local project of FILES files, timed one request after another with curl.
# Prints the mean and the slowest of REQUESTS launches.
#
#   bench/server/launch_checks.sh [BUILD_DIR]     default: build
#   FILES=20000 REQUESTS=20 to change the size.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${1:-build}
DROVER=$BUILD/drover
FILES=${FILES:-20000}
REQUESTS=${REQUESTS:-20}
TOKEN=drv_bench_token_0123456789abcdef0123456789
[ -x "$DROVER" ] || { echo "no $DROVER: build it first (scripts/build.sh drover)" >&2; exit 1; }

work=$(mktemp -d)
pid=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

project=$work/roots/big
mkdir -p "$project"
for d in $(seq 1 $((FILES / 100))); do
  mkdir -p "$project/d$d"
  (cd "$project/d$d" && touch $(seq -f 'f%g.yml' 1 100))
done
printf -- '- hosts: all\n  gather_facts: false\n  tasks: []\n' >"$project/site.yml"
printf 'localhost ansible_connection=local\n' >"$project/hosts.ini"

DROVER_ADMIN_TOKEN=$TOKEN DROVER_ADMIN_PASSWORD=bench-password \
  "$DROVER" server --listen 127.0.0.1:0 --data "$work/var" --project-root "$work/roots" --workers 1 \
  >"$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 200); do
  grep -q "listening on" "$work/server.log" 2>/dev/null && break
  sleep 0.1
done
url=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$work/server.log")
[ -n "$url" ] || { cat "$work/server.log"; exit 1; }
api() { curl -sf -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' "$@"; }
api -d "{\"name\":\"big\",\"kind\":\"local\",\"path\":\"$project\"}" "$url/api/v1/projects" >/dev/null
api -d '{"name":"t","project_id":1,"playbook":"site.yml","inventory":{"file":"hosts.ini"}}' \
  "$url/api/v1/templates" >/dev/null
echo "project: $(find "$project" | wc -l) entries; $REQUESTS launches"
for _ in $(seq 1 "$REQUESTS"); do
  api -o /dev/null -w '%{time_total}\n' -d '{"template_id":1}' "$url/api/v1/jobs"
done | awk '{ s += $1; if ($1 > m) m = $1 } END { printf "launch: mean %.1f ms, slowest %.1f ms\n", s / NR * 1000, m * 1000 }'
