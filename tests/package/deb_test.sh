#!/usr/bin/env bash
# Flow: the Debian package: `cpack -G DEB` from the build tree into a folder of
# the test's own; its fields (dpkg-deb -f: name, version, Depends from
# dpkg-shlibdeps naming libicu72 and libc6, section) and its exact contents
# (dpkg-deb -c); unpacked with dpkg-deb -x into that folder (never onto this
# machine), its programs run and find their data file, its man pages render;
# its maintainer scripts are deploy/debian's, and run on that folder as dpkg
# --root would (DPKG_ROOT) they record the units' enable links, remove an
# administrator's on removal and leave nothing after purge; lintian on it: no
# error (E:), its other lines printed.
# Usage: deb_test.sh SOURCE_DIR BUILD_DIR VERSION
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source_dir=$1 build_dir=$2 version=$3

for tool in dpkg-shlibdeps lintian man; do
    command -v "$tool" >/dev/null && continue
    # scripts/lib.sh's test_packages has them; as root, install them as scripts/test does.
    (. "$source_dir/scripts/lib.sh" && ensure_packages dpkg-dev lintian man-db) >&2 ||
        skip "$tool is missing and cannot be installed here (not root): apt-get install dpkg-dev lintian man-db"
done

cpack --config "$build_dir/CPackConfig.cmake" -G DEB -B "$tmp/cpack" >"$tmp/cpack.log" 2>&1
status=$?
[ "$status" -eq 0 ] || cat "$tmp/cpack.log" >&2
deb=$tmp/cpack/mojifinder_${version}_$(dpkg --print-architecture).deb
check "cpack -G DEB writes ${deb##*/}" test -f "$deb"
[ -f "$deb" ] || finish
echo "....  $(du -h "$deb" | cut -f 1) ${deb##*/}"

field() { dpkg-deb -f "$deb" "$1"; }
check "Package: mojifinder" same "$(field Package)" mojifinder
check "Version: $version (the project's)" same "$(field Version)" "$version"
check "Section: net, Priority: optional" same "$(field Section) $(field Priority)" "net optional"
depends=$(field Depends)
echo "....  Depends: $depends"
check "Depends: libc6" grep -qE '(^|, )libc6( \(|,|$)' <<<"$depends"
check "Depends: libicu72" grep -qE '(^|, )libicu72( \(|,|$)' <<<"$depends"
check "Maintainer and Description set" test -n "$(field Maintainer)" -a -n "$(field Description)"

# Files and links with their modes and owners; folders left out.
contents=$(dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { line = $1 " " $2; for (i = 6; i <= NF; i++) line = line " " $i; print line }' |
    LC_ALL=C sort -k 3)
check "dpkg-deb -c: the files" same "$contents" "\
-rwxr-xr-x root/root ./usr/bin/mojifinder
-rwxr-xr-x root/root ./usr/bin/mojifinderd
-rw-r--r-- root/root ./usr/lib/systemd/system/mojifinderd-http.socket
-rw-r--r-- root/root ./usr/lib/systemd/system/mojifinderd.service
-rw-r--r-- root/root ./usr/lib/systemd/system/mojifinderd.socket
-rw-r--r-- root/root ./usr/share/bash-completion/completions/mojifinder
lrwxrwxrwx root/root ./usr/share/bash-completion/completions/mojifinderd -> mojifinder
-rw-r--r-- root/root ./usr/share/doc/mojifinder/changelog.gz
-rw-r--r-- root/root ./usr/share/doc/mojifinder/copyright
-rw-r--r-- root/root ./usr/share/man/man1/mojifinder.1.gz
-rw-r--r-- root/root ./usr/share/man/man8/mojifinderd.8.gz
-rw-r--r-- root/root ./usr/share/mojifinder/mojifinder.data"

root=$tmp/root
dpkg-deb -x "$deb" "$root"
check "dpkg-deb -x into the test's own folder" test -x "$root/usr/bin/mojifinderd"
server_version=$("$root/usr/bin/mojifinderd" --version 2>&1)
echo "....  $server_version"
check "ROOT/usr/bin/mojifinderd --version (its data file found beside it)" \
    grep -q "^mojifinderd $version (Unicode" <<<"$server_version"
check "ROOT/usr/bin/mojifinderd --data ROOT/usr/share/mojifinder/mojifinder.data --version" \
    grep -q "^mojifinderd $version (Unicode" \
    <<<"$("$root/usr/bin/mojifinderd" --data "$root/usr/share/mojifinder/mojifinder.data" --version 2>&1)"
check "ROOT/usr/bin/mojifinder --version" same "$("$root/usr/bin/mojifinder" --version 2>&1)" "mojifinder $version"
for page in man8/mojifinderd.8.gz man1/mojifinder.1.gz; do
    check "man -l ROOT/usr/share/man/$page: renders, no warning" \
        same "$(MANWIDTH=80 man --warnings -l "$root/usr/share/man/$page" 2>&1 >/dev/null | head -n 5)" ""
done
# Stripped: no symbol table left (readelf, from binutils, which g++ brings).
check "the programs are stripped" \
    same "$(readelf -S "$root/usr/bin/mojifinderd" "$root/usr/bin/mojifinder" | grep -c '\.symtab')" 0

# The maintainer scripts: deploy/debian's, executable, valid sh.
dpkg-deb -e "$deb" "$tmp/control"
for script in postinst prerm postrm; do
    check "$script: deploy/debian/$script, mode 0755, sh -n" \
        same "$(stat -c %a "$tmp/control/$script" 2>&1; cmp "$tmp/control/$script" "$source_dir/deploy/debian/$script" 2>&1;
            sh -n "$tmp/control/$script" 2>&1)" 755
done
# Run on the unpacked root as dpkg does with --root (DPKG_ROOT; deb-systemd-helper
# works under it, the scripts then leave this machine's systemd alone): installed,
# enabled by the administrator, removed: no enable link left; purged: no record.
if command -v deb-systemd-helper >/dev/null; then
    maint() { DPKG_ROOT=$root DPKG_MAINTSCRIPT_PACKAGE=mojifinder sh "$tmp/control/$1" "${@:2}"; }
    mojifinder_files() { (cd "$root" && find etc var -name '*mojifinder*' 2>/dev/null | LC_ALL=C sort); }
    maint postinst configure
    check "postinst configure: enables nothing, records the units' links" same "$(mojifinder_files)" "\
var/lib/systemd/deb-systemd-helper-enabled/mojifinderd-http.socket.dsh-also
var/lib/systemd/deb-systemd-helper-enabled/mojifinderd.service.dsh-also
var/lib/systemd/deb-systemd-helper-enabled/mojifinderd.socket.dsh-also"
    # What systemctl enable mojifinderd.socket makes.
    mkdir -p "$root/etc/systemd/system/sockets.target.wants"
    ln -s /usr/lib/systemd/system/mojifinderd.socket "$root/etc/systemd/system/sockets.target.wants/"
    maint prerm remove
    check "prerm remove: the enable link is gone" \
        test ! -L "$root/etc/systemd/system/sockets.target.wants/mojifinderd.socket"
    maint postrm remove
    maint postrm purge
    check "postrm purge: nothing of the package left under etc/ and var/" same "$(mojifinder_files)" ""
else
    echo "....  deb-systemd-helper missing (init-system-helpers): the scripts were not run"
fi

lintian_output=$(lintian --no-cfg "$deb" 2>&1)
echo "....  lintian:"
[ -z "$lintian_output" ] || sed 's/^/        /' <<<"$lintian_output"
check "lintian: no error (E:)" same "$(grep '^E:' <<<"$lintian_output")" ""
finish
