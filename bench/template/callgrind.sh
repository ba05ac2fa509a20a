#!/usr/bin/env bash
# Instructions per render of the nginx benchmark template, counted by
# callgrind inside Engine::render_template_file only (the variables' YAML
# loading is not counted). Unlike timings this number does not move with the
# machine's load, so it is the one to compare before and after a change.
#
#   bench/template/callgrind.sh [BUILD_DIR] [RENDERS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build}
n=${2:-100}
driver=$build/tests/template/template_bench
[ -x "$driver" ] || { echo "build the template_bench target first (ninja -C $build template_bench)" >&2; exit 2; }
command -v valgrind >/dev/null || { echo "valgrind is not installed" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
/usr/bin/python3 "$here/make_vars.py" > "$tmp/vars.json"
valgrind --tool=callgrind --toggle-collect='drover::tmpl::Engine::render_template_file*' \
  --callgrind-out-file="$tmp/callgrind.out" "$driver" "$here/nginx.conf.j2" "$tmp/vars.json" "$n" 2>"$tmp/log" >/dev/null
awk -v n="$n" '/Collected :/ {printf "%.0f instructions per render (callgrind, %d renders)\n", $NF / n, n}' "$tmp/log"
