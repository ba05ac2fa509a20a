#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine: installs what drover needs,
# builds it and runs `drover server` in the foreground: the web UI, the REST
# API, job workers and CMDB on http://127.0.0.1:8080 with its data (SQLite)
# in ./var.
# The first start prints the admin password and API token once; set
# DROVER_ADMIN_PASSWORD / DROVER_ADMIN_TOKEN to choose them. Extra arguments
# go to `drover server` (e.g. --listen 0.0.0.0:8080 --workers 8).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --run
scripts/build.sh drover
echo
echo "== drover server --data ./var $*"
echo "   open http://127.0.0.1:8080/ and log in as admin (the password is printed below on the first start)"
echo "   or:  curl -H \"Authorization: Bearer \$TOKEN\" http://127.0.0.1:8080/api/v1/hosts"
exec ./build/drover server --data ./var "$@"
