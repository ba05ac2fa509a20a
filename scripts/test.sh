#!/usr/bin/env bash
# Installs everything, builds, and runs every test suite (unit, ssh, compat,
# slow) with ctest, then a short fuzzing pass of every fuzz target under
# ASan+UBSan. Prints ctest's "N tests passed, M tests failed" summary line.
#
#   scripts/test.sh             everything
#   scripts/test.sh -L unit     only some labels (arguments go to ctest)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
status=0
ctest --test-dir build --output-on-failure -j2 "$@" || status=$?
if [ $# -eq 0 ] && [ -x fuzz/run.sh ]; then
  FUZZ_SECONDS="${FUZZ_SECONDS:-30}" fuzz/run.sh || status=$?
fi
exit $status
