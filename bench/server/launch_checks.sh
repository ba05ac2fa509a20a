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
DROVER=${DROVER:-$PWD/${1:-build}/drover}
FILES=${FILES:-20000}
REQUESTS=${REQUESTS:-20}
. bench/server/lib.sh
bench_init launch-checks

project=$work/roots/big
mkdir -p "$project"
for d in $(seq 1 $((FILES / 100))); do
  mkdir -p "$project/d$d"
  (cd "$project/d$d" && touch $(seq -f 'f%g.yml' 1 100))
done
printf -- '- hosts: all\n  gather_facts: false\n  tasks: []\n' >"$project/site.yml"
printf 'localhost ansible_connection=local\n' >"$project/hosts.ini"

start_server --project-root "$work/roots" --workers 1
api -d "{\"name\":\"big\",\"kind\":\"local\",\"path\":\"$project\"}" "$url/api/v1/projects" >/dev/null
api -d '{"name":"t","project_id":1,"playbook":"site.yml","inventory":{"file":"hosts.ini"}}' \
  "$url/api/v1/templates" >/dev/null
echo "project: $(find "$project" | wc -l) entries; $REQUESTS launches"
for _ in $(seq 1 "$REQUESTS"); do
  api -o /dev/null -w '%{time_total}\n' -d '{"template_id":1}' "$url/api/v1/jobs"
done | awk '{ s += $1; if ($1 > m) m = $1 } END { printf "launch: mean %.1f ms, slowest %.1f ms\n", s / NR * 1000, m * 1000 }'
