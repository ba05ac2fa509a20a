#!/usr/bin/env bash
# Generates a TypeScript client from a running drover server's OpenAPI
# document (npm: openapi-typescript-codegen), type-checks a program that
# uses it with tsc --strict, and runs it against that server: hosts create /
# list / duplicate (409 as ApiError) / delete, a job followed to its end and
# its events. Needs node/npm and the npm registry, so it is not a ctest;
# run it after changing src/server/api_docs*.cpp. Starts its own server on
# a temporary data directory; extra arguments go to `drover server`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh drover
work=$(mktemp -d)
data=$(mktemp -d)
token="drv_client_check_$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
port=$((20000 + RANDOM % 20000))
DROVER_ADMIN_TOKEN="$token" ./build/drover server --listen "127.0.0.1:$port" --data "$data" "$@" \
  > "$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work" "$data"' EXIT
for _ in $(seq 50); do
  curl -sf "http://127.0.0.1:$port/livez" > /dev/null && break
  sleep 0.2
done
cp tests/server/openapi_client/* "$work/"
curl -sf "http://127.0.0.1:$port/api/v1/openapi.json" > "$work/drover.json"
(cd "$work" &&
  npx -y openapi-typescript-codegen@0.31.0 --input drover.json --output gen --client fetch &&
  npx -y -p typescript@5 tsc -p . &&
  DROVER_URL="http://127.0.0.1:$port" DROVER_TOKEN="$token" node out/smoke.js)
