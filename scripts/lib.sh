# Shared by the scripts in this folder: the Debian packages the project needs,
# and one way to configure and build a tree. Source it; do not run it.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Everything the build, the tests and the fuzzers need, from Debian 12.
packages=(
  g++ cmake make pkg-config
  libboost1.81-dev libicu-dev libfmt-dev libcli11-dev libedit-dev catch2
  clang-14 libclang-rt-14-dev
  netcat-openbsd util-linux procps
  python3-yaml
  libbenchmark-dev
  unicode-data
)

# Installs what is missing when we are root; otherwise says the one line to run.
ensure_packages() {
  local missing=()
  for p in "${packages[@]}"; do
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
