#!/usr/bin/env bash
# Sets everything up and runs every test: unit tests and end-to-end checks against snarkjs,
# in a release build, again under AddressSanitizer + UndefinedBehaviorSanitizer, and cross-compiled
# for aarch64 under qemu-aarch64; then the container images (scripts/test-containers.sh: buildah,
# base and witgen images for amd64 and arm64, cache-mount rebuild times).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
start=$(date +%s)
bash scripts/deps.sh --cross
bash scripts/npm-tools.sh >/dev/null
for preset in release asan aarch64; do
    echo "== build ($preset)"
    bash scripts/build.sh "$preset"
    echo "== test ($preset)"
    ctest --preset "$preset" -j"$(nproc)" --timeout 1200
done
echo "== container images (docs/containers.md)"
bash scripts/test-containers.sh
echo "== all tests passed in $(( $(date +%s) - start ))s"
