#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine: installs what drover needs,
# builds it and runs it. Until `drover server` exists this runs a demo: an
# ad-hoc command on the implicit localhost over the local connection.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --run
scripts/build.sh drover
echo
echo "== drover run localhost -m shell -a 'uname -a; uptime'"
./build/drover run localhost -m shell -a 'uname -a; uptime'
