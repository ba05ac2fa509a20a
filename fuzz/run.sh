#!/usr/bin/env bash
# Builds the fuzz preset (clang, ASan + UBSan, libFuzzer) and runs every
# fuzzer for SECONDS (default 60) on its corpus directory
# (fuzz/corpus/<name>/, seeded from the repository when present).
# Exits non-zero when a fuzzer finds a crash; the reproducer is left in
# build-fuzz/crashes/<name>/.
#
#   fuzz/run.sh [SECONDS] [fuzzer-name...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-60}
shift || true
build=$root/build-fuzz
# ccache hits across clones (see scripts/build.sh).
export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=1
cmake --preset fuzz -S "$root" >/dev/null
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  for f in "$root"/fuzz/*_fuzz.cpp; do names+=("$(basename "$f" .cpp)"); done
fi
cmake --build "$build" --target "${names[@]}"
status=0
rm -f "$build/fuzz-failures.txt"
for name in "${names[@]}"; do
  corpus=$build/corpus/$name
  crashes=$build/crashes/$name
  mkdir -p "$corpus" "$crashes"
  [ -d "$root/fuzz/corpus/$name" ] && cp -n "$root/fuzz/corpus/$name"/* "$corpus"/ 2>/dev/null || true
  echo "== $name for ${secs}s"
  if ! "$build/fuzz/$name" "$corpus" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
       -artifact_prefix="$crashes/" -print_final_stats=1; then
    echo "!! $name found a problem; see $crashes" >&2
    # The reproducers, printable so that a CI log is enough to replay them.
    for f in "$crashes"/*; do
      if [ -f "$f" ]; then echo "!! $name $(basename "$f") base64: $(base64 -w0 "$f")"; fi
    done | tee -a "$build/fuzz-failures.txt" >&2
    status=1
  fi
done
exit $status
