#!/usr/bin/env bash
# Configures and builds drover (preset "default" -> build/). Extra arguments
# go to the build (e.g. a target name).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f build/build.ninja ]; then
  cmake --preset default
fi
cmake --build build -- "$@"
