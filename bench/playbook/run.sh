#!/usr/bin/env bash
# Playbook benchmark (issue 4): `drover play` against `ansible-playbook`
# (pipelining + ControlPersist, masters warm) and against Mitogen
# (ANSIBLE_STRATEGY=mitogen_linear, Debian's ansible-mitogen) on the same
# fleet of distinct loopback hosts (private sshds, SetEnv SHLVL=1 for all),
# forks = hosts. Two workloads: tasks10.yml (ten tasks: command, shell,
# set_fact, debug, assert, a handler) and facts.yml (gather_facts and one
# debug). Prints the median of RUNS runs: wall clock, controller CPU
# (user+sys of the tool and its waited-for children) and peak RSS, and the
# ratios. Results and machine state: README.md beside this script.
#
#   bench/playbook/run.sh [HOSTS]     default: 50; RUNS=3; PEERS="ansible mitogen"
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
source "$root/bench/lib/measure.sh"
n=${1:-50}
runs=${RUNS:-3}
peers=${PEERS:-ansible mitogen}
drover=${DROVER:-$root/build/drover}
fleet_tool=${FLEET_TOOL:-$root/build/drover-test-fleet}
[ -x "$drover" ] && [ -x "$fleet_tool" ] || { echo "build first: scripts/build.sh" >&2; exit 1; }

work=$(mktemp -d /tmp/drover-bench-playbook.XXXXXX)
export BENCH_LOG=$work/log
stop_masters() {
  for s in "$work"/cp/*; do [ -S "$s" ] && ssh -o ControlPath="$s" -O exit dummy >/dev/null 2>&1 || true; done
}
trap 'stop_masters; "$fleet_tool" stop "$work/fleet" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

mkdir -p "$work/cp"
inv=$("$fleet_tool" start "$n" "$work/fleet")
export ANSIBLE_PIPELINING=True ANSIBLE_SSH_ARGS="-o ControlMaster=auto -o ControlPersist=600s" \
       ANSIBLE_SSH_CONTROL_PATH_DIR="$work/cp" ANSIBLE_FORKS=$n ANSIBLE_HOST_KEY_CHECKING=True \
       ANSIBLE_LOCALHOST_WARNING=False ANSIBLE_DEPRECATION_WARNINGS=False ANSIBLE_RETRY_FILES_ENABLED=False \
       ANSIBLE_NOCOLOR=1 ANSIBLE_LOCAL_TEMP="$work/ansible-local" ANSIBLE_TIMEOUT=60

# The command line of one tool on one workload: "drover", "ansible" or "mitogen".
command_of() {
  local tool=$1 pb=$2
  case $tool in
    drover) cmd=("$drover" play -i "$inv" -f "$n" "$here/$pb") ;;
    ansible) cmd=(/usr/bin/ansible-playbook -i "$inv" -f "$n" "$here/$pb") ;;
    mitogen) cmd=(env ANSIBLE_STRATEGY=mitogen_linear /usr/bin/ansible-playbook -i "$inv" -f "$n" "$here/$pb") ;;
  esac
}

# Warm Ansible's ControlPersist masters, the page cache, and check that every
# tool passes the workloads before timing anything.
for pb in tasks10.yml facts.yml; do
  for tool in drover $peers; do
    command_of "$tool" "$pb"
    "${cmd[@]}" > "$work/warm.out" 2>&1 || { echo "$tool $pb failed:" >&2; tail -20 "$work/warm.out" >&2; exit 1; }
  done
done

for pb in tasks10.yml facts.yml; do
  for r in $(seq "$runs"); do
    for tool in drover $peers; do
      command_of "$tool" "$pb"
      measure "$tool-$pb" "${cmd[@]}"
    done
  done
done

printf '%-12s %-8s %9s %9s %9s\n' workload tool wall_s cpu_s rss_mb
for pb in tasks10.yml facts.yml; do
  for tool in drover $peers; do
    printf '%-12s %-8s %9s %9s %9s\n' "$pb" "$tool" "$(median "$tool-$pb" 2)" "$(median "$tool-$pb" cpu)" \
      "$(awk -v k="$(median "$tool-$pb" 5)" 'BEGIN{printf "%.1f", k/1024}')"
  done
  for peer in $peers; do
    echo "$pb, $n hosts: drover is $(ratio "$(median "$peer-$pb" 2)" "$(median "drover-$pb" 2)")x faster than $peer (wall)," \
         "$(ratio "$(median "$peer-$pb" cpu)" "$(median "drover-$pb" cpu)")x less controller CPU"
  done
done
