#!/usr/bin/env bash
# scripts/lib.sh's apt_source_uri (docker/verify's mirror, read through
# apt-get indextargets) on apt folders made here: one-line and deb822 files,
# comments, options, disabled entries, order.
set -uo pipefail
lib=$(cd "$(dirname "$0")/../../scripts" && pwd)/lib.sh
# shellcheck source=../../scripts/lib.sh
source "$lib"
set +e
apt=$(mktemp -d)
trap 'rm -rf "$apt"' EXIT
mkdir -p "$apt/sources.list.d"
failures=0

expect() {  # expect SUITE WANT: WANT empty means "none, and a failure"
  local got status want_status=0
  got=$(apt_source_uri "$1" "$apt")
  status=$?
  [ -n "$2" ] || want_status=1
  if [ "$got" = "$2" ] && [ "$((status != 0))" = "$want_status" ]; then
    echo "pass  $1 -> ${2:-none}"
  else
    echo "FAIL  $1: got '$got' (exit $status), want '${2:-none}'"
    failures=$((failures + 1))
  fi
}

expect bookworm ""  # no files at all
cat >"$apt/sources.list.d/b.sources" <<'SRC'
# a comment
Types: deb deb-src
URIs:
 http://archive.example/debian
 http://other.example/debian
Suites: bookworm
  bookworm-updates
Components: main

Types: deb
URIs: http://disabled.example/debian-security
Suites: bookworm-security
Components: main
Enabled: no

Types: deb
URIs: http://archive.example/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
cat >"$apt/sources.list.d/c.list" <<'SRC'
deb http://late.example/debian bookworm main
deb [arch=amd64 signed-by=/k.gpg] http://late.example/extra trixie main
SRC
expect bookworm http://archive.example/debian
expect bookworm-updates http://archive.example/debian
expect bookworm-security http://archive.example/debian-security
expect trixie http://late.example/extra
expect sid ""
cat >"$apt/sources.list.d/a.list" <<'SRC'
# deb http://commented.example/debian bookworm main
deb-src http://src.example/debian bookworm main
deb http://first.example/debian bookworm main # a comment
SRC
echo 'deb http://main-list.example/debian bookworm-security main' >"$apt/sources.list"
expect bookworm http://first.example/debian
expect bookworm-security http://main-list.example/debian
touch "$apt/sources.list.d/0.sources.disabled"
expect bookworm http://first.example/debian

[ "$failures" -eq 0 ]
