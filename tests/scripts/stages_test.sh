#!/usr/bin/env bash
# scripts/lib.sh's stage and stages_done, as scripts/test uses them: the exact
# output and exit status with a failing stage first, last, inside a function
# of several commands, and with none failing.
set -uo pipefail
lib=$(cd "$(dirname "$0")/../../scripts" && pwd)/lib.sh
failures=0

# expect NAME STATUS OUTPUT SCRIPT: SCRIPT, after sourcing lib.sh, prints
# exactly OUTPUT and exits with STATUS.
expect() {
  local name=$1 want_status=$2 want=$3 got status
  got=$(stages_label=scripts/test bash -c "source '$lib'; $4" 2>&1)
  status=$?
  if [ "$got" = "$want" ] && [ "$status" = "$want_status" ]; then
    echo "pass  $name"
  else
    echo "FAIL  $name"
    printf '  got (exit %s):\n%s\n  want (exit %s):\n%s\n' "$status" "$got" "$want_status" "$want"
    failures=$((failures + 1))
  fi
}

expect "the first stage fails: counted failed, the rest not run" 1 \
  $'== one\nscripts/test: 0 passed, 1 failed' \
  'stage one false; stage two echo ran; stages_done'
expect "the last stage fails" 1 \
  $'== one\n== two\nscripts/test: 1 passed, 1 failed' \
  'stage one true; stage two false; stages_done'
expect "a stage stops at its first failing command" 1 \
  $'== build and test\nscripts/test: 0 passed, 1 failed' \
  'steps() { false; echo "not reached"; true; }; stage "build and test" steps; stages_done'
expect "every stage passes" 0 \
  $'== one\n== two\nran\nscripts/test: 2 passed, 0 failed' \
  'stage one true; stage two echo ran; stages_done'

[ "$failures" -eq 0 ]
