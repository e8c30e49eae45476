#!/usr/bin/env bash
# SPDX-License-Identifier: MIT OR Apache-2.0
# Builds upstream rapidsnark's standalone `prover` (for the benchmark's comparison only) from a
# local source checkout; nothing of it is copied into this repository.
#
# usage: bench/build-rapidsnark.sh <rapidsnark-src-dir> [<build-dir>]   (default build dir:
#        /tmp/rapidsnark-build). Prints the path of the built prover on stdout.
#
# <rapidsnark-src-dir> must contain rapidsnark with its submodules depends/ffiasm and depends/json
# filled in (e.g. `git clone --recursive https://github.com/iden3/rapidsnark`). The x86-64 build uses
# its pregenerated nasm field code (build/fr.asm, build/fq.asm) and the system GMP and OpenMP; on other
# hosts (aarch64) it builds the portable C field code (USE_ASM=OFF). The Debian packages it needs
# (nasm, libgmp-dev, libomp-dev or gcc's libgomp, cmake) are installed with apt-get if missing: they are
# for this benchmark only, not part of scripts/deps.sh.
set -euo pipefail

src=${1:?usage: build-rapidsnark.sh <rapidsnark-src-dir> [<build-dir>]}
build=${2:-/tmp/rapidsnark-build}
src=$(cd "$src" && pwd)

for f in CMakeLists.txt src/main_prover.cpp depends/ffiasm/c/alt_bn128.cpp depends/json/single_include/nlohmann/json.hpp; do
  if [ ! -f "$src/$f" ]; then
    echo "build-rapidsnark: $src/$f is missing (a rapidsnark checkout with its submodules?)" >&2
    exit 1
  fi
done

need=()
arch=$(uname -m)
command -v cmake >/dev/null || need+=(cmake)
[ -f /usr/include/gmp.h ] || [ -f "/usr/include/$arch-linux-gnu/gmp.h" ] || need+=(libgmp-dev)
if [ "$arch" = x86_64 ]; then command -v nasm >/dev/null || need+=(nasm); fi
if [ ${#need[@]} -gt 0 ]; then
  echo "build-rapidsnark: installing ${need[*]} (benchmark only)" >&2
  sudo=; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get install -y --no-install-recommends "${need[@]}" >&2
fi

asm=ON
[ "$arch" = x86_64 ] || [ "$arch" = aarch64 ] || asm=OFF
platform=
[ "$arch" = aarch64 ] && platform=aarch64

# rapidsnark's CMake writes its nasm objects into <src>/build: build from a copy so that the source
# checkout stays clean and read-only sources work.
work=$build/src
mkdir -p "$build"
rm -rf "$work"
cp -a "$src" "$work"
cmake -S "$work" -B "$build/obj" -DCMAKE_BUILD_TYPE=Release -DUSE_ASM=$asm \
  ${platform:+-DTARGET_PLATFORM=$platform} -DBUILD_TESTS=ON >&2  # (OFF does not configure)
cmake --build "$build/obj" --target prover -j"${JOBS:-2}" >&2
echo "$build/obj/src/prover"
