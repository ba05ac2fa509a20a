#!/bin/sh
# Inventory benchmark: a 10,000-host inventory (INI with ranges, group_vars,
# 1,000 host_vars files) loaded by drover, with --limit 'edge:&line_ct'
# resolved, and for comparison ansible-inventory / ansible on a smaller one.
# Prints wall seconds and peak RSS (KB) from /usr/bin/time.
# Targets (issue 2): drover < 1 s and < 100 MB at 10,000 hosts.
#
#   bench/inventory/run.sh [DROVER_BINARY] [ANSIBLE_HOSTS (default 2000)]
set -eu
DROVER=${1:-$(dirname "$0")/../../build/drover}
ANSIBLE_HOSTS=${2:-2000}
WORK=$(mktemp -d /tmp/drover-inv-bench-XXXXXX)
trap 'rm -rf "$WORK"' EXIT

# gen DIR EDGE MID CORE HOSTVARS: an INI inventory with those group sizes.
gen() {
  dir=$1 edge=$2 mid=$3 core=$4 hv=$5
  mkdir -p "$dir/group_vars/edge" "$dir/host_vars"
  {
    echo "[edge]"
    echo "edge[00001:$(printf %05d "$edge")].cdn.net ansible_user=deploy"
    echo "[mid]"
    echo "mid[0001:$(printf %04d "$mid")].cdn.net"
    echo "[core]"
    echo "core[001:$(printf %03d "$core")].dc1.net ansible_port=2222"
    echo "[line_ct]"
    echo "edge[00001:$(printf %05d "$edge"):4].cdn.net"
    echo "mid[0001:$(printf %04d "$mid"):10].cdn.net"
    echo "[cdn:children]"
    echo "edge"
    echo "mid"
    echo "[cdn:vars]"
    echo "ntp=10.0.0.1"
    echo "[all:vars]"
    echo "ansible_python_interpreter=/usr/bin/python3"
  } > "$dir/hosts"
  printf 'dns: [10.0.0.2, 10.0.0.3]\nenv: prod\n' > "$dir/group_vars/all.yml"
  printf 'http_port: 8080\ncache_size: 512\n' > "$dir/group_vars/edge/main.yml"
  printf 'tls: true\n' > "$dir/group_vars/edge/tls.yml"
  printf 'tier: mid\n' > "$dir/group_vars/mid.yml"
  printf 'region: ct\n' > "$dir/group_vars/line_ct.yaml"
  i=1
  while [ "$i" -le "$hv" ]; do
    printf 'rack: r%d\nserial: "%08d"\nweight: %d\n' "$((i % 40))" "$i" "$i" \
      > "$dir/host_vars/edge$(printf %05d "$i").cdn.net.yml"
    i=$((i + 1))
  done
}

measure() {  # label, command...
  label=$1
  shift
  /usr/bin/time -f '%e %M' -o "$WORK/time" "$@" > "$WORK/out" 2> "$WORK/err" || {
    echo "$label: FAILED"
    cat "$WORK/err"
    return 0
  }
  read -r wall rss < "$WORK/time"
  printf '%-58s %6ss %8s KB  (%s lines out)\n' "$label" "$wall" "$rss" "$(wc -l < "$WORK/out")"
}

gen "$WORK/big" 8000 1500 500 1000
gen "$WORK/small" $((ANSIBLE_HOSTS * 8 / 10)) $((ANSIBLE_HOSTS * 15 / 100)) $((ANSIBLE_HOSTS * 5 / 100)) \
  $((ANSIBLE_HOSTS / 10))
echo "inventory benchmark: 10,000 hosts for drover, $ANSIBLE_HOSTS for ansible"
measure "drover inventory --graph -l 'edge:&line_ct' (10,000)" \
  "$DROVER" inventory -i "$WORK/big" --graph -l 'edge:&line_ct'
measure "drover inventory --list (10,000, all vars merged)" \
  "$DROVER" inventory -i "$WORK/big" --list
measure "drover inventory --list -l 'edge:&line_ct' (10,000)" \
  "$DROVER" inventory -i "$WORK/big" --list -l 'edge:&line_ct'
measure "drover inventory --list ($ANSIBLE_HOSTS)" \
  "$DROVER" inventory -i "$WORK/small" --list
: > "$WORK/ansible.cfg"
export ANSIBLE_CONFIG="$WORK/ansible.cfg"
measure "ansible all -l 'edge:&line_ct' --list-hosts ($ANSIBLE_HOSTS)" \
  /usr/bin/ansible all -i "$WORK/small" -l 'edge:&line_ct' --list-hosts
measure "ansible-inventory --graph ($ANSIBLE_HOSTS)" \
  /usr/bin/ansible-inventory -i "$WORK/small" --graph
measure "ansible-inventory --list ($ANSIBLE_HOSTS)" \
  /usr/bin/ansible-inventory -i "$WORK/small" --list
