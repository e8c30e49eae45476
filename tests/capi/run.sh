#!/usr/bin/env bash
# SPDX-License-Identifier: MIT OR Apache-2.0
# Installs the build into a temporary prefix, builds tests/capi/capi_test.c as C against the
# installed shared library twice (pkg-config, and CMake's find_package), runs it, and has
# snarkjs verify a proof it produced. Then builds the README's C++ consumer (tests/capi/consumer.cpp,
# which includes <peregrine/prover.h>, where capi_test.c includes "prover.h" as rapidsnark users do)
# with the README's pkg-config command line and CMakeLists.txt, and checks the proofs it makes.
set -euo pipefail
build=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" > /dev/null
# A sanitized library needs the sanitizer runtime in the program too.
san=""
grep -q "^PEREGRINE_SANITIZE:BOOL=ON" "$build/CMakeCache.txt" && san="-fsanitize=address,undefined"
libdir=$(dirname "$(find "$tmp/prefix" -name 'libperegrine.so' | head -1)")

# 1. pkg-config
export PKG_CONFIG_PATH=$libdir/pkgconfig
cc -std=c11 -Wall -Werror $san -o "$tmp/capi_pc" "$root/tests/capi/capi_test.c" $(pkg-config --cflags --libs peregrine) -lpthread
# 2. find_package(Peregrine)
mkdir -p "$tmp/consumer"
cat > "$tmp/consumer/CMakeLists.txt" <<CMAKE
cmake_minimum_required(VERSION 3.22)
project(consumer C)
find_package(Peregrine 0.1 REQUIRED)
find_package(Threads REQUIRED)
add_executable(capi_cmake $root/tests/capi/capi_test.c)
target_link_libraries(capi_cmake PRIVATE Peregrine::peregrine_shared Threads::Threads)
CMAKE
cmake -S "$tmp/consumer" -B "$tmp/consumer/build" -DCMAKE_PREFIX_PATH="$tmp/prefix" -DCMAKE_C_FLAGS="$san" > /dev/null
cmake --build "$tmp/consumer/build" > /dev/null

for exe in "$tmp/capi_pc" "$tmp/consumer/build/capi_cmake"; do
    # The executables must resolve libperegrine.so from the install, not from the build tree.
    deps=$(LD_LIBRARY_PATH=$libdir ldd "$exe")
    grep -q "$libdir/libperegrine.so" <<< "$deps" || { echo "FAIL: $exe not linked to the installed library"; echo "$deps"; exit 1; }
    mkdir -p "$tmp/out"
    LD_LIBRARY_PATH=$libdir "$exe" "$root/tests/fixtures/data" "$tmp/out"
done
snarkjs=$(bash "$root/scripts/npm-tools.sh")/snarkjs
out=$("$snarkjs" groth16 verify "$root/tests/fixtures/data/multi_io/verification_key.json" "$tmp/out/public.json" "$tmp/out/proof.json")
grep -q "OK!" <<< "$out" || { echo "FAIL: snarkjs rejects the C API's proof: $out"; exit 1; }
echo "snarkjs accepts the proof made through the C API"

# 3. The README's consumer: `#include <peregrine/prover.h>`, pkg-config and find_package as written there.
mkdir -p "$tmp/app"
cp "$root/tests/capi/consumer.cpp" "$tmp/app/main.cpp"
(cd "$tmp/app" && c++ -std=c++17 $san main.cpp $(pkg-config --cflags --libs peregrine) -o myapp)
cat > "$tmp/app/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.22)
project(myapp CXX)
find_package(Peregrine REQUIRED)
add_executable(myapp main.cpp)
target_link_libraries(myapp PRIVATE Peregrine::peregrine_shared)
CMAKE
cmake -S "$tmp/app" -B "$tmp/app/build" -DCMAKE_PREFIX_PATH="$tmp/prefix" -DCMAKE_CXX_FLAGS="$san" > /dev/null
cmake --build "$tmp/app/build" > /dev/null
m=$root/tests/fixtures/data/multi_io
for exe in "$tmp/app/myapp" "$tmp/app/build/myapp"; do
    LD_LIBRARY_PATH=$libdir "$exe" "$m/circuit.zkey" "$m/witness.wtns" > "$tmp/app/out.txt"
    sed -n 1p "$tmp/app/out.txt" > "$tmp/app/proof.json"
    sed -n 2p "$tmp/app/out.txt" > "$tmp/app/public.json"
    [ "$(tr -d ' \n' < "$tmp/app/public.json")" = "$(tr -d ' \n' < "$m/public.json")" ] ||
        { echo "FAIL: $exe: public signals differ from the fixture's"; exit 1; }
    "$tmp/prefix/bin/peregrine" verify "$m/verification_key.json" "$tmp/app/public.json" "$tmp/app/proof.json" > /dev/null ||
        { echo "FAIL: $exe: the proof does not verify"; exit 1; }
done
echo "the README's consumer (<peregrine/prover.h>) builds with pkg-config and find_package; its proofs verify"
