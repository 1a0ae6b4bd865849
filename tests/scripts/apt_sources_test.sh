#!/usr/bin/env bash
# scripts/lib.sh's apt_source_uri (docker/verify's mirror, read through
# apt-get indextargets) on apt folders made here: one-line and deb822 files,
# comments, options, disabled entries, order; and write_debian_sources's
# file read back.
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
 file:/srv/archive/debian
 file:/srv/other/debian
Suites: bookworm
  bookworm-updates
Components: main

Types: deb
URIs: file:/srv/disabled/debian-security
Suites: bookworm-security
Components: main
Enabled: no

Types: deb
URIs: file:/srv/archive/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
cat >"$apt/sources.list.d/c.list" <<'SRC'
deb file:/srv/late/debian bookworm main
deb [arch=amd64 signed-by=/k.gpg] file:/srv/late/extra trixie main
SRC
expect bookworm file:/srv/archive/debian
expect bookworm-updates file:/srv/archive/debian
expect bookworm-security file:/srv/archive/debian-security
expect trixie file:/srv/late/extra
expect sid ""
cat >"$apt/sources.list.d/a.list" <<'SRC'
# deb file:/srv/commented/debian bookworm main
deb-src file:/srv/src/debian bookworm main
deb file:/srv/first/debian bookworm main # a comment
SRC
echo 'deb file:/srv/main-list/debian bookworm-security main' >"$apt/sources.list"
expect bookworm file:/srv/first/debian
expect bookworm-security file:/srv/main-list/debian
touch "$apt/sources.list.d/0.sources.disabled"
expect bookworm file:/srv/first/debian

# write_debian_sources (the Dockerfile's and docker/verify's sources), read
# back by apt alone.
rm -f "$apt/sources.list" "$apt"/sources.list.d/*
write_debian_sources file:/srv/written/debian file:/srv/written/debian-security "$apt/sources.list.d/debian.sources"
expect bookworm file:/srv/written/debian
expect bookworm-updates file:/srv/written/debian
expect bookworm-security file:/srv/written/debian-security
expect trixie ""

[ "$failures" -eq 0 ]
