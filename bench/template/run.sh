#!/usr/bin/env bash
# Template benchmark: an nginx config (20 upstreams x 15 servers, 12 sites,
# nested loops, conditionals, filters, a macro) rendered N times (default
# 10000) by drover and by Python's Jinja2 3.1, in the same run. Checks that
# both produced the same bytes, prints both times and the ratio.
#
#   bench/template/run.sh [N] [BUILD_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
n=${1:-10000}
build=${2:-$here/../../build}
driver=$build/tests/template/template_bench
[ -x "$driver" ] || { echo "build the template_bench target first (ninja -C $build template_bench)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
/usr/bin/python3 "$here/make_vars.py" > "$tmp/vars.json"
read -r d_secs d_sha d_len < <("$driver" "$here/nginx.conf.j2" "$tmp/vars.json" "$n")
read -r p_secs p_sha p_len < <(/usr/bin/python3 "$here/jinja2_bench.py" "$here/nginx.conf.j2" "$tmp/vars.json" "$n")
if [ "$d_sha" != "$p_sha" ]; then
  echo "OUTPUT DIFFERS: drover $d_sha ($d_len bytes), jinja2 $p_sha ($p_len bytes)" >&2
  exit 1
fi
awk -v n="$n" -v d="$d_secs" -v p="$p_secs" -v len="$d_len" 'BEGIN {
  printf "renders: %d of a %d-byte nginx.conf (identical output)\n", n, len
  printf "drover:  %.3f s (%.1f us/render)\n", d, d / n * 1e6
  printf "jinja2:  %.3f s (%.1f us/render)\n", p, p / n * 1e6
  printf "ratio:   %.1fx\n", p / d
}'
