#!/usr/bin/env bash
# tests/browser/run.sh MOJIFINDERD [SCREENSHOT]: the search page in a real
# browser (ctest's browser_page; README.md, "The web page").
#
# Flow: make sure Debian's chromium (scripts/lib.sh's test packages) and
# playwright-core (npm, into a cache outside the repo) are there, installing
# what is missing; start MOJIFINDERD on free ports and read its
# `http listening on ADDR:PORT` line; run page_test.mjs against it, which
# saves its screenshot to SCREENSHOT (default web.png here; docs/web.png is
# one such run's); stop the server. When chromium or playwright-core cannot
# be had it says why and exits 77, ctest's skip code (SKIP_RETURN_CODE), but
# under CI=true that is a failure (exit 1): CI installs everything.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
server=${1:?usage: run.sh MOJIFINDERD [SCREENSHOT]}
screenshot=$(realpath -m "${2:-web.png}")
chromium=${CHROMIUM:-/usr/bin/chromium}
cache=${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/mojifinder-browser
playwright=$cache/node_modules/playwright-core

cannot_run() {
  if [ "${CI:-}" = true ]; then
    echo "browser test failed: $* (under CI=true everything must be installed)" >&2
    exit 1
  fi
  echo "browser test skipped: $*" >&2
  exit 77
}

if [ ! -x "$chromium" ]; then
  # ensure_packages installs as root and exits 1 otherwise, saying the
  # apt-get line to run: in a subshell, so that this script can say more.
  if ! (source "$here/../../scripts/lib.sh" && ensure_packages chromium fonts-noto-color-emoji) >&2 ||
      [ ! -x "$chromium" ]; then
    cannot_run "no $chromium (Debian's chromium) and it could not be installed"
  fi
fi
command -v node >/dev/null || cannot_run "no node to run playwright-core"
if [ ! -f "$playwright/package.json" ]; then
  command -v npm >/dev/null || cannot_run "no npm to install playwright-core"
  mkdir -p "$cache"
  # --no-package-lock: nothing written but the module itself, outside the repo.
  if ! npm install --prefix "$cache" --no-save --no-package-lock --no-audit --no-fund \
      playwright-core@1 >&2 || [ ! -f "$playwright/package.json" ]; then
    cannot_run "playwright-core could not be installed with npm into $cache"
  fi
fi

work=$(mktemp -d)
server_pid=
stop_server() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap stop_server EXIT

: >"$work/out"  # there before the server writes it: the loop below reads it at once
"$server" --host 127.0.0.1 --port 0 --http-port 0 --quiet >"$work/out" 2>"$work/err" &
server_pid=$!
address=
for _ in $(seq 200); do  # 20 s: the server is ready in well under one
  address=$(sed -n 's/^http listening on //p' "$work/out")
  [ -n "$address" ] && break
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "mojifinderd exited before listening:" >&2
    cat "$work/err" >&2
    exit 1
  fi
  sleep 0.1
done
if [ -z "$address" ]; then
  echo "mojifinderd printed no 'http listening on' line in 20 s:" >&2
  cat "$work/out" "$work/err" >&2
  exit 1
fi

MOJIFINDER_PLAYWRIGHT=$playwright CHROMIUM=$chromium \
  node "$here/page_test.mjs" "http://$address" "$screenshot"
