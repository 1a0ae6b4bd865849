# Shared by the shell tests in this folder (registered in tests/CMakeLists.txt,
# label "package"). Source it; do not run it.
# Flow: a temp folder of the test's own, removed at exit; check NAME COMMAND...
# (one "pass"/"FAIL" line each); same GOT WANT (the difference on failure);
# finish (prints "N passed, M failed", exit 1 on any failure); and the
# option names a program's --help lists, which the man pages and the bash
# completion must match.
set -uo pipefail
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mojifinder-package.XXXXXX")
trap 'rm -rf --one-file-system "$tmp"' EXIT
passed=0
failed=0
check() {  # check NAME COMMAND...: passes when COMMAND succeeds
    local name=$1
    shift
    if "$@"; then
        passed=$((passed + 1))
        echo "pass  $name"
    else
        failed=$((failed + 1))
        echo "FAIL  $name"
    fi
}
same() {  # same GOT WANT: equal strings; a diff on standard error when not
    [ "$1" = "$2" ] && return 0
    diff <(printf '%s\n' "$2") <(printf '%s\n' "$1") | sed 's/^/  /' >&2
    return 1
}
finish() {
    echo "$passed passed, $failed failed"
    exit "$((failed > 0))"
}
# skip MESSAGE: ctest reports exit 77 as a skip (SKIP_RETURN_CODE).
skip() {
    echo "skip: $*"
    exit 77
}
# help_options PROGRAM: the long options its --help lists, sorted, one a line.
help_options() {
    "$1" --help | grep -oE '^ +(-[a-zA-Z], ?)?--[a-z][a-z0-9-]*' | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u
}
