#!/usr/bin/env bash
# rootfs.sh ROOT UID: completes the image's root file system in ROOT, which
# already holds the programs in ROOT/usr/local/bin. Run by the Dockerfile's
# runtime stage, where only the runtime packages are installed, so a library
# missing from them fails the build here rather than the container at start.
# Flow: the merged-/usr links; a shell for the health check; every library the
# programs load, with Debian's soname links; /etc and /tmp; the dpkg records of
# the packages the files came from (what image scanners read); then each
# program is started inside ROOT.
set -euo pipefail
root=$1
uid=$2

programs=("$root"/usr/local/bin/*)
mkdir -p "$root/usr/bin" "$root/etc" "$root/tmp" "$root/var/lib/dpkg/status.d"
chmod 1777 "$root/tmp"
for d in /bin /lib /lib64; do
    [ -L "$d" ] && cp -P "$d" "$root$d"
done

# The health check is a shell command line: Docker runs it with /bin/sh -c.
cp /usr/bin/dash "$root/usr/bin/dash"
ln -s dash "$root/usr/bin/sh"

sources=(/usr/bin/dash)
ldd_out=$(ldd "${programs[@]}" "$root/usr/bin/dash")
if grep -q 'not found' <<<"$ldd_out"; then
    echo "rootfs.sh: a library is missing from the runtime packages:" >&2
    grep 'not found' <<<"$ldd_out" >&2
    exit 1
fi
# "name => /path (addr)" for a library, "/path (addr)" for the loader.
mapfile -t libs < <(awk '$2 == "=>" && $3 ~ /^\// { print $3 } NF == 2 && $1 ~ /^\// { print $1 }' \
    <<<"$ldd_out" | sort -u)
for lib in "${libs[@]}"; do
    dir=$(realpath "$(dirname "$lib")")
    real=$(realpath "$lib")
    mkdir -p "$root$dir" "$root$(dirname "$real")"
    cp -P "$dir/$(basename "$lib")" "$root$dir/"  # the soname link, as Debian has it
    [ -e "$root$real" ] || cp "$real" "$root$real"
    sources+=("$real")
done

printf 'root:x:0:0:root:/root:/usr/sbin/nologin\nmojifinder:x:%s:%s:mojifinder:/nonexistent:/usr/sbin/nologin\n' \
    "$uid" "$uid" >"$root/etc/passwd"
printf 'root:x:0:\nmojifinder:x:%s:\n' "$uid" >"$root/etc/group"
cp /etc/nsswitch.conf "$root/etc/"
mkdir -p "$root/usr/lib"
cp /usr/lib/os-release "$root/usr/lib/"
ln -s ../usr/lib/os-release "$root/etc/os-release"

for f in "${sources[@]}"; do
    dpkg -S "*/$(basename "$f")" | sed -n 's/:.*//p' | head -n 1
done | sort -u | while read -r pkg; do
    dpkg-query -s "$pkg" >"$root/var/lib/dpkg/status.d/$pkg"
done

for p in "${programs[@]}"; do
    chroot --userspec="$uid:$uid" "$root" "${p#"$root"}" --version
done
chroot --userspec="$uid:$uid" "$root" /bin/sh -c 'exit 0'
