// Stand-ins for sudo and su that ask for a password the way the real ones
// do (sudo -S: prompt on stderr, password on stdin; su: prompt and password
// on the terminal). Root is never asked by the real programs, and tests must
// not change the machine's users. The password they accept is kFakePassword.
#pragma once

namespace drover::test {

inline const char* kFakePassword = "s3cret pass";

inline const char* kFakeSudo = R"(#!/bin/sh
prompt=
while [ $# -gt 0 ]; do
  case "$1" in
    -p) prompt="$2"; shift 2 ;;
    -u) shift 2 ;;
    -*) shift ;;
    *) break ;;
  esac
done
for try in 1 2 3; do
  printf '%s' "$prompt" >&2
  IFS= read -r pw || exit 1
  if [ "$pw" = "s3cret pass" ]; then exec "$@"; fi
  echo "Sorry, try again." >&2
done
echo "sudo: 3 incorrect password attempts" >&2
exit 1
)";

inline const char* kFakeSu = R"(#!/bin/sh
while [ $# -gt 0 ]; do
  case "$1" in
    -c) cmd="$2"; shift 2 ;;
    *) shift ;;
  esac
done
stty -echo </dev/tty
printf 'Password: ' >/dev/tty
IFS= read -r pw </dev/tty
stty echo </dev/tty
printf '\n' >/dev/tty
if [ "$pw" = "s3cret pass" ]; then exec /bin/sh -c "$cmd"; fi
echo "su: Authentication failure" >/dev/tty
exit 1
)";

}  // namespace drover::test
