# Shared by the scripts in this folder: the Debian packages the project needs,
# one way to configure and build a tree, and the stages of scripts/test.
# Source it; do not run it.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# What building and serving need, from Debian 12 (scripts/serve installs only
# these): the compiler, CMake, the libraries, Unicode's data files (the build
# reads /usr/share/unicode/NameAliases.txt), and nc for the README's sessions.
build_packages=(
  g++ cmake make pkg-config
  libboost1.81-dev libicu-dev libfmt-dev libcli11-dev libedit-dev libexpat1-dev libbz2-dev
  unicode-data unicode-cldr-core
  netcat-openbsd
)
# What only the tests, the fuzzers and the benchmarks add: Catch2, clang and
# its sanitizer runtimes, the tools the tests run, python3-yaml for
# deploy/check_manifests.py, Google Benchmark, and the browser the page's
# test drives (tests/browser/run.sh; playwright-core comes from npm) with a
# font that has the emoji its screenshot shows. The package tests
# (tests/package/) add man-db to render the man pages, systemd for
# systemd-analyze (and the activation tests for systemd-socket-activate),
# dpkg-dev for CPack's dpkg-shlibdeps, and lintian. tmux runs mojifinder
# --pick in a pane of fixed size (tests/picker/).
test_packages=(
  catch2
  clang-14 libclang-rt-14-dev
  util-linux procps systemd
  python3-yaml
  libbenchmark-dev
  chromium fonts-noto-color-emoji
  man-db dpkg-dev lintian
  tmux
)
packages=("${build_packages[@]}" "${test_packages[@]}")
# What bench/run alone adds, and installs when missing (as root): the peers
# it measures against (redis-server; nginx-light; python3-fastapi and
# python3-uvicorn for the ancestor's web app, bench/web_mojifinder.py, with
# uvicorn's optional faster event loop and HTTP parser), the HTTP load
# generator wrk, and curl to read the API's answer sizes.
bench_packages=(redis-server wrk nginx-light python3-fastapi python3-uvicorn python3-uvloop python3-httptools curl)

# ensure_packages [PACKAGE...]: installs those missing (default: all of
# "${packages[@]}") when we are root; otherwise says the one line to run.
ensure_packages() {
  local missing=() p
  [ $# -gt 0 ] || set -- "${packages[@]}"
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing packages; run as root:" >&2
    echo "  apt-get update && apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "installing: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >&2
  apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
}

# build_tree DIR [cmake options...] [-- targets...]: configure DIR and build
# the targets (all of them when none are named).
build_tree() {
  local dir=$1
  shift
  local options=() targets=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do options+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  targets=("$@")
  cmake -S "$repo" -B "$repo/$dir" "${options[@]}" >/dev/null
  cmake --build "$repo/$dir" -j "$(nproc)" ${targets[@]+--target "${targets[@]}"}
}

# Stages, for scripts/test: `stage NAME COMMAND...` prints "== NAME" and runs
# COMMAND in a subshell with errexit on, so a function of several commands
# fails at its first failing one. A stage that fails ends the script at once:
# "$stages_label: N passed, 1 failed" (N: the stages before it), exit 1.
# `stages_done` prints "$stages_label: N passed, 0 failed" after the last.
stages_label=${stages_label:-scripts/${0##*/}}
stages_passed=0
stage() {
  local name=$1 status
  shift
  echo "== $name"
  set +e
  (set -e; "$@")
  status=$?
  set -e
  if [ "$status" -ne 0 ]; then
    echo "$stages_label: $stages_passed passed, 1 failed"
    exit 1
  fi
  stages_passed=$((stages_passed + 1))
}
stages_done() {
  echo "$stages_label: $stages_passed passed, 0 failed"
}

# apt_source_uri SUITE [DIR]: the URI (without its last /) of the first
# `deb` source apt has for SUITE (e.g. bookworm, bookworm-security), as apt
# itself reads DIR/sources.list and DIR/sources.list.d/ (one-line and deb822
# files, comments, options, Enabled: no): the archive this machine's apt uses.
# DIR defaults to /etc/apt. Fails, printing nothing, when there is none.
apt_source_uri() {
  local suite=$1 dir=${2:-/etc/apt} uri
  uri=$(apt-get indextargets -o Dir::Etc::SourceList="$dir/sources.list" \
      -o Dir::Etc::SourceParts="$dir/sources.list.d" --no-release-info \
      --format '$(RELEASE) $(REPO_URI)' 'Identifier: Packages' 2>/dev/null |
    awk -v suite="$suite" '$1 == suite { print $2; exit }')
  [ -n "$uri" ] || return 1
  echo "${uri%/}"
}

# write_debian_sources MIRROR SECURITY_MIRROR FILE: FILE as the deb822 sources
# of Debian's bookworm images (main; bookworm and bookworm-updates from
# MIRROR, bookworm-security from SECURITY_MIRROR). docker/verify writes its
# base images' sources with it, the Dockerfile its stages' when it is given
# the DEBIAN_MIRROR and DEBIAN_SECURITY_MIRROR build arguments.
write_debian_sources() {
  cat >"$3" <<EOF
Types: deb
URIs: $1
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $2
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
}
