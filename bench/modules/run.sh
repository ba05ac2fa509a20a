#!/usr/bin/env bash
# File-module benchmark (issue 5): bench/modules/files.yml (copy of three
# small files and one 5 MB file, template, file for directories and mode,
# lineinfile, stat, a handler) on N private-sshd hosts, run twice -- a
# changing run on empty trees, then an idempotent run -- with drover and with
# ansible-playbook (pipelining + ControlPersist, masters warm), forks N.
# Prints the median of RUNS rounds: wall clock, controller CPU (user+sys of
# the tool and its children) and peak RSS, and the ratios.
#
#   bench/modules/run.sh [HOSTS]     default: 50; RUNS=3
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
source "$root/bench/lib/measure.sh"
n=${1:-50}
runs=${RUNS:-3}
drover=${DROVER:-$root/build/drover}
fleet_tool=${FLEET_TOOL:-$root/build/drover-test-fleet}
[ -x "$drover" ] && [ -x "$fleet_tool" ] || { echo "build first: scripts/build.sh" >&2; exit 1; }

work=$(mktemp -d /tmp/drover-bench-modules.XXXXXX)
export BENCH_LOG=$work/log
trap '"$fleet_tool" stop "$work/fleet" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
# The 5 MB file is made here, not kept in git.
head -c 5242880 /dev/urandom > "$here/files/big.bin"
trap '"$fleet_tool" stop "$work/fleet" >/dev/null 2>&1 || true; rm -rf "$work" "$here/files/big.bin"' EXIT

mkdir -p "$work/cp"
inv=$("$fleet_tool" start "$n" "$work/fleet")
export ANSIBLE_PIPELINING=True ANSIBLE_SSH_ARGS="-o ControlMaster=auto -o ControlPersist=600s" \
       ANSIBLE_SSH_CONTROL_PATH_DIR="$work/cp" ANSIBLE_FORKS=$n ANSIBLE_HOST_KEY_CHECKING=True \
       ANSIBLE_LOCALHOST_WARNING=False ANSIBLE_DEPRECATION_WARNINGS=False ANSIBLE_RETRY_FILES_ENABLED=False
cd "$here"
# Warm Ansible's ControlPersist masters (and drover's page cache).
/usr/bin/ansible all -i "$inv" -m command -a /bin/true >/dev/null 2>&1 || true
"$drover" run all -i "$inv" -f "$n" -m command -a /bin/true >/dev/null 2>&1 || true

cmd_drover=("$drover" play -i "$inv" -f "$n" files.yml)
cmd_ansible=(/usr/bin/ansible-playbook -i "$inv" -f "$n" files.yml)
for r in $(seq "$runs"); do
  for tool in drover ansible; do
    rm -rf "$work/trees/$tool"; mkdir -p "$work/trees/$tool"
    declare -n cmd="cmd_$tool"
    measure "$tool-changing" "${cmd[@]}" -e "root=$work/trees/$tool"
    measure "$tool-idempotent" "${cmd[@]}" -e "root=$work/trees/$tool"
    unset -n cmd
  done
done
# The idempotent runs change nothing and both tools leave the same trees.
"${cmd_drover[@]}" -e "root=$work/trees/drover" | grep -q 'changed=1' && echo "bench: drover's third run changed something" >&2
diff -r "$work/trees/drover" "$work/trees/ansible" >/dev/null || echo "bench: the trees differ" >&2

printf '%-12s %-8s %9s %9s %9s\n' run tool wall_s cpu_s rss_mb
for run in changing idempotent; do
  for tool in drover ansible; do
    printf '%-12s %-8s %9s %9s %9s\n' "$run" "$tool" "$(median "$tool-$run" 2)" "$(median "$tool-$run" cpu)" \
      "$(awk -v k="$(median "$tool-$run" 5)" 'BEGIN{printf "%.1f", k/1024}')"
  done
  echo "$run run, $n hosts: drover is $(ratio "$(median "ansible-$run" 2)" "$(median "drover-$run" 2)")x faster (wall)," \
       "$(ratio "$(median "ansible-$run" cpu)" "$(median "drover-$run" cpu)")x less controller CPU"
done
for s in "$work"/cp/*; do [ -S "$s" ] && ssh -o ControlPath="$s" -O exit dummy >/dev/null 2>&1 || true; done
