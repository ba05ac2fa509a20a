#!/usr/bin/env bash
# Python fallback benchmark (issue 16): `drover play` against
# `ansible-playbook` (pipelining + ControlPersist, masters warm, forks =
# hosts) on a fleet of distinct loopback hosts (private sshds, SetEnv
# SHLVL=1 for both), running tasks10.yml: ten tasks of modules drover has
# no native version of, which it runs through its Python fallback. Prints
# the median of RUNS runs: wall clock, controller CPU (user+sys of the tool
# and its waited-for children), peak RSS, and the ratios. Results:
# README.md beside this script.
#
#   bench/pyfallback/run.sh [HOSTS]     default: 50; RUNS=3; COLD=1: drover's
#   unpacked payloads are removed before each timed drover run (a fresh fleet)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
source "$root/bench/lib/measure.sh"
n=${1:-50}
runs=${RUNS:-3}
drover=${DROVER:-$root/build/drover}
fleet_tool=${FLEET_TOOL:-$root/build/drover-test-fleet}
[ -x "$drover" ] && [ -x "$fleet_tool" ] || { echo "build first: scripts/build.sh drover drover-test-fleet" >&2; exit 1; }

work=$(mktemp -d /tmp/drover-bench-pyfallback.XXXXXX)
export BENCH_LOG=$work/log
stop_masters() {
  for s in "$work"/cp/*; do [ -S "$s" ] && ssh -o ControlPath="$s" -O exit dummy >/dev/null 2>&1 || true; done
}
trap 'stop_masters; "$fleet_tool" stop "$work/fleet" >/dev/null 2>&1 || true; rm -rf "$work" /tmp/drover-bench-pyfallback-*' EXIT

mkdir -p "$work/cp"
inv=$("$fleet_tool" start "$n" "$work/fleet")
export ANSIBLE_PIPELINING=True ANSIBLE_SSH_ARGS="-o ControlMaster=auto -o ControlPersist=600s" \
       ANSIBLE_SSH_CONTROL_PATH_DIR="$work/cp" ANSIBLE_FORKS=$n ANSIBLE_HOST_KEY_CHECKING=True \
       ANSIBLE_LOCALHOST_WARNING=False ANSIBLE_DEPRECATION_WARNINGS=False ANSIBLE_RETRY_FILES_ENABLED=False \
       ANSIBLE_NOCOLOR=1 ANSIBLE_LOCAL_TEMP="$work/ansible-local" ANSIBLE_TIMEOUT=60 \
       ANSIBLE_REMOTE_TMP="$work/remote-tmp"

command_of() {
  case $1 in
    drover) cmd=("$drover" play -i "$inv" -f "$n" "$here/tasks10.yml") ;;
    ansible) cmd=(/usr/bin/ansible-playbook -i "$inv" -f "$n" "$here/tasks10.yml") ;;
  esac
}

# Warm Ansible's masters and the page cache, and check that both pass the
# workload, before timing anything. drover's first run also unpacks each
# payload once per host and user (its cache in remote_tmp, kept between
# runs, as a fleet keeps it); the timed runs measure that steady state.
for tool in drover ansible; do
  command_of "$tool"
  "${cmd[@]}" > "$work/warm.out" 2>&1 || { echo "$tool failed:" >&2; tail -30 "$work/warm.out" >&2; exit 1; }
done

for r in $(seq "$runs"); do
  for tool in drover ansible; do
    command_of "$tool"
    if [ "$tool" = drover ] && [ "${COLD:-0}" = 1 ]; then rm -rf "$work"/remote-tmp/drover-modlib-*; fi
    measure "$tool" "${cmd[@]}"
  done
done

printf '%-8s %9s %9s %9s\n' tool wall_s cpu_s rss_mb
for tool in drover ansible; do
  printf '%-8s %9s %9s %9s\n' "$tool" "$(median "$tool" 2)" "$(median "$tool" cpu)" \
    "$(awk -v k="$(median "$tool" 5)" 'BEGIN{printf "%.1f", k/1024}')"
done
echo "tasks10.yml, $n hosts: drover is $(ratio "$(median ansible 2)" "$(median drover 2)")x faster than ansible (wall)," \
     "$(ratio "$(median ansible cpu)" "$(median drover cpu)")x less controller CPU"
