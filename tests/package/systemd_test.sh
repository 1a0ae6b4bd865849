#!/usr/bin/env bash
# Flow: the systemd units (deploy/systemd/) as installed: `systemd-analyze verify`
# in a root of the test's own (the install under /usr, so that ExecStart's
# /usr/bin/mojifinderd exists, and this machine's own units, which the
# units' dependencies name), the interface with the server (descriptor
# names, ports, ExecStart), and `systemd-analyze security --offline=true`:
# an exposure of 3.0 or less (printed).
# Usage: systemd_test.sh BUILD_DIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
build_dir=$1
command -v systemd-analyze >/dev/null ||
    skip "systemd-analyze (Debian's systemd) is not installed: scripts/lib.sh's test_packages has it"
system_units=/usr/lib/systemd/system
[ -d "$system_units" ] || system_units=/lib/systemd/system

root=$tmp/root
mkdir -p "$root$system_units"
cp -a "$system_units/." "$root$system_units/"
DESTDIR=$root cmake --install "$build_dir" --prefix /usr >"$tmp/install.log" 2>&1
check "cmake --install DESTDIR=ROOT --prefix /usr" test $? -eq 0
units=$root/usr/lib/systemd/system
check "the installed units" test -f "$units/mojifinderd.service" -a -f "$units/mojifinderd.socket" \
    -a -f "$units/mojifinderd-http.socket"

verify() {  # verify UNIT...: systemd-analyze verify's messages, nothing when they are fine
    systemd-analyze verify --man=no --root="$root" "$@" 2>&1
    echo "exit $?"
}
check "systemd-analyze verify: all three clean" \
    same "$(verify "$units"/mojifinderd.service "$units"/mojifinderd.socket "$units"/mojifinderd-http.socket)" "exit 0"
# It can fail: without its binary, the service does not verify.
mv "$root/usr/bin/mojifinderd" "$tmp/mojifinderd"
check "systemd-analyze verify fails without /usr/bin/mojifinderd" \
    same "$(verify "$units"/mojifinderd.service | tail -n 1)" "exit 1"
mv "$tmp/mojifinderd" "$root/usr/bin/mojifinderd"

value() {  # value UNIT KEY: the values of KEY= in UNIT, one a line
    sed -n "s/^$2=//p" "$units/$1"
}
check "mojifinderd.socket: ListenStream=2323, FileDescriptorName=line" \
    same "$(value mojifinderd.socket ListenStream) $(value mojifinderd.socket FileDescriptorName)" "2323 line"
check "mojifinderd-http.socket: ListenStream=8080, FileDescriptorName=http, Service=mojifinderd.service" \
    same "$(value mojifinderd-http.socket ListenStream) $(value mojifinderd-http.socket FileDescriptorName) $(value mojifinderd-http.socket Service)" \
    "8080 http mojifinderd.service"
check "mojifinderd.service: ExecStart, Requires= and After= the socket" \
    same "$(value mojifinderd.service ExecStart) $(value mojifinderd.service Requires) $(value mojifinderd.service After)" \
    "/usr/bin/mojifinderd mojifinderd.socket mojifinderd.socket network.target"
for setting in DynamicUser=yes ProtectSystem=strict ProtectHome=yes PrivateTmp=yes NoNewPrivileges=yes \
    "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX" SystemCallFilter=@system-service MemoryDenyWriteExecute=yes; do
    check "mojifinderd.service: $setting" grep -qx "$setting" "$units/mojifinderd.service"
done
# One descriptor per session at the default --max-connections, plus the
# server's reserve of 32 (server/run.cpp).
max_connections=$(sed -n 's/.*std::size_t max_connections = \([0-9]*\);.*/\1/p' \
    "$(dirname "${BASH_SOURCE[0]}")/../../protocol/config.hpp")
check "mojifinderd.service: LimitNOFILE=$((max_connections + 32)) (--max-connections $max_connections + 32)" \
    same "$(value mojifinderd.service LimitNOFILE)" "$((max_connections + 32))"

security=$(systemd-analyze security --offline=true --root="$root" "$units/mojifinderd.service" 2>&1)
exposure=$(sed -n 's/.*Overall exposure level for mojifinderd.service: \([0-9.]*\).*/\1/p' <<<"$security")
echo "....  systemd-analyze security --offline=true: exposure ${exposure:-none}"
[ -n "$exposure" ] || echo "$security" >&2
check "systemd-analyze security: exposure ${exposure:-?} is 3.0 or less" \
    awk -v e="${exposure:-99}" 'BEGIN { exit !(e <= 3.0) }'
finish
