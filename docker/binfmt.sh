#!/usr/bin/env bash
# SPDX-License-Identifier: MIT OR Apache-2.0
# Lets this machine run another architecture's programs (for debootstrap's second stage and the
# few RUN steps of docker/Dockerfile's target stages): registers Debian's qemu-user-static as
# the binfmt_misc handler, with the F flag so it also works inside chroots and container builds.
#
#   docker/binfmt.sh enable ARCH    exit 0 when ARCH programs can run; prints "registered" when this
#                                   call registered the handler (the caller may remove it afterwards)
#   docker/binfmt.sh disable ARCH   removes the handler
#   docker/binfmt.sh check ARCH     exit 0 when a usable handler is registered
# ARCH: arm64 (aarch64) or amd64 (x86_64). Needs root, and qemu-user-static installed.
set -euo pipefail
cmd=${1:-} arch=${2:-}
case $arch in
    arm64|aarch64) q=aarch64 ;;
    amd64|x86_64) q=x86_64 ;;
    *) echo "binfmt: unknown architecture '$arch'" >&2; exit 2 ;;
esac
dir=/proc/sys/fs/binfmt_misc
entry=$dir/qemu-$q
usable() { [ -e "$entry" ] && grep -q '^enabled' "$entry" && grep -q '^flags:.*F' "$entry"; }
case $cmd in
check) usable ;;
enable)
    usable && exit 0
    [ -e "$dir/register" ] || mount -t binfmt_misc binfmt_misc "$dir" 2>/dev/null || {
        echo "binfmt: cannot mount binfmt_misc on $dir (not root, or not allowed in this container)" >&2; exit 1; }
    usable && exit 0
    if [ -e "$entry" ]; then
        echo "binfmt: $entry is registered without the F flag; not replacing it" >&2; exit 1
    fi
    conf=/usr/lib/binfmt.d/qemu-$q.conf
    if [ ! -f "$conf" ] || ! grep -q ':[A-Z]*F[A-Z]*$' "$conf"; then
        echo "binfmt: $conf (from qemu-user-static, with the F flag) is missing: apt-get install qemu-user-static" >&2; exit 1
    fi
    cat "$conf" >"$dir/register"
    usable || { echo "binfmt: registering $conf failed" >&2; exit 1; }
    echo registered
    ;;
disable) [ ! -e "$entry" ] || echo -1 >"$entry" ;;
*) echo "usage: docker/binfmt.sh enable|disable|check ARCH" >&2; exit 2 ;;
esac
