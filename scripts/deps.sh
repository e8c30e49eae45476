#!/usr/bin/env bash
# SPDX-License-Identifier: MIT OR Apache-2.0
# Installs the Debian packages Peregrine builds and tests with. Idempotent and quiet when
# everything is present (no apt-get update unless something is missing).
# Usage: scripts/deps.sh [--cross] [--fuzz]   (--cross: also the aarch64 cross toolchain, arm64 test
# libraries and qemu-user, for the aarch64 preset; --fuzz: clang and its libFuzzer runtime, for
# scripts/fuzz.sh)
set -euo pipefail
cross=0 fuzz=0
for a in "$@"; do
    case $a in --cross) cross=1 ;; --fuzz) fuzz=1 ;; esac
done
pkgs=(build-essential cmake ninja-build ccache pkg-config libgtest-dev libgmock-dev libbenchmark-dev libgmp-dev
      libcli11-dev nlohmann-json3-dev libcpp-httplib-dev libhiredis-dev libssl-dev redis-server time bc python3)
# Node.js may come from another source than Debian (with its own npm); use it when present.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then pkgs+=(nodejs npm); fi
[ $fuzz = 1 ] && pkgs+=(clang libclang-rt-14-dev)
if [ $cross = 1 ]; then
    pkgs+=(g++-aarch64-linux-gnu qemu-user libgtest-dev:arm64 libgmp-dev:arm64 libcpp-httplib-dev:arm64 libssl-dev:arm64)
    if ! [[ " $(dpkg --print-foreign-architectures | tr '\n' ' ') " == *" arm64 "* ]]; then
        [ "$(id -u)" = 0 ] || { echo "deps: run as root to add the arm64 architecture" >&2; exit 1; }
        dpkg --add-architecture arm64
    fi
fi
native=$(dpkg --print-architecture)
installed() {  # NAME or NAME:ARCH; an unqualified name means the native (or arch-independent) package
    local name=${1%%:*} arch=${1#*:}
    [ "$arch" = "$1" ] && arch=$native
    dpkg-query -W -f='${Status} ${Architecture}\n' "$name" 2>/dev/null \
        | awk -v a="$arch" '$1=="install" && $3=="installed" && ($4==a || $4=="all") {ok=1} END {exit !ok}'
}
missing=()
for p in "${pkgs[@]}"; do
    installed "$p" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "deps: missing packages: ${missing[*]} (run as root or install them)" >&2
        exit 1
    fi
    echo "deps: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
