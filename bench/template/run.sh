#!/usr/bin/env bash
# Template benchmark: an nginx config (20 upstreams x 15 servers, 12 sites,
# nested loops, conditionals, filters, a macro) rendered N times (default
# 10000) by drover and by Python's Jinja2 3.1 (compiled template reused, as
# Ansible's cache does), alternating drover and Jinja2 R times (default 3)
# in the same run so that both see the same machine load. Every run checks
# that both wrote the same bytes. Prints the median CPU and wall time of
# each engine's render loop and the ratios. CPU time is the figure to
# trust on a shared machine: wall time grows with other people's load.
#
#   bench/template/run.sh [N] [BUILD_DIR] [R]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
n=${1:-10000}
build=${2:-$here/../../build}
repeats=${3:-3}
driver=$build/tests/template/template_bench
[ -x "$driver" ] || { echo "build the template_bench target first (ninja -C $build template_bench)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
/usr/bin/python3 "$here/make_vars.py" > "$tmp/vars.json"
: > "$tmp/log"
for ((r = 1; r <= repeats; r++)); do
  read -r d_wall d_cpu d_sha d_len < <("$driver" "$here/nginx.conf.j2" "$tmp/vars.json" "$n")
  read -r p_wall p_cpu p_sha p_len < <(/usr/bin/python3 "$here/jinja2_bench.py" "$here/nginx.conf.j2" "$tmp/vars.json" "$n")
  if [ "$d_sha" != "$p_sha" ]; then
    echo "OUTPUT DIFFERS: drover $d_sha ($d_len bytes), jinja2 $p_sha ($p_len bytes)" >&2
    exit 1
  fi
  echo "run $r: drover cpu ${d_cpu}s wall ${d_wall}s, jinja2 cpu ${p_cpu}s wall ${p_wall}s" >&2
  echo "$d_wall $d_cpu $p_wall $p_cpu" >> "$tmp/log"
done
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
dw=$(awk '{print $1}' "$tmp/log" | median)
dc=$(awk '{print $2}' "$tmp/log" | median)
pw=$(awk '{print $3}' "$tmp/log" | median)
pc=$(awk '{print $4}' "$tmp/log" | median)
awk -v n="$n" -v r="$repeats" -v len="$d_len" -v dw="$dw" -v dc="$dc" -v pw="$pw" -v pc="$pc" 'BEGIN {
  printf "renders: %d of a %d-byte nginx.conf (identical output), median of %d alternating runs\n", n, len, r
  printf "drover:  cpu %.3f s (%.1f us/render), wall %.3f s\n", dc, dc / n * 1e6, dw
  printf "jinja2:  cpu %.3f s (%.1f us/render), wall %.3f s\n", pc, pc / n * 1e6, pw
  printf "ratio:   %.1fx (cpu), %.1fx (wall)\n", pc / dc, pw / dw
}'
