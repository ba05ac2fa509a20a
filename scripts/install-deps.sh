#!/usr/bin/env bash
# Installs everything drover needs to build, run and test, from Debian 12's
# packages only. Idempotent: a second run installs nothing new.
#
#   scripts/install-deps.sh          build + run + test dependencies
#   scripts/install-deps.sh --run    only what building and running needs
set -euo pipefail

build_pkgs=(
  build-essential cmake ninja-build ccache pkg-config git
  libssh-dev libyaml-cpp-dev nlohmann-json3-dev libcli11-dev
  libcpp-httplib-dev libsodium-dev libcurl4-openssl-dev libhiredis-dev
  libsqlite3-dev libpq-dev libargon2-dev zlib1g-dev
  libpcre2-dev libssl-dev libcrypt-dev
  # drover server runs every job in a bubblewrap sandbox (docs/SERVER.md)
  bubblewrap
  # drover server's event-driven HTTP (Boost.Beast/Asio, header-only; TLS via OpenSSL)
  libboost-dev
  # schedules' time zones: the tz database drover reads (/usr/share/zoneinfo)
  tzdata
)
test_pkgs=(
  libgtest-dev libgmock-dev libbenchmark-dev
  openssh-server openssh-client sudo procps iproute2 time
  ansible-core python3-jinja2 ansible-mitogen python3-yaml
  redis-server clang libclang-rt-14-dev
  wrk hyperfine
  # instruction counts for benchmarks on a loaded machine (bench/template/callgrind.sh)
  valgrind
  # system module tests: crontab; the ansible.posix collection (authorized_key,
  # sysctl, mount) as the oracle
  cron ansible
  # package module tests: a local apt repository (dpkg-scanpackages) and
  # Ansible's apt module (python3-apt); a real dnf with rpm, rpmbuild and
  # createrepo_c for the dnf/yum module, all run in throw-away sandboxes
  dpkg-dev python3-apt dnf rpm createrepo-c
  # uri, get_url and apt deb URLs fetch on the target with curl; git's
  # verify_commit tests sign with a throw-away GnuPG home (gpg, gpg-agent)
  curl gnupg
  # unarchive's and stat's tests: the archive tools on both sides, file(1)
  # for stat's mimetype, busybox for targets without GNU tools
  zip unzip bzip2 xz-utils file busybox
  # the OpenAPI document's oracle: the OpenAPI Initiative's JSON Schema of
  # OpenAPI 3.0 checked by python3-jsonschema (tests/server/openapi_oracle.py)
  openapi-specification python3-jsonschema
  # the web UI's browser tests (tests/browser): playwright-core from npm
  # (tests/browser/package-lock.json) drives Debian's headless chromium; a
  # CJK font so that the Chinese pages' screenshots show characters, not boxes
  chromium fonts-wqy-zenhei
  # the webhook end-to-end test's post-receive hook signs with openssl(1)
  openssl
  # the oracles of the native collection filters: community.general's
  # json_query needs jmespath, ansible.utils' ipaddr family netaddr
  python3-jmespath python3-netaddr
)

pkgs=("${build_pkgs[@]}")
if [ "${1:-}" != "--run" ]; then
  pkgs+=("${test_pkgs[@]}")
  # node and npm for the browser tests: Debian's, unless a node with npm is
  # already installed (NodeSource's nodejs carries npm and conflicts with
  # Debian's npm package).
  command -v npm >/dev/null 2>&1 || pkgs+=(nodejs npm)
fi

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#pkgs[@]} packages present"
  exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
# Packages such as openssh-server and redis-server must not start system
# services on a developer's or CI machine: tests start private instances.
policy=/usr/sbin/policy-rc.d
made_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
  $SUDO chmod +x "$policy"
  made_policy=1
fi
trap '[ $made_policy -eq 1 ] && $SUDO rm -f "$policy"' EXIT
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
