#!/usr/bin/env bash
# Sets everything up and runs every test: unit tests and end-to-end checks against snarkjs,
# in a release build (then the libFuzzer targets, 30 s each: scripts/fuzz.sh), again under
# AddressSanitizer + UndefinedBehaviorSanitizer, and cross-compiled for aarch64 under qemu-aarch64;
# then the container images (scripts/test-containers.sh: buildah, base and witgen images for amd64
# and arm64, cache-mount rebuild times).
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
    if [ "$preset" = release ]; then
        # libFuzzer targets (docs/fuzzing.md): 30 s each, two at a time; ~4 min with ccache warm.
        echo "== fuzz (30 s per target)"
        bash scripts/deps.sh --fuzz
        FUZZ_PARALLEL=2 bash scripts/fuzz.sh 30
    fi
done
echo "== container images (docs/containers.md)"
bash scripts/test-containers.sh
echo "== all tests passed in $(( $(date +%s) - start ))s"
