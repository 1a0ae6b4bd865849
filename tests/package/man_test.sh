#!/usr/bin/env bash
# Flow: the man pages (man/) against the programs: the options of each page's
# OPTIONS section are exactly those of --help, every option the page names
# anywhere is one of them, its title carries the program's version, and
# man renders it without a warning. The bash completion (completions/)
# offers exactly the same options.
# Usage: man_test.sh SOURCE_DIR BIN_DIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source_dir=$1 bin_dir=$2
command -v man >/dev/null || skip "man (Debian's man-db) is not installed: scripts/lib.sh's test_packages has it"

# page_options PAGE [SECTION]: the --options of the page's SECTION, sorted:
# troff's \- read as -. With no SECTION, of the whole page but the command
# lines of EXAMPLES that run other programs (systemctl --now).
page_options() {
    local page=$1 section=${2-} program
    program=$(basename "${page%.*}")
    sed 's/\\-/-/g' "$page" |
        if [ -n "$section" ]; then
            awk -v s=".SH $section" '$0 == s { on = 1; next } /^\.SH / { on = 0 } on'
        else
            awk -v p="$program" '/^\.SH / { examples = ($0 == ".SH EXAMPLES") }
                !examples { print; next } { sub(/^\$ /, "") } $1 == p'
        fi | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u
}
# completion_options PROGRAM: the options its completion offers after "--".
completion_options() (
    # shellcheck source=../../completions/mojifinder
    . "$source_dir/completions/$1"
    COMP_WORDS=("$1" --)
    COMP_CWORD=1
    "_$1"
    printf '%s\n' "${COMPREPLY[@]}" | sort -u
)

headings=$(printf '.SH %s\n' NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" ENVIRONMENT FILES EXAMPLES "SEE ALSO")
for program in mojifinderd:8 mojifinder:1; do
    name=${program%:*} section=${program#*:}
    page=$source_dir/man/$name.$section
    help=$(help_options "$bin_dir/$name")
    check "$name --help lists options ($(echo "$help" | wc -l))" test "$(echo "$help" | wc -l)" -gt 5
    check "$name.$section: OPTIONS are --help's" same "$(page_options "$page" OPTIONS)" "$help"
    check "$name.$section: every option it names is in --help" \
        same "$(comm -23 <(page_options "$page") <(echo "$help"))" ""
    version=$("$bin_dir/$name" --version | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -n 1)
    check "$name.$section: title says version $version" grep -qE "^\.TH [A-Z]+ $section [0-9-]+ \"mojifinder $version\"" "$page"
    warnings=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
    check "$name.$section: man --warnings -l renders it without a warning" same "$warnings" ""
    check "$name.$section: sections NAME to SEE ALSO, in order" same "$(grep -E '^\.SH ' "$page")" "$headings"
    check "completions/$name offers --help's options" same "$(completion_options "$name")" "$help"
done
finish
