#!/usr/bin/env bash
# Job queue benchmark (issue 6), against a real `drover server`:
#
# 1. Submission latency: wrk posts ad-hoc jobs at ~100 submissions/s
#    (2 connections, 20 ms pause each; jobs_submit.lua) for SUBMIT_S
#    seconds while the workers run the jobs; prints p50/p99/max.
# 2. A big job: 1,000 hosts (ansible_connection=local) x 50 cheap tasks
#    (debug / set_fact), i.e. 50,000 host results (100,050 events with
#    runner_start and task_start), stored and streamed live to 20 SSE
#    clients (curl -N) that connect before the job starts. Checks that every
#    client got every event once, in order (ids 1..N, N = the job's
#    last_event), and how long after the job's end the last client had its
#    final event.
#
#   bench/server/jobs.sh          HOSTS=1000 TASKS=50 CLIENTS=20 SUBMIT_S=20
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
hosts=${HOSTS:-1000}
tasks=${TASKS:-50}
clients=${CLIENTS:-20}
submit_s=${SUBMIT_S:-20}
. "$here/lib.sh"
bench_init jobs needs-wrk
mkdir -p "$work/project"  # the big job's playbook: a project root, apart from the data directory
job_field() { api "$url/api/v1/jobs/$1" | /usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin)[sys.argv[1]])" "$2"; }
wait_final() {
  while :; do
    s=$(job_field "$1" state)
    case $s in successful|failed|canceled|error) echo "$s"; return;; esac
    sleep 0.1
  done
}

start_server --workers "${WORKERS:-2}" --project-root "$work/project"

echo "== submission latency: ~100 jobs/s for ${submit_s}s (wrk, 2 connections x ${PACE_MS:-18} ms pacing)"
DROVER_TOKEN=$token PACE_MS=${PACE_MS:-18} wrk -t1 -c2 -d"${submit_s}s" --timeout 5s -s "$here/jobs_submit.lua" \
  "$url/api/v1/jobs" | tail -1
queued=$(api "$url/api/v1/jobs?state=pending&limit=1" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
echo "jobs still pending after the run: $queued (the workers keep running them)"
# Restart with an empty queue so that the big job runs at once.
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=
rm -rf "$work/var"
start_server --workers "${WORKERS:-2}" --project-root "$work/project"

echo "== one job of $hosts hosts x $tasks tasks to $clients SSE clients"
{
  for i in $(seq "$hosts"); do echo "h$i ansible_connection=local"; done
} >"$work/project/hosts"
{
  echo "- hosts: all"
  echo "  gather_facts: false"
  echo "  tasks:"
  for t in $(seq "$tasks"); do
    if [ $((t % 2)) = 0 ]; then
      echo "    - set_fact: { v$t: \"{{ inventory_hostname }}-$t\" }"
    else
      echo "    - debug: { msg: \"task $t on {{ inventory_hostname }}\" }"
    fi
  done
} >"$work/project/big.yml"
# The job waits until every client is connected: workers=0 is not a thing,
# so submit it cancel-free to a paused queue: submit first, clients follow
# from event 0 (the stream replays what they missed, then goes live).
id=$(api -X POST "$url/api/v1/jobs" -d "{\"playbook\": \"$work/project/big.yml\", \"inventory\": \"$work/project/hosts\", \"forks\": 50}" |
     /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
t_submit=$(date +%s.%N)
pids=()
for c in $(seq "$clients"); do
  ( curl -sN -H "Authorization: Bearer $token" "$url/api/v1/jobs/$id/stream" >"$work/sse.$c"
    date +%s.%N >"$work/sse.$c.end" ) &
  pids+=($!)
done
state=$(wait_final "$id")
t_final=$(date +%s.%N)
for p in "${pids[@]}"; do wait "$p"; done
last=$(job_field "$id" last_event)
started=$(job_field "$id" started)
finished=$(job_field "$id" finished)
echo "job $id: $state, $last events, started $started, finished $finished"
ok=0
for c in $(seq "$clients"); do
  if awk -v last="$last" '
      /^id: / { n++; if ($2 != n) { bad = 1 } }
      /^event: end/ { ended = 1 }
      END { exit !(n == last && !bad && ended) }' "$work/sse.$c"; then
    ok=$((ok + 1))
  else
    echo "client $c: events missing, repeated or out of order" >&2
  fi
done
# How long after the job reached its final state (seen by polling, every
# 100 ms) the slowest client had its last event.
lag=$(for c in $(seq "$clients"); do cat "$work/sse.$c.end"; done |
      sort -g | tail -1 | awk -v f="$t_final" '{ printf "%.3f", $1 - f }')
run_s=$(awk -v a="$t_submit" -v b="$t_final" 'BEGIN { printf "%.2f", b - a }')
db_mb=$(du -sm "$work/var" | cut -f1)
echo "clients with every event once, in order: $ok/$clients"
echo "job wall (submit to final state seen): ${run_s}s; slowest client's last event ${lag}s after that; database ${db_mb} MB"
