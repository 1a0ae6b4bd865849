#!/usr/bin/env bash
# Flow: `cmake --install BUILD --prefix PREFIX` (with DESTDIR, so that a file
# installed outside the prefix would show): exactly the files below, all
# under the prefix; the installed mojifinderd finds its data file with no
# --data; the installed man pages render.
# Usage: install_test.sh BUILD_DIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
build_dir=$1
prefix=/opt/mojifinder-test
dest=$tmp/dest

DESTDIR=$dest cmake --install "$build_dir" --prefix "$prefix" >"$tmp/install.log" 2>&1
status=$?
[ "$status" -eq 0 ] || cat "$tmp/install.log" >&2
check "cmake --install --prefix $prefix" same "$status" 0

expected_files="bin/mojifinder
bin/mojifinderd
lib/systemd/system/mojifinderd-http.socket
lib/systemd/system/mojifinderd.service
lib/systemd/system/mojifinderd.socket
share/bash-completion/completions/mojifinder
share/bash-completion/completions/mojifinderd -> mojifinder
share/doc/mojifinder/changelog.gz
share/doc/mojifinder/copyright
share/man/man1/mojifinder.1.gz
share/man/man8/mojifinderd.8.gz
share/mojifinder/mojifinder.data"
# Every file and link under DESTDIR, relative to the prefix.
files=$(cd "$dest" && find . ! -type d -printf '%P -> %l\n' | sed 's/ -> $//' | LC_ALL=C sort)
check "the files installed, all under the prefix" same "$files" "$(sed "s|^|${prefix#/}/|" <<<"$expected_files")"

installed=$dest$prefix
version=$("$installed/bin/mojifinderd" --version 2>&1)
echo "....  $version"
check "PREFIX/bin/mojifinderd --version finds PREFIX/share/mojifinder/mojifinder.data" \
    grep -q "^mojifinderd [0-9.]* (Unicode " <<<"$version"
# It is that file it reads, not the build tree's: a broken one in its place
# is refused, by its name.
mv "$installed/share/mojifinder/mojifinder.data" "$tmp/mojifinder.data"
echo "not a data file" >"$installed/share/mojifinder/mojifinder.data"
refusal=$("$installed/bin/mojifinderd" --version 2>&1 >/dev/null)
check "... and it is that file it reads (a broken one is refused by its name)" \
    grep -qF "$installed/share/mojifinder/mojifinder.data" <<<"$refusal"
mv "$tmp/mojifinder.data" "$installed/share/mojifinder/mojifinder.data"
check "PREFIX/bin/mojifinder --version" grep -q "^mojifinder [0-9.]*$" <<<"$("$installed/bin/mojifinder" --version)"
if command -v man >/dev/null; then
    for page in man8/mojifinderd.8.gz man1/mojifinder.1.gz; do
        check "man -l PREFIX/share/man/$page: no warning" \
            same "$(MANWIDTH=80 man --warnings -l "$installed/share/man/$page" 2>&1 >/dev/null)" ""
    done
fi
finish
