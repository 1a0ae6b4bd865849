#!/usr/bin/env bash
# Flow: the bash completion (completions/mojifinder, and completions/mojifinderd,
# a link to it) in bash itself: COMP_WORDS and COMP_CWORD set as bash sets
# them, the function called, COMPREPLY compared exactly. --lang's values
# come from the mojifinderd beside the command, or on PATH.
# Usage: completion_test.sh SOURCE_DIR BIN_DIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source_dir=$1 bin_dir=$2

# complete FILE FUNCTION WORD...: the last WORD is the one being completed;
# prints COMPREPLY, one a line, in its order.
complete_words() (
    # shellcheck disable=SC1090
    . "$source_dir/completions/$1"
    shift
    local function=$1
    shift
    COMP_WORDS=("$@")
    COMP_CWORD=$(($# - 1))
    "$function"
    [ ${#COMPREPLY[@]} -eq 0 ] || printf '%s\n' "${COMPREPLY[@]}"
)
lines() { [ $# -eq 0 ] || printf '%s\n' "$@"; }

server=$bin_dir/mojifinderd client=$bin_dir/mojifinder
check "completions/mojifinderd is a link to completions/mojifinder" \
    same "$(readlink "$source_dir/completions/mojifinderd")" mojifinder
tags=$("$server" --languages | cut -d ' ' -f 1)
check "mojifinderd --languages prints tags ($(echo "$tags" | wc -l))" test "$(echo "$tags" | wc -l)" -gt 100

check "mojifinderd --max-<TAB>" same "$(complete_words mojifinderd _mojifinderd mojifinderd --max-)" \
    "$(lines --max-connections --max-line)"
check "mojifinderd --http-<TAB>" same "$(complete_words mojifinderd _mojifinderd mojifinderd --http-)" \
    "$(lines --http-port --http-request-timeout --http-idle-timeout)"
check "mojifinderd --lang <TAB>: every tag of --languages" \
    same "$(complete_words mojifinderd _mojifinderd "$server" --lang '')" "$tags"
check "mojifinderd --lang pt<TAB>" same "$(complete_words mojifinderd _mojifinderd "$server" --lang pt)" \
    "$(lines pt pt_PT)"
check "mojifinderd --lang=zh_<TAB>" \
    same "$(complete_words mojifinderd _mojifinderd "$server" --lang = zh_)" "$(lines zh_Hant zh_Hant_HK)"
check "mojifinderd --port <TAB>: nothing" same "$(complete_words mojifinderd _mojifinderd "$server" --port '')" ""
touch "$tmp/other.data" "$tmp/mojifinder.data"
check "mojifinderd --data DIR/moj<TAB>: the file" \
    same "$(complete_words mojifinderd _mojifinderd "$server" --data "$tmp/moj")" "$tmp/mojifinder.data"
check "mojifinder --l<TAB>" same "$(complete_words mojifinder _mojifinder "$client" --l)" "$(lines --limit --lang)"
check "mojifinder --lang d<TAB> (from the mojifinderd beside it)" \
    same "$(complete_words mojifinder _mojifinder "$client" --lang d)" "$(grep '^d' <<<"$tags")"
check "mojifinder --lang d<TAB> (mojifinderd on PATH)" \
    same "$(PATH=$bin_dir:$PATH complete_words mojifinder _mojifinder mojifinder --lang d)" "$(grep '^d' <<<"$tags")"
check "mojifinder cat --j<TAB>" same "$(complete_words mojifinder _mojifinder mojifinder cat --j)" --json
check "mojifinder -- arrow -<TAB>: query words after --" \
    same "$(complete_words mojifinder _mojifinder mojifinder -- arrow -)" ""
check "mojifinder ca<TAB>: a query word, nothing" same "$(complete_words mojifinder _mojifinder mojifinder ca)" ""
finish
