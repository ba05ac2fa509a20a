# Shared by the bench/server scripts (sourced): a real `drover server` on a
# fresh data directory in a scratch directory removed at exit.
#
#   . "$(dirname "$0")/lib.sh"
#   bench_init jobs                 # $work, $drover (DROVER or build/drover), $token, the exit trap
#   start_server --workers 2        # $url, $server_pid; stdout/stderr in $work/server.log
#   api "$url/api/v1/hosts"         # curl with the admin token, JSON unless -H 'Content-Type: ...' is given
#   on_exit "kill $writer"          # more to do at exit (before the server stops)
bench_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
token=drv_bench_token_0123456789abcdef0123456789
server_pid=
bench_exit_steps=()

on_exit() { bench_exit_steps+=("$1"); }

bench_cleanup() {
  local step
  for step in "${bench_exit_steps[@]}"; do eval "$step" 2>/dev/null || true; done
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  [ -n "${work:-}" ] && rm -rf "$work"
}

# bench_init NAME [needs-wrk]: checks the binary (and wrk), makes $work.
bench_init() {
  drover=${DROVER:-$bench_root/build/drover}
  [ -x "$drover" ] || { echo "no $drover: build it first (scripts/build.sh drover) or set DROVER" >&2; exit 1; }
  if [ "${2:-}" = needs-wrk ]; then
    command -v wrk >/dev/null || { echo "wrk is missing: scripts/install-deps.sh" >&2; exit 1; }
  fi
  work=$(mktemp -d "/tmp/drover-bench-$1.XXXXXX")
  trap bench_cleanup EXIT
}

# start_server [ARGS...]: `drover server` on a free loopback port with the
# bench token as the first admin's; returns once /livez (or, on builds
# without it, /healthz) answers.
start_server() {
  local port
  port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  url=http://127.0.0.1:$port
  DROVER_ADMIN_TOKEN=$token DROVER_ADMIN_PASSWORD=bench-password-0123 \
    "$drover" server --listen "127.0.0.1:$port" --data "$work/var" "$@" >"$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 200); do
    curl -sf "$url/livez" >/dev/null 2>&1 && return 0
    curl -sf "$url/healthz" >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  echo "drover server did not start; its log:" >&2
  cat "$work/server.log" >&2
  exit 1
}

api() {
  local type=(-H 'Content-Type: application/json')
  case " $* " in *" Content-Type:"*) type=() ;; esac  # the caller's own type (text/csv)
  curl -sf -H "Authorization: Bearer $token" "${type[@]}" "$@"
}
