#!/usr/bin/env bash
# Installs everything, builds, runs a short libFuzzer pass of every fuzz
# target under ASan+UBSan, then every test suite (unit, ssh, compat, slow)
# with ctest, whose "N tests passed, M tests failed" summary is the last
# thing printed.
#
#   scripts/test.sh             everything
#   scripts/test.sh -L unit     only some labels (arguments go to ctest; no fuzzing)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
status=0
if [ $# -eq 0 ] && [ -x fuzz/run.sh ]; then
  fuzz/run.sh "${FUZZ_SECONDS:-30}" || status=$?
fi
ctest --test-dir build --output-on-failure -j2 "$@" || status=$?
# A fuzzer's finding printed again after ctest's long output, where a CI log's tail shows it.
if [ -s build-fuzz/fuzz-failures.txt ]; then
  echo "fuzzing found problems (reproducers below, also in build-fuzz/crashes/):" >&2
  cat build-fuzz/fuzz-failures.txt >&2
fi
exit $status
