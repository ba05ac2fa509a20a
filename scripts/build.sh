#!/usr/bin/env bash
# Configures and builds drover (preset "default" -> build/). Extra arguments
# go to the build (e.g. a target name).
set -euo pipefail
cd "$(dirname "$0")/.."
# ccache hits across clones (CI builds a fresh clone each time): paths under
# the checkout are hashed relative to it.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
if [ ! -f build/build.ninja ]; then
  cmake --preset default
fi
cmake --build build -- "$@"
