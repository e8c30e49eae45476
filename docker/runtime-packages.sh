#!/bin/sh
# SPDX-License-Identifier: MIT OR Apache-2.0
# Prints the Debian packages (names, one a line) that provide the shared libraries the ELF files
# under DIR need, leaving out the libraries DIR provides itself: what the runtime image must install.
# Runs in docker/Dockerfile's build stage, where the target architecture's -dev packages are
# installed (multiarch, for cross builds), so dpkg knows which package each library comes from.
#   runtime-packages.sh DIR ARCH      (ARCH: amd64 or arm64)
set -eu
dir=$1 arch=$2
case $arch in
    amd64) triplet=x86_64-linux-gnu ;;
    arm64) triplet=aarch64-linux-gnu ;;
    *) echo "runtime-packages: unsupported architecture $arch" >&2; exit 1 ;;
esac
objdump=$(command -v "$triplet-objdump" || command -v objdump)
find "$dir" -type f | while read -r f; do
    # ELF files only (executables and shared libraries).
    [ "$(head -c 4 "$f" | od -An -c | tr -d ' ')" = '177ELF' ] || continue
    "$objdump" -p "$f" 2>/dev/null | awk '$1 == "NEEDED" {print $2}'
done | sort -u | while read -r lib; do
    [ -z "$(find "$dir" -name "$lib" | head -n 1)" ] || continue
    pkg=""
    for d in /lib/$triplet /usr/lib/$triplet; do
        pkg=$(dpkg-query -S "$d/$lib" 2>/dev/null | head -n 1 | cut -d: -f1)
        if [ -n "$pkg" ]; then break; fi
    done
    case $pkg in
        "") echo "runtime-packages: no $arch package provides $lib; it must be in the base image" >&2 ;;
        *-cross) ;;  # the cross toolchain's own copy of libc/libstdc++: in every Debian image
        *) echo "$pkg" ;;
    esac
done | sort -u
