#!/usr/bin/env bash
# SPDX-License-Identifier: MIT OR Apache-2.0
# Configures and builds a CMake preset (default: release). Usage: scripts/build.sh [preset]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
preset=${1:-release}
cd "$root"
bash scripts/deps.sh
[ -f "build/$preset/build.ninja" ] || cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -- -j"$(nproc)"
