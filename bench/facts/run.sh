#!/usr/bin/env bash
# Fact gathering benchmark (issue 4, ad-hoc form): `drover run all -m setup`
# against `ansible all -m setup` on the same fleet of distinct loopback hosts
# (private sshds, SetEnv SHLVL=1 for both), same forks. Ansible runs with
# pipelining and ControlPersist, once untimed first so that its masters are
# warm. Prints the median of RUNS runs: wall clock, controller CPU (user+sys
# of the tool and its waited-for children), peak RSS, and the ratios. The
# playbook-level "gather_facts alone" figure comes with the engine.
#
#   bench/facts/run.sh [SIZES...]     default: 50; RUNS=3
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
source "$root/bench/lib/measure.sh"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(50)
runs=${RUNS:-3}
drover=${DROVER:-$root/build/drover}
fleet_tool=${FLEET_TOOL:-$root/build/drover-test-fleet}
[ -x "$drover" ] && [ -x "$fleet_tool" ] || { echo "build first: scripts/build.sh" >&2; exit 1; }

work=$(mktemp -d /tmp/drover-bench-facts.XXXXXX)
export BENCH_LOG=$work/log
trap '"$fleet_tool" stop "$work/fleet" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

printf '%-6s %-8s %9s %9s %9s\n' hosts tool wall_s cpu_s rss_mb
for n in "${sizes[@]}"; do
  "$fleet_tool" stop "$work/fleet" >/dev/null 2>&1 || true
  rm -rf "$work/fleet" "$work/cp"
  mkdir -p "$work/cp"
  inv=$("$fleet_tool" start "$n" "$work/fleet")
  export ANSIBLE_PIPELINING=True ANSIBLE_SSH_ARGS="-o ControlMaster=auto -o ControlPersist=600s" \
         ANSIBLE_SSH_CONTROL_PATH_DIR="$work/cp" ANSIBLE_FORKS=$n ANSIBLE_HOST_KEY_CHECKING=True \
         ANSIBLE_LOCALHOST_WARNING=False ANSIBLE_DEPRECATION_WARNINGS=False
  /usr/bin/ansible all -i "$inv" -m ping >/dev/null 2>&1 || true
  "$drover" run all -i "$inv" -f "$n" -m setup >/dev/null 2>&1 || true
  for r in $(seq "$runs"); do
    measure "drover-$n" "$drover" run all -i "$inv" -f "$n" -m setup
    measure "ansible-$n" /usr/bin/ansible all -i "$inv" -f "$n" -m setup
  done
  for tool in drover ansible; do
    printf '%-6s %-8s %9s %9s %9s\n' "$n" "$tool" "$(median "$tool-$n" 2)" "$(median "$tool-$n" cpu)" \
      "$(awk -v k="$(median "$tool-$n" 5)" 'BEGIN{printf "%.1f", k/1024}')"
  done
  echo "$n hosts: drover is $(ratio "$(median "ansible-$n" 2)" "$(median "drover-$n" 2)")x faster (wall)," \
       "$(ratio "$(median "ansible-$n" cpu)" "$(median "drover-$n" cpu)")x less controller CPU"
  for s in "$work"/cp/*; do [ -S "$s" ] && ssh -o ControlPath="$s" -O exit dummy >/dev/null 2>&1 || true; done
done
