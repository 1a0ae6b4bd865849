#!/usr/bin/env bash
# mojifinder --pick for real: the real server on a free port, the picker in
# an 80x24 tmux pane (a tmux server of the test's own), keys sent with
# send-keys, the screen read with capture-pane, the picker's raw output with
# pipe-pane, its standard output, error and exit status from files.
# Flow: start mojifinderd --port 0; start tmux with a shell; then each case
# runs the picker from that shell (stty -g before and after it), drives it
# and checks the screen, the output, the status and that the terminal's
# modes came back; finish prints "N passed, M failed".
# Usage: picker_test.sh MOJIFINDERD MOJIFINDER
server_bin=$1 client_bin=$2

# tests/package/lib.sh: $tmp (a folder of the test's own), check, same,
# finish, skip.
. "$(dirname "${BASH_SOURCE[0]}")/../package/lib.sh"
command -v tmux >/dev/null || skip "tmux is not installed (scripts/lib.sh's test_packages has it)"
socket=picker-test-$$
server_pid=
cleanup() {
    tmux -L "$socket" kill-server 2>/dev/null
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    rm -rf --one-file-system "$tmp"
}
trap cleanup EXIT

# serve [OPTION...]: a mojifinderd on a free port: served_pid, served_port.
serve() {
    local log=$tmp/server.$RANDOM
    "$server_bin" --port 0 --quiet "$@" >"$log" 2>&1 &
    served_pid=$!
    for _ in $(seq 100); do
        served_port=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$log")
        [ -n "$served_port" ] && return 0
        sleep 0.1
    done
    echo "the server did not start: $(cat "$log")" >&2
    exit 1
}

export LANG=C.UTF-8 XDG_STATE_HOME=$tmp/state
unset NO_COLOR TMUX
pane=pick:0.0
t() { tmux -L "$socket" "$@"; }
screen() { t capture-pane -p -t "$pane" | sed 's/ *$//'; }
# wait_for TEXT: until the screen shows TEXT (10 s at most).
wait_for() {
    for _ in $(seq 200); do
        screen | grep -qF -- "$1" && return 0
        sleep 0.05
    done
    echo "timed out waiting for: $1" >&2
    screen >&2
    return 1
}
# wait_done: until the picker's command line has ended (the status file).
wait_done() {
    for _ in $(seq 200); do
        [ -s "$tmp/after" ] && return 0
        sleep 0.05
    done
    echo "the picker did not end" >&2
    screen >&2
    return 1
}
# [PICK_ENV=VAR=VALUE] [PICK_PORT=N] pick [OPTION...]: runs the picker in the
# pane with those options (and that variable; on that port, not the
# server's), waits for its screen.
pick() {
    rm -f "$tmp/out" "$tmp/err" "$tmp/status" "$tmp/before" "$tmp/after" "$tmp/raw"
    t pipe-pane -t "$pane"
    t send-keys -t "$pane" "clear; stty -g >$tmp/before; ${PICK_ENV-} $client_bin --port ${PICK_PORT:-$port} --pick $* >$tmp/out 2>$tmp/err; echo \$? >$tmp/status; stty -g >$tmp/after" Enter
    wait_for "[en]"
    t pipe-pane -t "$pane" -o "cat >>$tmp/raw"
}
modes_restored() { same "$(cat "$tmp/after")" "$(cat "$tmp/before")"; }

serve
server_pid=$served_pid port=$served_port
check "--pick with no terminal: one line, exit 2" same "$(setsid "$client_bin" --port "$port" --pick </dev/null 2>&1; echo "exit $?")" \
    "mojifinder: --pick needs a terminal: /dev/tty: No such device or address
exit 2"
t -f /dev/null new-session -d -s pick -x 80 -y 24 "env -u PROMPT_COMMAND PS1='$ ' bash --norc --noprofile"
t set -g status off
t set -g set-clipboard on  # an application's OSC 52 fills a tmux buffer (and goes on outside)
wait_for '$'

# 1. cat fa narrows to the cat faces; Down, Enter: the second, exit 0.
pick
t send-keys -t "$pane" -l 'cat fa'
wait_for "10 found"
check "typing 'cat fa' shows the cat faces (cat fa*)" same "$(screen | head -n 13)" "$(
    cat <<'EOF'
> cat fa                                                                    [en]
10 found, best first
> 🐱 CAT FACE                                                            U+1F431
  😾 POUTING CAT FACE                                                    U+1F63E
  😿 CRYING CAT FACE                                                     U+1F63F
  🙀 WEARY CAT FACE                                                      U+1F640
  😼 CAT FACE WITH WRY SMILE                                             U+1F63C
  😸 GRINNING CAT FACE WITH SMILING EYES                                 U+1F638
  😹 CAT FACE WITH TEARS OF JOY                                          U+1F639
  😺 SMILING CAT FACE WITH OPEN MOUTH                                    U+1F63A
  😽 KISSING CAT FACE WITH CLOSED EYES                                   U+1F63D
  😻 SMILING CAT FACE WITH HEART-SHAPED EYES                             U+1F63B

EOF
)"
screen | head -n 13  # the README's picture
t send-keys -t "$pane" Down
wait_for "> 😾"
t send-keys -t "$pane" Enter
wait_done
check "Down, Enter: exit 0" same "$(cat "$tmp/status")" 0
check "Down, Enter: the second cat face on standard output" same "$(cat "$tmp/out")" "😾"
check "Down, Enter: nothing on standard error" same "$(cat "$tmp/err")" ""
check "Enter: the terminal's modes restored" modes_restored
check "OSC 52 with the character's UTF-8 in base64" grep -qF $'\e]52;c;8J+Yvg==\a' "$tmp/raw"
check "OSC 52 reached tmux's clipboard (set-clipboard on)" same "$(t show-buffer)" "😾"
check "the pick is remembered" grep -qF '"cp":"U+1F63E"' "$XDG_STATE_HOME/mojifinder/picked"

# 2. Esc leaves: exit 1, nothing printed; the recent list shows first.
pick
check "an empty query shows the recently picked" same "$(screen | sed -n 2,3p)" "recently picked
> 😾 POUTING CAT FACE                                                    U+1F63E"
t send-keys -t "$pane" -l 'snowman'
wait_for "found"
t send-keys -t "$pane" Escape
wait_done
check "Esc: exit 1" same "$(cat "$tmp/status")" 1
check "Esc: nothing on standard output" same "$(cat "$tmp/out")" ""
check "Esc: the terminal's modes restored" modes_restored

# 3. Wide, combining and CJK characters keep the columns; --print line.
pick
t send-keys -t "$pane" -l $'\U1F431\u0301\u4E2D'
wait_for "3 found"
check "a wide emoji, a combining mark on U+25CC and a CJK ideograph: columns aligned" same "$(screen | sed -n 3,5p)" "> 🐱 CAT FACE                                                            U+1F431
  ◌́  COMBINING ACUTE ACCENT                                               U+0301
  中 CJK UNIFIED IDEOGRAPH-4E2D                                           U+4E2D"

# Tab: the details; Ctrl-L de: German keywords; --print code, --no-copy.
t send-keys -t "$pane" C-u
t send-keys -t "$pane" -l 'cat face'
wait_for "10 found"
t send-keys -t "$pane" Tab
wait_for "keywords"
check "Tab: the selected character's details" same "$(screen | sed -n 3,12p)" "  U+1F431   🐱
  name      CAT FACE
  block     Miscellaneous Symbols and Pictographs
  category  So
  age       6.0
  aliases   -
  short     cat face
  keywords  cat, face, pet

  in en; Tab or Esc: the list, Enter: pick"
t send-keys -t "$pane" C-l
t send-keys -t "$pane" -l 'de'
t send-keys -t "$pane" Enter
wait_for "[de]"
wait_for "Katze"
check "Ctrl-L de: the details in German" same "$(screen | sed -n 9,10p)" "  short     Katzengesicht
  keywords  Gesicht, Katze, Katzengesicht, Tier"
t send-keys -t "$pane" Escape
wait_for "> 🐱"
t send-keys -t "$pane" Escape
wait_done
pick --print code --no-copy
t send-keys -t "$pane" -l 'cat face'
wait_for "10 found"
t send-keys -t "$pane" End Enter
wait_done
check "--print code: the code point" same "$(cat "$tmp/out")" "U+1F63B"
check "--no-copy: no OSC 52" bash -c "! grep -qF $'\e]52;' '$tmp/raw'"

# 4. A resize redraws for the new size (and asks for a /limit that fits).
pick
t send-keys -t "$pane" -l 'cat face'
wait_for "10 found"
t resize-window -t pick -x 60 -y 8
wait_for "> cat face                                              [en]"
check "resized to 60x8: redrawn for 60 columns and 6 lines" same "$(screen)" "> cat face                                              [en]
10 found, best first
> 🐱 CAT FACE                                        U+1F431
  😾 POUTING CAT FACE                                U+1F63E
  😿 CRYING CAT FACE                                 U+1F63F
  🙀 WEARY CAT FACE                                  U+1F640
  😼 CAT FACE WITH WRY SMILE                         U+1F63C
  😸 GRINNING CAT FACE WITH SMILING EYES             U+1F638"
t send-keys -t "$pane" Escape
wait_done
t resize-window -t pick -x 80 -y 24

# 5. A signal: the terminal restored, the process ended by the signal.
pick
t send-keys -t "$pane" -l 'cat'
wait_for "found"
pkill -TERM -P "$(t display -p -t "$pane" '#{pane_pid}')" -x mojifinder
wait_done
check "SIGTERM: ended by it (143)" same "$(cat "$tmp/status")" 143
check "SIGTERM: the terminal's modes restored" modes_restored

# A monochrome terminal: reverse video for the selection, no colours.
PICK_ENV=TERM=vt220 pick
t send-keys -t "$pane" -l 'cat'
wait_for "found"
t send-keys -t "$pane" Escape
wait_done
check "TERM=vt220: the selection in reverse video" grep -qF $'\e[7m> ' "$tmp/raw"
check "TERM=vt220: no colours" bash -c "! grep -qE $'\e\\[(36|31|2)m' '$tmp/raw'"

# The clipboard tools, when their display is set: stand-ins on PATH that
# keep what they are given (and xclip its arguments).
mkdir -p "$tmp/bin"
printf '#!/bin/sh\ncat >"%s/wl-copied"\n' "$tmp" >"$tmp/bin/wl-copy"
printf '#!/bin/sh\necho "$*" >"%s/xclip-args"; cat >"%s/xclip-copied"\n' "$tmp" "$tmp" >"$tmp/bin/xclip"
chmod +x "$tmp/bin/wl-copy" "$tmp/bin/xclip"
for display in WAYLAND_DISPLAY=wayland-9 DISPLAY=:9; do
    PICK_ENV="PATH=$tmp/bin:$PATH $display" pick
    t send-keys -t "$pane" -l 'U+2603'
    wait_for "1 found"
    t send-keys -t "$pane" Enter
    wait_done
done
check "WAYLAND_DISPLAY and wl-copy: the pick copied" same "$(cat "$tmp/wl-copied")" "☃"
check "DISPLAY and xclip: the pick copied to the clipboard selection" same \
    "$(cat "$tmp/xclip-args"; cat "$tmp/xclip-copied")" "-selection clipboard
☃"

# A session the server ends for idling is opened again when a key needs it.
serve --idle-timeout 1
idle_pid=$served_pid
PICK_PORT=$served_port pick
sleep 2
t send-keys -t "$pane" -l 'cat face'
wait_for "10 found"
check "after the server's idle timeout: a new session answers" same "$(screen | sed -n 2p)" "10 found, best first"
t send-keys -t "$pane" Escape
wait_done
check "after the idle timeout: Esc, exit 1" same "$(cat "$tmp/status")" 1
kill "$idle_pid"
wait "$idle_pid" 2>/dev/null

# 6. The server going away mid-session: one line, exit 2, modes restored.
PICK_ENV=NO_COLOR=1 pick
t send-keys -t "$pane" -l 'cat'
wait_for "found"
check "NO_COLOR: no colours in the frames" bash -c "! grep -qF $'\e[36m' '$tmp/raw'"
{ kill -KILL "$server_pid" && wait "$server_pid"; } 2>/dev/null  # (bash's "Killed" line)
server_pid=
wait_done
check "server killed: exit 2" same "$(cat "$tmp/status")" 2
check "server killed: one line on standard error" same "$(cat "$tmp/err")" \
    "mojifinder: connection to 127.0.0.1:$port lost: the server closed it"
check "server killed: the terminal's modes restored" modes_restored
shell_screen_back() { ! screen | grep -qF '[en]' && same "$(screen | grep -v '^$')" '$'; }
check "server killed: the shell's screen is back (the alternate screen left)" shell_screen_back

finish
